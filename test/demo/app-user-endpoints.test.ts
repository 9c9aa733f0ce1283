import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SampleOrg, startSampleOrg } from '../../src/demo/index.js';
import { get, walk } from './helpers.js';

let org: SampleOrg;
const q = (expression: string) => encodeURIComponent(expression);

beforeAll(async () => {
  org = await startSampleOrg({ size: 'tiny', rateLimits: { enabled: false } });
});
afterAll(() => org.stop());

interface AppUser {
  id: string;
  scope: string;
  profile: Record<string, unknown>;
}
interface App {
  id: string;
  _embedded?: { user: AppUser };
}
interface Mapping {
  id: string;
  source: { id: string; type: string };
  target: { id: string; type: string };
  properties?: Record<string, { expression: string }>;
}

describe('the endpoints an incremental run refreshes app users through', () => {
  it('GET /api/v1/apps/{appId}/users/{userId} answers the row the app list has, 404 when not assigned', async () => {
    const { records: apps } = await walk<App>(org, '/api/v1/apps?limit=200');
    let compared = 0;
    for (const app of apps.slice(0, 4)) {
      const { records: appUsers } = await walk<AppUser>(org, `/api/v1/apps/${app.id}/users?limit=500`);
      for (const appUser of appUsers.slice(0, 3)) {
        const one = await get<AppUser>(org, `/api/v1/apps/${app.id}/users/${appUser.id}`);
        expect(one.status).toBe(200);
        expect(one.body).toEqual(appUser);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(3);
    const { records: users } = await walk<{ id: string; status: string }>(org, '/api/v1/users?limit=200');
    const [firstApp] = apps;
    const assigned = new Set(
      (await walk<AppUser>(org, `/api/v1/apps/${firstApp?.id}/users?limit=500`)).records.map((row) => row.id),
    );
    const outsider = users.find((user) => !assigned.has(user.id));
    if (outsider)
      expect((await get(org, `/api/v1/apps/${firstApp?.id}/users/${outsider.id}`)).status).toBe(404);
    // It counts against the apps bucket, like the app users list.
    const answer = await get(org, `/api/v1/apps/${firstApp?.id}/users/${users[0]?.id}`);
    expect(answer.headers.get('x-rate-limit-limit')).toBe('100');
  });

  it('filter=user.id eq with expand=user/{id}: every app of the user, each with the app user embedded', async () => {
    const { records: apps } = await walk<App>(org, '/api/v1/apps?limit=200');
    const rowsByUser = new Map<string, Map<string, AppUser>>();
    for (const app of apps) {
      for (const appUser of (await walk<AppUser>(org, `/api/v1/apps/${app.id}/users?limit=500`)).records) {
        const rows = rowsByUser.get(appUser.id) ?? new Map<string, AppUser>();
        rows.set(app.id, appUser);
        rowsByUser.set(appUser.id, rows);
      }
    }
    const [userId, expected] = [...rowsByUser].sort((a, b) => b[1].size - a[1].size)[0] ?? [];
    expect(expected?.size).toBeGreaterThan(1);
    const filter = q(`user.id eq "${userId}"`);
    const { records } = await walk<App>(org, `/api/v1/apps?filter=${filter}&expand=user/${userId}&limit=200`);
    expect(new Map(records.map((app) => [app.id, app._embedded?.user]))).toEqual(expected);
    // Without the matching filter, expand is refused as Okta documents.
    expect((await get(org, `/api/v1/apps?expand=user/${userId}`)).status).toBe(400);
  });

  it('profile mappings: user-to-app ones name the user attributes each app user profile takes', async () => {
    const { records: mappings } = await walk<Mapping>(org, '/api/v1/mappings?limit=200');
    const toApps = mappings.filter(
      (mapping) => mapping.source.type === 'user' && mapping.target.type === 'appuser',
    );
    expect(toApps.length).toBeGreaterThan(1);
    expect(mappings.some((mapping) => mapping.source.type === 'appuser')).toBe(true);
    for (const mapping of toApps) {
      const { body } = await get<Mapping>(org, `/api/v1/mappings/${mapping.id}`);
      const { records: appUsers } = await walk<AppUser>(
        org,
        `/api/v1/apps/${mapping.target.id}/users?limit=500`,
      );
      const { records: users } = await walk<{ id: string; profile: Record<string, unknown> }>(
        org,
        `/api/v1/users?search=${q('status pr')}&limit=200`,
      );
      for (const appUser of appUsers.slice(0, 5)) {
        const user = users.find((entry) => entry.id === appUser.id);
        for (const [attribute, property] of Object.entries(body.properties ?? {})) {
          const source = property.expression.replace(/^user\./, '');
          expect(appUser.profile[attribute], `${mapping.target.id} ${attribute}`).toEqual(
            user?.profile[source],
          );
        }
      }
    }
    expect((await get(org, '/api/v1/mappings/prmnothere')).status).toBe(404);
  });
});
