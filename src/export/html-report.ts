import type { OutputSink } from './output-sink.js';
import type { OutputColumn } from './row-writer.js';

type Row = Record<string, unknown>;

/** Escapes text for HTML content and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}
const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(cellText).join('; ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Nothing may load from the network: the policy forbids every fetch, and only inline styles and the
 * inline sorting script run. The file stays readable offline, by mail, and in an archive.
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'";

const STYLE = `
:root { --used: #2f6f3e; --unused: #d9822b; --spare: #d5d9de; --over: #c62828; --line: #c8ccd0; --muted: #5b6168; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; color: #1d2125; margin: 24px; }
main { display: flex; flex-direction: column; }
main > * { min-width: 0; }
.first { order: -1; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 8px; }
p.meta { color: var(--muted); margin: 0 0 4px; }
dl.totals { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 16px 0; }
dl.totals div { min-width: 120px; }
dl.totals dt { color: var(--muted); font-size: 12px; }
dl.totals dd { margin: 0; font-size: 20px; font-weight: 600; }
dl.totals div.over dd, dl.totals div.over dt { color: var(--over); }
.alert { border: 2px solid var(--over); border-left-width: 8px; background: #fdecea; padding: 10px 14px; margin: 16px 0; }
.alert h2 { color: var(--over); margin: 0 0 6px; }
.alert ul { margin: 0; padding-inline-start: 20px; }
.alert strong { color: var(--over); }
.note { color: var(--muted); font-size: 12px; margin: 4px 0 8px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 12px; color: var(--muted); margin: 4px 0 8px; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 6px; vertical-align: -1px; background: var(--c); }
.legend span.seat::before { width: 3px; height: 14px; vertical-align: -3px; }
svg.chart { display: block; max-width: 100%; height: auto; }
svg.chart text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; fill: #1d2125; }
svg.chart .used { fill: var(--used); } svg.chart .unused { fill: var(--unused); } svg.chart .spare { fill: var(--spare); }
svg.chart .over { fill: var(--over); } svg.chart .seat { fill: #1d2125; } svg.chart .frame { fill: none; stroke: var(--line); }
svg.chart text.over { fill: var(--over); font-weight: 700; } svg.chart text.none { fill: var(--muted); font-style: italic; }
div.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: start; vertical-align: top; white-space: pre-wrap; overflow-wrap: break-word; max-width: 24em; unicode-bidi: plaintext; }
th { position: sticky; top: 0; background: #f3f5f7; cursor: pointer; user-select: none; white-space: normal; overflow-wrap: normal; font-weight: 600; min-width: 4.5em; }
th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
td.n { text-align: end; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.d { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.over { color: var(--over); font-weight: 700; }
tbody tr:nth-child(even) { background: #fafbfc; }
tbody tr.over { background: #fdecea; }
footer { margin-top: 24px; color: var(--muted); font-size: 12px; }
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  body { margin: 0; font-size: 10px; }
  div.table { overflow: visible; }
  table { font-size: 8px; }
  th, td { padding: 2px 4px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  th { position: static; cursor: auto; }
  th::after { content: "" !important; }
  thead { display: table-header-group; }
  tr, svg.chart g { break-inside: avoid; }
  .screen-only { display: none; }
}`;

/** Sorts a table by the clicked column: numbers numerically, text by locale; a second click reverses. */
const SORT_SCRIPT = `
document.querySelectorAll("table.sortable").forEach(function (table) {
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, index) {
    th.tabIndex = 0;
    function sort() {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(heads, function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var key = function (row) {
        var cell = row.cells[index];
        var value = cell.getAttribute("data-v");
        return value === null ? cell.textContent : value;
      };
      var numeric = rows.every(function (row) { var v = key(row); return v === "" || !isNaN(Number(v)); });
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (x === "" || y === "") return x === y ? 0 : x === "" ? 1 : -1;
        var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (event) { if (event.key === "Enter") sort(); });
  });
});`;

export interface HtmlReportHeading {
  title: string;
  /** Lines under the title (snapshot, org, rule). */
  meta: string[];
}

/** How the report's table shows its columns. */
export interface HtmlTableOptions {
  /** The heading a person reads for a column; its data name stays in the heading's tooltip. */
  heading?: (column: string) => string;
  /** Marks a row (and its cells of `overColumn`) as over-allocated. */
  isOver?: (row: Row) => boolean;
  /** The column whose cell is shown in the over-allocated style. */
  overColumn?: string;
}

