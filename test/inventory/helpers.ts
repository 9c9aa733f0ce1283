import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntityFileResult } from '../../src/formats/entity-writer.js';
import { type EntityManifest, type Manifest, manifestTotals } from '../../src/inventory/manifest.js';
import { VERSION } from '../../src/version.js';

/** A fresh temporary folder, removed by the returned function. */
export async function makeTempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The pid of a process that has already exited. */
export function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (!child.pid) throw new Error('could not spawn node');
  return child.pid;
}

/** A node process that sleeps for five seconds; kill it when done. */
export async function liveProcess(): Promise<ChildProcess & { pid: number }> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { stdio: 'ignore' });
  await new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  return child as ChildProcess & { pid: number };
}

/** A valid manifest for the given entity files. */
export function manifestFor(
  results: EntityFileResult[],
  options: { status?: Manifest['status']; skipped?: Record<string, string> } = {},
): Manifest {
  const activity = { requests: 2, retries: 1, rateLimited: 1, waitMs: 1500, warnings: [] };
  const entities: Record<string, EntityManifest> = {};
  for (const result of results) {
    entities[result.entity] = {
      file: result.file,
      format: result.format,
      count: result.count,
      bytes: result.bytes,
      sha256: result.sha256,
      ...(result.columns ? { columns: result.columns } : {}),
      ...activity,
    };
  }
  for (const [entity, reason] of Object.entries(options.skipped ?? {})) {
    entities[entity] = { skipped: reason, ...activity, warnings: [reason] };
  }
  return {
    formatVersion: 1,
    tool: { name: 'okta-connector', version: VERSION },
    profile: 'prod',
    org: 'https://example.okta.com',
    startedAt: '2026-11-29T15:35:10.000Z',
    finishedAt: '2026-11-29T15:36:10.000Z',
    durationMs: 60_000,
    mode: 'full',
    options: { format: 'json' },
    status: options.status ?? 'complete',
    entities,
    totals: manifestTotals(entities),
  };
}
