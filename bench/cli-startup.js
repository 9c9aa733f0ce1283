/**
 * `npm run bench -- --cli-startup [--runs 9]`: how long the built CLI takes to print `--help` and
 * `--version`, against `node -e 0` on the same machine in the same run (issue 16: `--help` at most
 * 2x `node -e 0`, median of 9 runs). The commands are run in rounds, one of each per round in turn,
 * so a machine that gets busier mid-run slows all of them alike; the ratio of the medians is the figure.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';

/** What is measured: a label and the arguments of `node`. */
function cases(root) {
  const bin = join(root, 'bin', 'okta-connector.js');
  return [
    ['node -e 0', ['-e', '0']],
    ['--help', [bin, '--help']],
    ['--version', [bin, '--version']],
    ['sync --help', [bin, 'sync', '--help']],
    ['export --help', [bin, 'export', '--help']],
    ['schedule install --help', [bin, 'schedule', 'install', '--help']],
  ];
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function timeOnce(args, root) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0)
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

/** Runs the rounds and prints a table of medians and ratios to `node -e 0`; returns the figures. */
export function runCliStartupBench({ root, runs = 9, out = process.stdout }) {
  const measured = cases(root);
  // One warm-up round: the first start reads files the page cache does not hold yet.
  for (const [, args] of measured) timeOnce(args, root);
  const times = measured.map(() => []);
  for (let round = 0; round < runs; round++) {
    for (const [index, [, args]] of measured.entries()) times[index].push(timeOnce(args, root));
  }
  const base = median(times[0]);
  const rows = measured.map(([label], index) => {
    const ms = median(times[index]);
    return { label, medianMs: Math.round(ms), ratio: Number((ms / base).toFixed(2)) };
  });
  out.write(
    `cli startup: median of ${runs} runs each, interleaved; load ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')} (a shared machine)\n`,
  );
  const width = Math.max(...rows.map((row) => row.label.length));
  out.write(`${'command'.padEnd(width)}  median ms  x node -e 0\n`);
  for (const row of rows)
    out.write(
      `${row.label.padEnd(width)}  ${String(row.medianMs).padStart(9)}  ${row.ratio.toFixed(2).padStart(11)}\n`,
    );
  const help = rows.find((row) => row.label === '--help');
  out.write(`--help / node -e 0 = ${help.ratio.toFixed(2)} (target: at most 2.00)\n`);
  return rows;
}
