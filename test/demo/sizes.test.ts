import { describe, expect, it } from 'vitest';
import {
  createSampleOrgData,
  SAMPLE_ORG_DIMENSIONS,
  type SampleOrgTruth,
  startSampleOrg,
} from '../../src/demo/index.js';
import { get, json } from './helpers.js';

/** The table in createSampleOrgData's JSDoc (seed 1). */
const EXPECTED = {
  tiny: [40, 5, 10, 122, 12, 181, 12, 7, 16, 400],
  small: [2_000, 109, 60, 9_480, 40, 15_538, 38, 12, 800, 20_000],
  medium: [20_000, 1_026, 400, 96_354, 150, 151_436, 193, 124, 8_000, 200_000],
  large: [100_000, 5_056, 2_000, 509_645, 600, 741_643, 843, 3_449, 40_000, 1_000_000],
} as const;

const row = (truth: SampleOrgTruth) => {
  const counts = truth.counts();
  return [
    counts.users,
    counts.deprovisionedUsers,
    counts.groups,
    counts.groupMemberships,
    counts.apps,
    counts.appUsers,
    counts.appGroups,
    counts.admins,
    counts.devices,
    counts.logEvents,
  ];
};

describe('sizes', () => {
  for (const size of ['tiny', 'small', 'medium'] as const) {
    it(`${size} has the documented counts`, () => {
      expect(row(createSampleOrgData(size, 1).truth)).toEqual(EXPECTED[size]);
    });
  }

  it('large starts and serves, with the documented counts', async () => {
    const org = await startSampleOrg({ size: 'large', rateLimits: { enabled: false } });
    try {
      expect(row(org.truth)).toEqual(EXPECTED.large);
      const users = await get<unknown[]>(org, '/api/v1/users?limit=200');
      expect(users.body).toHaveLength(200);
      const since = new Date(Date.now() - 60_000 * 60).toISOString();
      const logs = await get<unknown[]>(
        org,
        `/api/v1/logs?since=${since}&until=${new Date().toISOString()}&limit=1000`,
      );
      expect(logs.body.length).toBeGreaterThan(100);
    } finally {
      await org.stop();
    }
  });

  it('the counts agree with the truth’s iterables (tiny)', () => {
    const { truth } = createSampleOrgData('tiny', 1);
    const lengths = {
      users: [...truth.users()].length,
      groups: [...truth.groups()].length,
      groupMemberships: [...truth.groupMembers()].length,
      apps: [...truth.apps()].length,
      appUsers: [...truth.appUsers()].length,
      appGroups: [...truth.appGroups()].length,
      admins: [...truth.adminRoles()].length,
      devices: [...truth.devices()].length,
      logEvents: [...truth.logEvents()].length,
    };
    expect(truth.counts()).toMatchObject(lengths);
  });

  it('every size holds the fixtures and the page-boundary group and app', () => {
    for (const dimensions of Object.values(SAMPLE_ORG_DIMENSIONS)) {
      expect(dimensions.users).toBeGreaterThanOrEqual(40);
      expect(dimensions.groups).toBeGreaterThanOrEqual(10);
      expect(dimensions.apps).toBeGreaterThanOrEqual(12);
    }
  });
});

describe('determinism', () => {
  const now = () => Date.UTC(2026, 2, 1);
  const everything = (truth: SampleOrgTruth) =>
    json({
      users: [...truth.users()],
      groups: [...truth.groups()],
      members: [...truth.groupMembers()],
      apps: [...truth.apps()],
      appUsers: [...truth.appUsers()],
      appGroups: [...truth.appGroups()],
      roles: [...truth.adminRoles()],
      devices: [...truth.devices()],
      logs: [...truth.logEvents()],
      schema: truth.userSchema(),
    });

  it('the same size, seed and clock give identical data', () => {
    expect(everything(createSampleOrgData('tiny', 1, { now }).truth)).toEqual(
      everything(createSampleOrgData('tiny', 1, { now }).truth),
    );
  });

  it('another seed gives other data with the same fixtures', () => {
    const one = everything(createSampleOrgData('tiny', 1, { now }).truth);
    const two = everything(createSampleOrgData('tiny', 2, { now }).truth);
    expect(two.users[0]?.id).not.toBe(one.users[0]?.id);
    expect(two.users[1]?.profile.lastName).toBe('山田');
    expect(two.logs).not.toEqual(one.logs);
  });

  it('every timestamp lies before the clock', () => {
    const data = everything(createSampleOrgData('tiny', 3, { now }).truth);
    const stamps = JSON.stringify(data).match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g) ?? [];
    expect(stamps.length).toBeGreaterThan(1_000);
    expect(stamps.every((stamp) => Date.parse(stamp) < now())).toBe(true);
  });
});
