import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleOrg } from '../../src/demo/index.js';
import { ANSI, ensureBuilt, makeWorkspace, runCli, tinyOrgs, type Workspace } from './cli-process.js';
import { expectSnapshotMatchesOrg } from './expect-snapshot.js';
import { ENTITIES } from './expected-inventory.js';
import {
  expectLatestPointsAt,
  profileEntries,
  readLatest,
  readManifest,
  restingProfile,
  snapshotIds,
} from './snapshot-files.js';

/** Requirements: --only/--skip, --keep, --log-file, --json, CSV options, Classic orgs, and --demo. */

const EXIT_USAGE = 2;
const EXIT_PARTIAL = 9;

let work: Workspace;
let org: SampleOrg;
const orgs = tinyOrgs();
const tinyOrg = orgs.start;

beforeAll(async () => {
  ensureBuilt();
  work = await makeWorkspace();
  org = await tinyOrg();
});

afterAll(async () => {
  await orgs.stopAll();
  await work?.remove();
});

/** The paths the org was asked for, without the query. */
const pathsAsked = (of: SampleOrg) =>
  [...new Set([...of.counters.urls.keys()].map((url) => url.replace(/\?.*$/, '')))].sort();

describe.concurrent('--only and --skip', () => {
  it('--only users,apps: those two entities, and Okta is asked for nothing else', async () => {
    const only = await tinyOrg();
    const outputDir = work.outputDir('only');
    const result = await runCli(
      ['sync', '--only', 'users,apps', '--format', 'csv', '--output-dir', outputDir],
      {
        env: work.env(only),
      },
    );
    expect(result.exitCode).toBe(0);
    const [id = ''] = snapshotIds(outputDir);
    const manifest = expectSnapshotMatchesOrg(path.join(outputDir, 'default', id), only.truth, {
      format: 'csv',
      entities: ['users', 'apps'],
    });
    expect(manifest.status).toBe('complete');
    expect(manifest.options.entities).toEqual(['users', 'apps']);
    expectLatestPointsAt(outputDir, id);
    // The user schema is read for the users' CSV columns.
    expect(pathsAsked(only)).toEqual([
      '/.well-known/okta-organization',
      '/api/v1/apps',
      '/api/v1/meta/schemas/user/default',
      '/api/v1/users',
    ]);
  });

  it('--skip leaves the named entities out and the run is complete', async () => {
    const outputDir = work.outputDir('skip');
    const result = await runCli(
      ['sync', '--skip', 'app_usage, devices,admin_roles', '--format', 'ndjson', '--output-dir', outputDir],
      { env: work.env(org) },
    );
    expect(result.exitCode).toBe(0);
    const [id = ''] = snapshotIds(outputDir);
    const kept = ENTITIES.filter((entity) => !['app_usage', 'devices', 'admin_roles'].includes(entity));
    expectSnapshotMatchesOrg(path.join(outputDir, 'default', id), org.truth, {
      format: 'ndjson',
      entities: kept,
    });
    expectLatestPointsAt(outputDir, id);
  });

  it('an unknown entity: exit 2 with the list of entities, and nothing written', async () => {
    const outputDir = work.outputDir('bad-entity');
    const result = await runCli(['sync', '--only', 'users,licenses', '--output-dir', outputDir], {
      env: work.env(org),
    });
    expect(result.exitCode).toBe(EXIT_USAGE);
    expect(result.stderr).toContain('"licenses"');
    expect(result.stderr).toContain(ENTITIES.join(', '));
    expect(existsSync(outputDir)).toBe(false);

    const nothing = await runCli(['sync', '--skip', ENTITIES.join(','), '--output-dir', outputDir], {
      env: work.env(org),
    });
    expect(nothing.exitCode).toBe(EXIT_USAGE);
    expect(existsSync(outputDir)).toBe(false);
  });
});

