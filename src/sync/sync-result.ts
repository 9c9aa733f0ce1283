import type { ExitCodeValue } from '../errors.js';
import type { EntityName } from '../inventory/entities.js';

/** One entity's line in sync's result: what was written (or why not) and what it cost. */
export interface SyncEntitySummary {
  entity: EntityName;
  count: number | null;
  file: string | null;
  skipped: string | null;
  requests: number;
  retries: number;
  rateLimited: number;
}

/** The `--json` document of sync. */
export interface SyncResult {
  status: 'complete' | 'partial';
  exitCode: ExitCodeValue;
  profile: string;
  org: string;
  mode: 'full' | 'incremental';
  /** Why an --incremental run ran in full, if it did. */
  fullReason: string | null;
  snapshot: { id: string; dir: string };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  entities: SyncEntitySummary[];
  warnings: string[];
  pruned: string[];
}
