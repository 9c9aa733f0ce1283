import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS, type SampleOrg, startSampleOrg } from '../../src/demo/index.js';
import {
  type CliResult,
  ensureBuilt,
  GENEROUS_RATE_LIMITS,
  makeWorkspace,
  runCli,
  type Workspace,
} from './cli-process.js';
import { readCsvRecords, readJsonRecords } from './entity-files.js';
import { expectSnapshotMatchesOrg } from './expect-snapshot.js';
import { ENTITIES, type Entity, SIGN_IN_EVENT_TYPES } from './expected-inventory.js';
import {
  expectLatestPointsAt,
  foldersWithManifest,
  type Manifest,
  profileEntries,
  readManifest,
  restingProfile,
  snapshotIds,
} from './snapshot-files.js';

/**
 * Full syncs of the `small` sample org:
 * - every entity in every format: every record exactly once, every value equal to the ground truth;
 * - the same through injected faults and a short rate-limit window: the manifest counts the retries
 *   and 429s, and nothing is fetched twice except to retry.
 * The four runs are independent (an org and an output folder each) and run side by side: most of the
 * faulty run is waiting.
 */

const FORMATS = ['json', 'ndjson', 'csv'] as const;
type Format = (typeof FORMATS)[number];

const STORM = { afterRequests: 40, count: 6 };
/** The rates are per request; seed 34 spreads every kind of fault over the URLs a sync of `small` reads. */
const FAULTS = {
  seed: 34,
  rate429: 0.01,
  rate5xx: 0.02,
  rateReset: 0.01,
  rateTruncated: 0.015,
  storm429: STORM,
};
const WINDOW_MS = 500;
const LIMITS: Record<string, number> = { ...DEFAULT_RATE_LIMITS, '/api/v1/apps': 60 };

/** The entity a request belongs to, from its URL (as the sample org counts it: path and query). */
function entityOf(url: string): Entity | 'well-known' {
  const { pathname } = new URL(url, 'http://x');
  if (pathname === '/.well-known/okta-organization') return 'well-known';
  if (pathname === '/api/v1/users') return 'users';
  if (pathname === '/api/v1/meta/schemas/user/default') return 'user_schema';
  if (pathname === '/api/v1/groups') return 'groups';
  if (/^\/api\/v1\/groups\/[^/]+\/users$/.test(pathname)) return 'group_members';
  if (pathname === '/api/v1/apps') return 'apps';
  if (/^\/api\/v1\/apps\/[^/]+\/users$/.test(pathname)) return 'app_users';
  if (/^\/api\/v1\/apps\/[^/]+\/groups$/.test(pathname)) return 'app_groups';
  if (
    pathname === '/api/v1/iam/assignees/users' ||
    /^\/api\/v1\/(users|groups)\/[^/]+\/roles$/.test(pathname)
  )
    return 'admin_roles';
  if (pathname === '/api/v1/devices') return 'devices';
  if (pathname === '/api/v1/logs') return 'app_usage';
  throw new Error(`unexpected request ${url}`);
}

let work: Workspace;
let org: SampleOrg;
let faulty: SampleOrg;
const runs = {} as Record<Format, { result: CliResult; outputDir: string; snapshotDir: string }>;
let faultyRun: { result: CliResult; snapshotDir: string; manifest: Manifest };