describe.concurrent('--keep', () => {
  it('prunes the oldest snapshots beyond n, but never the one latest.json names', async () => {
    const outputDir = work.outputDir('keep');
    const denied = await tinyOrg({ permissions: { deny: ['/api/v1/iam'] } });
    const sync = async (from: SampleOrg, ...args: string[]) =>
      runCli(['sync', '--json', '--output-dir', outputDir, ...args], { env: work.env(from) });

    expect((await sync(org)).exitCode).toBe(0);
    const [complete = ''] = snapshotIds(outputDir);
    for (let run = 0; run < 2; run++) expect((await sync(denied)).exitCode).toBe(EXIT_PARTIAL);
    const [, oldestPartial, ...newer] = snapshotIds(outputDir);
    expect(newer).toHaveLength(1);

    const pruning = await sync(denied, '--keep', '2');
    expect(pruning.exitCode).toBe(EXIT_PARTIAL);
    const newest = snapshotIds(outputDir).at(-1) as string;
    // Two newest partial runs kept, the complete one protected, the older partial one gone.
    expect(JSON.parse(pruning.stdout).pruned).toEqual([oldestPartial]);
    expect(snapshotIds(outputDir)).toEqual([complete, ...newer, newest]);
    expectLatestPointsAt(outputDir, complete);

    // Once a newer complete snapshot exists, the old one is no longer protected.
    const last = await sync(org, '--keep', '2');
    expect(last.exitCode).toBe(0);
    const ids = snapshotIds(outputDir);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(newest);
    expect(JSON.parse(last.stdout).pruned).toEqual([complete, ...newer]);
    expectLatestPointsAt(outputDir, ids[1] as string);
    expect(profileEntries(outputDir)).toEqual(restingProfile(ids, ids[1] as string));
  });
});

describe.concurrent('output for people, scripts and cron', () => {
  it('--json: stdout is one JSON document; stderr and --log-file have no ANSI codes, even with FORCE_COLOR', async () => {
    const outputDir = work.outputDir('json');
    const logFile = path.join(work.dir, 'logs', 'sync.log');
    const env = work.env(org, { FORCE_COLOR: '3', TERM: 'xterm-256color' });
    const result = await runCli(['sync', '--json', '--log-file', logFile, '--output-dir', outputDir], {
      env,
    });
    expect(result.exitCode).toBe(0);
    const document = JSON.parse(result.stdout);
    const [id = ''] = snapshotIds(outputDir);
    expect(document).toMatchObject({
      status: 'complete',
      exitCode: 0,
      profile: 'default',
      org: org.url,
      snapshot: { id, dir: path.join(outputDir, 'default', id) },
      warnings: [],
      pruned: [],
    });
    const manifest = readManifest(path.join(outputDir, 'default', id));
    expect(
      document.entities.map((entry: { entity: string; count: number }) => [entry.entity, entry.count]),
    ).toEqual(ENTITIES.map((entity) => [entity, manifest.entities[entity]?.count]));
    expect(result.stderr).not.toMatch(ANSI);

    const log = readFileSync(logFile, 'utf8');
    expect(log).not.toMatch(ANSI);
    const lines = log.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z \S/);
    expect(lines[0]).toContain(`Syncing ${new URL(org.url).host} (profile "default") into ${outputDir}`);
    expect(log).toContain(`users: ${manifest.entities.users?.count} records`);
    expect(lines.at(-1)).toMatch(/ Sync complete in [\d.]+ s: /);
    expect(lines.at(-1)).toContain(path.join(outputDir, 'default', id));

    // A failure appends its exit code to the same file.
    const failed = await runCli(['sync', '--log-file', logFile, '--output-dir', outputDir], {
      env: work.env({ url: org.url, token: 'wrong-token' }, { FORCE_COLOR: '3' }),
    });
    expect(failed.exitCode).toBe(4);
    const appended = readFileSync(logFile, 'utf8').slice(log.length);
    expect(appended).toMatch(/ FAILED \(exit 4, Auth\): Okta rejected the API token/);
    expect(appended).not.toMatch(ANSI);
    expect(failed.stderr).not.toMatch(ANSI);
  });

  it('--token-stdin: the token piped in reaches the sync (which runs in a worker thread)', async () => {
    const outputDir = work.outputDir('token-stdin');
    const { OKTA_CLIENT_TOKEN: _, ...env } = work.env(org);
    const result = await runCli(['sync', '--token-stdin', '--json', '--output-dir', outputDir], {
      env,
      input: `${org.token}\n`,
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'complete', org: org.url });
    expect(result.stderr).not.toContain(org.token);

    const refused = await runCli(['sync', '--token-stdin', '--output-dir', outputDir], {
      env,
      input: 'not-the-token-of-this-org\n',
    });
    expect(refused.exitCode).toBe(4);
  });

  it('human output: the entity table on stdout, progress lines on stderr', async () => {
    const outputDir = work.outputDir('human');
    const result = await runCli(['sync', '--output-dir', outputDir], { env: work.env(org) });
    expect(result.exitCode).toBe(0);
    const [id = ''] = snapshotIds(outputDir);
    const manifest = readManifest(path.join(outputDir, 'default', id));
    expect(result.stdout).toMatch(/^entity +count +file\n/);
    for (const entity of ENTITIES) {
      const count = manifest.entities[entity]?.count ?? -1;
      expect(result.stdout).toMatch(
        new RegExp(`^${entity} +${count.toLocaleString('en-US')} +${entity}\\.json$`, 'm'),
      );
    }
    expect(result.stdout).toContain(`Snapshot (complete): ${path.join(outputDir, 'default', id)}`);
    expect(result.stderr).toContain(`users: ${manifest.entities.users?.count} records`);
    expect(result.stdout + result.stderr).not.toMatch(ANSI);
  });

  it('--quiet: nothing on stderr', async () => {
    const result = await runCli(['sync', '--quiet', '--output-dir', work.outputDir('quiet')], {
      env: work.env(org),
    });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
  });
});

