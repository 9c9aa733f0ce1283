import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, InternalError } from '../errors.js';
import { profileDir } from './profile-dir.js';
import { writeFileAtomic } from './write-file-atomic.js';

export const SYNC_STATE_FILE = 'state.json';

/**
 * `<outputDir>/<profile>/state.json`: where an incremental run starts from. The cursors are opaque
 * here: one JSON object per entity, whose keys the sync defines (e.g. `users.lastUpdatedHighWater`,
 * `logs.nextUrl`). Unknown fields are kept.
 */
export const syncStateSchema = z
  .object({
    formatVersion: z.literal(1),
    /** The snapshot these cursors were taken with. */
    snapshot: z.string().optional(),
    /** When the last full run finished (ISO 8601). */
    lastFullSyncAt: z.iso.datetime({ offset: true }).optional(),
    /** Per entity, the sync's own cursor fields. */
    cursors: z.record(z.string(), z.record(z.string(), z.unknown())),
  })
  .loose();
export type SyncState = z.infer<typeof syncStateSchema>;

/**
 * The saved state of a profile, or `undefined` when there is none (the next run is then a full one).
 * A file that is not valid is a `ConfigError` naming it: the caller may catch it and run in full.
 */
export async function loadSyncState(outputDir: string, profile: string): Promise<SyncState | undefined> {
  const file = join(profileDir(outputDir, profile), SYNC_STATE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`Cannot read the sync state ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw corruptState(file, 'it is not valid JSON', error);
  }
  const parsed = syncStateSchema.safeParse(json);
  if (!parsed.success) {
    throw corruptState(file, z.prettifyError(parsed.error).replaceAll('\n', ' '), parsed.error);
  }
  return parsed.data;
}

/** Validates and replaces the state atomically (temporary file, flush, rename). */
export async function saveSyncState(
  outputDir: string,
  profile: string,
  state: SyncState,
  mode?: number,
): Promise<void> {
  const base = profileDir(outputDir, profile);
  const parsed = syncStateSchema.safeParse(state);
  if (!parsed.success) throw new InternalError(`The sync state is invalid: ${z.prettifyError(parsed.error)}`);
  await mkdir(base, { recursive: true });
  await writeFileAtomic(join(base, SYNC_STATE_FILE), `${JSON.stringify(parsed.data, null, 2)}\n`, mode);
}

function corruptState(file: string, why: string, cause: unknown): ConfigError {
  return new ConfigError(`The sync state ${file} is corrupt: ${why}.`, {
    cause,
    hint: `Delete ${file}: the next sync then runs in full and writes it again.`,
  });
}
