import { UsageError } from '../errors.js';

/**
 * How many snapshots a scheduled sync keeps when `schedule install` is given no `--keep`: two weeks
 * of nightly runs, so `diff` can reach back over a long weekend or a holiday and a streak of partial
 * runs never leaves only bad snapshots, while the folder stays bounded at 14 times one snapshot.
 * docs/scheduling.md says why in more words.
 */
export const DEFAULT_SCHEDULED_KEEP = 14;

const WHOLE_NUMBER = /^[1-9]\d*$/;

/**
 * `--keep` of `schedule install`/`print`: a whole number of at least 1, or `all` (no pruning).
 * @returns the number to pass to sync's `--keep`, or null for `all`.
 * @throws UsageError for anything else.
 */
export function parseScheduledKeep(value: string | undefined): number | null {
  if (value === undefined) return DEFAULT_SCHEDULED_KEEP;
  const text = value.trim().toLowerCase();
  if (text === 'all') return null;
  if (!WHOLE_NUMBER.test(text)) {
    throw new UsageError(`--keep takes a whole number of at least 1, or "all"; got "${value}".`, {
      hint: `Without --keep the scheduled sync keeps the newest ${DEFAULT_SCHEDULED_KEEP} snapshots; "all" keeps every one (the folder then grows without bound).`,
    });
  }
  return Number(text);
}

/** The `--keep` of a scheduled command line, or null when it has none (every snapshot is kept). */
export function keepOfArgv(argv: readonly string[]): number | null {
  const at = argv.indexOf('--keep');
  const value = at >= 0 ? argv[at + 1] : undefined;
  return value !== undefined && WHOLE_NUMBER.test(value) ? Number(value) : null;
}
