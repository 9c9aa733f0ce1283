import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { LATEST_POINTER_FILE, readLatestPointer } from './latest-pointer.js';
import { listSnapshots } from './list-snapshots.js';
import { MANIFEST_FILE, type Manifest, manifestSchema } from './manifest.js';
import { profileDir } from './profile-dir.js';

/**
 * The snapshot `latest.json` names, with its manifest checked against the schema and the pointer's
 * SHA-256. `undefined` when the profile has no complete snapshot yet.
 *
 * A pointer that is corrupt, or names a folder that is missing or does not match, is an error (a
 * `ConfigError` naming the file), not a silent fallback: a scheduled import must not quietly take
 * another snapshot. The error's hint names the newest complete snapshot found on disk.
 */
export async function readLatestSnapshot(
  outputDir: string,
  profile: string,
): Promise<{ id: string; dir: string; manifest: Manifest } | undefined> {
  const base = profileDir(outputDir, profile);
  const pointerFile = join(base, LATEST_POINTER_FILE);
  let pointer: Awaited<ReturnType<typeof readLatestPointer>>;
  try {
    pointer = await readLatestPointer(base);
  } catch (error) {
    throw await withNewestHint(error as ConfigError, outputDir, profile);
  }
  if (!pointer) return undefined;

  const dir = join(base, pointer.path);
  const manifestFile = join(dir, MANIFEST_FILE);
  const mismatch = async (why: string, cause?: unknown): Promise<ConfigError> =>
    withNewestHint(
      new ConfigError(`The snapshot pointer ${pointerFile} names ${pointer.snapshot}, but ${why}.`, {
        cause,
        hint: `Delete ${pointerFile}: the next complete sync writes it again.`,
      }),
      outputDir,
      profile,
    );

  let bytes: Buffer;
  try {
    bytes = await readFile(manifestFile);
  } catch (error) {
    throw await mismatch(`${manifestFile} cannot be read (${(error as NodeJS.ErrnoException).code})`, error);
  }
  if (createHash('sha256').update(bytes).digest('hex') !== pointer.manifestSha256) {
    throw await mismatch(`${manifestFile} does not match the pointer's manifestSha256 (changed or corrupt)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw await mismatch(`${manifestFile} is not valid JSON`, error);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    throw await mismatch(
      `${manifestFile} is invalid: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}`,
    );
  }
  if (parsed.data.status !== 'complete') throw await mismatch('that snapshot is not complete');
  return { id: pointer.snapshot, dir, manifest: parsed.data };
}

async function withNewestHint(error: ConfigError, outputDir: string, profile: string): Promise<ConfigError> {
  const newest = (await listSnapshots(outputDir, profile).catch(() => []))
    .filter((snapshot) => snapshot.status === 'complete')
    .at(-1);
  if (!newest) return error;
  return new ConfigError(error.message, {
    cause: error.cause,
    hint: `${error.hint ?? ''} The newest complete snapshot on disk is ${newest.dir}.`.trim(),
  });
}
