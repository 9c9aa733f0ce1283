import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SampleOrg, startSampleOrg } from '../../src/demo/index.js';
import { expectSameRecords, get, json, walk } from './helpers.js';

const DAY = 86_400_000;
let org: SampleOrg;

beforeAll(async () => {
  org = await startSampleOrg({ size: 'small', rateLimits: { enabled: false } });
});
afterAll(() => org.stop());

/** The truth is computed without HTTP; for `small`, every endpoint must serve exactly it. */
describe('the truth equals what the endpoints serve (small)', () => {
  it('users, every status', async () => {
    expect((await walk(org, '/api/v1/users?search=status%20pr')).records).toEqual(
      json([...org.truth.users()]),
    );
  });

  it('groups and every membership', async () => {
    const groups = json([...org.truth.groups()]);
    expect((await walk(org, '/api/v1/groups?limit=200')).records).toEqual(groups);
    const served: { groupId: string; userId: string }[] = [];
    for (const group of groups) {
      const { records } = await walk<{ id: string }>(org, `/api/v1/groups/${group.id}/users?limit=1000`);
      for (const user of records) served.push({ groupId: group.id, userId: user.id });
    }
    expectSameRecords(served, [...org.truth.groupMembers()]);
  });

  it('apps, app users and app groups', async () => {
    const apps = json([...org.truth.apps()]);
    expect((await walk(org, '/api/v1/apps?limit=200')).records).toEqual(apps);
    const appUsers: unknown[] = [];
    const appGroups: unknown[] = [];
    for (const app of apps) {
      for (const user of (await walk<object>(org, `/api/v1/apps/${app.id}/users?limit=500`)).records) {
        appUsers.push({ ...user, appId: app.id });
      }
      for (const group of (await walk<object>(org, `/api/v1/apps/${app.id}/groups?limit=200`)).records) {
        appGroups.push({ ...group, appId: app.id });
      }
    }
    expectSameRecords(appUsers, [...org.truth.appUsers()]);
    expectSameRecords(appGroups, [...org.truth.appGroups()]);
  });

  it('admin roles, through the IAM list and each user’s roles, and through each group’s roles', async () => {
    const served = new Map<string, unknown[]>();
    let next: string | undefined = '/api/v1/iam/assignees/users';
    while (next) {
      const page: { body: { value: { id: string }[]; _links: { next?: { href: string } } } } = await get(
        org,
        next,
      );
      for (const { id } of page.body.value) {
        served.set(id, (await get<unknown[]>(org, `/api/v1/users/${id}/roles`)).body);
      }
      next = page.body._links.next?.href;
    }
    const truth = json([...org.truth.adminRoles()]);
    // Users holding roles only through a group are not in the IAM list: each group's roles reach them.
    const throughGroups = new Map<string, unknown[]>();
    for (const group of (await walk<{ id: string }>(org, '/api/v1/groups?limit=200')).records) {
      const roles = (await get<{ assignmentType: string }[]>(org, `/api/v1/groups/${group.id}/roles`)).body;
      if (roles.length === 0) continue;
      expect(roles.every((role) => role.assignmentType === 'GROUP')).toBe(true);
      for (const member of (await walk<{ id: string }>(org, `/api/v1/groups/${group.id}/users`)).records)
        throughGroups.set(member.id, [...(throughGroups.get(member.id) ?? []), ...roles]);
    }
    const expected = new Map(truth.map((entry) => [entry.userId, entry.roles]));
    for (const [userId, roles] of served) expect(roles, userId).toEqual(expected.get(userId));
    const groupOnly = truth.filter((entry) => !served.has(entry.userId));
    expect(groupOnly.length).toBeGreaterThan(0);
    for (const entry of groupOnly) expect(throughGroups.get(entry.userId), entry.userId).toEqual(entry.roles);
    // A custom role with its resource set is assigned to a group.
    expect(
      truth.some((entry) =>
        entry.roles.some(
          (role) => role.type === 'CUSTOM' && role.assignmentType === 'GROUP' && role['resource-set'],
        ),
      ),
    ).toBe(true);
  });

  it('with roleAssigneesIncludeGroupHolders, the IAM list names every holder', async () => {
    const withHolders = await startSampleOrg({
      size: 'tiny',
      roleAssigneesIncludeGroupHolders: true,
      rateLimits: { enabled: false },
    });
    try {
      const body = (await get<{ value: { id: string }[] }>(withHolders, '/api/v1/iam/assignees/users')).body;
      expect(body.value.map((entry) => entry.id)).toEqual(
        [...withHolders.truth.adminRoles()].map((e) => e.userId),
      );
    } finally {
      await withHolders.stop();
    }
  });

  it('devices with their users', async () => {
    expectSameRecords((await walk(org, '/api/v1/devices?expand=user')).records, [...org.truth.devices()]);
  });

  it('the whole System Log', async () => {
    const since = new Date(Date.now() - 91 * DAY).toISOString();
    const until = new Date(Date.now() + DAY).toISOString();
    const { records } = await walk(org, `/api/v1/logs?since=${since}&until=${until}&limit=1000`);
    expectSameRecords(records, [...org.truth.logEvents()]);
  });

  it('the user schema', async () => {
    expect((await get(org, '/api/v1/meta/schemas/user/default')).body).toEqual(json(org.truth.userSchema()));
  });
});