beforeAll(async () => {
  ensureBuilt();
  work = await makeWorkspace();
  org = await startSampleOrg({ size: 'small', rateLimits: GENEROUS_RATE_LIMITS });
  // Okta's default limits in a half-second window, the apps bucket lower still so that it binds:
  // the client must keep to its share and wait.
  faulty = await startSampleOrg({
    size: 'small',
    rateLimits: { windowMs: WINDOW_MS, limits: LIMITS },
    faults: FAULTS,
  });
  const syncInto = async (outputDir: string, from: SampleOrg, format: string) => {
    const result = await runCli(['sync', '--format', format, '--output-dir', outputDir], {
      env: work.env(from),
    });
    return { result, snapshotDir: path.join(outputDir, 'default', snapshotIds(outputDir)[0] ?? 'none') };
  };
  await Promise.all([
    ...FORMATS.map(async (format) => {
      const outputDir = work.outputDir(format);
      runs[format] = { outputDir, ...(await syncInto(outputDir, org, format)) };
    }),
    (async () => {
      const run = await syncInto(work.outputDir('faults'), faulty, 'ndjson');
      faultyRun = { ...run, manifest: readManifest(run.snapshotDir) };
    })(),
  ]);
}, 120_000);

afterAll(async () => {
  await org?.stop();
  await faulty?.stop();
  await work?.remove();
});

describe.each(FORMATS)('sync --format %s of the small sample org', (format) => {
  it('exits 0 with one complete snapshot that latest.json names', () => {
    const { result, outputDir, snapshotDir } = runs[format];
    expect(result.stderr).not.toMatch(/error|warning/i);
    expect(result.exitCode).toBe(0);
    const ids = snapshotIds(outputDir);
    expect(ids).toHaveLength(1);
    expect(profileEntries(outputDir)).toEqual(restingProfile(ids, ids[0] as string));
    expect(foldersWithManifest(outputDir)).toEqual(ids);
    expectLatestPointsAt(outputDir, ids[0] as string);
    expect(result.stdout).toContain(`Snapshot (complete): ${snapshotDir}`);

    const manifest = readManifest(snapshotDir);
    expect(manifest).toMatchObject({
      formatVersion: 1,
      tool: { name: 'okta-connector' },
      profile: 'default',
      org: org.url,
      mode: 'full',
      status: 'complete',
      options: {
        format,
        entities: [...ENTITIES],
        rateLimitShare: 50,
        concurrency: 8,
        pipeline: 'idx',
        ...(format === 'csv' ? { csvBom: false, formulaProtection: true } : {}),
      },
    });
    if (format !== 'csv') expect(manifest.options).not.toHaveProperty('formulaProtection');
    expect(Date.parse(manifest.finishedAt)).toBeGreaterThanOrEqual(Date.parse(manifest.startedAt));
    // The snapshot id is the run's start, in UTC, to the second.
    const at = manifest.startedAt;
    expect(ids[0]).toBe(`${at.slice(0, 10)}T${at.slice(11, 13)}${at.slice(14, 16)}${at.slice(17, 19)}Z`);
  });

  it('holds every record of every entity exactly once, each equal to the ground truth', () => {
    const { snapshotDir } = runs[format];
    const manifest = expectSnapshotMatchesOrg(snapshotDir, org.truth, { format });
    const counts = org.truth.counts();
    expect({
      users: manifest.entities.users?.count,
      groups: manifest.entities.groups?.count,
      group_members: manifest.entities.group_members?.count,
      apps: manifest.entities.apps?.count,
      app_users: manifest.entities.app_users?.count,
      app_groups: manifest.entities.app_groups?.count,
      devices: manifest.entities.devices?.count,
    }).toEqual({
      users: counts.users,
      groups: counts.groups,
      group_members: counts.groupMemberships,
      apps: counts.apps,
      app_users: counts.appUsers,
      app_groups: counts.appGroups,
      devices: counts.devices,
    });
  });
});

/**
 * The rows of one entity file as flat lookups by dot path (`profile.email`): CSV through csv-parse,
 * cells as the file holds them; json and ndjson as parsed.
 */
function entityRows(format: Format, entity: Entity): ((path: string) => unknown)[] {
  const file = path.join(runs[format].snapshotDir, `${entity}.${format}`);
  if (format === 'csv') {
    const [header = [], ...records] = readCsvRecords(file, { bom: false });
    return records.map((record) => (column: string) => record[header.indexOf(column)]);
  }
  return readJsonRecords(file, format).map(
    (record) => (dotted: string) =>
      dotted
        .split('.')
        .reduce<unknown>(
          (value, key) =>
            value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined,
          record,
        ),
  );
}

