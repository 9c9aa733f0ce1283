import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { resolveUserPath } from '../config/paths.js';
import { ConfigError } from '../errors.js';
import { ENTITY_NAMES } from '../inventory/entities.js';
import { readLatestPointer } from '../inventory/latest-pointer.js';
import { listSnapshots } from '../inventory/list-snapshots.js';
import { MANIFEST_FILE, type Manifest, manifestSchema } from '../inventory/manifest.js';
import { profileDir } from '../inventory/profile-dir.js';
import { readLatestSnapshot } from '../inventory/read-latest-snapshot.js';
import { compareSnapshotIds, isSnapshotId } from '../inventory/snapshot-id.js';
import type { Env } from '../ui/io.js';
import { VERSION } from '../version.js';

/** The manifest format this version reads. A snapshot of another `formatVersion` is refused. */
export const SUPPORTED_FORMAT_VERSION = 1;

export interface OpenedSnapshot {
  id: string;
  /** Absolute path of the snapshot folder. */
  dir: string;
  manifest: Manifest;
  /**
   * The "now" of relative ages and activity windows, in ms: the manifest's `usageWindowEnd` (Okta's
   * clock, where app_usage's windows end), or `startedAt` for snapshots written before it existed.
   */
  startedAt: number;
  /** Stops every read of the snapshot's files (Ctrl-C). */
  signal?: AbortSignal | undefined;
  /**
   * `latest` after a narrowed run (`sync --only apps`): the entities it did not read, each from the
   * newest complete snapshot of the same org that has it.
   */
  borrowed?: ReadonlyMap<string, { id: string; dir: string; manifest: Manifest }> | undefined;
  /** Told the first time a view reads a borrowed entity. */
  onBorrow?: ((entity: string, from: string) => void) | undefined;
}

export interface OpenSnapshotOptions {
  /** `latest` (or undefined), a snapshot id of the profile, or a path to a snapshot folder. */
  snapshot: string | undefined;
  outputDir: string;
  profile: string;
  env: Env;
  cwd: string;
  /** Called once for a partial snapshot. */
  warn: (message: string) => void;
  /** Stops every read of the snapshot's files (Ctrl-C). */
  signal?: AbortSignal | undefined;
  /** How the command names a snapshot, for the hint when there is none. @default '--snapshot <dir>' */
  snapshotFlag?: string;
}

/**
 * Finds and checks the snapshot to export.
 *
 * - `latest` (the default): the snapshot `<output-dir>/<profile>/latest.json` names, which is always
 *   complete; checked like sync checks it (pointer, manifest SHA-256, schema).
 * - a snapshot id (`2026-11-29T153510Z`): that folder of the profile.
 * - anything else: a path to a snapshot folder (relative to the working directory, `~` expanded).
 *
 * A snapshot of another `formatVersion` is refused with a message naming both versions. A partial
 * snapshot is opened only when named explicitly, with a warning naming what it lacks.
 */
export async function openSnapshot(options: OpenSnapshotOptions): Promise<OpenedSnapshot> {
  const base = profileDir(options.outputDir, options.profile);
  if (options.snapshot === undefined || options.snapshot === 'latest') {
    const pointer = await readLatestPointer(base);
    if (!pointer) {
      throw new ConfigError(
        `Profile "${options.profile}" has no complete snapshot in ${options.outputDir} (no ${join(base, 'latest.json')}).`,
        {
          hint: `Run "okta-connector sync" first, pass --output-dir if the snapshots are elsewhere, or name one with ${options.snapshotFlag ?? '--snapshot <dir>'}.`,
        },
      );
    }
    // The version check comes first, so that a newer snapshot gets a clear message rather than a schema error.
    await readManifestJson(join(base, pointer.path));
    const latest = await readLatestSnapshot(options.outputDir, options.profile);
    if (!latest) throw new ConfigError(`The snapshot pointer of profile "${options.profile}" vanished.`);
    const borrowed = await borrowMissingEntities(options, latest);
    const told = new Set<string>();
    return {
      ...latest,
      startedAt: windowEndOf(latest.manifest),
      signal: options.signal,
      ...(borrowed.size > 0
        ? {
            borrowed,
            onBorrow: (entity: string, from: string) => {
              if (told.has(entity)) return;
              told.add(entity);
              options.warn(
                `Snapshot ${latest.id} (latest) is a run of ${Object.keys(latest.manifest.entities).join(', ')} only: ${entity} comes from ${from}, the newest complete snapshot that has it.`,
              );
            },
          }
        : {}),
    };
  }

  const dir =
    isSnapshotId(options.snapshot) && !/[\\/]/.test(options.snapshot)
      ? join(base, options.snapshot)
      : resolveUserPath(options.snapshot, options.env, options.cwd);
  const manifestFile = join(dir, MANIFEST_FILE);
  const json = await readManifestJson(dir);
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(
      `${manifestFile} is invalid: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}`,
      {
        hint: 'The snapshot is damaged. Export another snapshot, or run sync again.',
      },
    );
  }
  const manifest = parsed.data;
  if (manifest.status === 'partial') {
    const lacking = Object.entries(manifest.entities)
      .filter(([, entry]) => 'skipped' in entry && typeof entry.skipped === 'string')
      .map(([name]) => name);
    options.warn(
      `Snapshot ${dir} is partial${lacking.length > 0 ? ` (no ${lacking.join(', ')})` : ''}: some data could not be read when it was taken.`,
    );
  }
  const id = dir.split(/[\\/]/).filter(Boolean).at(-1) ?? dir;
  return { id, dir, manifest, startedAt: windowEndOf(manifest), signal: options.signal };
}