const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z$/;

/**
 * Writes a self-contained HTML report: inline CSS and a small inline script, no external resource
 * (the page's content security policy forbids every fetch), every value escaped, `dir="auto"` and
 * `unicode-bidi: plaintext` so right-to-left labels read correctly, and print CSS. The table streams
 * row by row, so a report of many rows never sits in memory; what is known only at the end (a
 * summary) is written after the table and shown above it (`class="first"`, CSS order).
 */
export class HtmlReportWriter {
  readonly #sink: OutputSink;
  readonly #columns: OutputColumn[];
  readonly #options: HtmlTableOptions;

  constructor(sink: OutputSink, columns: OutputColumn[], options: HtmlTableOptions = {}) {
    this.#sink = sink;
    this.#columns = columns;
    this.#options = options;
  }

  /** The document head, the title block, then `before` (totals, chart), then the table head. */
  async start(heading: HtmlReportHeading, before = ''): Promise<void> {
    const meta = heading.meta.map((line) => `<p class="meta" dir="auto">${escapeHtml(line)}</p>`).join('\n');
    const name = this.#options.heading ?? ((column: string) => column);
    const head = this.#columns
      .map(
        (column) =>
          `<th scope="col" title="${escapeHtml(column.name)}">${escapeHtml(name(column.name))}</th>`,
      )
      .join('');
    await this.#sink.write(
      `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(heading.title)}</title>
<style>${STYLE}
</style>
</head>
<body>
<main>
<header class="first">
<h1 dir="auto">${escapeHtml(heading.title)}</h1>
${meta}
</header>
${before}
<section class="report-table">
<h2>Table</h2>
<p class="meta screen-only">Click a column heading to sort by it.</p>
<div class="table"><table class="sortable">
<thead><tr>${head}</tr></thead>
<tbody>
`,
    );
  }

  async write(row: Row): Promise<void> {
    const over = this.#options.isOver?.(row) ?? false;
    const cells = this.#columns.map((column) => {
      const value = column.read(row);
      const overCell = over && column.name === this.#options.overColumn ? ' over' : '';
      if (typeof value === 'number')
        return `<td class="n${overCell}" data-v="${value}">${escapeHtml(value.toLocaleString('en-US'))}</td>`;
      if (typeof value === 'string') {
        const instant = ISO_INSTANT.exec(value);
        if (instant) {
          return `<td class="d" data-v="${escapeHtml(value)}"><time datetime="${escapeHtml(value)}" title="${instant[1]} ${instant[2]} UTC">${instant[1]}</time></td>`;
        }
      }
      return `<td dir="auto">${escapeHtml(cellText(value))}</td>`;
    });
    await this.#sink.write(`<tr${over ? ' class="over"' : ''}>${cells.join('')}</tr>\n`);
  }

  /** Closes the table; `summary` (HTML) is shown above everything but the title. */
  async end(footer: string, summary = ''): Promise<void> {
    await this.#sink.write(
      `</tbody>
</table></div>
</section>
${summary === '' ? '' : `<section class="first">${summary}</section>\n`}<footer>${escapeHtml(footer)}</footer>
</main>
<script>${SORT_SCRIPT}
</script>
</body>
</html>
`,
    );
  }
}

/** One app's bar in the seat chart. */
export interface SeatBar {
  label: string;
  /** Seats bought (`licensing.seatCount`); null when Okta does not know. */
  seats: number | null;
  assigned: number;
  /** Assigned users active within the report's days. */
  active: number;
}

/** Cuts a label for the chart (the full text is in the bar's tooltip and in the table). */
function shortLabel(label: string, max = 36): string {
  const flat = label.replace(/\s+/g, ' ');
  const chars = Array.from(flat);
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}

const count = (value: number) => value.toLocaleString('en-US');

/**
 * A horizontal bar chart as inline SVG, one bar per app, in the order given. Each bar has its own
 * scale: its full length is the larger of seats bought and users assigned, so an app of 3 users reads
 * as well as one of 100,000 beside it (one linear scale would crush the small ones to slivers); the
 * figures beside each bar give the sizes. Segments: active, assigned but not active, seats bought but
 * not assigned; a black mark where the bought seats end, and a red band with the number where more
 * users are assigned than seats were bought. An app nobody is assigned to says so.
 */
