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

  it('admin roles, through the IAM list and each user’s roles', async () => {
    const served = [];
    let next: string | undefined = '/api/v1/iam/assignees/users';
    while (next) {
      const page: { body: { value: { id: string }[]; _links: { next?: { href: string } } } } = await get(
        org,
        next,
      );
      for (const { id } of page.body.value) {
        served.push({ userId: id, roles: (await get(org, `/api/v1/users/${id}/roles`)).body });
      }
      next = page.body._links.next?.href;
    }
    expect(served).toEqual(json([...org.truth.adminRoles()]));
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
