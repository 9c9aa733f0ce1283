import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { ENTITY_NAMES, type EntityName } from '../../src/inventory/entities.js';
import { profileDir } from '../../src/inventory/profile-dir.js';
import { loadSyncState, saveSyncState } from '../../src/inventory/sync-state.js';
import { scopesForEntities } from '../../src/sync/entity-scopes.js';
import { baseExists } from '../../src/sync/incremental-base.js';
import { CHANGE_OVERLAP_MS, type PlanRunInput, planRun } from '../../src/sync/plan-run.js';
import { selectEntities } from '../../src/sync/select-entities.js';

const ORG = 'https://acme.okta.com';
const DAY = 86_400_000;
const NOW = Date.parse('2026-12-07T12:00:00.000Z');
const PROFILE = 'default';
const BASE = '.base-20261206T120000Z';

let outputDir: string;

beforeEach(async () => {
  outputDir = await mkdtemp(join(tmpdir(), 'okta-plan-run-'));
});
afterEach(async () => {
  await rm(outputDir, { recursive: true, force: true });
});

interface Saved {
  entities?: readonly EntityName[];
  org?: string;
  logCheckpoint?: string;
  /** The last complete run's start on the server (ms). */
  serverStartedAt?: number;
  /** When the last full run started (ms); omitted when `null`. */
  lastFullSyncAt?: number | null;
  /** Creates the base folder the cursor names. @default true */
  baseOnDisk?: boolean;
}

/** Writes a state.json (and base folder) as a complete run leaves them. */
async function saveRun(saved: Saved = {}): Promise<void> {
  const serverStartedAt = saved.serverStartedAt ?? NOW - DAY;
  const lastFull = saved.lastFullSyncAt === undefined ? NOW - 2 * DAY : saved.lastFullSyncAt;
  await saveSyncState(outputDir, PROFILE, {
    formatVersion: 1,
    snapshot: '20261206T120000Z',
    ...(lastFull === null ? {} : { lastFullSyncAt: new Date(lastFull).toISOString() }),
    cursors: {
      incremental: {
        base: BASE,
        serverStartedAt: new Date(serverStartedAt).toISOString(),
        logCheckpoint: saved.logCheckpoint ?? `${ORG}/api/v1/logs?after=1701234567890_1&limit=1000`,
        entities: [...(saved.entities ?? ENTITY_NAMES)],
        org: saved.org ?? ORG,
      },
    },
  });
  if (saved.baseOnDisk ?? true) await mkdir(join(profileDir(outputDir, PROFILE), BASE), { recursive: true });
}

/** Plans a run against the state on disk, as sync does. */
function plan(input: Partial<PlanRunInput> = {}) {
  return planRun({
    incremental: true,
    full: false,
    entities: new Set(ENTITY_NAMES),
    org: ORG,
    now: NOW,
    loadState: () => loadSyncState(outputDir, PROFILE),
    baseExists: (folder) => baseExists(profileDir(outputDir, PROFILE), folder),
    ...input,
  });
}

