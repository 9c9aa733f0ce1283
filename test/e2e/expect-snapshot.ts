import path from 'node:path';
import { expect } from 'vitest';
import type { SampleOrgTruth } from '../../src/demo/index.js';
import {
  csvKey,
  expectedCsv,
  expectSameRecords,
  readCsvRecords,
  readJsonRecords,
  rowKey,
} from './entity-files.js';
import { ENTITIES, type Entity, expectedInventory } from './expected-inventory.js';
import { expectConsistentManifest, type Manifest, readManifest } from './snapshot-files.js';

export interface SnapshotExpectations {
  format: 'json' | 'ndjson' | 'csv';
  /** @default false */
  bom?: boolean;
  /** @default true */
  formulaProtection?: boolean;
  /** The entities that must be in the snapshot with a file. @default every entity */
  entities?: readonly Entity[];
  /** The entities the manifest must list as skipped (without a file). @default none */
  skipped?: readonly Entity[];
}

/** When the run's usage windows end: the manifest's `usageWindowEnd` (Okta's clock at the run's start). */
function usageWindowsEnd(manifest: Manifest & { usageWindowEnd?: string }): number {
  expect(manifest.usageWindowEnd, 'manifest.usageWindowEnd').toEqual(expect.any(String));
  return Date.parse(String(manifest.usageWindowEnd));
}

/**
 * Asserts a snapshot holds every record of the org exactly once, each value equal to the ground truth
 * (CSV through a real parser and the documented cell encoding), and that its manifest is consistent.
 * App usage is computed from the System Log (see usageWindowsEnd).
 */
export function expectSnapshotMatchesOrg(
  snapshotDir: string,
  truth: SampleOrgTruth,
  expectations: SnapshotExpectations,
): Manifest {
  const { format } = expectations;
  const entities = expectations.entities ?? ENTITIES;
  const skipped = expectations.skipped ?? [];
  const manifest = readManifest(snapshotDir);
  expectConsistentManifest(snapshotDir, manifest);
  expect(Object.keys(manifest.entities), 'the entities in the manifest, in the documented order').toEqual(
    ENTITIES.filter((entity) => entities.includes(entity) || skipped.includes(entity)),
  );
  for (const entity of skipped)
    expect(manifest.entities[entity]?.skipped, `${entity} is skipped`).toEqual(expect.any(String));
  const expected = expectedInventory(truth, usageWindowsEnd(manifest));
  const userSchemaAttributes = expected.user_schema.map((row) => String(row.name));

  for (const entity of entities) {
    const entry = manifest.entities[entity];
    expect(entry?.skipped, `${entity} is skipped`).toBeUndefined();
    const file = path.join(snapshotDir, `${entity}.${format}`);
    if (format === 'csv') {
      const [header = [], ...records] = readCsvRecords(file, { bom: expectations.bom ?? false });
      const want = expectedCsv(entity, expected[entity], {
        formulaProtection: expectations.formulaProtection ?? true,
        userSchemaAttributes,
      });
      expect(header, `${entity}.csv header`).toEqual(want.header);
      expect(entry?.columns, `${entity} columns in the manifest`).toEqual(header);
      expectSameRecords(`${entity}.csv`, records, want.records, csvKey(entity, header));
      expect(entry?.count, `${entity} count`).toBe(records.length);
      if (entity === 'app_usage') {
        expect(records.map(csvKey(entity, header)), 'app_usage order').toEqual(
          want.records.map(csvKey(entity, header)),
        );
      }
    } else {
      const records = readJsonRecords(file, format);
      expectSameRecords(`${entity}.${format}`, records, expected[entity], rowKey(entity));
      expect(entry?.count, `${entity} count`).toBe(records.length);
      expect(entry?.columns, `${entity}: columns are listed for CSV only`).toBeUndefined();
      if (entity === 'app_usage') {
        expect(records.map(rowKey(entity)), 'app_usage order').toEqual(
          expected.app_usage.map(rowKey(entity)),
        );
      }
    }
  }
  return manifest;
}
