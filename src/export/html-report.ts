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
:root { --used: #2f6f3e; --unused: #d9822b; --spare: #d5d9de; --line: #c8ccd0; --muted: #5b6168; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; color: #1d2125; margin: 24px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 8px; }
p.meta { color: var(--muted); margin: 0 0 4px; }
dl.totals { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 16px 0; }
dl.totals div { min-width: 120px; }
dl.totals dt { color: var(--muted); font-size: 12px; }
dl.totals dd { margin: 0; font-size: 20px; font-weight: 600; }
.legend { display: flex; gap: 18px; font-size: 12px; color: var(--muted); margin: 4px 0 8px; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 6px; vertical-align: -1px; background: var(--c); }
svg.chart { display: block; max-width: 100%; height: auto; }
svg.chart text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; fill: #1d2125; }
svg.chart .used { fill: var(--used); } svg.chart .unused { fill: var(--unused); } svg.chart .spare { fill: var(--spare); }
div.table { overflow-x: auto; }
table { border-collapse: collapse; min-width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: start; vertical-align: top; white-space: pre-wrap; overflow-wrap: break-word; max-width: 28em; unicode-bidi: plaintext; }
th { position: sticky; top: 0; background: #f3f5f7; cursor: pointer; user-select: none; white-space: nowrap; }
th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
td.n { text-align: end; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #fafbfc; }
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

/**
 * Writes a self-contained HTML report: inline CSS and a small inline script, no external resource
 * (the page's content security policy forbids every fetch), every value escaped, `dir="auto"` and
 * `unicode-bidi: plaintext` so right-to-left labels read correctly, and print CSS. The table streams
 * row by row, so a report of many rows never sits in memory.
 */
export class HtmlReportWriter {
  readonly #sink: OutputSink;
  readonly #columns: OutputColumn[];

  constructor(sink: OutputSink, columns: OutputColumn[]) {
    this.#sink = sink;
    this.#columns = columns;
  }

  /** The document head, the title block, then `before` (totals, chart), then the table head. */
  async start(heading: HtmlReportHeading, before = ''): Promise<void> {
    const meta = heading.meta.map((line) => `<p class="meta" dir="auto">${escapeHtml(line)}</p>`).join('\n');
    const head = this.#columns.map((column) => `<th scope="col">${escapeHtml(column.name)}</th>`).join('');
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
<h1 dir="auto">${escapeHtml(heading.title)}</h1>
${meta}
${before}
<h2>Table</h2>
<p class="meta screen-only">Click a column heading to sort by it.</p>
<div class="table"><table class="sortable">
<thead><tr>${head}</tr></thead>
<tbody>
`,
    );
  }

  async write(row: Row): Promise<void> {
    const cells = this.#columns.map((column) => {
      const value = column.read(row);
      if (typeof value === 'number')
        return `<td class="n" data-v="${value}">${escapeHtml(value.toLocaleString('en-US'))}</td>`;
      return `<td dir="auto">${escapeHtml(cellText(value))}</td>`;
    });
    await this.#sink.write(`<tr>${cells.join('')}</tr>\n`);
  }

  async end(footer: string): Promise<void> {
    await this.#sink.write(
      `</tbody>
</table></div>
<footer>${escapeHtml(footer)}</footer>
<script>${SORT_SCRIPT}
</script>
</body>
</html>
`,
    );
  }
}

/** One app's bar: seats in use, assigned but unused, and bought but unassigned. */
export interface SeatBar {
  label: string;
  used: number;
  unused: number;
  /** Seats bought (`licensing.seatCount`) and not assigned to anyone; 0 without a seat count. */
  spare: number;
}

/** Cuts a label for the chart (the full text is in the bar's tooltip and in the table). */
function shortLabel(label: string, max = 38): string {
  const flat = label.replace(/\s+/g, ' ');
  const chars = Array.from(flat);
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}

/** A horizontal stacked bar chart as inline SVG, one bar per app, scaled to the largest bar. */
export function seatChartSvg(bars: SeatBar[]): string {
  const labelWidth = 280;
  const barWidth = 520;
  const numberWidth = 150;
  const rowHeight = 22;
  const top = 4;
  const width = labelWidth + barWidth + numberWidth;
  const height = top + bars.length * rowHeight + 4;
  const largest = Math.max(1, ...bars.map((bar) => bar.used + bar.unused + bar.spare));
  const scale = (count: number) => (count * barWidth) / largest;
  const rows = bars.map((bar, index) => {
    const y = top + index * rowHeight;
    const used = scale(bar.used);
    const unused = scale(bar.unused);
    const spare = scale(bar.spare);
    const total = bar.used + bar.unused + bar.spare;
    const title = `${bar.label}: ${bar.used} used, ${bar.unused} assigned but unused${bar.spare > 0 ? `, ${bar.spare} unassigned seats` : ''}`;
    const rect = (x: number, w: number, kind: string) =>
      w > 0
        ? `<rect class="${kind}" x="${(labelWidth + x).toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowHeight - 6}"/>`
        : '';
    return `<g><title>${escapeHtml(title)}</title><text x="${labelWidth - 8}" y="${y + rowHeight / 2 + 4}" text-anchor="end">${escapeHtml(shortLabel(bar.label))}</text>${rect(0, used, 'used')}${rect(used, unused, 'unused')}${rect(used + unused, spare, 'spare')}<text x="${labelWidth + barWidth + 8}" y="${y + rowHeight / 2 + 4}">${bar.used.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}</text></g>`;
  });
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Seats used and unused per app">
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
