import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppFixture,
  GroupFixture,
  type SampleOrg,
  startSampleOrg,
  UserFixture,
} from '../../src/demo/index.js';
import { get, headerLines, json, rawGet, walk } from './helpers.js';

let org: SampleOrg;
const ids = <T extends { id: string }>(records: T[]) => records.map((record) => record.id);

beforeAll(async () => {
  org = await startSampleOrg({ size: 'small', rateLimits: { enabled: false } });
});
afterAll(() => org.stop());

describe('Link headers', () => {
  it('come one per relation, exactly as Okta sends them', async () => {
    const first = await rawGet(`${org.url}/api/v1/users?limit=200`, org.token);
    const links = headerLines(first.rawHeaders, 'link');
    expect(links).toHaveLength(2);
    expect(links[0]).toBe(`<${org.url}/api/v1/users?limit=200>; rel="self"`);
    const lastId = (JSON.parse(first.body) as { id: string }[]).at(-1)?.id;
    expect(links[1]).toBe(`<${org.url}/api/v1/users?after=${lastId}&limit=200>; rel="next"`);
  });

  it('keep the query of the request, percent-encoded, with after first', async () => {
    const page = await get(org, '/api/v1/users?search=status%20eq%20%22ACTIVE%22&limit=5');
    expect(page.self).toBe(`${org.url}/api/v1/users?search=status%20eq%20%22ACTIVE%22&limit=5`);
    expect(page.next).toMatch(
      new RegExp(
        `^${org.url}/api/v1/users\\?after=00u[0-9A-Za-z]{17}&search=status%20eq%20%22ACTIVE%22&limit=5$`,
      ),
    );
  });

  it('add the effective limit to the next link when the request had none', async () => {
    const page = await get(org, '/api/v1/apps');
    expect(page.next).toMatch(/\?after=0oa[0-9A-Za-z]{17}&limit=20$/);
  });
});

