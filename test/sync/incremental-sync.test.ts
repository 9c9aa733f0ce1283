import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SyncResult, sync } from '../../src/commands/sync/index.js';
import {
  DEFAULT_RATE_LIMITS,
  EVERY_CHANGE_KIND,
  type SampleOrg,
  startSampleOrg,
} from '../../src/demo/index.js';
import { ENTITY_NAMES } from '../../src/inventory/entities.js';
import { createIo } from '../../src/ui/io.js';
import { canonical, expectedAppUsage } from '../e2e/expected-inventory.js';

/** Rows of an NDJSON entity file, each as canonical JSON (keys sorted), sorted: a multiset to compare. */
async function canonicalRows(dir: string, entity: string): Promise<string[]> {
  const text = await readFile(join(dir, `${entity}.ndjson`), 'utf8');
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.keys(value as object)
              .sort()
              .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
          )
        : value;
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.stringify(canonical(JSON.parse(line))))
    .sort();
}

function quietIo() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let errText = '';
  stderr.on('data', (chunk) => {
    errText += String(chunk);
  });
  stdout.resume();
  return { io: createIo({ stdout, stderr, env: {} }), stderrText: () => errText };
}

describe('sync --incremental', () => {
  let org: SampleOrg;
  let clock = Date.parse('2026-11-01T12:00:00.000Z');
  let root: string;

  beforeAll(async () => {
    // The server clock stands still between steps, so both runs see the same "now" and the
    // 30/90-day usage windows cannot differ by a boundary crossing. No rate limiting here: a
    // frozen clock never opens a new window (rate limiting has its own tests).
    const limits = Object.fromEntries(Object.keys(DEFAULT_RATE_LIMITS).map((key) => [key, 1_000_000]));
    org = await startSampleOrg({ size: 'small', now: () => clock, rateLimits: { limits } });
    root = await mkdtemp(join(tmpdir(), 'okta-incremental-'));
  });
  afterAll(async () => {
    await org?.stop();
    await rm(root, { recursive: true, force: true });
  });

  const run = async (outputDir: string, flags: { incremental?: boolean; full?: boolean; only?: string }) => {
    const { io } = quietIo();
    return sync(
      {
        profile: 'default',
        env: { OKTA_CLIENT_ORGURL: org.url, OKTA_CLIENT_TOKEN: org.token, OKTA_CONNECTOR_CONFIG_DIR: root },
        cwd: root,
        outputDir,
        format: 'ndjson',
        ...flags,
        now: () => clock,
      },
      io,
    );
  };

  it('writes a snapshot equal, record for record, to what a full run reads at the same moment', async () => {
    const incrementalDir = join(root, 'incremental');
    const first = await run(incrementalDir, { incremental: true });
    expect(first.mode).toBe('full');
    expect(first.fullReason).toMatch(/no complete run/);

    // New, updated, deprovisioned and deleted users, membership and assignment changes, app
    // lifecycle changes and new sign-ins, in two rounds.
    clock += 3_600_000;
    const round1 = org.mutate({ seed: 1, ...EVERY_CHANGE_KIND });
    clock += 3_600_000;
    const round2 = org.mutate({ seed: 2, deleteUsers: 2, addMemberships: 6, removeMemberships: 3 });
    clock += 60_000;
    for (const round of [round1, round2]) {
      expect(round.addedUsers.length + round.deletedUsers.length + round.signInEvents).toBeGreaterThan(0);
      // Among the new events: failed sign-ins (one by a user just unassigned from the app, one by a
      // user just deleted), unassignments and deletions.
      expect(round.failedSignInEvents).toBeGreaterThan(1);
      expect(round.removedAppAssignments.length).toBeGreaterThan(0);
      expect(round.deletedUsers.length).toBeGreaterThan(0);
    }

    const appsBucket = () => org.counters.buckets['/api/v1/apps']?.requests ?? 0;
    const requestsBefore = org.counters.requests;
    const appsBefore = appsBucket();
    const incremental = await run(incrementalDir, { incremental: true });
    const incrementalRequests = org.counters.requests - requestsBefore;
    const incrementalApps = appsBucket() - appsBefore;
    expect(incremental.mode).toBe('incremental');
    expect(incremental.status).toBe('complete');

    const fullStart = org.counters.requests;
    const fullAppsStart = appsBucket();
    const full: SyncResult = await run(join(root, 'full'), { full: true });
    const fullRequests = org.counters.requests - fullStart;
    const fullApps = appsBucket() - fullAppsStart;
    expect(full.mode).toBe('full');

    for (const entity of ENTITY_NAMES) {
      const fromIncremental = await canonicalRows(incremental.snapshot.dir, entity);
      const fromFull = await canonicalRows(full.snapshot.dir, entity);
      expect({ entity, rows: fromIncremental }).toEqual({ entity, rows: fromFull });
    }
    // Both equal the ground truth: a failed sign-in is never usage, however recent.
    const usage = (await canonicalRows(incremental.snapshot.dir, 'app_usage')).map(
      (row) => JSON.parse(row) as Record<string, unknown>,
    );
    const manifest = JSON.parse(await readFile(join(incremental.snapshot.dir, 'manifest.json'), 'utf8'));
    const windowsEnd = Date.parse(String(manifest.usageWindowEnd));
    const truthUsage = expectedAppUsage(org.truth.logEvents(), windowsEnd);
    expect(usage.length).toBe(truthUsage.length);
    expect(usage.map((row) => canonical(row)).sort()).toEqual(truthUsage.map((row) => canonical(row)).sort());
    const failedPairs = [...org.truth.logEvents()].filter(
      (event) => event.published >= round1.at && event.outcome.result === 'FAILURE',
    );
    expect(failedPairs.length).toBeGreaterThan(3);
    for (const event of failedPairs) {
      const appId = event.target.find((target) => target.type === 'AppInstance')?.id;
      const row = usage.find((entry) => entry.userId === event.actor.id && entry.appId === appId);
      // The pair may have older successful sign-ins, but never one at the failure's moment.
      expect(row?.lastSignIn, `${event.actor.id} × ${appId}`).not.toBe(event.published);
    }
    // The changes really are in it: deleted users gone, added users present.
    const users = await canonicalRows(incremental.snapshot.dir, 'users');
    for (const id of [...round1.deletedUsers, ...round2.deletedUsers]) {
      expect(users.some((row) => row.includes(`"id":"${id}"`))).toBe(false);
    }
    for (const id of [...round1.addedUsers, ...round2.addedUsers]) {
      expect(users.some((row) => row.includes(`"id":"${id}"`))).toBe(true);
    }
    // And it read less than a full run, far less of the binding apps bucket: the changed users' rows
    // (one request each), not the rosters of every app they are in (32 of 97 here, at 2 % of users).
    expect(incrementalRequests).toBeLessThan(fullRequests);
    expect(incrementalApps).toBeLessThan(fullApps * 0.4);
  });

  it('a csv or ndjson run writes the base rows once (the ndjson file itself, the CSV spool), 0600, the same rows', async () => {
    const syncAs = async (format: 'ndjson' | 'csv') => {
      const { io } = quietIo();
      const outputDir = join(root, `base-${format}`);
      const result = await sync(
        {
          profile: 'default',
          env: { OKTA_CLIENT_ORGURL: org.url, OKTA_CLIENT_TOKEN: org.token, OKTA_CONNECTOR_CONFIG_DIR: root },
          cwd: root,
          outputDir,
          format,
          incremental: true,
          now: () => clock,
        },
        io,
      );
      return { result, baseDir: join(outputDir, 'default', `.base-${result.snapshot.id}`) };
    };
    const ndjson = await syncAs('ndjson');
    const names = (await readdir(ndjson.baseDir)).sort();
    expect(names).toEqual(
      [...ENTITY_NAMES.map((entity) => `${entity}.ndjson`), 'usage_events.ndjson'].sort(),
    );
    for (const entity of ENTITY_NAMES) {
      // One file under two names: the snapshot's own NDJSON is the base.
      const [inSnapshot, inBase] = await Promise.all([
        stat(join(ndjson.result.snapshot.dir, `${entity}.ndjson`)),
        stat(join(ndjson.baseDir, `${entity}.ndjson`)),
      ]);
      expect(inBase.ino).toBe(inSnapshot.ino);
    }
    for (const format of ['csv'] as const) {
      const other = await syncAs(format);
      expect((await readdir(other.baseDir)).sort()).toEqual(names);
      // No spool or stray file beside the snapshot's files.
      expect((await readdir(other.result.snapshot.dir)).every((name) => !name.startsWith('.'))).toBe(true);
      for (const name of names) {
        expect((await stat(join(other.baseDir, name))).mode & 0o777).toBe(0o600);
        const entity = name.replace(/\.ndjson$/, '');
        expect({ format, entity, rows: await canonicalRows(other.baseDir, entity) }).toEqual({
          format,
          entity,
          rows: await canonicalRows(ndjson.baseDir, entity),
        });
      }
    }
  }, 120_000);

  it('admin roles without groups or group_members: the groups whose roles may have changed are found without the groups task', async () => {
    const only = 'admin_roles,app_usage';
    const runOnly = (outputDir: string, flags: { incremental?: boolean; full?: boolean }) =>
      run(outputDir, { ...flags, only });
    const dir = join(root, 'roles-only');
    await runOnly(dir, { incremental: true });
    clock += 3_600_000;
    const summary = org.mutate({ seed: 9, grantGroupRoles: 1, addMemberships: 4, removeMemberships: 2 });
    expect(summary.groupRoleGrants.length).toBe(1);
    clock += 11 * 60_000;
    const incremental = await runOnly(dir, { incremental: true });
    expect(incremental.mode).toBe('incremental');
    const full = await runOnly(join(root, 'roles-only-full'), { full: true });
    expect(await canonicalRows(incremental.snapshot.dir, 'admin_roles')).toEqual(
      await canonicalRows(full.snapshot.dir, 'admin_roles'),
    );
  });

  it('falls back to a full run when the entities differ from the last complete run', async () => {
    const dir = join(root, 'fallback');
    await run(dir, { incremental: true });
    const { io } = quietIo();
    const result = await sync(
      {
        profile: 'default',
        env: { OKTA_CLIENT_ORGURL: org.url, OKTA_CLIENT_TOKEN: org.token, OKTA_CONNECTOR_CONFIG_DIR: root },
        cwd: root,
        outputDir: dir,
        format: 'ndjson',
        incremental: true,
        skip: 'devices',
        now: () => clock,
      },
      io,
    );
    expect(result.mode).toBe('full');
    expect(result.fullReason).toMatch(/entities differ/);
    // Only the base of the latest complete run is kept.
    const bases = (await readdir(join(dir, 'default'))).filter((name) => name.startsWith('.base-'));
    expect(bases).toEqual([`.base-${result.snapshot.id}`]);
  });

  it('an interruption before any data is read: exit 130, nothing left behind, no crash', async () => {
    const dir = join(root, 'interrupted');
    const controller = new AbortController();
    controller.abort();
    const { io } = quietIo();
    const error = await sync(
      {
        profile: 'default',
        env: { OKTA_CLIENT_ORGURL: org.url, OKTA_CLIENT_TOKEN: org.token, OKTA_CONNECTOR_CONFIG_DIR: root },
        cwd: root,
        outputDir: dir,
        signal: controller.signal,
        now: () => clock,
      },
      io,
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ exitCode: 130 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await readdir(join(dir, 'default'))).toEqual([]);
  });
});