export function seatChartSvg(bars: SeatBar[], activeDays: number): string {
  const labelWidth = 250;
  const barWidth = 480;
  const numberWidth = 470;
  const rowHeight = 26;
  const top = 4;
  const width = labelWidth + barWidth + numberWidth;
  const height = top + bars.length * rowHeight + 4;
  const rows = bars.map((bar, index) => {
    const y = top + index * rowHeight;
    const textY = y + rowHeight / 2 + 4;
    const full = Math.max(bar.seats ?? 0, bar.assigned);
    const scale = (value: number) => (full > 0 ? (value * barWidth) / full : 0);
    const over = bar.seats !== null && bar.assigned > bar.seats ? bar.assigned - bar.seats : 0;
    const unassigned = bar.seats !== null && bar.seats > bar.assigned ? bar.seats - bar.assigned : 0;
    const notActive = bar.assigned - bar.active;
    const rect = (x: number, w: number, kind: string, y0 = y + 4, h = rowHeight - 10) =>
      w > 0
        ? `<rect class="${kind}" x="${(labelWidth + x).toFixed(1)}" y="${y0}" width="${Math.max(w, 1.5).toFixed(1)}" height="${h}"/>`
        : '';
    const parts = [
      `<rect class="frame" x="${labelWidth}" y="${y + 4}" width="${barWidth}" height="${rowHeight - 10}"/>`,
      rect(0, scale(bar.active), 'used'),
      rect(scale(bar.active), scale(notActive), 'unused'),
      rect(scale(bar.assigned), scale(unassigned), 'spare'),
      over > 0 ? rect(scale(bar.seats!), scale(over), 'over', y + rowHeight - 7, 4) : '',
      bar.seats !== null && bar.seats > 0 && full > 0
        ? `<rect class="seat" x="${(labelWidth + scale(bar.seats) - 1).toFixed(1)}" y="${y + 1}" width="2" height="${rowHeight - 3}"/>`
        : '',
    ];
    const seatsText =
      bar.seats === null ? 'seats unknown' : `${count(bar.seats)} ${bar.seats === 1 ? 'seat' : 'seats'}`;
    let figures: string;
    if (bar.assigned === 0) {
      figures = `nobody assigned${bar.seats === null ? '' : ` · ${seatsText} bought`}`;
    } else {
      figures = `${count(bar.active)} active of ${count(bar.assigned)} assigned · ${seatsText}`;
      if (over > 0) figures += ` · <tspan class="over">${count(over)} over-allocated</tspan>`;
      else if (unassigned > 0) figures += ` · ${count(unassigned)} not assigned`;
    }
    const title = `${bar.label}: ${count(bar.active)} active within ${activeDays} days, ${count(notActive)} assigned but not active, ${count(bar.assigned)} assigned, ${seatsText}${over > 0 ? `, ${count(over)} more assigned than seats bought` : ''}${unassigned > 0 ? `, ${count(unassigned)} seats not assigned` : ''}`;
    return `<g${over > 0 ? ' class="over"' : ''}><title>${escapeHtml(title)}</title><text x="${labelWidth - 8}" y="${textY}" text-anchor="end"${over > 0 ? ' class="over"' : ''}>${escapeHtml(shortLabel(bar.label))}</text>${parts.join('')}<text x="${labelWidth + barWidth + 10}" y="${textY}"${bar.assigned === 0 ? ' class="none"' : ''}>${figures}</text></g>`;
  });
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Seats and users per app">
${rows.join('\n')}
</svg>`;
}

/**
 * A whole self-contained page around `body` (already escaped HTML): the same head, style, content
 * security policy and sorting script as the table report, for reports of several sections (diff).
 * A `table.sortable` in `body` sorts by a click on its headings.
 */
export function htmlPage(heading: HtmlReportHeading, body: string, footer: string): string {
  const meta = heading.meta.map((line) => `<p class="meta" dir="auto">${escapeHtml(line)}</p>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(heading.title)}</title>
<style>${STYLE}
</style>
</head>
<body>
<h1 dir="auto">${escapeHtml(heading.title)}</h1>
${meta}
${body}
<footer>${escapeHtml(footer)}</footer>
<script>${SORT_SCRIPT}
</script>
</body>
</html>
`;
}
