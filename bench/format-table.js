/** Plain-text tables for the terminal and for docs/performance.md (Markdown). */

const seconds = (ms) => (ms === undefined ? '—' : (ms / 1000).toFixed(1));
/** A run stopped by its time limit took longer than it shows: "> 900.0". */
const wallOf = (run) => `${run.timedOut ? '> ' : ''}${seconds(run.wallMs)}`;
const ratio = (value) => (value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(2));
const count = (value) => (value === undefined ? '—' : value.toLocaleString('en-US'));

/** One table row per run: sync in each format, export, and the SDK baselines. */
export function resultRows(results) {
  return results
    .filter((run) => run.kind !== 'diff')
    .map((run) => {
      const failed = run.failure ? ` (${run.failure})` : '';
      if (run.kind === 'export' && !run.available) {
        return [run.size, `export ${run.view}`, 'not available', '', '', '', '', '', '', '', '', ''];
      }
      const binding = run.floor?.bucket;
      const made = binding ? run.requests?.byBucket?.[binding] : undefined;
      const needed = binding ? run.floor.requests : undefined;
      const requests =
        run.requests === undefined
          ? '—'
          : `${binding ? `${count(made)}/${count(needed)} ${binding.replace('/api/v1/', '')}; ` : ''}${count(run.requests.total)}/${count(run.requests.needed)} all`;
      return [
        run.size,
        `${run.label}${failed}`,
        wallOf(run),
        run.floor ? `${seconds(run.floor.floorMs)} ${binding.replace('/api/v1/', '')}` : '—',
        run.floor ? `${run.timedOut ? '> ' : ''}${ratio(run.wallMs / run.floor.floorMs)}` : '—',
        requests,
        count(run.rateLimited),
        count(run.retries),
        run.peakRssKb === undefined ? '—' : (run.peakRssKb / 1024).toFixed(0),
        run.userS === undefined ? '—' : (run.userS + run.systemS).toFixed(1),
        run.records === undefined ? '—' : count(Math.round(run.records / (run.wallMs / 1000))),
        run.load ? run.load.before.map((value) => value.toFixed(1)).join(' ') : '—',
      ];
    });
}

export const RESULT_HEADER = [
  'size',
  'run',
  'wall s',
  'floor s (binding)',
  'wall/floor',
  'requests made/needed',
  '429s',
  'retries',
  'peak RSS MB',
  'CPU s',
  'records/s',
  'load 1/5/15 m',
];

/** okta-connector's wall time as a fraction of each SDK baseline's, per size and format. */
export function baselineRows(results) {
  const rows = [];
  for (const sync of results.filter((run) => run.kind === 'sync')) {
    // A baseline stopped by its time limit still bounds the ratio: okta-connector ÷ (more than that).
    const baseline = (mode) =>
      results.find(
        (run) =>
          run.kind === 'sdk' && run.size === sync.size && run.mode === mode && (!run.failure || run.timedOut),
      );
    const cell = (mode) => {
      const sdk = baseline(mode);
      if (!sdk) return '—';
      return `${sdk.timedOut ? '< ' : ''}${ratio(sync.wallMs / sdk.wallMs)} (${wallOf(sdk)} s)`;
    };
    rows.push([sync.size, sync.format, seconds(sync.wallMs), cell('default'), cell('max')]);
  }
  return rows;
}

export const BASELINE_HEADER = [
  'size',
  'format',
  'okta-connector wall s',
  '÷ SDK default pages (SDK wall)',
  '÷ SDK max pages (SDK wall)',
];

/** Columns padded to their widest cell. */
export function textTable(header, rows) {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => String(row[column]).length)),
  );
  const line = (cells) =>
    cells
      .map((cell, column) => String(cell).padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** The same as a Markdown table. */
export function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.map((cell) => String(cell).replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * `export --view assignments` against its read baseline, per snapshot: rows per second of the export,
 * the seconds of a plain read of the same files (parsed; and bytes only), and export ÷ read.
 */
export function exportRows(results) {
  return results
    .filter((run) => run.kind === 'export' && run.available && run.read)
    .map((run) => {
      const failed = run.failure ? ` (${run.failure})` : '';
      const cpu = (measured) =>
        measured?.userS === undefined ? '—' : (measured.userS + measured.systemS).toFixed(1);
      const rss = (measured) =>
        measured?.peakRssKb === undefined ? '—' : (measured.peakRssKb / 1024).toFixed(0);
      return [
        run.size,
        `${run.format}${failed}`,
        count(run.rows),
        seconds(run.wallMs),
        run.rowsPerS === undefined ? '—' : count(Math.round(run.rowsPerS)),
        seconds(run.read.wallMs),
        seconds(run.readBytesOnly?.wallMs),
        ratio(run.joinOverRead),
        `${cpu(run)} / ${cpu(run.read)} (${ratio(run.joinOverReadCpu)})`,
        `${rss(run)} / ${rss(run.read)}`,
        run.load ? run.load.before.map((value) => value.toFixed(1)).join(' ') : '—',
      ];
    });
}

export const EXPORT_HEADER = [
  'snapshot',
  'format',
  'assignments rows',
  'export (join) s',
  'rows/s',
  'read s (parse)',
  'read s (bytes only)',
  'join ÷ read',
  'CPU s join / read (÷)',
  'peak RSS MB join / read',
  'load 1/5/15 m',
];

/**
 * `diff` of two snapshots against its read baseline (both snapshots' compared entities through
 * export's reader, parsed and dropped, once each): seconds, peak RSS and diff ÷ read.
 */
export function diffRows(results) {
  return results
    .filter((run) => run.kind === 'diff')
    .map((run) => {
      const failed = run.failure ? ` (${run.failure})` : '';
      const cpu = (measured) =>
        measured?.userS === undefined ? '—' : (measured.userS + measured.systemS).toFixed(1);
      const rss = (measured) =>
        measured?.peakRssKb === undefined ? '—' : (measured.peakRssKb / 1024).toFixed(0);
      return [
        run.size,
        `${run.label}${failed}`,
        count(run.records),
        count(run.changes),
        seconds(run.wallMs),
        seconds(run.read?.wallMs),
        ratio(run.diffOverRead),
        `${cpu(run)} / ${cpu(run.read)}`,
        `${rss(run)} / ${rss(run.read)}`,
        run.load ? run.load.before.map((value) => value.toFixed(1)).join(' ') : '—',
      ];
    });
}

export const DIFF_HEADER = [
  'snapshots',
  'from → to',
  'records read',
  'changes',
  'diff s',
  'read s (both, parse)',
  'diff ÷ read',
  'CPU s diff / read',
  'peak RSS MB diff / read',
  'load 1/5/15 m',
];
