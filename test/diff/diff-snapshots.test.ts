import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { columnCanonicaliser, wholeRecordCanonicaliser } from '../../src/diff/canonical-record.js';
import { type ChangeRow, diffSnapshots, type EntityOutcome } from '../../src/diff/diff-snapshots.js';
import { entryText, sortExternally } from '../../src/diff/external-sort.js';
import type { OpenedSnapshot } from '../../src/export/open-snapshot.js';

const work = mkdtempSync(path.join(tmpdir(), 'okta-connector-diff-unit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Row = Record<string, unknown>;

/** A snapshot folder holding `entities` as NDJSON files, with a manifest that matches them. */
function snapshot(name: string, entities: Record<string, Row[]>): OpenedSnapshot {
  const dir = path.join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const entries: Record<string, unknown> = {};
  for (const [entity, rows] of Object.entries(entities)) {
    const text = rows.map((row) => `${JSON.stringify(row)}\n`).join('');
    const file = `${entity}.ndjson`;
    writeFileSync(path.join(dir, file), text);
    entries[entity] = {
      file,
      format: 'ndjson',
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
  const users = Array.from({ length: 400 }, (_, index) => ({
    id: `00u${String(index).padStart(5, '0')}`,
    status: 'ACTIVE',
    lastLogin: `2026-11-${String((index % 28) + 1).padStart(2, '0')}`,
    profile: { login: `user${index}@example.com`, department: 'Sales' },
  }));
  const appUsers = users.flatMap((user, index) =>
    ['0oaA', '0oaB', '0oaC']
      .slice(0, (index % 3) + 1)
      .map((appId) => ({ appId, userId: user.id, scope: 'USER' })),
  );
  const apps = ['0oaA', '0oaB', '0oaC'].map((id) => ({ id, label: `App ${id}`, status: 'ACTIVE' }));

  it('finds exactly the added, removed and changed records, with tiny budgets (many runs)', async () => {
    const from = snapshot('from', {
      users: shuffled(users, 1),
      app_users: shuffled(appUsers, 2),
      apps,
    });
    const toUsers = users
      .filter((user) => user.id !== '00u00007')
      .map((user) =>
        user.id === '00u00011'
          ? { ...user, status: 'DEPROVISIONED', lastLogin: 'now' }
          : { ...user, lastLogin: 'later' },
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
    const to = snapshot('to', { users: shuffled(toUsers, 3), app_users: shuffled(toAppUsers, 4), apps });
    const temp = mkdtempSync(path.join(work, 'diff-'));
    const outcomes: EntityOutcome[] = [];
    const rows = await collect(
      diffSnapshots({
        from,
        to,
        entities: ['users', 'app_users', 'apps', 'devices'],
        tempDir: temp,
        budgetBytes: 2_000,
        onOutcome: (outcome) => outcomes.push(outcome),
      }),
    );
    expect(rows).toEqual([
      { entity: 'users', change: 'removed', id: '00u00007', login: 'user7@example.com' },
      {
        entity: 'users',
        change: 'changed',
        id: '00u00011',
        login: 'user11@example.com',
        fields: { status: { from: 'ACTIVE', to: 'DEPROVISIONED' } },
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
    ]);
    expect(outcomes).toEqual([
      { entity: 'users', compared: true, by: 'records', added: 1, removed: 1, changed: 1 },
      { entity: 'apps', compared: true, by: 'records', added: 0, removed: 0, changed: 0 },
      { entity: 'app_users', compared: true, by: 'records', added: 1, removed: 1, changed: 0 },
      { entity: 'devices', compared: false, reason: expect.stringContaining('not in the from snapshot') },
    ]);
    // The tiny budget sent both sides of users and app_users through sorted runs on disk.
    expect(readdirSync(temp).filter((name) => name.startsWith('app_users-')).length).toBeGreaterThan(4);
  });
});
