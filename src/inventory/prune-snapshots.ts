import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { readLatestPointer } from './latest-pointer.js';
import { listSnapshots } from './list-snapshots.js';
import { profileDir } from './profile-dir.js';
import { removeStaleWork, trashFolderName } from './remove-stale-work.js';

export interface PruneSnapshotsOptions {
  outputDir: string;
  profile: string;
  /** How many snapshots (complete or partial) to keep, newest first. At least 1. */
  keep: number;
}

/**
 * Removes the oldest snapshots of a profile beyond the `keep` newest. Never removes the snapshot
 * `latest.json` names (so `keep: 1` after a partial run keeps two), never a folder that is not a
 * snapshot, never a `.partial-*` folder of a live process. A snapshot is first renamed to
 * `.trash-<id>-<pid>` and then deleted, so one cut short never looks whole; a corrupt `latest.json`
 * stops the pruning (it would not be known which snapshot to protect).
 */
export async function pruneSnapshots(
  options: PruneSnapshotsOptions,
): Promise<{ removed: string[]; kept: string[] }> {
  const { outputDir, profile, keep } = options;
  if (!Number.isSafeInteger(keep) || keep < 1) {
    throw new UsageError(`Cannot keep ${keep} snapshots: the number must be a whole number of at least 1.`);
  }
  const base = profileDir(outputDir, profile);
  const protectedId = (await readLatestPointer(base))?.snapshot;
  await removeStaleWork(base);

  const snapshots = await listSnapshots(outputDir, profile);
  const removed: string[] = [];
  const kept: string[] = [];
  snapshots.forEach((snapshot, index) => {
    const old = index < snapshots.length - keep;
    (old && snapshot.id !== protectedId ? removed : kept).push(snapshot.id);
  });
  for (const id of removed) {
    const trash = join(base, trashFolderName(id));
    await rename(join(base, id), trash);
    await rm(trash, { recursive: true, force: true });
  }
  return { removed, kept };
}
