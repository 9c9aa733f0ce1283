import { longName, type OptionTable, shownDefault } from '../../src/cli/option-table.js';

/**
 * Reads the option table of a command's docs page and says how it differs from the command's
 * option table (src/commands/<command>/options.ts): docs/<command>.md's first table headed
 * `| option | default | meaning |` must list every visible option once, by its flags as `--help`
 * shows them, with the default `--help` shows (`off` for a flag, `—` for none) and a meaning that
 * starts with the `--help` line (more may follow it). Global options may be listed too, as the
 * global table says them.
 */

export interface DocsOptionRow {
  option: string;
  default: string;
  meaning: string;
}

const HEADER = ['option', 'default', 'meaning'];

/** Markdown cell text as a reader sees it: no code ticks, links reduced to their text, `\|` as `|`. */
export function plainText(cell: string): string {
  return cell
    .replace(/\\\|/g, '|')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .replace(/\*\*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function cellsOf(line: string): string[] {
  const body = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return body.split(/(?<!\\)\|/).map((cell) => cell.trim());
}

/** The rows of the page's option table, or undefined when the page has none. */
export function docsOptionRows(markdown: string): DocsOptionRow[] | undefined {
  const lines = markdown.split('\n');
  const start = lines.findIndex(
    (line) =>
      line.trim().startsWith('|') &&
      cellsOf(line)
        .map((cell) => cell.toLowerCase())
        .join('|') === HEADER.join('|'),
  );
  if (start === -1) return undefined;
  const rows: DocsOptionRow[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.trim().startsWith('|')) break;
    const [option = '', defaultCell = '', ...meaning] = cellsOf(line).map(plainText);
    rows.push({ option, default: defaultCell, meaning: meaning.join(' | ') });
  }
  return rows;
}

/** The default cell the docs must show for an option. */
export function docsDefault(spec: OptionTable[string]): string {
  const shown = shownDefault(spec);
  if (shown !== undefined) return plainText(shown);
  return spec.flags.includes('<') ? '—' : 'off';
}

/** Each way the docs' table differs from the command's table; empty when they agree. */
export function docsDrift(markdown: string, table: OptionTable, globals: OptionTable = {}): string[] {
  const rows = docsOptionRows(markdown);
  if (rows === undefined) return [`no option table (a table headed | ${HEADER.join(' | ')} |)`];
  const problems: string[] = [];
  const visible = Object.values(table).filter((spec) => !spec.hidden);
  const byFlags = new Map([...Object.values(globals), ...visible].map((spec) => [spec.flags, spec]));
  const seen = new Set<string>();
  for (const row of rows) {
    const spec = byFlags.get(row.option);
    if (spec === undefined) {
      problems.push(`${row.option}: listed, but the command has no such option (or not with these flags)`);
      continue;
    }
    if (seen.has(row.option)) problems.push(`${row.option}: listed twice`);
    seen.add(row.option);
    const expectedDefault = docsDefault(spec);
    if (row.default !== expectedDefault)
      problems.push(`${row.option}: default "${row.default}", but --help says "${expectedDefault}"`);
    const help = plainText(spec.help);
    const rest = row.meaning.slice(help.length);
    if (!row.meaning.startsWith(help) || /^[\p{L}\p{N}]/u.test(rest))
      problems.push(`${row.option}: meaning "${row.meaning}" does not start with the --help line "${help}"`);
  }
  for (const spec of visible)
    if (!seen.has(spec.flags)) problems.push(`${spec.flags}: missing (${longName(spec.flags)} is in --help)`);
  return problems;
}
