import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SampleOrg, startSampleOrg } from '../../src/demo/index.js';
import { get, walk } from './helpers.js';
import { loadSchemas, validateAs } from './openapi-validator.js';

const fixture = loadSchemas();
let org: SampleOrg;

beforeAll(async () => {
  org = await startSampleOrg({ size: 'tiny', permissions: { deny: ['/api/v1/forbidden'] } });
  org.mutate();
});
afterAll(() => org.stop());

function expectValid(name: string, records: unknown[]): void {
  expect(records.length).toBeGreaterThan(0);
  const errors = records.flatMap((record) => validateAs(fixture, name, record));
  expect(errors.slice(0, 20)).toEqual([]);
}

describe('the vendored schemas', () => {
  it('say where they come from', () => {
    expect(fixture.$comment).toMatch(/Okta's Management OpenAPI 2026\.06\.3 \(Apache-2\.0\)/);
    expect(fixture.discriminators.Application?.mapping.SAML_2_0).toBe('SamlApplication');
  });

  it('catch a response of the wrong shape (the validator can fail)', () => {
    expect(validateAs(fixture, 'User', { id: 1, status: 'HAPPY', created: 'yesterday' })).toHaveLength(3);
    expect(
      validateAs(fixture, 'Application', { signOnMode: 'BOOKMARK', label: 'x', name: 'bookmark' }),
    ).toContain('BookmarkApplication $: missing required settings');
  });
});

describe('every endpoint answers with Okta’s schemas', () => {
  it('GET /.well-known/okta-organization', async () => {
    expectValid('WellKnownOrgMetadata', [(await get(org, '/.well-known/okta-organization')).body]);
  });

  it('GET /api/v1/users (every status, via search) and /api/v1/users/me', async () => {
    expectValid('User', (await walk(org, '/api/v1/users?search=status%20pr')).records);
    expectValid('UserGetSingleton', [(await get(org, '/api/v1/users/me')).body]);
  });

  it('GET /api/v1/users/{id}/roles and /api/v1/groups/{id}/roles', async () => {
    const roles: unknown[] = [];
    for (const { userId } of org.truth.adminRoles())
      roles.push(...(await get<unknown[]>(org, `/api/v1/users/${userId}/roles`)).body);
    for (const group of org.truth.groups())
      roles.push(...(await get<unknown[]>(org, `/api/v1/groups/${group.id}/roles`)).body);
    const standard = roles.filter((role) => (role as { type: string }).type !== 'CUSTOM');
    const custom = roles.filter((role) => (role as { type: string }).type === 'CUSTOM');
    expectValid('StandardRole', standard);
    expectValid('CustomRole', custom);
    expect(new Set(standard.map((role) => (role as { assignmentType: string }).assignmentType))).toEqual(
      new Set(['USER', 'GROUP']),
    );
  });

  it('GET /api/v1/iam/assignees/users', async () => {
    expectValid('RoleAssignedUsers', [(await get(org, '/api/v1/iam/assignees/users?limit=2')).body]);
    expectValid('RoleAssignedUsers', [(await get(org, '/api/v1/iam/assignees/users')).body]);
  });

  it('GET /api/v1/meta/schemas/user/default', async () => {
    expectValid('UserSchema', [(await get(org, '/api/v1/meta/schemas/user/default')).body]);
  });

  it('GET /api/v1/groups (with and without stats) and /api/v1/groups/{id}/users', async () => {
    expectValid('Group', (await walk(org, '/api/v1/groups?limit=3')).records);
    expectValid('Group', (await walk(org, '/api/v1/groups?expand=stats')).records);
    const members: unknown[] = [];
    for (const group of org.truth.groups())
      members.push(...(await walk(org, `/api/v1/groups/${group.id}/users`)).records);
    expectValid('User', members);
  });

  it('GET /api/v1/apps, /api/v1/apps/{id}/users and /api/v1/apps/{id}/groups', async () => {
    const apps = (await walk<{ id: string; signOnMode: string }>(org, '/api/v1/apps?limit=5')).records;
    expectValid('Application', apps);
    expect(new Set(apps.map((app) => app.signOnMode))).toEqual(
      new Set(['SAML_2_0', 'OPENID_CONNECT', 'BROWSER_PLUGIN', 'AUTO_LOGIN', 'BOOKMARK']),
    );
    const appUsers: unknown[] = [];
    const appGroups: unknown[] = [];
    for (const app of apps) {
      appUsers.push(...(await walk(org, `/api/v1/apps/${app.id}/users?limit=500`)).records);
      appGroups.push(...(await walk(org, `/api/v1/apps/${app.id}/groups`)).records);
    }
    expectValid('AppUser', appUsers);
    expectValid('ApplicationGroupAssignment', appGroups);
  });

  it('GET /api/v1/devices?expand=user', async () => {
    const devices = (await walk<{ _embedded: { users: unknown[] } }>(org, '/api/v1/devices?expand=user'))
      .records;
    expectValid('DeviceList', devices);
    expect(devices.some((device) => device._embedded.users.length === 2)).toBe(true);
  });

  it('GET /api/v1/logs, generated and appended by mutate()', async () => {
    const since = new Date(Date.now() - 90 * 86_400_000).toISOString();
    const events = (
      await walk(
        org,
        `/api/v1/logs?since=${since}&until=${new Date(Date.now() + 60_000).toISOString()}&limit=1000`,
      )
    ).records;
    expectValid('LogEvent', events);
    expect(new Set(events.map((event) => (event as { eventType: string }).eventType))).toContain(
      'group.user_membership.add',
    );
  });

  it('errors: 400, 401, 403, 404, 405 and 429', async () => {
    const limited = await startSampleOrg({ rateLimits: { limits: { '/api/v1/users': 1 } } });
    try {
      await get(limited, '/api/v1/users');
      const bodies = [
        (await get(org, '/api/v1/users?search=status%20oops')).body,
        (await get(org, '/api/v1/users', 'wrong')).body,
        (await get(org, '/api/v1/forbidden')).body,
        (await get(org, '/api/v1/nothing-here')).body,
        (await get(limited, '/api/v1/users')).body,
        await (
          await fetch(`${org.url}/api/v1/users`, {
            method: 'POST',
            headers: { Authorization: `SSWS ${org.token}` },
          })
        ).json(),
      ];
      expectValid('Error', bodies);
    } finally {
      await limited.stop();
    }
  });
});
