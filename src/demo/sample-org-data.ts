import { applyChangeSet, type ChangeSetOptions, type ChangeSetSummary } from './apply-change-set.js';
import { SampleOrgLog } from './log-events.js';
import type { SampleOrgSize } from './sample-org-size.js';
import { type SampleOrgDataOptions, SampleOrgStore } from './sample-org-store.js';
import { createTruth, type SampleOrgTruth } from './sample-org-truth.js';

/** Current record counts (they change with `mutate()`). */
export interface SampleOrgCounts {
  /** Every status, DEPROVISIONED included; deleted users excluded. */
  users: number;
  groups: number;
  apps: number;
  devices: number;
  logEvents: number;
}

/** The generated org without a server: its ground truth, and the change sets for incremental tests. */
export interface SampleOrgData {
  readonly size: SampleOrgSize;
  readonly seed: number;
  readonly truth: SampleOrgTruth;
  counts(): SampleOrgCounts;
  mutate(change?: ChangeSetOptions): ChangeSetSummary;
}

/** What the server needs on top of the public data: the state it serves from. */
export interface SampleOrgInternals extends SampleOrgData {
  readonly store: SampleOrgStore;
  readonly log: SampleOrgLog;
}

/**
 * Generates a sample org: identical data for the same size, seed and clock (`now`; timestamps are
 * relative to it). Nothing is built up front but compact indexes; records are made when read.
 *
 * Exact counts for seed 1 (before any `mutate()`):
 *
 * | size   | users   | DEPROVISIONED | groups | memberships¹ | apps | app users² | app groups | admins³ | devices | log events |
 * | ------ | ------- | ------------- | ------ | ------------ | ---- | ---------- | ---------- | ------- | ------- | ---------- |
 * | tiny   | 40      | 3             | 10     | 117          | 12   | 132        | 11         | 5       | 16      | 400        |
 * | small  | 2,000   | 99            | 60     | 7,872        | 40   | 14,844     | 45         | 9       | 800     | 20,000     |
 * | medium | 20,000  | 1,000         | 400    | 99,957       | 150  | 151,154    | 235        | 87      | 8,000   | 200,000    |
 * | large  | 100,000 | 5,033         | 2,000  | 496,386      | 600  | 752,143    | 931        | 413     | 40,000  | 1,000,000  |
 *
 * ¹ group memberships, Everyone included · ² `/api/v1/apps/{id}/users` records, all apps ·
 * ³ users in `/api/v1/iam/assignees/users`. `test/demo/sizes.test.ts` keeps this table honest.
 */
export function createSampleOrgData(
  size: SampleOrgSize = 'tiny',
  seed = 1,
  options: SampleOrgDataOptions = {},
): SampleOrgInternals {
  const store = new SampleOrgStore(size, seed, options);
  const log = new SampleOrgLog(store);
  return {
    size,
    seed,
    store,
    log,
    truth: createTruth(store, log),
    counts: () => ({
      users: store.userCount - store.deletedUsers.size,
      groups: store.groupCount,
      apps: store.appCount,
      devices: store.pipeline === 'idx' ? store.deviceCount : 0,
      logEvents: log.count(),
    }),
    mutate: (change) => applyChangeSet(store, log, change),
  };
}