describe('planRun', () => {
  it('plans an incremental run on the last complete run, reading changes from its start less the overlap', async () => {
    const serverStartedAt = NOW - DAY;
    await saveRun({ serverStartedAt });
    const planned = await plan();
    expect(planned.mode).toBe('incremental');
    if (planned.mode !== 'incremental') return;
    expect(planned.cursor.base).toBe(BASE);
    expect(planned.cursor.logCheckpoint).toBe(`${ORG}/api/v1/logs?after=1701234567890_1&limit=1000`);
    expect(Date.parse(planned.changedSince)).toBe(serverStartedAt - CHANGE_OVERLAP_MS);
    expect(CHANGE_OVERLAP_MS).toBeGreaterThan(0);
  });

  it('runs in full without a reason when --incremental is not asked for, and --full wins over it', async () => {
    await saveRun();
    expect(await plan({ incremental: false })).toEqual({ mode: 'full', reason: null });
    expect(await plan({ incremental: true, full: true })).toEqual({ mode: 'full', reason: null });
    expect(await plan({ incremental: false, full: true })).toEqual({ mode: 'full', reason: null });
  });

  it('does not read the state at all for a full run', async () => {
    let reads = 0;
    const planned = await plan({
      incremental: false,
      loadState: async () => {
        reads++;
        return undefined;
      },
    });
    expect(planned.mode).toBe('full');
    expect(reads).toBe(0);
  });

  it('falls back to full when there is no state, or no incremental cursor in it', async () => {
    expect(await plan()).toEqual({ mode: 'full', reason: 'there is no complete run to build on yet' });
    await saveSyncState(outputDir, PROFILE, { formatVersion: 1, cursors: {} });
    expect(await plan()).toEqual({ mode: 'full', reason: 'there is no complete run to build on yet' });
    // A cursor missing a field (an older version's) is not one to build on either.
    await saveSyncState(outputDir, PROFILE, {
      formatVersion: 1,
      cursors: { incremental: { base: BASE, org: ORG } },
    });
    expect(await plan()).toEqual({ mode: 'full', reason: 'there is no complete run to build on yet' });
  });

  it('falls back to full, naming the file, when state.json is damaged', async () => {
    await mkdir(profileDir(outputDir, PROFILE), { recursive: true });
    await writeFile(join(profileDir(outputDir, PROFILE), 'state.json'), '{"formatVersion": 1, "cursors": ');
    const planned = await plan();
    expect(planned.mode).toBe('full');
    if (planned.mode !== 'full') return;
    expect(planned.reason).toMatch(/^the saved state is unreadable \(.*state\.json.*\)$/);
  });

  it('falls back to full when the last run was of another org', async () => {
    await saveRun({
      org: 'https://other.okta.com',
      logCheckpoint: 'https://other.okta.com/api/v1/logs?after=1',
    });
    expect(await plan()).toEqual({ mode: 'full', reason: 'the last complete run was of another org' });
  });

  it('ignores a System Log checkpoint on another host (the token must not follow it)', async () => {
    await saveRun({ logCheckpoint: 'https://evil.example.com/api/v1/logs?after=1' });
    const planned = await plan();
    expect(planned.mode).toBe('full');
    if (planned.mode !== 'full') return;
    expect(planned.reason).toContain('System Log checkpoint in state.json is on another host');
    expect(planned.reason).toContain('evil.example.com, not acme.okta.com');
  });

  it('falls back to full when --only/--skip select other entities than the last run, in any order', async () => {
    await saveRun({ entities: ['users', 'groups', 'group_members'] });
    expect(await plan({ entities: selectEntities('users,groups', undefined) })).toEqual({
      mode: 'full',
      reason: 'the entities differ from the last complete run',
    });
    expect(await plan({ entities: selectEntities('users,groups,group_members,apps', undefined) })).toEqual({
      mode: 'full',
      reason: 'the entities differ from the last complete run',
    });
    // The same entities in another order are the same selection.
    expect((await plan({ entities: selectEntities('group_members,users,groups', undefined) })).mode).toBe(
      'incremental',
    );
  });

  it('reads app_users in full when app_groups is not selected (group-held assignments need it)', async () => {
    const entities = selectEntities(undefined, 'app_groups');
    await saveRun({ entities: [...entities] });
    expect(await plan({ entities })).toEqual({
      mode: 'full',
      reason: 'app_users without app_groups can only be read in full',
    });
    // app_groups alone (no app_users) is fine.
    const withoutAppUsers = selectEntities(undefined, 'app_users');
    await saveRun({ entities: [...withoutAppUsers] });
    expect((await plan({ entities: withoutAppUsers })).mode).toBe('incremental');
  });

  it('falls back to full when the last run is older than the System Log keeps events', async () => {
    await saveRun({ serverStartedAt: NOW - 86 * DAY, lastFullSyncAt: NOW - DAY });
    expect(await plan({ fullEveryDays: 1000 })).toEqual({
      mode: 'full',
      reason: 'the last complete run is older than the System Log keeps events (90 days)',
    });
    await saveRun({ serverStartedAt: NOW - 84 * DAY, lastFullSyncAt: NOW - DAY });
    expect((await plan({ fullEveryDays: 1000 })).mode).toBe('incremental');
  });

  it('runs in full once the last full run is older than --full-every (7 days by default)', async () => {
    await saveRun({ lastFullSyncAt: NOW - 8 * DAY });
    expect(await plan()).toEqual({
      mode: 'full',
      reason: 'the last full run is more than 7 days old (--full-every)',
    });
    expect((await plan({ fullEveryDays: 10 })).mode).toBe('incremental');
    await saveRun({ lastFullSyncAt: NOW - 6 * DAY });
    expect((await plan()).mode).toBe('incremental');
    expect(await plan({ fullEveryDays: 5 })).toEqual({
      mode: 'full',
      reason: 'the last full run is more than 5 days old (--full-every)',
    });
  });

  it('--full-every 0 makes every run full; a state without lastFullSyncAt counts as never', async () => {
    await saveRun({ lastFullSyncAt: NOW - 60_000 });
    expect(await plan({ fullEveryDays: 0 })).toEqual({
      mode: 'full',
      reason: 'the last full run is more than 0 days old (--full-every)',
    });
    await saveRun({ lastFullSyncAt: null });
    expect((await plan()).mode).toBe('full');
  });

  it("falls back to full when the last run's base folder is gone", async () => {
    await saveRun({ baseOnDisk: false });
    expect(await plan()).toEqual({ mode: 'full', reason: "the last complete run's data is missing" });
  });
});

