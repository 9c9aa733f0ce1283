import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { columnCanonicaliser, wholeRecordCanonicaliser } from '../../src/diff/canonical-record.js';
import { type ChangeRow, diffSnapshots, type EntityOutcome } from '../../src/diff/diff-snapshots.js';
import { entryText, sortExternally } from '../../src/diff/external-sort.js';
import { pairIdenticalRecords } from '../../src/diff/pair-identical-records.js';
import type { RawRecordFile } from '../../src/diff/raw-records.js';
import type { OpenedSnapshot } from '../../src/export/open-snapshot.js';

const work = mkdtempSync(path.join(tmpdir(), 'okta-connector-diff-unit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Row = Record<string, unknown>;

/** A snapshot folder holding `entities` as NDJSON (or CSV) files, with a manifest that matches them. */
function snapshot(
  name: string,
  entities: Record<string, Row[]>,
  format: 'ndjson' | 'csv' = 'ndjson',
): OpenedSnapshot {
  const dir = path.join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const entries: Record<string, unknown> = {};
  for (const [entity, rows] of Object.entries(entities)) {
    let text: string;
    let columns: string[] | undefined;
    if (format === 'ndjson') text = rows.map((row) => `${JSON.stringify(row)}\n`).join('');
    else {
      // Written by csv-stringify, not our encoder: flat dot-path columns, CRLF, quotes where needed.
      const flat = rows.map((row) => flatten(row));
      columns = [...new Set(flat.flatMap((row) => Object.keys(row)))].sort();
      text = stringifyCsv(flat, { header: true, columns, record_delimiter: 'windows' });
    }
    const file = `${entity}.${format}`;
    writeFileSync(path.join(dir, file), text);
    entries[entity] = {
      file,
      format,
      ...(columns ? { columns } : {}),
      count: rows.length,
      bytes: Buffer.byteLength(text),
      sha256: createHash('sha256').update(text).digest('hex'),
      requests: 0,
      retries: 0,
      rateLimited: 0,
      waitMs: 0,
      warnings: [],
    };
  }
  const manifest = {
    formatVersion: 1,
    profile: 'default',
    org: 'https://example.okta.com',
    startedAt: '2026-12-01T00:00:00.000Z',
    status: 'complete',
    options: {},
    entities: entries,
  };
  return { id: name, dir, manifest, startedAt: 0 } as unknown as OpenedSnapshot;
}

function flatten(row: Row, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [key, value] of Object.entries(row)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      flatten(value as Row, name, out);
    else out[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

/** A deterministic shuffle, so files are never in id order. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let index = out.length - 1; index > 0; index--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const other = state % (index + 1);
    [out[index], out[other]] = [out[other]!, out[index]!];
  }
  return out;
}

async function collect(rows: AsyncIterable<ChangeRow>): Promise<ChangeRow[]> {
  const out: ChangeRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

describe('sortExternally', () => {
  it('sorts far more than its budget through runs on disk, duplicate keys kept', async () => {
    const temp = mkdtempSync(path.join(work, 'runs-'));
    const keys = Array.from({ length: 3_000 }, (_, index) => `k${(index * 7919) % 1_000}`);
    async function* records() {
      yield* keys.entries();
    }
    const result = await sortExternally(records(), ([index, key]) => ({ key, text: `{"n":${index}}` }), {
      tempDir: temp,
      name: 't',
      budgetBytes: 2_000,
    });
    expect(result.runs).toBeGreaterThan(10);
    expect(readdirSync(temp).length).toBe(result.runs);
    const out: string[] = [];
    for (const { cursor } = result; cursor.current; cursor.advance())
      out.push(cursor.current.bytes.toString('utf8', cursor.current.keyStart, cursor.current.keyEnd));
    expect(out).toEqual([...keys].sort());
    // Equal keys keep a stable order: by their text.
    expect(out.length).toBe(keys.length);
  });

  it('keeps an entity that fits its budget in memory', async () => {
    const temp = mkdtempSync(path.join(work, 'small-'));
    async function* records() {
      yield { key: 'b', text: '2' };
      yield { key: 'a', text: '1' };
    }
    const result = await sortExternally(records(), (entry) => entry, {
      tempDir: temp,
      name: 's',
      budgetBytes: 1_000_000,
    });
    expect(result.runs).toBe(0);
    expect(readdirSync(temp)).toEqual([]);
    const out = [];
    for (const { cursor } = result; cursor.current; cursor.advance()) out.push(entryText(cursor.current));
    expect(out).toEqual(['1', '2']);
  });
});

describe('canonical records', () => {
  it('ignore key order, null against missing and volatile fields at any depth', () => {
    const canonical = wholeRecordCanonicaliser(false);
    expect(canonical({ b: 1, a: { y: null, x: 'v', lastLogin: '1' }, lastUpdated: '2' })).toBe(
      canonical({ a: { x: 'v' }, b: 1 }),
    );
    expect(canonical({ a: 1 })).not.toBe(canonical({ a: '1' }));
    expect(wholeRecordCanonicaliser(true)({ lastLogin: 'x' })).not.toBe(wholeRecordCanonicaliser(true)({}));
  });

  it('compare a CSV record and a JSON record by the text of their cells', () => {
    const canonical = columnCanonicaliser(['id', 'profile.seat', 'features', 'lastLogin'], false);
    expect(canonical({ id: 'u1', profile: { seat: 479 }, features: ['A'], lastLogin: 'x' })).toBe(
      canonical({ id: 'u1', profile: { seat: '479' }, features: '["A"]' }),
    );
    expect(canonical({ id: 'u1', profile: { seat: '' } })).toBe(canonical({ id: 'u1' }));
  });
});

describe('diffSnapshots', () => {
  // Some departments hold what CSV must quote (a comma, quotes, line breaks inside the field).
  const department = (index: number) => (index % 50 === 3 ? 'Sales, "EMEA"\r\nBerlin' : 'Sales');
  const users = Array.from({ length: 400 }, (_, index) => ({
    id: `00u${String(index).padStart(5, '0')}`,
    status: 'ACTIVE',
    lastLogin: `2026-11-${String((index % 28) + 1).padStart(2, '0')}`,
    profile: { login: `user${index}@example.com`, department: department(index) },
  }));
  const appUsers = users.flatMap((user, index) =>
    ['0oaA', '0oaB', '0oaC']
      .slice(0, (index % 3) + 1)
      .map((appId) => ({ appId, userId: user.id, scope: 'USER' })),
  );
  const apps = ['0oaA', '0oaB', '0oaC'].map((id) => ({ id, label: `App ${id}`, status: 'ACTIVE' }));
  const toUsers = users
    .filter((user) => user.id !== '00u00007')
    .map((user) =>
      user.id === '00u00011'
        ? { ...user, status: 'DEPROVISIONED', lastLogin: 'now' }
        : user.id === '00u00053'
          ? { ...user, profile: { ...user.profile, department: 'Sales, "EMEA"\nMunich' } }
          : // Only a volatile field moved: no change.
            { ...user, lastLogin: user.id === '00u00020' ? 'later' : user.lastLogin },
    );
  toUsers.push({
    id: '00u99999',
    status: 'ACTIVE',
    lastLogin: '',
    profile: { login: 'new@example.com', department: 'IT' },
  });
  const toAppUsers = appUsers
    .filter((row) => !(row.userId === '00u00005' && row.appId === '0oaC'))
    .concat([{ appId: '0oaA', userId: '00u99999', scope: 'GROUP' }]);

  const expectedRows = [
    { entity: 'users', change: 'removed', id: '00u00007', login: 'user7@example.com' },
    {
      entity: 'users',
      change: 'changed',
      id: '00u00011',
      login: 'user11@example.com',
      fields: { status: { from: 'ACTIVE', to: 'DEPROVISIONED' } },
    },
    {
      entity: 'users',
      change: 'changed',
      id: '00u00053',
      login: 'user53@example.com',
      fields: { 'profile.department': { from: 'Sales, "EMEA"\r\nBerlin', to: 'Sales, "EMEA"\nMunich' } },
    },
    { entity: 'users', change: 'added', id: '00u99999', login: 'new@example.com' },
    {
      entity: 'app_users',
      change: 'added',
      appId: '0oaA',
      userId: '00u99999',
      appLabel: 'App 0oaA',
      login: 'new@example.com',
      scope: 'GROUP',
    },
    {
      entity: 'app_users',
      change: 'removed',
      appId: '0oaC',
      userId: '00u00005',
      appLabel: 'App 0oaC',
      login: 'user5@example.com',
      scope: 'USER',
    },
  ];

  // Shuffled files (records far from their twins) and files in one order; pairing identical texts
  // off (0), with a window shorter than the files, and with the default window.
  it.each([
    ['ndjson', 'shuffled', 0],
    ['ndjson', 'shuffled', 300],
    ['ndjson', 'shuffled', undefined],
    ['ndjson', 'in order', 300],
    ['csv', 'shuffled', 0],
    ['csv', 'shuffled', 300],
    ['csv', 'in order', undefined],
  ] as const)(
    '%s, %s, pairing window %s: exactly the added, removed and changed records, tiny budgets',
    async (format, order, window) => {
      const arrange = <T>(rows: T[], seed: number) => (order === 'shuffled' ? shuffled(rows, seed) : rows);
      const name = `${format}-${order}-${window}`;
      const from = snapshot(
        `from-${name}`,
        { users: arrange(users, 1), app_users: arrange(appUsers, 2), apps },
        format,
      );
      const to = snapshot(
        `to-${name}`,
        { users: arrange(toUsers, 3), app_users: arrange(toAppUsers, 4), apps },
        format,
      );
      const temp = mkdtempSync(path.join(work, 'diff-'));
      const outcomes: EntityOutcome[] = [];
      const rows = await collect(
        diffSnapshots({
          from,
          to,
          entities: ['users', 'app_users', 'apps', 'devices'],
          tempDir: temp,
          budgetBytes: 2_000,
          pairWindowChars: window,
          onOutcome: (outcome) => outcomes.push(outcome),
        }),
      );
      expect(rows).toEqual(expectedRows);
      const by = format === 'csv' ? 'columns' : 'records';
      expect(outcomes).toEqual([
        { entity: 'users', compared: true, by, added: 1, removed: 1, changed: 2 },
        { entity: 'apps', compared: true, by, added: 0, removed: 0, changed: 0 },
        { entity: 'app_users', compared: true, by, added: 1, removed: 1, changed: 0 },
        { entity: 'devices', compared: false, reason: expect.stringContaining('not in the from snapshot') },
      ]);
      const runs = readdirSync(temp).filter((name) => name.startsWith('app_users-')).length;
      if (window === 0) {
        // Without pairing, the tiny budget sends both sides of app_users through sorted runs on disk.
        expect(runs).toBeGreaterThan(4);
      } else if (window === undefined) {
        // Paired: only the added and the removed record are left to sort, in memory.
        expect(runs).toBe(0);
      }
    },
  );
});

describe('pairIdenticalRecords', () => {
  /** A raw record file over `texts`, `perChunk` at a time. */
  function rawFile(texts: string[], perChunk: number): RawRecordFile {
    let next = 0;
    return {
      format: 'ndjson',
      header: '',
      protectedFormulas: false,
      async next() {
        if (next >= texts.length) return undefined;
        next += perChunk;
        return texts.slice(next - perChunk, next);
      },
      parse: (raw) => [JSON.parse(raw) as Row],
      close: async () => {},
    };
  }
  const line = (index: number) => JSON.stringify({ id: `r${String(index).padStart(6, '0')}`, n: index });

  it('stays aligned when one side has a long block the other lacks', async () => {
    const common = Array.from({ length: 20_000 }, (_, index) => line(index));
    const block = Array.from({ length: 3_000 }, (_, index) => line(100_000 + index));
    const unpaired: string[] = [];
    let paired = 0;
    await pairIdenticalRecords({
      from: rawFile(common, 100),
      // 3,000 new records early on, and chunks of another size.
      to: rawFile([...common.slice(0, 500), ...block, ...common.slice(500)], 70),
      pair: true,
      // The block is 90,000 characters; the common records 600,000.
      windowChars: 150_000,
      onPaired: () => paired++,
      onUnpaired: (side, text) => unpaired.push(`${side} ${text}`),
    });
    expect(paired).toBe(common.length);
    expect(unpaired.sort()).toEqual(block.map((text) => `to ${text}`).sort());
  });

  it('gives every record to onUnpaired once when texts may not be paired, or have no twin', async () => {
    const from = [line(1), line(2), line(3)];
    const to = [line(3), line(4)];
    const seen: string[] = [];
    let paired = 0;
    await pairIdenticalRecords({
      from: rawFile(from, 2),
      to: rawFile(to, 1),
      pair: false,
      windowChars: 1_000_000,
      onPaired: () => paired++,
      onUnpaired: (side, text) => seen.push(`${side} ${text}`),
    });
    expect(paired).toBe(0);
    expect(seen.sort()).toEqual([...from.map((t) => `from ${t}`), ...to.map((t) => `to ${t}`)].sort());
  });
});
