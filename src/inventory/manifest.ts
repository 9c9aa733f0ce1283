import { z } from 'zod';

const count = z.number().int().nonnegative();
const fileName = z
  .string()
  .regex(/^[^/\\]+$/, 'a file name, not a path')
  .refine((name) => name !== '.' && name !== '..', 'a file name, not a path');

/** Requests, waits and warnings of one entity: the same fields whether or not it has a file. */
const entityActivity = {
  /** HTTP requests made for this entity (each attempt counts). */
  requests: count,
  /** Attempts that were retries (429, 5xx, reset, timeout). */
  retries: count,
  /** Responses that were 429. */
  rateLimited: count,
  /** Time spent waiting for rate limits and backoff, in ms. */
  waitMs: z.number().nonnegative(),
  /** What the person should know (a field missing, a permission lacking for part of the data). */
  warnings: z.array(z.string()),
};

/** An entity that has a file in the snapshot. */
export const writtenEntitySchema = z
  .object({
    file: fileName,
    format: z.enum(['json', 'ndjson', 'csv']),
    count,
    bytes: count,
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    columns: z.array(z.string()).optional(),
    ...entityActivity,
  })
  .loose();

/** An entity that has no file, with the reason (not licensed, no permission, not asked for, …). */
export const skippedEntitySchema = z.object({ skipped: z.string().min(1), ...entityActivity }).loose();

export const entityManifestSchema = z.union([skippedEntitySchema, writtenEntitySchema]);
export type EntityManifest = z.infer<typeof entityManifestSchema>;
export type WrittenEntityManifest = z.infer<typeof writtenEntitySchema>;
export type SkippedEntityManifest = z.infer<typeof skippedEntitySchema>;

export const manifestTotalsSchema = z.object({
  /** Entities with a file. */
  entities: count,
  /** Entities without a file. */
  skipped: count,
  records: count,
  bytes: count,
  requests: count,
  retries: count,
  rateLimited: count,
  waitMs: z.number().nonnegative(),
  warnings: count,
});
export type ManifestTotals = z.infer<typeof manifestTotalsSchema>;

/**
 * `manifest.json`, written last into every snapshot folder. Documented field by field in
 * docs/output-formats.md. Unknown fields are kept when read, so a newer okta-connector can add some
 * without breaking an older reader; a change that would break one bumps `formatVersion`.
 */
/** The manifest's file name inside a snapshot folder. */
export const MANIFEST_FILE = 'manifest.json';

export const manifestSchema = z
  .object({
    formatVersion: z.literal(1),
    tool: z.object({ name: z.literal('okta-connector'), version: z.string().min(1) }).loose(),
    /** The okta-connector profile name. */
    profile: z.string().min(1),
    /** The Okta org's origin, e.g. `https://example.okta.com`. */
    org: z.url(),
    startedAt: z.iso.datetime({ offset: true }),
    finishedAt: z.iso.datetime({ offset: true }),
    durationMs: z.number().nonnegative(),
    mode: z.enum(['full', 'incremental']),
    /** Where app_usage's 30- and 90-day windows end: Okta's clock at the run's start. */
    usageWindowEnd: z.iso.datetime({ offset: true }).optional(),
    /** The options the run used (never a secret). */
    options: z.record(z.string(), z.unknown()),
    /** `partial` when some data could not be read: see each entity's `skipped` and `warnings`. */
    status: z.enum(['complete', 'partial']),
    entities: z.record(z.string(), entityManifestSchema),
    totals: manifestTotalsSchema,
  })
  .loose();
export type Manifest = z.infer<typeof manifestSchema>;

/** Adds up the entities of a manifest into its `totals`. */
export function manifestTotals(entities: Record<string, EntityManifest>): ManifestTotals {
  const totals: ManifestTotals = {
    entities: 0,
    skipped: 0,
    records: 0,
    bytes: 0,
    requests: 0,
    retries: 0,
    rateLimited: 0,
    waitMs: 0,
    warnings: 0,
  };
  for (const entity of Object.values(entities)) {
    if ('skipped' in entity && typeof entity.skipped === 'string') {
      totals.skipped += 1;
    } else {
      const written = entity as WrittenEntityManifest;
      totals.entities += 1;
      totals.records += written.count;
      totals.bytes += written.bytes;
    }
    totals.requests += entity.requests;
    totals.retries += entity.retries;
    totals.rateLimited += entity.rateLimited;
    totals.waitMs += entity.waitMs;
    totals.warnings += entity.warnings.length;
  }
  return totals;
}
