/**
 * The built-in sample org: a deterministic, seeded Okta org and a loopback server that behaves like
 * Okta's Management API for every endpoint `sync` reads. Used by `sync --demo`, the end-to-end
 * tests and the benchmark.
 */
export {
  type AssignmentChange,
  type ChangeSetOptions,
  type ChangeSetSummary,
  EVERY_CHANGE_KIND,
  type MembershipChange,
} from './apply-change-set.js';
export type { AppGroupChange, GroupRoleGrant } from './apply-group-changes.js';
export type { FaultOptions } from './fault-injector.js';
export type {
  SampleApp,
  SampleAppGroup,
  SampleAppUser,
  SampleDevice,
  SampleGroup,
  SampleLogEvent,
  SampleRole,
  SampleUser,
  UserStatus,
} from './okta-records.js';
export { DEFAULT_RATE_LIMITS, type RateLimitOptions } from './rate-limit-simulator.js';
export type { BucketCounters, FaultKind, SampleOrgCounters, UrlCounters } from './sample-org-counters.js';
export { createSampleOrgData, type SampleOrgData } from './sample-org-data.js';
export {
  SAMPLE_ORG_READ_SCOPES,
  SampleOrgOAuth,
  type SampleOrgOAuthCounters,
  type SampleOrgOAuthOptions,
  scopeForPath,
} from './sample-org-oauth.js';
export {
  DEFAULT_SAMPLE_ORG_TOKEN,
  type SampleOrg,
  type SampleOrgOptions,
  startSampleOrg,
} from './sample-org-server.js';
export { SAMPLE_ORG_DIMENSIONS, type SampleOrgDimensions, type SampleOrgSize } from './sample-org-size.js';
export type { SampleOrgCounts, SampleOrgFixtureIds, SampleOrgTruth } from './sample-org-truth.js';
export { AppFixture, GroupFixture, UserFixture } from './tricky-values.js';
export type { UserSchemaDocument } from './user-schema.js';
