import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sync } from '../../src/commands/sync/index.js';
import {
  type ChangeSetOptions,
  DEFAULT_RATE_LIMITS,
  EVERY_CHANGE_KIND,
  type SampleOrg,
  startSampleOrg,
} from '../../src/demo/index.js';
import { ENTITY_NAMES } from '../../src/inventory/entities.js';
import { createIo } from '../../src/ui/io.js';

/** Each change kind alone, so that a missed path shows as a difference between the two runs. */
const NOTHING: Required<Omit<ChangeSetOptions, 'seed'>> = {
  addUsers: 0,
  updateUsers: 0,
  deprovisionUsers: 0,
  deleteUsers: 0,
  addMemberships: 0,
  removeMemberships: 0,
  addAppAssignments: 0,
  removeAppAssignments: 0,
  appLifecycleChanges: 0,
  reactivateUsers: 0,
  assignGroupsToApps: 0,
  unassignGroupsFromApps: 0,
  grantGroupRoles: 0,
  deleteGroups: 0,
  signIns: 0,
  failedSignIns: 0,
};

async function rowsOf(dir: string, entity: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(dir, `${entity}.ndjson`), 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const sortedJson = (rows: Record<string, unknown>[]) => rows.map((row) => JSON.stringify(row)).sort();

describe('sync --incremental: app users, change by change', () => {
  let org: SampleOrg;
  let clock = Date.parse('2026-11-01T12:00:00.000Z');
  let root: string;

  beforeAll(async () => {
    const limits = Object.fromEntries(Object.keys(DEFAULT_RATE_LIMITS).map((key) => [key, 1_000_000]));
    org = await startSampleOrg({ size: 'small', now: () => clock, rateLimits: { limits } });
    root = await mkdtemp(join(tmpdir(), 'okta-incremental-app-users-'));
  });
  afterAll(async () => {
    await org?.stop();
    await rm(root, { recursive: true, force: true });
  });

  const run = (outputDir: string, flags: { incremental?: boolean; full?: boolean }) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.resume();
    stderr.resume();
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
      createIo({ stdout, stderr, env: {} }),
    );
  };
  const bucket = (name: string) => org.counters.buckets[name]?.requests ?? 0;
  /** Requests so far for app user lists (`/api/v1/apps/{id}/users`, every page). */
  const appUserListings = () =>
    [...org.counters.urls]
      .filter(([url]) => /^\/api\/v1\/apps\/[^/?]+\/users/.test(url))
      .reduce((sum, [, counts]) => sum + counts.requests, 0);
  /** Requests so far for groups' admin roles (`/api/v1/groups/{id}/roles`). */
  const groupRoleReads = () =>
    [...org.counters.urls]
      .filter(([url]) => /^\/api\/v1\/groups\/[^/?]+\/roles/.test(url))
      .reduce((sum, [, counts]) => sum + counts.requests, 0);
  const incrementalDir = () => join(root, 'incremental');

  /** Applies one change kind, runs incremental then full, and returns both snapshots and the apps-bucket cost. */
  const afterChange = async (change: ChangeSetOptions) => {
    clock += 3_600_000;
    const summary = org.mutate({ ...NOTHING, ...change });
    // Past the 10-minute overlap: the next run's window no longer holds this change's events.
    clock += 11 * 60_000;
    const apps = bucket('/api/v1/apps');
    const other = bucket('/api/v1');
    const listings = appUserListings();
    const roleReads = groupRoleReads();
    const incremental = await run(incrementalDir(), { incremental: true });
    const listingRequests = appUserListings() - listings;
    const groupRoleRequests = groupRoleReads() - roleReads;
    const appsRequests = bucket('/api/v1/apps') - apps;
    const otherRequests = bucket('/api/v1') - other;
    expect(incremental.mode).toBe('incremental');
    const fullApps = bucket('/api/v1/apps');
    const full = await run(join(root, `full-${summary.at}`), { full: true });
    const fullAppsRequests = bucket('/api/v1/apps') - fullApps;
    for (const entity of ENTITY_NAMES) {
      const fromIncremental = sortedJson(await rowsOf(incremental.snapshot.dir, entity));
      const fromFull = sortedJson(await rowsOf(full.snapshot.dir, entity));
      expect({ entity, rows: fromIncremental }).toEqual({ entity, rows: fromFull });
    }
    return {
      summary,
      incremental,
      appsRequests,
      otherRequests,
      listingRequests,
      fullAppsRequests,
      groupRoleRequests,
    };
  };

  it('a profile change that Okta maps into app user profiles, with no assignment event, reaches those rows', async () => {
    const first = await run(incrementalDir(), { incremental: true });
    expect(first.mode).toBe('full');
    const before = await rowsOf(first.snapshot.dir, 'app_users');

    const { summary, incremental, appsRequests, otherRequests } = await afterChange({ updateUsers: 6 });
    expect(summary.updatedUsers.length).toBe(6);
    expect(summary.addedAppAssignments).toEqual([]);
    const after = await rowsOf(incremental.snapshot.dir, 'app_users');
    const changedRows = after.filter((row) => {
      if (!summary.updatedUsers.includes(String(row.userId))) return false;
      const earlier = before.find((old) => old.appId === row.appId && old.userId === row.userId);
      return JSON.stringify(earlier) !== JSON.stringify(row);
    });
    // The title and department the update set are in the pushed app profiles: without the mapping
    // path these rows would be the last run's, and the equality with the full run above would fail.
    expect(changedRows.length).toBeGreaterThan(0);
    for (const row of changedRows) expect(row.profile).toHaveProperty('title');
    // The app list, and at most one request per updated user: never the rosters of their apps.
    expect(appsRequests).toBeLessThanOrEqual(1 + summary.updatedUsers.length);
    // The mappings were read (the /api/v1 bucket, not /api/v1/apps).
    expect(otherRequests).toBeGreaterThan(0);
  });

  it('direct assignments made and removed: only those users are read again', async () => {
    const { summary, appsRequests } = await afterChange({ addAppAssignments: 3, removeAppAssignments: 2 });
    const users = new Set(
      [...summary.addedAppAssignments, ...summary.removedAppAssignments].map((entry) => entry.userId),
    );
    expect(users.size).toBeGreaterThan(2);
    expect(appsRequests).toBeLessThanOrEqual(1 + users.size);
  });

  it('group memberships added and removed move GROUP-scoped app users', async () => {
    const { summary } = await afterChange({ addMemberships: 5, removeMemberships: 3 });
    expect(summary.addedMemberships.length + summary.removedMemberships.length).toBeGreaterThan(4);
  });

  it('new, deprovisioned and deleted users', async () => {
    const { summary, appsRequests } = await afterChange({ addUsers: 3, deprovisionUsers: 2, deleteUsers: 1 });
    expect(summary.addedUsers.length).toBe(3);
    expect(summary.deprovisionedUsers.length).toBe(2);
    // New users are read (they join Everyone's apps); the deprovisioned and deleted cost nothing.
    expect(appsRequests).toBeLessThanOrEqual(1 + summary.addedUsers.length);
  });

  it('a direct assignment removed from a user no group gives the app: the row is dropped, no request', async () => {
    const { summary, appsRequests } = await afterChange({ removeAppAssignments: 3 });
    expect(summary.removedAppAssignments.length).toBe(3);
    // The app list alone: the removal events say the rows are gone, and no group can hold them.
    expect(appsRequests).toBe(1);
  });

  it('a membership removed that takes apps away: those rows dropped; kept ones read', async () => {
    const { summary, appsRequests } = await afterChange({ removeMemberships: 4 });
    expect(summary.removedMemberships.length).toBe(4);
    const lost = new Set(summary.removedAppAssignments.map((entry) => entry.userId));
    // At most one request per removed member who may still hold an app through the group's other paths.
    expect(appsRequests).toBeLessThanOrEqual(1 + summary.removedMemberships.length);
    expect(lost.size).toBeGreaterThan(0);
  });

  it('many changed users in a small app: the app is listed once instead of a request per user', async () => {
    const { summary, appsRequests, listingRequests } = await afterChange({ updateUsers: 60 });
    expect(summary.updatedUsers.length).toBe(60);
    expect(listingRequests).toBeGreaterThan(0);
    expect(appsRequests).toBeLessThan(1 + summary.updatedUsers.length);
  });

  it('a user reactivated: their apps come back', async () => {
    const { summary, appsRequests } = await afterChange({ reactivateUsers: 1 });
    expect(summary.reactivatedUsers.length).toBe(1);
    expect(appsRequests).toBeLessThanOrEqual(2);
  });

  it('a group assigned to an app and one unassigned: the members rows, or the app listed when cheaper', async () => {
    const { summary, appsRequests, fullAppsRequests } = await afterChange({
      assignGroupsToApps: 1,
      unassignGroupsFromApps: 1,
    });
    expect(summary.addedAppGroups.length).toBe(1);
    expect(summary.removedAppGroups.length).toBe(1);
    // The app list, the two apps' groups, and their members' rows or their lists: a tenth of a full run.
    expect(appsRequests).toBeLessThan(fullAppsRequests / 10);
  });

  it('a group deleted and a role granted to a group', async () => {
    const { summary, groupRoleRequests } = await afterChange({ deleteGroups: 1, grantGroupRoles: 1 });
    expect(summary.deletedGroups.length).toBe(1);
    expect(summary.groupRoleGrants.length).toBe(1);
    // Only the group the System Log names with group.privilege.grant has its roles read again.
    expect(groupRoleRequests).toBe(1);
  });

  it('a role granted, then memberships changed: group roles are read again only for the groups the System Log names', async () => {
    const { summary, groupRoleRequests } = await afterChange({ grantGroupRoles: 1 });
    expect(summary.groupRoleGrants.length).toBe(1);
    expect(groupRoleRequests).toBe(1);
    const members = await afterChange({ addMemberships: 3, removeMemberships: 2 });
    expect(members.summary.addedMemberships.length).toBe(3);
    expect(members.groupRoleRequests).toBeLessThanOrEqual(
      new Set(
        [...members.summary.addedMemberships, ...members.summary.removedMemberships].map(
          (entry) => entry.groupId,
        ),
      ).size,
    );
  });

  it('every kind of change at once', async () => {
    const { summary } = await afterChange({ seed: 5, ...EVERY_CHANGE_KIND, addUsers: 2, updateUsers: 4 });
    expect(summary.reactivatedUsers.length + summary.addedAppGroups.length).toBeGreaterThan(1);
  });

  it('an app deactivated or activated: its row changes, its users are not read again', async () => {
    const { summary, appsRequests } = await afterChange({ appLifecycleChanges: 1 });
    expect(summary.appStatusChanges.length).toBe(1);
    expect(appsRequests).toBe(1);
  });
});