/**
 * The row-for-row comparison above proves only what the sample org holds: these check that it holds
 * the rows an auditor acts on, as they reach each format.
 */
describe.each(FORMATS)('rows an auditor acts on, in %s', (format) => {
  const present = (value: unknown) => value !== undefined && value !== null && value !== '';

  it('admin roles held through a group: a CUSTOM role with its resource set, and standard roles, naming the group', () => {
    const rows = entityRows(format, 'admin_roles');
    const through = rows.filter((row) => row('assignmentType') === 'GROUP');
    const custom = through.filter((row) => row('type') === 'CUSTOM');
    expect(custom.length, 'CUSTOM roles through a group').toBeGreaterThan(0);
    for (const row of custom) {
      expect(row('role'), 'a CUSTOM role names its role').toMatch(/^\w+$/);
      expect(row('resource-set'), 'and its resource set').toMatch(/^\w+$/);
      expect(row('groupId'), 'and the group it comes through').toMatch(/^00g\w+$/);
    }
    expect(through.filter((row) => row('type') !== 'CUSTOM').length).toBeGreaterThan(0);
    const direct = rows.filter((row) => row('assignmentType') === 'USER');
    expect(direct.length, 'direct assignments').toBeGreaterThan(0);
    for (const row of direct) expect(present(row('groupId')), 'a direct role names no group').toBe(false);
  });

  it('apps of several sign-on modes, each with its settings', () => {
    const modes = new Set<string>();
    for (const row of entityRows(format, 'apps')) {
      const settings = format === 'csv' ? JSON.parse(String(row('settings') || 'null')) : row('settings');
      if (settings && typeof settings === 'object' && Object.keys(settings).length > 0) {
        modes.add(String(row('signOnMode')));
      }
    }
    expect([...modes].length, [...modes].join(', ')).toBeGreaterThanOrEqual(4);
  });

  it('app usage counts no failed sign-in: pairs that only failed have no row, a later failure is not the last sign-in', () => {
    const usage = new Map(
      entityRows(format, 'app_usage').map((row) => [
        `${row('userId')} ${row('appId')}`,
        String(row('lastSignIn')),
      ]),
    );
    const latest = { SUCCESS: new Map<string, string>(), FAILURE: new Map<string, string>() };
    for (const event of org.truth.logEvents()) {
      const app = event.target?.find((target) => target.type === 'AppInstance');
      if (!SIGN_IN_EVENT_TYPES.has(event.eventType) || event.actor?.type !== 'User' || !app) continue;
      const seen = latest[event.outcome.result === 'SUCCESS' ? 'SUCCESS' : 'FAILURE'];
      const key = `${event.actor.id} ${app.id}`;
      if (event.published > (seen.get(key) ?? '')) seen.set(key, event.published);
    }
    const onlyFailed = [...latest.FAILURE.keys()].filter((key) => !latest.SUCCESS.has(key));
    expect(onlyFailed.length, 'pairs whose sign-ins all failed').toBeGreaterThan(0);
    for (const key of onlyFailed) expect(usage.has(key), key).toBe(false);
    const failedLast = [...latest.FAILURE].filter(
      ([key, at]) => usage.has(key) && at > (latest.SUCCESS.get(key) ?? ''),
    );
    expect(failedLast.length, 'pairs whose latest attempt failed').toBeGreaterThan(0);
    for (const [key] of failedLast) expect(usage.get(key), key).toBe(latest.SUCCESS.get(key));
  });

  it("profile-mapped app user attributes carry the user's values", () => {
    const users = new Map(entityRows(format, 'users').map((row) => [row('id'), row]));
    let mapped = 0;
    for (const row of entityRows(format, 'app_users')) {
      if (!present(row('profile.employeeId'))) continue;
      const user = users.get(row('userId'));
      expect(row('profile.employeeId')).toEqual(user?.('profile.employeeNumber'));
      expect(row('profile.email')).toEqual(user?.('profile.email'));
      mapped++;
    }
    expect(mapped, 'app users of provisioning apps').toBeGreaterThan(0);
  });
});

