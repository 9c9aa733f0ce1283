/** The inventory's files: writers, snapshot folders, the pointer, the lock and the incremental state. */
export {
  type AcquireLockOptions,
  acquireLock,
  type LockInfo,
  lockInfoSchema,
  type ProfileLock,
} from './acquire-lock.js';
export { type BeginSnapshotOptions, beginSnapshot, type SnapshotHandle } from './begin-snapshot.js';
export type { ColumnPlan, CsvOptions } from './column-plan.js';
export { createEntityWriter, entityFileName } from './create-entity-writer.js';
export { encodeCsvValue } from './encode-csv-value.js';
export {
  type EntityFileResult,
  type EntityWriter,
  type EntityWriterOptions,
  OUTPUT_FORMATS,
  type OutputFormat,
} from './entity-writer.js';
export { type LatestPointer, latestPointerSchema, readLatestPointer } from './latest-pointer.js';
export { listSnapshots, type SnapshotEntry } from './list-snapshots.js';
export {
  type EntityManifest,
  entityManifestSchema,
  type Manifest,
  type ManifestTotals,
  manifestSchema,
  manifestTotals,
  type SkippedEntityManifest,
  type WrittenEntityManifest,
} from './manifest.js';
export { type PruneSnapshotsOptions, pruneSnapshots } from './prune-snapshots.js';
export { readLatestSnapshot } from './read-latest-snapshot.js';
export { compareSnapshotIds, formatSnapshotId, isSnapshotId } from './snapshot-id.js';
export { loadSyncState, type SyncState, saveSyncState, syncStateSchema } from './sync-state.js';
