import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { type ExportOptions, type ExportResult, exportSnapshot } from '../../src/commands/export.js';
import { sync } from '../../src/commands/sync.js';
import {
  DEFAULT_RATE_LIMITS,
  type SampleOrg,
  type SampleOrgSize,
  startSampleOrg,
} from '../../src/demo/index.js';
import type { OutputFormat } from '../../src/inventory/entity-writer.js';
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