describe('tricky values', () => {
  const fixtures = () => org.truth.fixtures().users;

  it('json and ndjson keep every string byte for byte: NFD accents, emoji, quotes, newlines, formulas', () => {
    for (const format of ['json', 'ndjson'] as const) {
      const file = path.join(runs[format].snapshotDir, `users.${format}`);
      const users = new Map(readJsonRecords(file, format).map((user) => [user.id as string, user]));
      const profile = (name: keyof ReturnType<typeof fixtures>) =>
        users.get(fixtures()[name])?.profile as Record<string, unknown>;
      expect(profile('nfd').firstName).toBe('Rene\u0301e');
      expect(profile('nfc').firstName).toBe('Ren\u00e9e');
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from([0x52, 0x65, 0x6e, 0x65, 0xcc, 0x81, 0x65]))).toBe(true); // "Rene\u0301e"
      expect(profile('emoji').displayName).toBe('Alex 👩‍💻 Rainbow 🏳️‍🌈');
      expect(profile('quotes').displayName).toBe('O\'Brien, Jr., Mary "May"');
      expect(profile('newlines').streetAddress).toBe('1 Main St\r\nSuite 200\tRear entrance');
      expect(profile('formulas').firstName).toBe('=1+1');
      expect(profile('formulas').title).toBe('@SUM(A1)');
      expect((profile('longStrings').bio as string).length).toBeGreaterThan(6_000);
      expect(profile('nulls').lastName).toBeNull();
      expect(users.get(fixtures().nulls)?.lastLogin).toBeNull();
      expect(fixtures().caseTwinUpper.toLowerCase()).toBe(fixtures().caseTwinLower.toLowerCase());
      expect(users.has(fixtures().caseTwinUpper) && users.has(fixtures().caseTwinLower)).toBe(true);
    }
  });

  it('csv: formula protection, quoted newlines and commas, empty cells for null', () => {
    const file = path.join(runs.csv.snapshotDir, 'users.csv');
    const [header = [], ...records] = readCsvRecords(file, { bom: false });
    const byId = new Map(records.map((record) => [record[0], record]));
    const cell = (name: keyof ReturnType<typeof fixtures>, column: string) =>
      byId.get(fixtures()[name])?.[header.indexOf(column)];
    expect(cell('formulas', 'profile.firstName')).toBe("'=1+1");
    expect(cell('formulas', 'profile.lastName')).toBe("'+SUM(A1:A9)");
    expect(cell('formulas', 'profile.nickName')).toBe("'-2+3");
    expect(cell('formulas', 'profile.title')).toBe("'@SUM(A1)");
    const phones = records.map((record) => record[header.indexOf('profile.mobilePhone')]).filter(Boolean);
    expect(phones.length).toBeGreaterThan(0);
    for (const phone of phones) expect(phone).toMatch(/^\+1 555 \d+$/);
    expect(cell('formulas', 'profile.department')).toBe('\'=HYPERLINK("https://example.invalid","click me")');
    expect(cell('newlines', 'profile.title')).toBe('Line one\nLine two');
    expect(cell('quotes', 'profile.title')).toBe('Manager, "Sales", EMEA');
    expect(cell('nfd', 'profile.firstName')).toBe('Rene\u0301e');
    expect(cell('nulls', 'lastLogin')).toBe('');
    expect(cell('nulls', 'profile.lastName')).toBe('');
    expect(readFileSync(file, 'utf8')).toContain('"Line one\nLine two"');
  });
});

