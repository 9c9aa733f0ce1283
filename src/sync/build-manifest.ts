import type { EntityFileResult, OutputFormat } from '../formats/entity-writer.js';
import { ENTITY_NAMES, type EntityName } from '../inventory/entities.js';
import { type EntityManifest, type Manifest, manifestTotals } from '../inventory/manifest.js';
import { VERSION } from '../version.js';
import type { CollectResult } from './collect-inventory.js';
import type { RequestActivity } from './request-activity.js';
import type { SyncEntitySummary } from './sync-result.js';

/** Each selected entity's manifest entry: its file (or why it has none) and what reading it cost. */
export function manifestEntities(
  entities: ReadonlySet<EntityName>,
  collected: CollectResult,
  activity: RequestActivity,
): Record<string, EntityManifest> {
  const result: Record<string, EntityManifest> = {};
  const fileOf = new Map<string, EntityFileResult>(collected.files.map((file) => [file.entity, file]));
  for (const entity of ENTITY_NAMES) {
    if (!entities.has(entity)) continue;
    const { requests, retries, rateLimited, waitMs } = activity.of(entity);
    const warnings = collected.warnings.filter((warning) => warning.entity === entity).map((w) => w.message);
    const skippedEntry = collected.skipped.find((entry) => entry.entity === entity);
    const file = fileOf.get(entity);
    const cost = { requests, retries, rateLimited, waitMs: Math.round(waitMs), warnings };
    if (skippedEntry || !file) {
      result[entity] = { skipped: skippedEntry?.reason ?? 'not read', ...cost };
    } else {
      result[entity] = {
        file: file.file,
        format: file.format,
        count: file.count,
        bytes: file.bytes,
        sha256: file.sha256,
        ...(file.columns ? { columns: file.columns } : {}),
        ...cost,
      };
    }
  }
  return result;
}

export interface ManifestInput {
  profile: string;
  org: string;
  startedAt: number;
  finishedAt: number;
  mode: 'full' | 'incremental';
  /** Okta's clock at the start of the run (ms): where app_usage's 30/90-day windows end. */
  serverStartedAt: number;
  format: OutputFormat;
  entities: ReadonlySet<EntityName>;
  rateLimitShare: number;
  concurrency: number;
  csv: { bom: boolean; formulaProtection: boolean };
  pipeline: string | undefined;
  status: 'complete' | 'partial';
  entityManifests: Record<string, EntityManifest>;
}

/** The snapshot's manifest.json. */
export function buildManifest(input: ManifestInput): Manifest {
  return {
    formatVersion: 1,
    tool: { name: 'okta-connector', version: VERSION },
    profile: input.profile,
    org: input.org,
    startedAt: new Date(input.startedAt).toISOString(),
    finishedAt: new Date(input.finishedAt).toISOString(),
    durationMs: input.finishedAt - input.startedAt,
    mode: input.mode,
    usageWindowEnd: new Date(input.serverStartedAt).toISOString(),
    options: {
      format: input.format,
      entities: [...input.entities],
      rateLimitShare: input.rateLimitShare,
      concurrency: input.concurrency,
      ...(input.format === 'csv'
        ? { csvBom: input.csv.bom, formulaProtection: input.csv.formulaProtection }
        : {}),
      ...(input.pipeline ? { pipeline: input.pipeline } : {}),
    },
    status: input.status,
    entities: input.entityManifests,
    totals: manifestTotals(input.entityManifests),
  };
}

/** The `entities` of sync's result, in the documented entity order. */
export function summariseEntities(
  entities: ReadonlySet<EntityName>,
  entityManifests: Record<string, EntityManifest>,
): SyncEntitySummary[] {
  return ENTITY_NAMES.filter((entity) => entities.has(entity)).map((entity) => {
    const entry = entityManifests[entity]!;
    const written = 'file' in entry && typeof entry.file === 'string' ? entry : undefined;
    return {
      entity,
      count: written ? (written.count as number) : null,
      file: written ? (written.file as string) : null,
      skipped: written ? null : String((entry as { skipped: string }).skipped),
      requests: entry.requests,
      retries: entry.retries,
      rateLimited: entry.rateLimited,
    };
  });
}
