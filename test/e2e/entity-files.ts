import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';
import { canonical, type Entity, KEY_FIELDS, type Row } from './expected-inventory.js';

/**
 * Reading entity files exactly as docs/output-formats.md describes them, and comparing them with the
 * expected rows record by record (a deep `toEqual` over tens of thousands of records is slow, and
 * its diff unreadable).
 */

/** Fails showing the first place where two texts differ. */
function expectSameText(actual: string, expected: string, what: string): void {
  if (actual === expected) return;
  let at = 0;
  while (at < actual.length && actual[at] === expected[at]) at++;
  expect(
    { what, at, actual: actual.slice(Math.max(0, at - 80), at + 80) },
    `${what} differs from the documented encoding at character ${at}`,
  ).toEqual({ what, at, actual: expected.slice(Math.max(0, at - 80), at + 80) });
}

/**
 * The records of a json or ndjson file, after checking the file is byte for byte what the format
 * promises: UTF-8 without BOM, each record `JSON.stringify` on its own line, `[`/`]` lines for json.
 */
export function readJsonRecords(file: string, format: 'json' | 'ndjson'): Row[] {
  const bytes = readFileSync(file);
  const text = bytes.toString('utf8');
  expect(Buffer.from(text, 'utf8').equals(bytes), `${file} is valid UTF-8`).toBe(true);
  let records: Row[];
  let again: string;
  if (format === 'ndjson') {
    records =
      text === ''
        ? []
        : text
            .replace(/\n$/, '')
            .split('\n')
            .map((line) => JSON.parse(line) as Row);
    again = records.map((record) => `${JSON.stringify(record)}\n`).join('');
  } else {
    records = JSON.parse(text) as Row[];
    again =
      records.length === 0
        ? '[]\n'
        : `[\n${records.map((record) => JSON.stringify(record)).join(',\n')}\n]\n`;
  }
  expectSameText(text, again, file);
  return records;
}

/** RFC 4180 as documented: quote a field only when it holds `,`, `"`, CR or LF; double the quotes. */
function csvField(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/**
 * The records of a CSV file (header first), read by csv-parse, after checking the file is exactly
 * the documented encoding of those cells: CRLF after every record, quotes only where needed, and a
 * byte order mark only when asked for.
 */
export function readCsvRecords(file: string, options: { bom: boolean }): string[][] {
  const raw = readFileSync(file, 'utf8');
  expect(raw.startsWith('\uFEFF'), `${file} starts with a byte order mark`).toBe(options.bom);
  const text = options.bom ? raw.slice(1) : raw;
  const records = parse(text, { record_delimiter: '\r\n', relax_column_count: false }) as string[][];
  expectSameText(text, records.map((record) => `${record.map(csvField).join(',')}\r\n`).join(''), file);
  return records;
}

/** The documented CSV cell of a JSON value. */
export function csvCell(value: unknown, formulaProtection: boolean): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return formulaProtection && couldStartFormula(value) ? `'${value}` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  return JSON.stringify(value);
}

