import { basename, dirname } from 'node:path';
import { ConfigError } from '../errors.js';
import type { OpenedSnapshot } from '../export/open-snapshot.js';
import { listSnapshots } from '../inventory/list-snapshots.js';
import { compareSnapshotIds, isSnapshotId } from '../inventory/snapshot-id.js';

/**
 * The default `--from`: the newest **complete** snapshot older than `to`, in `to`'s own profile
 * folder (so `--to <folder>` of another output folder finds its predecessor there too).
 * @returns the folder of that snapshot
 * @throws ConfigError when there is none
 */
export async function previousCompleteSnapshot(to: OpenedSnapshot): Promise<string> {
  const profileFolder = dirname(to.dir);
  const id = basename(to.dir);
  const earlier = isSnapshotId(id)
    ? (await listSnapshots(dirname(profileFolder), basename(profileFolder))).filter(
        (entry) => entry.status === 'complete' && compareSnapshotIds(entry.id, id) < 0,
      )
    : [];
  const previous = earlier.at(-1);
  if (!previous) {
    throw new ConfigError(
      `There is no complete snapshot before ${to.id} in ${profileFolder} to compare it with.`,
      {
        hint: 'Run sync again to have two snapshots, or name the older one with --from <snapshot>.',
      },
    );
  }
  return previous.dir;
}
