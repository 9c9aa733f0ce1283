import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { isSnapshotId } from './snapshot-id.js';
import { writeFileAtomic } from './write-file-atomic.js';

export const LATEST_POINTER_FILE = 'latest.json';

/**
 * `<outputDir>/<profile>/latest.json`: names the newest **complete** snapshot. A partial run never
 * moves it, so whoever follows the pointer always gets complete data; partial snapshots are found by
 * listing the folders (their manifest says `"status": "partial"`).
 */
export const latestPointerSchema = z
  .object({
    /** The snapshot id, which is also its folder name. */
    snapshot: z.string().refine(isSnapshotId, 'a snapshot id such as 2026-11-29T153510Z'),
    /** The snapshot folder, relative to the profile folder (today always the id itself). */
    path: z.string().refine(isSnapshotId, 'a snapshot folder name'),
    /** Always `complete` as written by okta-connector; kept so a reader can check without the manifest. */
    status: z.enum(['complete', 'partial']),
    finishedAt: z.iso.datetime({ offset: true }),
    /** SHA-256 of the snapshot's manifest.json, lowercase hex: detects a pointer and folder out of step. */
    manifestSha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .loose();
export type LatestPointer = z.infer<typeof latestPointerSchema>;

/** Replaces the pointer atomically (temporary file, flush, rename; no symlink, so Windows works too). */
export async function writeLatestPointer(
  profileDir: string,
  pointer: LatestPointer,
  mode?: number,
): Promise<void> {
  await writeFileAtomic(join(profileDir, LATEST_POINTER_FILE), `${JSON.stringify(pointer, null, 2)}\n`, mode);
}

/**
 * Reads the pointer: `undefined` when there is none yet, a `ConfigError` naming the file when it is
 * unreadable or does not match the schema.
 */
export async function readLatestPointer(profileDir: string): Promise<LatestPointer | undefined> {
  const file = join(profileDir, LATEST_POINTER_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`Cannot read the snapshot pointer ${file}: ${(error as Error).message}`, {
      cause: error,
      hint: 'Check the permissions of the output folder.',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw corruptPointer(file, 'it is not valid JSON', error);
  }
  const parsed = latestPointerSchema.safeParse(json);
  if (!parsed.success)
    throw corruptPointer(file, z.prettifyError(parsed.error).replaceAll('\n', ' '), parsed.error);
  if (parsed.data.path !== parsed.data.snapshot) {
    throw corruptPointer(file, '"path" and "snapshot" name different folders', undefined);
  }
  return parsed.data;
}

function corruptPointer(file: string, why: string, cause: unknown): ConfigError {
  return new ConfigError(`The snapshot pointer ${file} is corrupt: ${why}.`, {
    cause,
    hint: `Delete ${file}: the next complete sync writes it again. Until then the snapshot folders beside it are intact.`,
  });
}
