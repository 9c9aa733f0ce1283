import { z } from 'zod';
import type { EntityName } from '../inventory/entities.js';
import type { SyncState } from '../inventory/sync-state.js';
import { DEFAULT_FULL_EVERY_DAYS } from './sync-defaults.js';

/**
 * Okta's user search reads an eventually consistent index: changes are read from this long before
 * the previous run started, so a change indexed late is not missed.
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/listUsers
 */
export const CHANGE_OVERLAP_MS = 10 * 60_000;

/** Okta keeps System Log events for 90 days; an incremental run cannot resume from an older checkpoint. */
export const SYSTEM_LOG_RETENTION_MS = 85 * 86_400_000;

export { DEFAULT_FULL_EVERY_DAYS };

const DAY_MS = 86_400_000;

/** What state.json keeps for the next incremental run (under `cursors.incremental`). */
export const incrementalCursorSchema = z.object({
  base: z.string(),
  serverStartedAt: z.iso.datetime({ offset: true }),
  logCheckpoint: z.url(),
  entities: z.array(z.string()),
  org: z.string(),
});
export type IncrementalCursor = z.infer<typeof incrementalCursorSchema>;

export interface PlanRunInput {
  /** `--incremental` was asked for. */
  incremental: boolean;
  /** `--full` was asked for (wins over `incremental`). */
  full: boolean;
  /** `--full-every`, in days. @default 7 */
  fullEveryDays?: number | undefined;
  entities: ReadonlySet<EntityName>;
  /** The org's origin, as state.json records it. */
  org: string;
  /** This run's start (ms). */
  now: number;
  /** Reads state.json; may throw when it is damaged (the run is then full, and says why). */
  loadState: () => Promise<SyncState | undefined>;
  /** Whether the base folder a cursor names still exists. */
  baseExists: (folder: string) => Promise<boolean>;
}

/** A full run (with why, when an incremental one was asked for), or an incremental one and its base. */
export type RunPlan =
  | { mode: 'full'; reason: string | null }
  | {
      mode: 'incremental';
      cursor: IncrementalCursor;
      /** Server time (ISO) from which changes are read: the last run's start less the overlap. */
      changedSince: string;
    };

/**
 * Decides between a full and an incremental run. An incremental run builds on the last complete
 * run's rows, so it is refused (and the run goes full, naming the reason) whenever those rows or the
 * System Log behind them cannot be trusted to describe what changed since.
 */
export async function planRun(input: PlanRunInput): Promise<RunPlan> {
  const full = (reason: string | null): RunPlan => ({ mode: 'full', reason });
  if (input.full || !input.incremental) return full(null);
  const fullEvery = input.fullEveryDays ?? DEFAULT_FULL_EVERY_DAYS;
  let state: SyncState | undefined;
  try {
    state = await input.loadState();
  } catch (error) {
    return full(`the saved state is unreadable (${(error as Error).message})`);
  }
  const parsed = incrementalCursorSchema.safeParse(state?.cursors.incremental);
  if (!state || !parsed.success) return full('there is no complete run to build on yet');
  const cursor = parsed.data;
  if (cursor.org !== input.org) return full('the last complete run was of another org');
  const checkpoint = new URL(cursor.logCheckpoint);
  if (checkpoint.origin !== input.org) {
    // Following it would be refused (the token never leaves the org): every incremental run would fail.
    return full(
      `the System Log checkpoint in state.json is on another host (${checkpoint.host}, not ${new URL(input.org).host}; a state.json copied from another profile?), so it is ignored`,
    );
  }
  if ([...input.entities].sort().join() !== [...cursor.entities].sort().join()) {
    return full('the entities differ from the last complete run');
  }
  if (input.entities.has('app_users') && !input.entities.has('app_groups')) {
    // Group-scoped assignments move with group memberships, found through app_groups.
    return full('app_users without app_groups can only be read in full');
  }
  const lastStart = Date.parse(cursor.serverStartedAt);
  if (input.now - lastStart > SYSTEM_LOG_RETENTION_MS) {
    return full('the last complete run is older than the System Log keeps events (90 days)');
  }
  const lastFull = state.lastFullSyncAt ? Date.parse(state.lastFullSyncAt) : 0;
  if (input.now - lastFull > fullEvery * DAY_MS) {
    return full(`the last full run is more than ${fullEvery} days old (--full-every)`);
  }
  if (!(await input.baseExists(cursor.base))) return full("the last complete run's data is missing");
  return {
    mode: 'incremental',
    cursor,
    changedSince: new Date(lastStart - CHANGE_OVERLAP_MS).toISOString(),
  };
}
