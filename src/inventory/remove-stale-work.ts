import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from './is-process-alive.js';

/** `.partial-<id>-<pid>`: a snapshot being written. `.trash-<id>-<pid>`: one being pruned. */
const WORK_FOLDER = /^\.(partial|trash)-(.+)-(\d+)$/;

/** `.latest.json.<pid>.<hex>.tmp`, `.state.json.<pid>.<hex>.tmp`: a pointer or state being replaced (writeFileAtomic). */
const TEMP_FILE = /^\.(?:latest|state)\.json\.(\d+)\.[0-9a-f]+\.tmp$/;

/** The temporary folder a process writes a snapshot into before renaming it. */
export function partialFolderName(id: string, pid: number = process.pid): string {
  return `.partial-${id}-${pid}`;
}

/** The folder a snapshot is renamed to before it is deleted, so a half-deleted one never looks whole. */
export function trashFolderName(id: string, pid: number = process.pid): string {
  return `.trash-${id}-${pid}`;
}

/**
 * Removes the `.partial-*` and `.trash-*` folders and the `.latest.json.*.tmp` / `.state.json.*.tmp`
 * files left in `profileDir` by processes that died (a crash,
 * a kill -9, a power cut). Folders of live processes, this one included, are left alone. The pid is
 * checked on this machine only: an output folder shared between machines relies on the profile lock,
 * which must be held around any call.
 */
export async function removeStaleWork(profileDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(profileDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(WORK_FOLDER.exec(name)?.[3] ?? TEMP_FILE.exec(name)?.[1]);
    if (!pid || pid === process.pid || isProcessAlive(pid)) continue;
    await rm(join(profileDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