/** docs/output-formats.md's rule: `=`, `@`, TAB, CR; `+`/`-` unless a plain number; `+` phone numbers kept. */
function couldStartFormula(text: string): boolean {
  if (/^[=@\t\r]/.test(text)) return true;
  if (!/^[+-]/.test(text) || /^[+-](\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return false;
  return !/^\+(?=.*\d)[\d ()./-]+$/.test(text);
}

/**
 * An entity's CSV columns as docs/output-formats.md lists them: fixed dot paths, then one expanded
 * object, then (`rest`) every other field met, by dot path, sorted; `json` paths are one JSON cell.
 */
export const CSV_LAYOUT: Record<
  Entity,
  {
    fixed: string[];
    expand?: { prefix: string; known: string[] };
    rest?: { json?: string[]; omit?: string[] };
  }
> = {
  users: {
    fixed: [
      'id',
      'status',
      'created',
      'activated',
      'statusChanged',
      'lastLogin',
      'lastUpdated',
      'passwordChanged',
      'type.id',
      'transitioningToStatus',
      'realmId',
      'credentials.provider.type',
      'credentials.provider.name',
    ],
    // `known` is the user schema's attribute names, base then custom: filled in by expectedCsv.
    expand: { prefix: 'profile', known: [] },
    rest: {},
  },
  user_schema: {
    fixed: [
      'name',
      'scope',
      'type',
      'title',
      'description',
      'required',
      'unique',
      'itemsType',
      'enum',
      'attributeScope',
      'mutability',
      'permissions',
      'master',
      'minLength',
      'maxLength',
      'format',
      'pattern',
      'oneOf',
      'items.enum',
      'items.oneOf',
      'externalName',
      'externalNamespace',
    ],
    rest: { json: ['master'], omit: ['items.type'] },
  },
  groups: {
    fixed: ['id', 'type', 'created', 'lastUpdated', 'lastMembershipUpdated', 'objectClass'],
    expand: { prefix: 'profile', known: ['name', 'description'] },
    rest: {},
  },
  group_members: { fixed: ['groupId', 'userId'] },
  apps: {
    fixed: [
      'id',
      'name',
      'label',
      'status',
      'signOnMode',
      'created',
      'lastUpdated',
      'features',
      'licensing.seatCount',
      'orn',
      'accessibility.selfService',
      'accessibility.errorRedirectUrl',
      'accessibility.loginRedirectUrl',
      'visibility.autoSubmitToolbar',
      'visibility.autoLaunch',
      'visibility.hide.iOS',
      'visibility.hide.web',
      'visibility.appLinks',
      'credentials.scheme',
      'credentials.userNameTemplate.template',
      'credentials.userNameTemplate.type',
      'credentials.userNameTemplate.suffix',
      'credentials.userNameTemplate.pushStatus',
      'credentials.revealPassword',
      'credentials.signing.kid',
      'credentials.oauthClient.client_id',
      'credentials.oauthClient.autoKeyRotation',
      'credentials.oauthClient.token_endpoint_auth_method',
      'settings',
    ],
    expand: { prefix: 'profile', known: [] },
    rest: { json: ['settings', 'visibility.appLinks'] },
  },
  app_users: {
    fixed: [
      'appId',
      'userId',
      'scope',
      'status',
      'syncState',
      'externalId',
      'credentials.userName',
      'created',
      'lastUpdated',
      'statusChanged',
      'passwordChanged',
      'lastSync',
    ],
    expand: { prefix: 'profile', known: [] },
    rest: {},
  },
  app_groups: {
    fixed: ['appId', 'groupId', 'priority', 'lastUpdated'],
    expand: { prefix: 'profile', known: [] },
    rest: {},
  },
  admin_roles: {
    fixed: [
      'userId',
      'roleAssignmentId',
      'type',
      'label',
      'status',
      'assignmentType',
      'groupId',
      'role',
      'resource-set',
      'created',
      'lastUpdated',
    ],
    rest: {},
  },
  devices: {
    fixed: [
      'id',
      'status',
      'created',
      'lastUpdated',
      'resourceType',
      'resourceId',
      'resourceDisplayName.value',
      'resourceDisplayName.sensitive',
      'resourceAlternateId',
      'userIds',
      'deviceUsers',
    ],
    expand: {
      prefix: 'profile',
      known: [
        'displayName',
        'platform',
        'manufacturer',
        'model',
        'osVersion',
        'serialNumber',
        'registered',
        'secureHardwarePresent',
      ],
    },
    rest: { omit: ['users'] },
  },
  app_usage: { fixed: ['userId', 'appId', 'lastSignIn', 'signIns30d', 'signIns90d'] },
};

const isObject = (value: unknown): value is Row =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The header and records an entity's CSV must hold for `rows` (the json rows): fixed columns, then
 * `<prefix>.<key>` for the known keys, then every other key met in the data, sorted by UTF-16 code unit.
 */
export function expectedCsv(
  entity: Entity,
  rows: Row[],
  options: { formulaProtection: boolean; userSchemaAttributes: string[] },
): { header: string[]; records: string[][] } {
  const layout = CSV_LAYOUT[entity];
  const columns = new Map<string, (row: Row) => unknown>();
  for (const dotted of layout.fixed) {
    columns.set(dotted, (row) =>
      dotted.split('.').reduce<unknown>((value, key) => (isObject(value) ? value[key] : undefined), row),
    );
  }
  if (layout.expand) {
    const { prefix } = layout.expand;
    const known = entity === 'users' ? options.userSchemaAttributes : layout.expand.known;
    const met = new Set<string>();
    for (const row of rows)
      if (isObject(row[prefix])) for (const key of Object.keys(row[prefix])) met.add(key);
    const extras = [...met]
      .filter((key) => !known.includes(key))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const key of [...known, ...extras]) {
      const name = `${prefix}.${key}`;
      if (!columns.has(name))
        columns.set(name, (row) => (isObject(row[prefix]) ? row[prefix][key] : undefined));
    }
  }
  if (layout.rest) {
    // Every other leaf met, by dot path: `_links` and the expanded object aside, JSON paths whole.
    const json = new Set(layout.rest.json ?? []);
    const skip = new Set([
      '_links',
      ...(layout.rest.omit ?? []),
      ...(layout.expand ? [layout.expand.prefix] : []),
    ]);
    const leaves = new Map<string, string[]>();
    const walk = (value: Row, path: string[]) => {
      for (const [key, inner] of Object.entries(value)) {
        const at = [...path, key];
        const name = at.join('.');
        if (skip.has(name)) continue;
        if (isObject(inner) && !json.has(name)) walk(inner, at);
        else if (!leaves.has(name)) leaves.set(name, at);
      }
    };
    for (const row of rows) walk(row, []);
    for (const name of [...leaves.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      const at = leaves.get(name) ?? [];
      if (!columns.has(name))
        columns.set(name, (row) =>
          at.reduce<unknown>((value, key) => (isObject(value) ? value[key] : undefined), row),
        );
    }
  }
  const header = [...columns.keys()];
  const cell = (value: unknown) => csvCell(value, options.formulaProtection);
  return {
    header: header.map(cell),
    records: rows.map((row) => [...columns.values()].map((read) => cell(read(row)))),
  };
}

/**
 * Asserts `actual` holds every expected record exactly once and nothing else, each equal to the
 * expected one. Records are matched by `keyOf`.
 */
export function expectSameRecords<T>(
  label: string,
  actual: readonly T[],
  expected: readonly T[],
  keyOf: (record: T) => string,
): void {
  const byKey = new Map<string, T>();
  const duplicates: string[] = [];
  for (const record of actual) {
    const key = keyOf(record);
    if (byKey.has(key)) duplicates.push(key);
    byKey.set(key, record);
  }
  expect(duplicates, `${label}: records written more than once`).toEqual([]);
  const missing: string[] = [];
  for (const record of expected) {
    const key = keyOf(record);
    const found = byKey.get(key);
    if (found === undefined) {
      missing.push(key);
      continue;
    }
    if (canonical(found) !== canonical(record)) {
      expect({ key, record: found }, `${label}: record ${key}`).toEqual({ key, record });
    }
    byKey.delete(key);
  }
  expect(missing, `${label}: records missing`).toEqual([]);
  expect([...byKey.keys()], `${label}: records that are not in the org`).toEqual([]);
}

/** The key of a json row (see KEY_FIELDS). */
export function rowKey(entity: Entity): (row: Row) => string {
  return (row) => KEY_FIELDS[entity].map((field) => String(row[field])).join(' | ');
}

/** The key of a CSV record, given its header. */
export function csvKey(entity: Entity, header: string[]): (record: string[]) => string {
  const positions = KEY_FIELDS[entity].map((field) => header.indexOf(field));
  return (record) => positions.map((position) => record[position]).join(' | ');
}