/**
 * For `latest`, the entities its run did not read (absent from the manifest: `sync --only`/`--skip`,
 * not skipped for an error), each from the newest older complete snapshot of the same org that has a
 * file for it. A pointer that moves to a narrowed run so never makes the rest of the inventory
 * unreachable; the export says where each such entity came from.
 */
async function borrowMissingEntities(
  options: OpenSnapshotOptions,
  latest: { id: string; manifest: Manifest },
): Promise<Map<string, { id: string; dir: string; manifest: Manifest }>> {
  const missing = new Set<string>(ENTITY_NAMES.filter((entity) => !(entity in latest.manifest.entities)));
  const borrowed = new Map<string, { id: string; dir: string; manifest: Manifest }>();
  if (missing.size === 0) return borrowed;
  const older = (await listSnapshots(options.outputDir, options.profile))
    .filter((entry) => entry.status === 'complete' && entry.id !== latest.id)
    .reverse();
  for (const entry of older) {
    if (compareSnapshotIds(entry.id, latest.id) > 0) continue;
    const parsed = manifestSchema.safeParse(await readManifestJson(entry.dir).catch(() => undefined));
    if (!parsed.success || parsed.data.org !== latest.manifest.org) continue;
    for (const entity of missing) {
      const found = parsed.data.entities[entity];
      if (found && 'file' in found && typeof found.file === 'string') {
        borrowed.set(entity, { id: entry.id, dir: entry.dir, manifest: parsed.data });
        missing.delete(entity);
      }
    }
    if (missing.size === 0) break;
  }
  return borrowed;
}

/** Reads a snapshot's manifest as JSON and refuses a `formatVersion` this version cannot read. */
async function readManifestJson(dir: string): Promise<unknown> {
  const file = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'ENOENT' || code === 'ENOTDIR'
        ? `${dir} is not a snapshot: it has no ${MANIFEST_FILE}.`
        : `Cannot read ${file} (${code}).`,
      {
        cause: error,
        hint: 'Name a snapshot folder (one holding manifest.json), a snapshot id of the profile, or "latest". A .partial-* folder is a run still in progress.',
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON.`, {
      cause: error,
      hint: 'The snapshot is damaged. Export another snapshot, or run sync again.',
    });
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (version === SUPPORTED_FORMAT_VERSION) return json;
  const writer = (json as { tool?: { version?: unknown } } | null)?.tool?.version;
  const by = typeof writer === 'string' ? ` (written by okta-connector ${writer})` : '';
  if (typeof version === 'number' && version > SUPPORTED_FORMAT_VERSION) {
    throw new ConfigError(
      `Snapshot ${dir} has formatVersion ${version}${by}; okta-connector ${VERSION} reads formatVersion ${SUPPORTED_FORMAT_VERSION} only.`,
      { hint: 'Upgrade okta-connector to export it, or export a snapshot written by this version.' },
    );
  }
  if (typeof version === 'number') {
    throw new ConfigError(
      `Snapshot ${dir} has formatVersion ${version}${by}, which okta-connector ${VERSION} no longer reads (it reads ${SUPPORTED_FORMAT_VERSION}).`,
      { hint: 'Run sync again to take a snapshot in the current format.' },
    );
  }
  throw new ConfigError(`${file} has no valid formatVersion: it is not an okta-connector manifest.`, {
    hint: 'Name a snapshot folder written by okta-connector sync.',
  });
}

function windowEndOf(manifest: { startedAt: string; usageWindowEnd?: unknown }): number {
  const end = typeof manifest.usageWindowEnd === 'string' ? Date.parse(manifest.usageWindowEnd) : Number.NaN;
  return Number.isNaN(end) ? Date.parse(manifest.startedAt) : end;
}
