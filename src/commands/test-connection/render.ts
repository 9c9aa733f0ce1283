import { type Io, SYMBOLS } from '../../ui/io.js';
import type { CheckStatus } from './checks/check-list.js';
import type { TestConnectionReport } from './report.js';

const MARK: Record<CheckStatus, { symbol: string; color: 'green' | 'red' | 'yellow' | 'dim' }> = {
  pass: { symbol: SYMBOLS.pass, color: 'green' },
  fail: { symbol: SYMBOLS.fail, color: 'red' },
  warn: { symbol: SYMBOLS.warn, color: 'yellow' },
  skip: { symbol: SYMBOLS.skip, color: 'dim' },
};

/** Human output of test-connection: one line per check, the fix under each failure or warning, a verdict. */
export function renderTestConnection(report: TestConnectionReport, io: Io): void {
  const width = Math.max(...report.checks.map((check) => check.title.length)) + 2;
  const indent = ' '.repeat(width + 3);
  for (const check of report.checks) {
    const mark = MARK[check.status];
    const detail = check.status === 'skip' ? io.color.dim(check.detail) : check.detail;
    io.print(`${io.color[mark.color](mark.symbol)}  ${check.title.padEnd(width)}${detail}`);
    if (check.fix && check.status !== 'pass' && check.status !== 'skip') {
      io.print(`${indent}${io.color.bold('Fix:')} ${check.fix}`);
    }
  }
  const failed = report.checks.filter((check) => check.status === 'fail').length;
  const warned = report.checks.filter((check) => check.status === 'warn').length;
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  io.print();
  if (failed > 0) {
    io.print(
      io.color.red(
        `${plural(failed, 'check')} failed${warned > 0 ? `, ${plural(warned, 'warning')}` : ''}: sync cannot run until the failures are fixed.`,
      ),
    );
  } else if (warned > 0) {
    io.print(
      io.color.yellow(
        `Ready to sync, with ${plural(warned, 'warning')}: some data may be missing from the inventory.`,
      ),
    );
  } else {
    io.print(io.color.green('All checks passed: ready to sync.'));
  }
}
