/** How big a sample org is. */
export type SampleOrgSize = 'tiny' | 'small' | 'medium' | 'large';

/** The generated record counts of a size (before any `mutate()`). */
export interface SampleOrgDimensions {
  users: number;
  groups: number;
  apps: number;
  devices: number;
  logEvents: number;
  /** Members of the page-boundary group, and users of the page-boundary app (a multiple of the max page size). */
  boundaryGroupMembers: number;
  boundaryAppUsers: number;
  /** Average memberships per user in OKTA_GROUP/APP_GROUP groups (Everyone excluded). */
  membershipsPerUser: number;
  /** Average direct assignments per user to generated (non-fixture) apps. */
  directAssignmentsPerUser: number;
}

/**
 * The sizes. `tiny` starts in a few milliseconds and holds every tricky case; `large` is the size of a
 * mid-sized enterprise. Exact derived counts (memberships, app assignments, roles) for seed 1 are in
 * the JSDoc of `createSampleOrgData`.
 */
export const SAMPLE_ORG_DIMENSIONS: Readonly<Record<SampleOrgSize, SampleOrgDimensions>> = {
  tiny: {
    users: 40,
    groups: 10,
    apps: 12,
    devices: 16,
    logEvents: 400,
    boundaryGroupMembers: 20,
    boundaryAppUsers: 20,
    membershipsPerUser: 2,
    directAssignmentsPerUser: 0,
  },
  small: {
    users: 2_000,
    groups: 60,
    apps: 40,
    devices: 800,
    logEvents: 20_000,
    boundaryGroupMembers: 200,
    boundaryAppUsers: 500,
    membershipsPerUser: 3,
    directAssignmentsPerUser: 3.4,
  },
  medium: {
    users: 20_000,
    groups: 400,
    apps: 150,
    devices: 8_000,
    logEvents: 200_000,
    boundaryGroupMembers: 200,
    boundaryAppUsers: 500,
    membershipsPerUser: 4,
    directAssignmentsPerUser: 3.4,
  },
  large: {
    users: 100_000,
    groups: 2_000,
    apps: 600,
    devices: 40_000,
    logEvents: 1_000_000,
    boundaryGroupMembers: 200,
    boundaryAppUsers: 500,
    membershipsPerUser: 4,
    directAssignmentsPerUser: 3.9,
  },
};

export function isSampleOrgSize(value: unknown): value is SampleOrgSize {
  return typeof value === 'string' && Object.hasOwn(SAMPLE_ORG_DIMENSIONS, value);
}