describe('selectEntities (--only, --skip)', () => {
  it('plans every entity, in the documented order, by default', () => {
    expect([...selectEntities(undefined, undefined)]).toEqual([...ENTITY_NAMES]);
  });

  it('--only picks entities (spaces and empty items ignored), --skip leaves some out', () => {
    expect([...selectEntities(' users, apps ,,app_users', undefined)]).toEqual([
      'users',
      'apps',
      'app_users',
    ]);
    expect(selectEntities(undefined, 'devices,app_usage').has('devices')).toBe(false);
    expect(selectEntities(undefined, 'devices,app_usage').size).toBe(ENTITY_NAMES.length - 2);
    expect([...selectEntities('users,apps', 'apps')]).toEqual(['users']);
  });

  it('refuses an unknown entity, naming the flag and the valid names', () => {
    for (const [only, skip, flag] of [
      ['users,app', undefined, '--only'],
      [undefined, 'device', '--skip'],
    ] as const) {
      let error: unknown;
      try {
        selectEntities(only, skip);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).message).toContain(`${flag}: unknown entity`);
      expect((error as UsageError).hint).toContain(ENTITY_NAMES.join(', '));
    }
  });

  it('refuses a selection that leaves nothing to sync', () => {
    expect(() => selectEntities('users', 'users')).toThrow(/Nothing to sync/);
    expect(() => selectEntities(',', undefined)).toThrow(/Nothing to sync/);
  });
});

describe('scopesForEntities (what an OAuth app is asked for)', () => {
  it('asks for exactly the scopes of the selected entities', () => {
    expect(scopesForEntities(selectEntities('groups,group_members', undefined)).sort()).toEqual([
      'okta.groups.read',
    ]);
    expect(scopesForEntities(selectEntities('devices', undefined))).toEqual(['okta.devices.read']);
  });

  it('an incremental run adds the System Log, and users when app_users are merged', () => {
    expect(scopesForEntities(selectEntities('groups', undefined), { incremental: true }).sort()).toEqual([
      'okta.groups.read',
      'okta.logs.read',
    ]);
    expect(
      scopesForEntities(selectEntities('apps,app_users', undefined), { incremental: true }).sort(),
    ).toEqual(['okta.apps.read', 'okta.logs.read', 'okta.users.read']);
  });
});