describe.concurrent('rate-limit politeness', () => {
  it('--rate-limit-share 20 --concurrency 2: never more than 20 % of a bucket per window, 2 requests at a time', async () => {
    // Limits low enough, in a short window, that the apps bucket binds: 10 requests per window.
    const limits = { '/api/v1/apps': 50, '/api/v1': 1_000 };
    const polite = await tinyOrg({ rateLimits: { windowMs: 500, limits } });
    const outputDir = work.outputDir('polite');
    const result = await runCli(
      ['sync', '--rate-limit-share', '20', '--concurrency', '2', '--output-dir', outputDir],
      { env: work.env(polite) },
    );
    expect(result.exitCode).toBe(0);
    const manifest = readManifest(path.join(outputDir, 'default', snapshotIds(outputDir)[0] as string));
    expect(manifest.options).toMatchObject({ rateLimitShare: 20, concurrency: 2 });
    expect(manifest.totals.rateLimited).toBe(0);
    expect(polite.counters.maxInFlight).toBeLessThanOrEqual(2);
    const apps = polite.counters.buckets['/api/v1/apps'];
    expect(apps?.requests).toBeGreaterThan(10); // more than one window's worth: the share had to bind
    expect(apps?.maxUsedInWindow).toBeLessThanOrEqual(10);
  });

  it('out-of-range values (and --keep 0) are usage errors', async () => {
    const outputDir = work.outputDir('polite-bad');
    for (const args of [
      ['--rate-limit-share', '101'],
      ['--concurrency', '0'],
      ['--keep', '0'],
    ]) {
      const result = await runCli(['sync', ...args, '--output-dir', outputDir], { env: work.env(org) });
      expect(result.exitCode, args.join(' ')).toBe(EXIT_USAGE);
      expect(result.stderr).toContain(args[0]);
    }
    expect(existsSync(outputDir)).toBe(false);
  });
});

