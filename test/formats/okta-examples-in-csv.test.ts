import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsvWriter } from '../../src/formats/create-csv-writer.js';
import {
  appRow,
  appUserRow,
  columnPlanFor,
  deviceRow,
  type EntityName,
  userRow,
  userSchemaRows,
} from '../../src/inventory/entities.js';
import examples from '../fixtures/okta-openapi/examples.json' with { type: 'json' };

/**
 * Okta's own response examples (its Management OpenAPI: apps of nine sign-on modes, users with a
 * realm, a federated provider and a recovery question, devices with embedded users and accounts, the
 * user schema, app users) written as CSV and read back with csv-parse: every field Okta sent, except
 * the HAL `_links`, must be in a column of its own, or inside the JSON cell of `settings` or the app
 * links, with its value.
 */

type Row = Record<string, unknown>;
const isObject = (value: unknown): value is Row =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const rowsOf: Record<string, (body: unknown) => Row[]> = {
  apps: (body) => (Array.isArray(body) ? body : [body]).map((app) => appRow(app as Row)),
  users: (body) => (Array.isArray(body) ? body : [body]).map((user) => userRow(user as Row)),
  devices: (body) => (Array.isArray(body) ? body : [body]).map((device) => deviceRow(device as Row)),
  user_schema: (body) => userSchemaRows(body as Parameters<typeof userSchemaRows>[0]),
  app_users: (body) =>
    (Array.isArray(body) ? body : [body]).map((appUser) =>
      appUserRow('0oa1gjh63g214q0Hq0g4', appUser as Row),
    ),
};

/**
 * What docs/output-formats.md says a CSV leaves out on purpose, besides `_links`: a device's embedded
 * user objects (each is that user's row in users.csv; `deviceUsers` keeps the per-device fields).
 */
const LEFT_OUT: Record<string, string[]> = { devices: ['users'] };

/** Every leaf of a row as [path, value]: `_links` left out, empty objects have nothing to show. */
function leaves(value: Row, path: string[] = []): [string[], unknown][] {
  const out: [string[], unknown][] = [];
  for (const [key, inner] of Object.entries(value)) {
    if (path.length === 0 && key === '_links') continue;
    if (isObject(inner)) out.push(...leaves(inner, [...path, key]));
    else out.push([[...path, key], inner]);
  }
  return out;
}

/** The documented cell of a value (formula protection off: these files are read by a machine here). */
const cell = (value: unknown) =>
  value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'okta-examples-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("Okta's documented response bodies reach the CSV whole", () => {
  for (const [entity, bodies] of Object.entries(examples)) {
    if (entity === '$comment') continue;
    it(`${entity}: every field has its column or sits in a JSON cell`, async () => {
      const rows = Object.values(bodies as Record<string, unknown>).flatMap((body) => rowsOf[entity]!(body));
      const writer = createCsvWriter({
        dir,
        entity,
        file: `${entity}.csv`,
        columns: columnPlanFor(entity as EntityName),
        csv: { formulaProtection: false },
      });
      await writer.writeMany(rows);
      const result = await writer.close();
      const [header = [], ...records] = parse(await readFile(join(dir, `${entity}.csv`), 'utf8'), {
        record_delimiter: '\r\n',
      }) as string[][];
      expect(records).toHaveLength(rows.length);
      expect(result.columns).toEqual(header);
      const missing: string[] = [];
      rows.forEach((row, index) => {
        const record = records[index] ?? [];
        for (const [path, value] of leaves(row)) {
          const name = path.join('.');
          if ((LEFT_OUT[entity] ?? []).includes(path[0] as string)) continue;
          const exact = header.indexOf(name);
          if (exact >= 0) {
            expect(record[exact], `${entity} row ${index} ${name}`).toBe(cell(value));
            continue;
          }
          // A JSON cell holding it: the longest column that is a prefix of the path.
          const holder = header.findIndex((column) => name.startsWith(`${column}.`));
          if (holder < 0) {
            missing.push(name);
            continue;
          }
          const rest = name.slice((header[holder] as string).length + 1).split('.');
          const parsed = JSON.parse(record[holder] as string) as unknown;
          const inner = rest.reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), parsed);
          expect(inner, `${entity} row ${index} ${name} inside ${header[holder]}`).toEqual(value);
        }
      });
      expect(missing, `${entity}: fields with no column`).toEqual([]);
    });
  }

  it('the examples cover nine sign-on modes, realms, recovery questions and embedded device accounts', () => {
    const apps = Object.values(examples.apps).flat() as { signOnMode: string }[];
    expect(new Set(apps.map((app) => app.signOnMode)).size).toBeGreaterThanOrEqual(8);
    expect(JSON.stringify(examples.users)).toContain('realmId');
    expect(JSON.stringify(examples.users)).toContain('recovery_question');
    expect(JSON.stringify(examples.devices)).toContain('accountLinkedEnrollments');
  });
});