describe('cursors walk every record exactly once', () => {
  it('users, at the max page size and at an odd one, ordered by id', async () => {
    const expected = [...org.truth.users()]
      .filter((user) => user.status !== 'DEPROVISIONED')
      .map((user) => user.id);
    const full = await walk<{ id: string }>(org, '/api/v1/users?limit=200');
    const odd = await walk<{ id: string }>(org, '/api/v1/users?limit=37');
    expect(ids(full.records)).toEqual(expected);
    expect(ids(odd.records)).toEqual(expected);
    expect(new Set(expected).size).toBe(expected.length);
    expect([...expected].sort()).toEqual(expected);
    expect(full.pages.slice(0, -1).every((page) => page.body.length === 200)).toBe(true);
    expect(full.pages.at(-1)?.next).toBeUndefined();
  });

  it('the two users and two groups whose ids differ only in case', async () => {
    const users = [...org.truth.users()];
    const upper = users[UserFixture.caseTwinUpper]?.id ?? '';
    const lower = users[UserFixture.caseTwinLower]?.id ?? '';
    expect(upper).not.toBe(lower);
    expect(upper.toLowerCase()).toBe(lower.toLowerCase());
    const walked = ids((await walk<{ id: string }>(org, '/api/v1/users?limit=14')).records);
    expect(walked.filter((id) => id === upper || id === lower)).toEqual([upper, lower]);
    expect((await get<{ id: string }>(org, `/api/v1/users/${lower}`)).body.id).toBe(lower);
    expect((await get<{ id: string }>(org, `/api/v1/users/${upper}`)).body.id).toBe(upper);
    const groups = ids((await walk<{ id: string }>(org, '/api/v1/groups?limit=4')).records);
    const [groupUpper, groupLower] = [groups[GroupFixture.caseTwinUpper], groups[GroupFixture.caseTwinLower]];
    expect(groupUpper?.toLowerCase()).toBe(groupLower?.toLowerCase());
    expect(groupUpper).not.toBe(groupLower);
  });

  it('a group of exactly 200 members: a full page, then an empty last page without next', async () => {
    const group = [...org.truth.groups()][GroupFixture.boundary]?.id;
    const { records, pages } = await walk(org, `/api/v1/groups/${group}/users?limit=200`);
    expect(records).toHaveLength(200);
    expect(pages.map((page) => page.body.length)).toEqual([200, 0]);
    expect(pages[1]?.next).toBeUndefined();
  });

  it('an app of exactly 500 users: a full page, then an empty last page', async () => {
    const app = [...org.truth.apps()][AppFixture.boundary]?.id;
    const { records, pages } = await walk(org, `/api/v1/apps/${app}/users?limit=500`);
    expect(records).toHaveLength(500);
    expect(pages.map((page) => page.body.length)).toEqual([500, 0]);
  });

  it('an empty group and an app without assignments: one empty page', async () => {
    const group = [...org.truth.groups()][GroupFixture.empty]?.id;
    const app = [...org.truth.apps()][AppFixture.unused]?.id;
    for (const path of [
      `/api/v1/groups/${group}/users`,
      `/api/v1/apps/${app}/users`,
      `/api/v1/apps/${app}/groups`,
    ]) {
      const { pages } = await walk(org, path);
      expect(pages).toHaveLength(1);
      expect(pages[0]?.body).toEqual([]);
      expect(pages[0]?.next).toBeUndefined();
    }
  });

  it('group members, app users and app groups at small page sizes', async () => {
    const group = [...org.truth.groups()][GroupFixture.allStaff]?.id ?? '';
    const members = [...org.truth.groupMembers()]
      .filter((member) => member.groupId === group)
      .map((m) => m.userId);
    expect(ids((await walk<{ id: string }>(org, `/api/v1/groups/${group}/users?limit=173`)).records)).toEqual(
      members,
    );
    const app = [...org.truth.apps()][AppFixture.salesforce]?.id ?? '';
    const appUsers = [...org.truth.appUsers()].filter((user) => user.appId === app).map((user) => user.id);
    expect(ids((await walk<{ id: string }>(org, `/api/v1/apps/${app}/users?limit=61`)).records)).toEqual(
      appUsers,
    );
    const groupOnly = [...org.truth.apps()][AppFixture.groupOnly]?.id ?? '';
    const appGroups = [...org.truth.appGroups()]
      .filter((entry) => entry.appId === groupOnly)
      .map((entry) => entry.id);
    expect(appGroups).toHaveLength(3);
    expect(
      ids((await walk<{ id: string }>(org, `/api/v1/apps/${groupOnly}/groups?limit=1`)).records),
    ).toEqual(appGroups);
  });

  it('groups, apps and devices', async () => {
    expect(ids((await walk<{ id: string }>(org, '/api/v1/groups?limit=7')).records)).toEqual(
      ids([...org.truth.groups()]),
    );
    expect(ids((await walk<{ id: string }>(org, '/api/v1/apps?limit=7')).records)).toEqual(
      ids([...org.truth.apps()]),
    );
    expect(ids((await walk<{ id: string }>(org, '/api/v1/devices?limit=200')).records)).toEqual(
      ids([...org.truth.devices()]),
    );
  });

  it('IAM role assignees page through the body, not the link header', async () => {
    // By default the list names only users with a role assigned to them, not those holding one only
    // through a group (Okta does not promise them).
    const expected = [...org.truth.adminRoles()]
      .filter((entry) => entry.roles.some((role) => role.assignmentType === 'USER'))
      .map((entry) => entry.userId);
    expect(expected.length).toBeLessThan([...org.truth.adminRoles()].length);
    const seen: string[] = [];
    let next: string | undefined = `${org.url}/api/v1/iam/assignees/users?limit=2`;
    while (next) {
      const raw = await rawGet(next, org.token);
      expect(headerLines(raw.rawHeaders, 'link')).toEqual([]);
      const body = JSON.parse(raw.body) as { value: { id: string }[]; _links: { next?: { href: string } } };
      seen.push(...body.value.map((entry) => entry.id));
      next = body._links.next?.href;
    }
    expect(seen).toEqual(expected);
  });

  it('clamps a limit above the maximum and refuses a bad one', async () => {
    expect((await get<unknown[]>(org, '/api/v1/users?limit=1000')).body).toHaveLength(200);
    const bad = await get<{ errorCode: string }>(org, '/api/v1/users?limit=zero');
    expect(bad.status).toBe(400);
    expect(bad.body.errorCode).toBe('E0000001');
  });

  it('serves users as the truth has them', async () => {
    const truth = json([...org.truth.users()].slice(0, 50).filter((user) => user.status !== 'DEPROVISIONED'));
    const served = (await get<unknown[]>(org, '/api/v1/users?limit=50')).body;
    expect(served.slice(0, truth.length)).toEqual(truth);
  });
});
