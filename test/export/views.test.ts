import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK, DAY_MS, jsonRows, runExport, type SampleSnapshots, takeSampleSnapshots } from './helpers.js';

import { expectedAssignments, expectedLicenceUsage, type Row } from './truth.js';

const byPair = (a: Row, b: Row) => {
  const x = `${a['app.id']}|${a['user.id']}`;
  const y = `${b['app.id']}|${b['user.id']}`;
  return x < y ? -1 : x > y ? 1 : 0;
};

describe('export views against the sample org (small)', () => {
  let snapshots: SampleSnapshots;
  let assignments: Row[];

  beforeAll(async () => {
    snapshots = await takeSampleSnapshots('small', ['json', 'csv', 'ndjson']);
    assignments = expectedAssignments(snapshots.org);
  }, 60_000);
  afterAll(async () => {
    await snapshots?.stop();
  });

  const exportJson = async (format: 'json' | 'csv' | 'ndjson', options: Record<string, string>) => {
    const { stdout } = await runExport({
      outputDir: snapshots.outputDirs[format],
      format: 'json',
      ...options,
    });
    return jsonRows(stdout);
  };

  it('assignments: one row per user × app, joined exactly as the truth says', async () => {
    const rows = await exportJson('json', { view: 'assignments' });
    expect(rows.length).toBe(snapshots.org.truth.counts().appUsers);
    expect(rows.length).toBeGreaterThan(10_000);
    expect([...rows].sort(byPair)).toEqual([...assignments].sort(byPair));
    // The joins really are exercised: group scope with named groups, usage, both kinds of scope.
    expect(rows.some((row) => row.scope === 'group' && (row.groups as string[]).length > 0)).toBe(true);
    expect(rows.some((row) => row.scope === 'direct')).toBe(true);
    expect(rows.some((row) => (row.signIns30d as number) > 0)).toBe(true);
    expect(rows.some((row) => row.lastSignIn === null)).toBe(true);
  });

  it('licence-usage: per-app counts and seat share, for the default 30 days and --active-days 7', async () => {
    for (const activeDays of [30, 7]) {
      const rows = await exportJson('json', { view: 'licence-usage', activeDays: String(activeDays) });
      expect(rows).toEqual(expectedLicenceUsage(snapshots.org, assignments, activeDays));
    }
    const salesforce = snapshots.org.truth.fixtures().apps.salesforce;
    const row = (await exportJson('json', { view: 'licence-usage' })).find(
      (r) => r['app.id'] === salesforce,
    )!;
    expect(row.seatCount).toBe(250);
    expect(row.assignedUsers).toBeGreaterThan(250);
    expect(row.seatsOverAllocated).toBe((row.assignedUsers as number) - 250);
    expect(row.seatsUnassigned).toBe(0);
    expect(row.seatBasis).toBe('seatCount');
    expect(row.suspendedUsers).toBeGreaterThan(0);
  });

  it('licence-usage --by user: each assigned-but-unused user × app once, grouped by user', async () => {
    const rows = await exportJson('json', { view: 'licence-usage', by: 'user', activeDays: '30' });
    const cutoff = CLOCK - 30 * DAY_MS;
    const unused = assignments.filter(
      (row) => row.lastSignIn === null || Date.parse(String(row.lastSignIn)) < cutoff,
    );
    expect(rows.length).toBe(unused.length);
    const project = (row: Row) => ({
      'user.id': row['user.id'],
      'app.id': row['app.id'],
      scope: row.scope,
      groups: row.groups,
      lastSignIn: row.lastSignIn,
      reason: row.lastSignIn === null ? 'never' : 'inactive',
      daysSinceSignIn:
        row.lastSignIn === null ? null : Math.floor((CLOCK - Date.parse(String(row.lastSignIn))) / DAY_MS),
    });
    expect(rows.map(project).sort(byPair)).toEqual(unused.map(project).sort(byPair));
    // Grouped by user: once a user's rows end, that user never comes back.
    const finished = new Set<unknown>();
    let current: unknown;
    for (const row of rows) {
      if (row['user.id'] !== current) {
        expect(finished.has(row['user.id'])).toBe(false);
        finished.add(current);
        current = row['user.id'];
      }
    }
  });

  it('gives the same rows whichever format the snapshot is in (json, ndjson, csv)', async () => {
    for (const options of <Record<string, string>[]>[
      { view: 'assignments' },
      { view: 'licence-usage' },
      { view: 'licence-usage', by: 'user', activeDays: '45' },
      { view: 'group_members' },
    ]) {
      // Concurrent paging makes the order of app_users differ from one sync to the next: compare as sets.
      const sorted = (rows: Row[]) => rows.map((row) => JSON.stringify(row)).sort();
      const fromJson = sorted(await exportJson('json', options));
      expect(fromJson.length).toBeGreaterThan(30);
      expect(sorted(await exportJson('ndjson', options))).toEqual(fromJson);
      expect(sorted(await exportJson('csv', options))).toEqual(fromJson);
    }
    // A raw entity with dot-path fields, written as CSV, is the same text from every snapshot format.
    const fields =
      'id,status,lastLogin,profile.email,profile.department,profile.seatNumber,credentials.provider.type';
    const csvOf = async (format: 'json' | 'csv' | 'ndjson') =>
      (await runExport({ outputDir: snapshots.outputDirs[format], view: 'users', fields })).stdout;
    const text = await csvOf('json');
    expect(await csvOf('csv')).toBe(text);
    expect(await csvOf('ndjson')).toBe(text);
  });

  it('keeps tricky strings through a CSV round trip (csv-parse), with and without formula protection', async () => {
    const fixtures = snapshots.org.truth.fixtures();
    const expected = new Map(assignments.map((row) => [`${row['app.id']}|${row['user.id']}`, row]));
    for (const protect of [true, false]) {
      const { stdout } = await runExport({
        outputDir: snapshots.outputDirs.csv,
        view: 'assignments',
        formulaProtection: protect,
        where: `app.id=${fixtures.apps.formulas} or app.id=${fixtures.apps.rtl} or user.id=${fixtures.users.quotes} or user.id=${fixtures.users.newlines} or user.id=${fixtures.users.formulas} or user.id=${fixtures.users.nfd}`,
      });
      const records = parse(stdout, { columns: true }) as Record<string, string>[];
      expect(records.length).toBeGreaterThan(5);
      const guard = (text: string) => (protect && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
      for (const record of records) {
        const truth = expected.get(`${record['app.id']}|${record['user.id']}`)!;
        for (const column of ['app.label', 'user.name', 'user.department', 'user.login'] as const) {
          expect(record[column]).toBe(guard(String(truth[column] ?? '')));
        }
        expect(JSON.parse(record.groups!)).toEqual(truth.groups);
      }
      const labels = records.map((record) => record['app.label']);
      expect(labels).toContain(guard('=Analytics\nDashboard, "BI"'));
      expect(labels).toContain('بوابة الموظفين');
    }
  });

  it('--fields picks dot paths in order', async () => {
    const { stdout, stderr, result } = await runExport({
      outputDir: snapshots.outputDirs.json,
      view: 'users',
      format: 'json',
      fields: 'profile.email,id,credentials.provider.type',
    });
    const rows = jsonRows(stdout);
    const users = [...snapshots.org.truth.users()];
    expect(rows.length).toBe(users.length);
    const byId = new Map(users.map((user) => [user.id, user]));
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(['profile.email', 'id', 'credentials.provider.type']);
      const user = byId.get(String(row.id))!;
      expect(row['profile.email']).toBe(user.profile.email);
      expect(row['credentials.provider.type']).toBe(
        (user.credentials as { provider?: { type?: string } }).provider?.type ?? null,
      );
    }
    expect(stderr).not.toMatch(/warn/i);
    expect(result.warnings).toHaveLength(0);

    const joined = await runExport({
      outputDir: snapshots.outputDirs.json,
      view: 'assignments',
      fields: 'user.login,app.label',
    });
    expect(joined.stdout.split('\r\n')[0]).toBe('user.login,app.label');
  });

  it('--where filters with comparisons, relative ages and booleans, as the truth says', async () => {
    const cases: [string, (row: Row) => boolean][] = [
      [
        'lastSignIn<60d',
        (row) => row.lastSignIn !== null && Date.parse(String(row.lastSignIn)) < CLOCK - 60 * DAY_MS,
      ],
      [
        'user.status=ACTIVE and (scope=group or signIns90d>=3)',
        (row) =>
          row['user.status'] === 'ACTIVE' && (row.scope === 'group' || (row.signIns90d as number) >= 3),
      ],
      [
        'not lastSignIn>30d and lastSignIn!=""',
        (row) => row.lastSignIn !== null && Date.parse(String(row.lastSignIn)) <= CLOCK - 30 * DAY_MS,
      ],
      ['app.label~"sales cloud"', (row) => String(row['app.label']).toLowerCase().includes('sales cloud')],
      [
        'groups~staff',
        (row) => (row.groups as string[]).some((name) => name.toLowerCase().includes('staff')),
      ],
      [
        'user.lastLogin<2026-10-01',
        (row) =>
          row['user.lastLogin'] !== null &&
          Date.parse(String(row['user.lastLogin'])) < Date.parse('2026-10-01T00:00:00Z'),
      ],
    ];
    for (const [where, keep] of cases) {
      const rows = await exportJson('json', { view: 'assignments', where, fields: 'app.id,user.id' });
      const expected = assignments
        .filter(keep)
        .map((row) => ({ 'app.id': row['app.id'], 'user.id': row['user.id'] }));
      expect({ where, count: rows.length }).toEqual({ where, count: expected.length });
      expect(expected.length).toBeGreaterThan(0);
      expect([...rows].sort(byPair)).toEqual(expected.sort(byPair));
    }
  });
});
