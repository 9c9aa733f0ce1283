import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, manifestSchema } from './manifest.js';
import { profileDir } from './profile-dir.js';
import { compareSnapshotIds, isSnapshotId } from './snapshot-id.js';

export interface SnapshotEntry {
  id: string;
  dir: string;
  status: 'complete' | 'partial';
}

/**
 * The snapshots of a profile, oldest first. A folder counts only if its name is a snapshot id and it
 * holds a valid manifest.json: temporary `.partial-*` folders and anything else never do.
 */
export async function listSnapshots(outputDir: string, profile: string): Promise<SnapshotEntry[]> {
  const base = profileDir(outputDir, profile);
  let names: string[];
  try {
    names = (await readdir(base, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() && isSnapshotId(entry.name))
      .map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const snapshots: SnapshotEntry[] = [];
  for (const id of names.sort(compareSnapshotIds)) {
    const dir = join(base, id);
    const status = await readManifestStatus(dir);
    if (status) snapshots.push({ id, dir, status });
  }
  return snapshots;
}

async function readManifestStatus(dir: string): Promise<SnapshotEntry['status'] | undefined> {
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')));
    return parsed.success ? parsed.data.status : undefined;
  } catch {
    return undefined;
  }
}
