import { previousCompleteSnapshot } from '../../diff/previous-snapshot.js';
import { UsageError } from '../../errors.js';
import { type OpenedSnapshot, openSnapshot } from '../../export/open-snapshot.js';
import type { Env } from '../../ui/io.js';

/** Where diff's two snapshots are looked up, and `--from` / `--to` as given. */
export interface SnapshotPairOptions {
  from: string | undefined;
  to: string | undefined;
  outputDir: string;
  profile: string;
  env: Env;
  cwd: string;
  warn: (message: string) => void;
  signal: AbortSignal | undefined;
}

/**
 * Opens `--to` (default latest) and `--from` (default the complete snapshot before `--to`), and
 * refuses two snapshots of different orgs (exit 2).
 */
export async function openSnapshotPair(
  options: SnapshotPairOptions,
): Promise<{ from: OpenedSnapshot; to: OpenedSnapshot }> {
  // A diff compares what each snapshot holds: an entity a narrowed run did not read is "not
  // compared", never filled in from an older snapshot as export does for `latest`.
  const open = async (snapshot: string | undefined): Promise<OpenedSnapshot> => ({
    ...(await openSnapshot({
      snapshot,
      outputDir: options.outputDir,
      profile: options.profile,
      env: options.env,
      cwd: options.cwd,
      warn: options.warn,
      signal: options.signal,
      snapshotFlag: '--from <snapshot> --to <snapshot>',
    })),
    borrowed: undefined,
    onBorrow: undefined,
  });
  const to = await open(options.to);
  const from =
    options.from === undefined ? await open(await previousCompleteSnapshot(to)) : await open(options.from);
  if (sameOrg(from.manifest.org) !== sameOrg(to.manifest.org)) {
    throw new UsageError(
      `Snapshot ${from.id} is of ${from.manifest.org} and snapshot ${to.id} of ${to.manifest.org}: diff compares two snapshots of the same org.`,
      { hint: 'Name two snapshots of one org with --from and --to.' },
    );
  }
  return { from, to };
}

/** Origins compare case-insensitively and without a trailing slash. */
function sameOrg(org: string): string {
  return org.trim().replace(/\/+$/, '').toLowerCase();
}