describe('sync through injected faults and a short rate-limit window (small org)', () => {
  it('met every kind of fault (else the test proves nothing)', () => {
    const { faults } = faulty.counters;
    expect(faults.storm429).toBe(STORM.count);
    expect(faults.rate429).toBeGreaterThan(0);
    expect(faults.status502 + faults.status503, '5xx with an HTML body').toBeGreaterThan(0);
    expect(faults.status500 + faults.status504, '5xx with an Okta error body').toBeGreaterThan(0);
    expect(faults.reset).toBeGreaterThan(0);
    expect(faults.truncated).toBeGreaterThan(0);
  });

  it('exits 0 with a complete snapshot holding every record exactly once', () => {
    expect(faultyRun.result.stderr).not.toMatch(/error|warning/i);
    expect(faultyRun.result.exitCode).toBe(0);
    expect(faultyRun.manifest.status).toBe('complete');
    expectSnapshotMatchesOrg(faultyRun.snapshotDir, faulty.truth, { format: 'ndjson' });
  });

  it('asked for every URL once, plus only retries of failed answers', () => {
    const repeated = [...faulty.counters.urls].filter(
      ([, url]) => url.requests - url.faulted - url.throttled !== 1,
    );
    expect(repeated).toEqual([]);
  });

  it("the manifest's requests, retries and 429s match what the org saw, entity by entity", () => {
    const seen: Record<string, { requests: number; retries: number; rateLimited: number }> = {};
    const { faults } = faulty.counters;
    for (const [url, counts] of faulty.counters.urls) {
      const entity = entityOf(url);
      seen[entity] ??= { requests: 0, retries: 0, rateLimited: 0 };
      seen[entity].requests += counts.requests;
      seen[entity].retries += counts.requests - 1;
      // `throttled` counts the org's own 429s (a bucket or the concurrency over its limit);
      // injected 429s are counted among the faults.
      seen[entity].rateLimited += counts.throttled;
    }
    const injected429 = faults.rate429 + faults.storm429;
    // The org-type probe is not an entity: it must have gone through at once for the sums below.
    expect(seen['well-known']).toEqual({ requests: 1, retries: 0, rateLimited: 0 });
    delete seen['well-known'];

    const reported = Object.fromEntries(
      Object.entries(faultyRun.manifest.entities).map(([entity, entry]) => [
        entity,
        { requests: entry.requests, retries: entry.retries },
      ]),
    );
    expect(reported).toEqual(
      Object.fromEntries(
        Object.entries(seen).map(([entity, counts]) => [
          entity,
          { requests: counts.requests, retries: counts.retries },
        ]),
      ),
    );
    const throttled = Object.values(seen).reduce((sum, counts) => sum + counts.rateLimited, 0);
    expect(faultyRun.manifest.totals.rateLimited).toBe(throttled + injected429);
    // Every failed answer (429, 5xx, reset, truncated body) was retried, and nothing else was.
    const failed = Object.entries(faults)
      .filter(([kind]) => kind !== 'slow')
      .reduce((sum, [, count]) => sum + count, throttled);
    expect(faultyRun.manifest.totals.retries).toBe(failed);
  });

  it('kept every rate-limit bucket within half of its limit (the default share)', () => {
    // A reset or an HTML 502/503 reached the org (it counts against the bucket) but brought no
    // rate-limit headers, so the client cannot know about it: allow one request per such answer.
    const { faults } = faulty.counters;
    const unseen = faults.reset + faults.status502 + faults.status503;
    const overShare = Object.entries(faulty.counters.buckets)
      .map(([bucket, counts]) => ({
        bucket,
        maxUsedInWindow: counts.maxUsedInWindow,
        allowed: Math.floor((LIMITS[bucket] ?? 0) / 2) + unseen,
      }))
      .filter((entry) => entry.maxUsedInWindow > entry.allowed);
    expect(overShare).toEqual([]);
  });
});
