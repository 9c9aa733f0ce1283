import { applyChangeSet, type ChangeSetOptions, type ChangeSetSummary } from './apply-change-set.js';
import { SampleOrgLog } from './log-events.js';
import type { SampleOrgDataOptions } from './sample-org-core.js';
import type { SampleOrgSize } from './sample-org-size.js';
import { SampleOrgStore } from './sample-org-store.js';
import { createTruth, type SampleOrgTruth } from './sample-org-truth.js';

/** The generated org without a server: its ground truth, and the change sets for incremental tests. */
export interface SampleOrgData {
  readonly size: SampleOrgSize;
  readonly seed: number;
  readonly truth: SampleOrgTruth;
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
 * Exact counts for seed 1 (before any `mutate()`; `truth.counts()` gives them at any time):
 *
 * | size   | users   | DEPROVISIONED | groups | memberships¹ | apps | app users² | app groups | admins³ | devices | log events |
 * | ------ | ------- | ------------- | ------ | ------------ | ---- | ---------- | ---------- | ------- | ------- | ---------- |
 * | tiny   | 40      | 5             | 10     | 122          | 12   | 181        | 12         | 7       | 16      | 400        |
 * | small  | 2,000   | 109           | 60     | 9,480        | 40   | 15,538     | 38         | 12      | 800     | 20,000     |
 * | medium | 20,000  | 1,026         | 400    | 96,354       | 150  | 151,436    | 193        | 124     | 8,000   | 200,000    |
 * | large  | 100,000 | 5,056         | 2,000  | 509,645      | 600  | 741,643    | 843        | 3,449   | 40,000  | 1,000,000  |
 *
 * ¹ group memberships, Everyone included · ² `/api/v1/apps/{id}/users` records, all apps ·
 * ³ users holding an admin role, directly or through a group (`/api/v1/iam/assignees/users` lists
 * only the direct holders unless `roleAssigneesIncludeGroupHolders`). `test/demo/sizes.test.ts` keeps this table honest.
 * `large` is created in well under a second and needs a few tens of MB.
 */
export function createSampleOrgData(
  size: SampleOrgSize = 'tiny',
  seed = 1,
  options: SampleOrgDataOptions = {},
): SampleOrgData {
  const { store: _store, log: _log, ...data } = createSampleOrgInternals(size, seed, options);
  return data;
}

/** The same, with the state the server answers from. */
export function createSampleOrgInternals(
  size: SampleOrgSize,
  seed: number,
  options: SampleOrgDataOptions,
): SampleOrgInternals {
  const store = new SampleOrgStore(size, seed, options);
  const log = new SampleOrgLog(store);
  return {
    size,
    seed,
    store,
    log,
    truth: createTruth(store, log),
    mutate: (change) => applyChangeSet(store, log, change),
  };
}
