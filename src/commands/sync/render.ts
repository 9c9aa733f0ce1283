import type { SyncResult } from '../../sync/sync-result.js';
import type { Io } from '../../ui/io.js';

const formatCount = (value: number) => value.toLocaleString('en-US');

/** The human summary: a table of entity, count and file, then the snapshot path. */
export function renderSyncResult(
  result: SyncResult,
  io: Io,
  demo: { demo: boolean; outputDir?: string | undefined } = { demo: false },
): void {
  const rows = result.entities.map((entry) => [
    entry.entity,
    entry.count === null ? '-' : formatCount(entry.count),
    entry.file ?? `skipped: ${entry.skipped}`,
  ]);
  const header = ['entity', 'count', 'file'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 1 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  io.print(io.color.bold(line(header)));
  for (const row of rows) io.print(line(row));
  io.print('');
  io.print(`Snapshot (${result.status}): ${result.snapshot.dir}`);
  if (demo.demo) {
    const from =
      demo.outputDir === undefined ? '--demo' : `--demo --output-dir ${quoteForShell(demo.outputDir)}`;
    io.print('');
    io.print('Export it from this folder, e.g.:');
    io.print(`  okta-connector export ${from} --view licence-usage --output licences.html`);
    io.print(`  okta-connector export ${from} --view users --output users.csv`);
  }
}

/** A word as sh reads it: unchanged when safe, else in single quotes. */
function quoteForShell(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