describe.concurrent('an org that changed (change events in the System Log)', () => {
  it('every entity still equals the org, and app usage counts sign-ins only', async () => {
    const changed = await tinyOrg();
    const summary = changed.mutate();
    expect(summary).toBeDefined();
    const outputDir = work.outputDir('changed');
    const result = await runCli(['sync', '--output-dir', outputDir], { env: work.env(changed) });
    expect(result.exitCode).toBe(0);
    const events = [...changed.truth.logEvents()];
    // The precondition: change events name apps and have a User actor, like sign-ins do.
    expect(
      events.some(
        (event) =>
          event.eventType.startsWith('application.user_membership.') &&
          event.actor.type === 'User' &&
          event.target.some((target) => target.type === 'AppInstance'),
      ),
    ).toBe(true);
    expectSnapshotMatchesOrg(
      path.join(outputDir, 'default', snapshotIds(outputDir)[0] as string),
      changed.truth,
      {
        format: 'json',
      },
    );
  });
});

describe.concurrent('CSV options', () => {
  it('--bom --no-formula-protection: a byte order mark, and cells exactly as Okta sent them', async () => {
    const outputDir = work.outputDir('csv-raw');
    const result = await runCli(
      ['sync', '--format', 'csv', '--bom', '--no-formula-protection', '--output-dir', outputDir],
      { env: work.env(org) },
    );
    expect(result.exitCode).toBe(0);
    const [id = ''] = snapshotIds(outputDir);
    const manifest = expectSnapshotMatchesOrg(path.join(outputDir, 'default', id), org.truth, {
      format: 'csv',
      bom: true,
      formulaProtection: false,
    });
    expect(manifest.options).toMatchObject({ format: 'csv', csvBom: true, formulaProtection: false });
  });
});

describe.concurrent('an Okta Classic org', () => {
  it('devices are skipped with a note, and the run is complete (exit 0)', async () => {
    const classic = await tinyOrg({ pipeline: 'v1' });
    const outputDir = work.outputDir('classic');
    const result = await runCli(['sync', '--output-dir', outputDir], { env: work.env(classic) });
    expect(result.exitCode).toBe(0);
    const [id = ''] = snapshotIds(outputDir);
    const manifest = expectSnapshotMatchesOrg(path.join(outputDir, 'default', id), classic.truth, {
      format: 'json',
      entities: ENTITIES.filter((entity) => entity !== 'devices'),
      skipped: ['devices'],
    });
    expect(manifest.status).toBe('complete');
    expect(manifest.options.pipeline).toBe('v1');
    expect(manifest.entities.devices?.skipped).toMatch(/Classic/);
    expect(result.stdout).toMatch(/^devices +- +skipped: .*Classic/m);
    expectLatestPointsAt(outputDir, id);
  });
});

describe.concurrent('sync --demo', () => {
  it('writes ./okta-inventory-demo/default/<id>/ in the working folder and prints the table', async () => {
    const cwd = path.join(work.dir, 'demo-cwd');
    mkdirSync(cwd);
    const result = await runCli(['sync', '--demo'], { env: work.env(), cwd });
    expect(result.exitCode).toBe(0);
    const outputDir = path.join(cwd, 'okta-inventory-demo');
    const [id = ''] = snapshotIds(outputDir);
    expect(readLatest(outputDir)?.snapshot).toBe(id);
    const snapshotDir = path.join(outputDir, 'default', id);
    const manifest = readManifest(snapshotDir);
    expect(manifest.status).toBe('complete');
    expect(result.stderr).toMatch(/Started the sample org at http:\/\/127\.0\.0\.1:\d+/);
    expect(result.stdout).toMatch(/^entity +count +file\n/);
    for (const entity of ENTITIES) {
      expect(result.stdout).toMatch(
        new RegExp(`^${entity} +${manifest.entities[entity]?.count} +${entity}\\.json$`, 'm'),
      );
    }
    expect(result.stdout).toContain(`Snapshot (complete): ${snapshotDir}`);
    // The built-in org is the tiny sample org.
    const counts = org.truth.counts();
    expect([manifest.entities.users?.count, manifest.entities.apps?.count]).toEqual([
      counts.users,
      counts.apps,
    ]);
  });
});
