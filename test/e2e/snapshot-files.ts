import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

/**
 * Reads what a sync left on disk, straight from the file system and docs/output-formats.md, without
 * src/inventory: these helpers are the reader a SAM platform would write.
 */

/** A snapshot folder name: the UTC start time to the second, maybe with a collision suffix. */
export const SNAPSHOT_ID = /^\d{4}-\d{2}-\d{2}T\d{6}Z(-\d+)?$/;

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export function readJson<T = Record<string, unknown>>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Names in `<outputDir>/<profile>/`, or none when the folder does not exist. */
export function profileEntries(outputDir: string, profile = 'default'): string[] {
  const dir = path.join(outputDir, profile);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/**
 * What a profile folder holds at rest once `latestComplete` was written by a complete run: the snapshot
 * folders, the `.base-<id>` rows the next incremental run builds on, latest.json and state.json.
 */
export function restingProfile(snapshots: string[], latestComplete: string): string[] {
  return [...snapshots, `.base-${latestComplete}`, 'latest.json', 'state.json'].sort();
}

/** Snapshot folders (by name), oldest first (suffixes compared as numbers). */
export function snapshotIds(outputDir: string, profile = 'default'): string[] {
  const order = (id: string): [string, number] => {
    const [time = id, suffix = '1'] = id.split(/-(?=\d+$)/);
    return [time, Number(suffix)];
  };
  return profileEntries(outputDir, profile)
    .filter((name) => SNAPSHOT_ID.test(name))
    .sort((a, b) => {
      const [timeA, suffixA] = order(a);
      const [timeB, suffixB] = order(b);
      return timeA === timeB ? suffixA - suffixB : timeA < timeB ? -1 : 1;
    });
}

/** Every folder under the profile (at any depth) holding a manifest.json: what a reader could take for a snapshot. */
export function foldersWithManifest(outputDir: string, profile = 'default'): string[] {
  const base = path.join(outputDir, profile);
  if (!existsSync(base)) return [];
  return (readdirSync(base, { recursive: true }) as string[])
    .filter((entry) => path.basename(entry) === 'manifest.json')
    .map((entry) => path.dirname(entry))
    .sort();
}

/** Every file under `dir` with its SHA-256, to prove a folder was left untouched. */
export function fingerprint(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of (readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const file = path.join(dir, entry);
    if (statSync(file).isFile()) files[entry] = sha256(file);
  }
  return files;
}

/** The bytes of every file under `dir` (0 if it is gone: it may be removed while we look). */
export function folderBytes(dir: string): number {
  let total = 0;
  try {
    for (const entry of readdirSync(dir, { recursive: true }) as string[]) {
      const stats = statSync(path.join(dir, entry), { throwIfNoEntry: false });
      if (stats?.isFile()) total += stats.size;
    }
  } catch {
    return total;
  }
  return total;
}

export interface ManifestEntity {
  file?: string;
  format?: string;
  count?: number;
  bytes?: number;
  sha256?: string;
  columns?: string[];
  skipped?: string;
  requests: number;
  retries: number;
  rateLimited: number;
  waitMs: number;
  warnings: string[];
}

export interface Manifest {
  formatVersion: number;
  tool: { name: string; version: string };
  profile: string;
  org: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  mode: string;
  options: Record<string, unknown>;
  status: 'complete' | 'partial';
  entities: Record<string, ManifestEntity>;
  totals: Record<string, number>;
}

export interface LatestPointer {
  snapshot: string;
  path: string;
  status: string;
  finishedAt: string;
  manifestSha256: string;
}

export function readManifest(snapshotDir: string): Manifest {
  return readJson<Manifest>(path.join(snapshotDir, 'manifest.json'));
}

/** `latest.json` of a profile, or undefined when there is none. */
export function readLatest(outputDir: string, profile = 'default'): LatestPointer | undefined {
  const file = path.join(outputDir, profile, 'latest.json');
  return existsSync(file) ? readJson<LatestPointer>(file) : undefined;
}

/**
 * What docs/output-formats.md promises of every written entity: the file exists with `bytes` bytes and
 * SHA-256 `sha256`, and `totals` adds the entities up.
 */
export function expectConsistentManifest(snapshotDir: string, manifest: Manifest): void {
  const totals = {
    entities: 0,
    skipped: 0,
    records: 0,
    bytes: 0,
    requests: 0,
    retries: 0,
    rateLimited: 0,
    waitMs: 0,
    warnings: 0,
  };
  for (const [entity, entry] of Object.entries(manifest.entities)) {
    if (entry.skipped === undefined) {
      const file = path.join(snapshotDir, entry.file ?? '');
      expect(entry.file, entity).toBe(`${entity}.${manifest.options.format}`);
      expect(statSync(file).size, `${entity} bytes`).toBe(entry.bytes);
      expect(sha256(file), `${entity} sha256`).toBe(entry.sha256);
      totals.entities++;
      totals.records += entry.count ?? Number.NaN;
      totals.bytes += entry.bytes ?? Number.NaN;
    } else {
      expect(entry.file, `${entity} is skipped and has no file`).toBeUndefined();
      expect(existsSync(path.join(snapshotDir, `${entity}.${manifest.options.format}`))).toBe(false);
      totals.skipped++;
    }
    totals.requests += entry.requests;
    totals.retries += entry.retries;
    totals.rateLimited += entry.rateLimited;
    totals.waitMs += entry.waitMs;
    totals.warnings += entry.warnings.length;
  }
  expect(manifest.totals).toEqual(totals);
  const files = readdirSync(snapshotDir).sort();
  const written = Object.values(manifest.entities)
    .flatMap((entry) => (entry.file ? [entry.file] : []))
    .concat('manifest.json')
    .sort();
  expect(files, 'the snapshot holds the manifest and the files it lists, nothing else').toEqual(written);
}

/** `latest.json` names `snapshotId` and matches its manifest. */
export function expectLatestPointsAt(outputDir: string, snapshotId: string, profile = 'default'): void {
  const manifestFile = path.join(outputDir, profile, snapshotId, 'manifest.json');
  expect(readLatest(outputDir, profile)).toEqual({
    snapshot: snapshotId,
    path: snapshotId,
    status: 'complete',
    finishedAt: readJson<Manifest>(manifestFile).finishedAt,
    manifestSha256: sha256(manifestFile),
  });
}
