import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { type ExportOptions, type ExportResult, exportSnapshot } from '../../src/commands/export/index.js';
import { sync } from '../../src/commands/sync/index.js';
import {
  DEFAULT_RATE_LIMITS,
  type SampleOrg,
  type SampleOrgSize,
  startSampleOrg,
} from '../../src/demo/index.js';
import type { OutputFormat } from '../../src/formats/entity-writer.js';
import { beginSnapshot } from '../../src/inventory/begin-snapshot.js';
import { columnPlanFor, isEntityName } from '../../src/inventory/entities.js';
import { type EntityManifest, manifestTotals } from '../../src/inventory/manifest.js';
import { createIo, type Io } from '../../src/ui/io.js';

/** The moment every snapshot of these tests is taken: the org's clock and sync's stand still there. */
export const CLOCK = Date.parse('2026-11-01T12:00:00.000Z');
export const DAY_MS = 86_400_000;

/** A capture Io: stdout and stderr as text. */
export function captureIo(options: { json?: boolean } = {}): {
  io: Io;
  stdout: () => string;
  stderr: () => string;
} {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => {
    out += String(chunk);
  });
  stderr.on('data', (chunk) => {
    err += String(chunk);
  });
  return {
    io: createIo({ stdout, stderr, env: {}, json: options.json ?? false }),
    stdout: () => out,
    stderr: () => err,
  };
}

export interface SampleSnapshots {
  org: SampleOrg;
  root: string;
  /** The output folder (holding `default/`) of each format's snapshot. */
  outputDirs: Record<OutputFormat, string>;
  /** Snapshot folder of each format. */
  snapshotDirs: Record<OutputFormat, string>;
  stop(): Promise<void>;
}

/**
 * Starts the sample org with a frozen clock (so usage windows and relative ages have one "now") and
 * takes one snapshot per format with sync, as a user would.
 */
export async function takeSampleSnapshots(
  size: SampleOrgSize,
  formats: OutputFormat[],
  entities = 'users,user_schema,groups,group_members,apps,app_users,app_groups,app_usage',
): Promise<SampleSnapshots> {
  const limits = Object.fromEntries(Object.keys(DEFAULT_RATE_LIMITS).map((key) => [key, 1_000_000]));
  const org = await startSampleOrg({ size, now: () => CLOCK, rateLimits: { limits } });
  const root = await mkdtemp(join(tmpdir(), 'okta-export-'));
  const outputDirs = {} as Record<OutputFormat, string>;
  const snapshotDirs = {} as Record<OutputFormat, string>;
  for (const format of formats) {
    const outputDir = join(root, format);
    const result = await sync(
      {
        profile: 'default',
        env: { OKTA_CLIENT_ORGURL: org.url, OKTA_CLIENT_TOKEN: org.token, OKTA_CONNECTOR_CONFIG_DIR: root },
        cwd: root,
        outputDir,
        format,
        only: entities,
        concurrency: '16',
        now: () => CLOCK,
      },
      captureIo().io,
    );
    if (result.status !== 'complete') throw new Error(`sync ${format}: ${result.status}`);
    outputDirs[format] = outputDir;
    snapshotDirs[format] = result.snapshot.dir;
  }
  return {
    org,
    root,
    outputDirs,
    snapshotDirs,
    stop: async () => {
      await org.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Runs export in-process; returns what it printed and its result (or throws its error). */
export async function runExport(
  options: Partial<ExportOptions> & { outputDir: string },
  io = captureIo(),
): Promise<{ result: ExportResult; stdout: string; stderr: string }> {
  const result = await exportSnapshot(
    {
      profile: 'default',
      env: { OKTA_CONNECTOR_CONFIG_DIR: options.outputDir },
      cwd: options.outputDir,
      ...options,
    },
    io.io,
  );
  return { result, stdout: io.stdout(), stderr: io.stderr() };
}

/** The rows of a JSON-array export. */
export function jsonRows(text: string): Record<string, unknown>[] {
  return JSON.parse(text) as Record<string, unknown>[];
}

/**
 * Writes a snapshot with the inventory's own writers (the ones sync uses), from plain rows: for
 * hand-made cases the sample org does not have (hostile labels, a partial run, odd versions).
 */
export async function writeSnapshot(options: {
  outputDir: string;
  format: OutputFormat;
  entities: Record<string, Record<string, unknown>[]>;
  status?: 'complete' | 'partial';
  skipped?: Record<string, string>;
  startedAt?: string;
  /** The entities the run read (the manifest's `options.entities`, as after `sync --only`). */
  ran?: string[];
}): Promise<{ dir: string; id: string }> {
  const startedAt = options.startedAt ?? new Date(CLOCK).toISOString();
  const snapshot = await beginSnapshot({
    outputDir: options.outputDir,
    profile: 'default',
    now: new Date(startedAt),
  });
  const activity = { requests: 1, retries: 0, rateLimited: 0, waitMs: 0, warnings: [] };
  const entities: Record<string, EntityManifest> = {};
  for (const [entity, rows] of Object.entries(options.entities)) {
    const writer = snapshot.writer(
      entity,
      options.format,
      isEntityName(entity) ? columnPlanFor(entity) : undefined,
    );
    for (const row of rows) await writer.write(row);
    const file = await writer.close();
    entities[entity] = {
      file: file.file,
      format: file.format,
      count: file.count,
      bytes: file.bytes,
      sha256: file.sha256,
      ...(file.columns ? { columns: file.columns } : {}),
      ...activity,
    };
  }
  for (const [entity, reason] of Object.entries(options.skipped ?? {})) {
    entities[entity] = { skipped: reason, ...activity, warnings: [reason] };
  }
  return snapshot.commit({
    formatVersion: 1,
    tool: { name: 'okta-connector', version: '0.1.0' },
    profile: 'default',
    org: 'https://acme.okta.com',
    startedAt,
    finishedAt: startedAt,
    durationMs: 0,
    mode: 'full',
    options: { format: options.format, ...(options.ran ? { entities: options.ran } : {}) },
    status: options.status ?? 'complete',
    entities,
    totals: manifestTotals(entities),
  });
}
