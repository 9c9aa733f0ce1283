import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SampleOrg, type SampleUser, startSampleOrg } from '../../src/demo/index.js';
import { get, walk } from './helpers.js';

let org: SampleOrg;
let users: SampleUser[];
const ids = (records: { id: string }[]) => records.map((record) => record.id);
const q = (expression: string) => encodeURIComponent(expression);

beforeAll(async () => {
  org = await startSampleOrg({ size: 'small', rateLimits: { enabled: false } });
  users = [...org.truth.users()];
});
afterAll(() => org.stop());

describe('DEPROVISIONED users (an Okta quirk)', () => {
  it('are omitted from the plain list', async () => {
    const { records } = await walk<SampleUser>(org, '/api/v1/users');
    expect(records.some((user) => user.status === 'DEPROVISIONED')).toBe(false);
    expect(records).toHaveLength(users.filter((user) => user.status !== 'DEPROVISIONED').length);
  });

  it('are about 5 % of users, and come back with a filter or a search', async () => {
    const expected = ids(users.filter((user) => user.status === 'DEPROVISIONED'));
    expect(expected.length / users.length).toBeGreaterThan(0.03);
    expect(expected.length / users.length).toBeLessThan(0.08);
    const filtered = await walk<SampleUser>(org, `/api/v1/users?filter=${q('status eq "DEPROVISIONED"')}`);
    const searched = await walk<SampleUser>(org, `/api/v1/users?search=${q('status eq "DEPROVISIONED"')}`);
    expect(ids(filtered.records)).toEqual(expected);
    expect(ids(searched.records)).toEqual(expected);
  });

  it('are included by any search, so a search can list every user', async () => {
    const { records } = await walk<SampleUser>(org, `/api/v1/users?search=${q('status pr')}`);
    expect(ids(records)).toEqual(ids(users));
  });
});

describe('search and filter', () => {
  it('every status can be selected', async () => {
    for (const status of [
      'STAGED',
      'PROVISIONED',
      'ACTIVE',
      'RECOVERY',
      'PASSWORD_EXPIRED',
      'LOCKED_OUT',
      'SUSPENDED',
    ]) {
      const { records } = await walk<SampleUser>(org, `/api/v1/users?search=${q(`status eq "${status}"`)}`);
      expect(records.length, status).toBeGreaterThan(0);
      expect(ids(records)).toEqual(ids(users.filter((user) => user.status === status)));
    }
  });

  it('lastUpdated gt is strict and ge is inclusive', async () => {
    const sorted = users.map((user) => user.lastUpdated).sort();
    const pivot = sorted[Math.floor(sorted.length * 0.9)] as string;
    const gt = await walk<SampleUser>(org, `/api/v1/users?search=${q(`lastUpdated gt "${pivot}"`)}`);
    const ge = await walk<SampleUser>(org, `/api/v1/users?search=${q(`lastUpdated ge "${pivot}"`)}`);
    expect(ids(gt.records)).toEqual(ids(users.filter((user) => user.lastUpdated > pivot)));
    expect(ids(ge.records)).toEqual(ids(users.filter((user) => user.lastUpdated >= pivot)));
    expect(ge.records.length).toBeGreaterThan(gt.records.length);
  });

  it('compares timestamps as times, whatever their precision', async () => {
    const pivot = users[100]?.lastUpdated as string;
    const withoutMillis = pivot.replace('.000Z', 'Z');
    const { records } = await walk<SampleUser>(
      org,
      `/api/v1/users?filter=${q(`lastUpdated gt "${withoutMillis}"`)}`,
    );
    expect(ids(records)).toEqual(ids(users.filter((user) => user.lastUpdated > pivot)));
  });

  it('and, or and parentheses', async () => {
    const pivot = '2000-01-01T00:00:00.000Z';
    const expression = `lastUpdated gt "${pivot}" and (status eq "SUSPENDED" or status eq "LOCKED_OUT")`;
    const { records } = await walk<SampleUser>(org, `/api/v1/users?search=${q(expression)}`);
    expect(ids(records)).toEqual(
      ids(users.filter((user) => ['SUSPENDED', 'LOCKED_OUT'].includes(user.status))),
    );
  });

  it('a malformed expression is a 400 E0000031', async () => {
    const page = await get<{ errorCode: string; errorCauses: unknown[] }>(
      org,
      `/api/v1/users?search=${q('status eq')}`,
    );
    expect(page.status).toBe(400);
    expect(page.body.errorCode).toBe('E0000031');
  });

  it('groups by type, lastUpdated and lastMembershipUpdated', async () => {
    const groups = [...org.truth.groups()];
    const appGroups = await walk<{ id: string }>(org, `/api/v1/groups?filter=${q('type eq "APP_GROUP"')}`);
    expect(ids(appGroups.records)).toEqual(ids(groups.filter((group) => group.type === 'APP_GROUP')));
    const pivot = groups.map((group) => group.lastMembershipUpdated).sort()[30] as string;
    const changed = await walk<{ id: string }>(
      org,
      `/api/v1/groups?search=${q(`lastMembershipUpdated gt "${pivot}" or lastUpdated gt "${pivot}"`)}`,
    );
    expect(ids(changed.records)).toEqual(
      ids(groups.filter((group) => group.lastMembershipUpdated > pivot || group.lastUpdated > pivot)),
    );
  });

  it('devices by lastUpdated', async () => {
    const devices = [...org.truth.devices()];
    const pivot = devices.map((device) => device.lastUpdated).sort()[700] as string;
    const { records } = await walk<{ id: string }>(
      org,
      `/api/v1/devices?search=${q(`lastUpdated gt "${pivot}"`)}`,
    );
    expect(ids(records)).toEqual(ids(devices.filter((device) => device.lastUpdated > pivot)));
    expect(records.length).toBeGreaterThan(0);
  });

  it('q is a prefix match that omits DEPROVISIONED users and does not page', async () => {
    const page = await get<SampleUser[]>(org, '/api/v1/users?q=ren');
    expect(page.body.map((user) => user.profile.login)).toEqual([
      'renee.muller.nfd@demo.example',
      'renee.muller.nfc@demo.example',
    ]);
    expect(page.next).toBeUndefined();
  });
});
