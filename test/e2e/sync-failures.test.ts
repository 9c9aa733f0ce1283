import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleOrg } from '../../src/demo/index.js';
import { ANSI, ensureBuilt, makeWorkspace, runCli, tinyOrgs, type Workspace } from './cli-process.js';
import { expectSnapshotMatchesOrg } from './expect-snapshot.js';
import { ENTITIES, type Entity } from './expected-inventory.js';
import {
  expectLatestPointsAt,
  foldersWithManifest,
  profileEntries,
  readLatest,
  readManifest,
  snapshotIds,
} from './snapshot-files.js';

/** Requirements: partial runs (403 on optional data) and a rejected token. */

const EXIT_PARTIAL = 9;
const EXIT_AUTH = 4;
const EXIT_PERMISSION = 5;

let work: Workspace;
let healthy: SampleOrg;
const orgs = tinyOrgs();
const tinyOrg = orgs.start;

beforeAll(async () => {
  ensureBuilt();
  work = await makeWorkspace();
  healthy = await tinyOrg();
});

afterAll(async () => {
  await orgs.stopAll();
  await work?.remove();
});

const allBut = (entity: Entity) => ENTITIES.filter((name) => name !== entity);

describe.concurrent('a partial run (Okta answers 403 for optional data)', () => {
  it('admin roles refused: exit 9, a warning naming them and the admin role needed, latest.json stays put', async () => {
    const outputDir = work.outputDir('partial-roles');
    const complete = await runCli(['sync', '--output-dir', outputDir], { env: work.env(healthy) });
    expect(complete.exitCode).toBe(0);
    const [previous = ''] = snapshotIds(outputDir);
    const pointer = readFileSync(path.join(outputDir, 'default', 'latest.json'));

    const denied = await tinyOrg({ permissions: { deny: ['/api/v1/iam'] } });
    const result = await runCli(['sync', '--output-dir', outputDir], { env: work.env(denied) });
    expect(result.exitCode).toBe(EXIT_PARTIAL);
    expect(result.stderr).toMatch(/admin roles.*403.*Read-Only Administrator/);
    expect(result.stdout).toContain('Snapshot (partial)');

    const ids = snapshotIds(outputDir);
    expect(ids).toHaveLength(2);
    const partialDir = path.join(outputDir, 'default', ids[1] as string);
    const manifest = expectSnapshotMatchesOrg(partialDir, denied.truth, {
      format: 'json',
      entities: allBut('admin_roles'),
      skipped: ['admin_roles'],
    });
    expect(manifest.status).toBe('partial');
    expect(manifest.entities.admin_roles?.skipped).toMatch(/403.*Read-Only Administrator/);
    expect(manifest.entities.admin_roles?.warnings).toEqual([manifest.entities.admin_roles?.skipped]);
    expect(readFileSync(path.join(outputDir, 'default', 'latest.json'))).toEqual(pointer);
    expectLatestPointsAt(outputDir, previous);
  });

  it('System Log refused, no complete snapshot yet: exit 9, app usage skipped, and no latest.json', async () => {
    const outputDir = work.outputDir('partial-logs');
    const denied = await tinyOrg({ permissions: { deny: ['/api/v1/logs'] } });
    const result = await runCli(['sync', '--format', 'csv', '--output-dir', outputDir], {
      env: work.env(denied),
    });
    expect(result.exitCode).toBe(EXIT_PARTIAL);
    expect(result.stderr).toMatch(/app usage.*403.*Report Administrator/);
    const ids = snapshotIds(outputDir);
    expect(ids).toHaveLength(1);
    const manifest = expectSnapshotMatchesOrg(
      path.join(outputDir, 'default', ids[0] as string),
      denied.truth,
      {
        format: 'csv',
        entities: allBut('app_usage'),
        skipped: ['app_usage'],
      },
    );
    expect(manifest.status).toBe('partial');
    expect(readLatest(outputDir)).toBeUndefined();
    expect(profileEntries(outputDir)).toEqual(ids);
  });

  // Users, groups, apps and app assignments are required (docs/exit-codes.md, test-connection): a
  // 403 on them fails the run with exit 5 (CollectContext.skipForbidden in src/sync/collect-context.ts),
  // never a "partial" inventory without apps; only the optional entities make a partial run (exit 9).
  it('apps refused (required data): exit 5, not a partial snapshot', async () => {
    const outputDir = work.outputDir('required-apps');
    const denied = await tinyOrg({ permissions: { deny: ['/api/v1/apps'] } });
    const result = await runCli(['sync', '--output-dir', outputDir], { env: work.env(denied) });
    expect(result.stderr).toMatch(/apps.*403.*Read-Only Administrator/);
    expect(result.exitCode).toBe(EXIT_PERMISSION);
  });

  // Each warning belongs to its entity alone (they were once matched by name, so "app users" also
  // landed on users and apps).
  it('schema, admin roles and devices refused: each warning is on its own entity only', async () => {
    const outputDir = work.outputDir('partial-several');
    const denied = await tinyOrg({
      permissions: { deny: ['/api/v1/meta/schemas', '/api/v1/iam', '/api/v1/devices'] },
    });
    const result = await runCli(['sync', '--format', 'csv', '--output-dir', outputDir], {
      env: work.env(denied),
    });
    expect(result.exitCode).toBe(EXIT_PARTIAL);
    const manifest = readManifest(path.join(outputDir, 'default', snapshotIds(outputDir)[0] as string));
    const warned = Object.entries(manifest.entities)
      .filter(([, entry]) => entry.warnings.length > 0)
      .map(([entity, entry]) => [entity, entry.warnings.length, entry.skipped !== undefined]);
    expect(warned).toEqual([
      ['user_schema', 1, true],
      ['admin_roles', 1, true],
      ['devices', 1, true],
    ]);
    // Without the schema the users' profile columns follow the data (sorted by name).
    const columns = manifest.entities.users?.columns ?? [];
    const profile = columns.filter((column) => column.startsWith('profile.'));
    expect(profile.length).toBeGreaterThan(10);
    expect(profile).toEqual([...profile].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });
});

/** Every file under `dir` containing `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((entry) => path.join(dir, entry))
    .filter((file) => statSync(file).isFile() && readFileSync(file, 'utf8').includes(needle));
}

describe.concurrent('the API token', () => {
  const CANARY = '00e2eWrongTokenCanary_0123456789abcdefghij';
  const GOOD = '00e2eGoodTokenCanary_0123456789abcdefghijk';

  it('a successful run (--verbose, --log-file, every format of state) writes it nowhere', async () => {
    const own = await tinyOrg({ token: GOOD });
    const outputDir = work.outputDir('token-ok');
    const logFile = path.join(outputDir, 'sync.log');
    const result = await runCli(['sync', '--verbose', '--log-file', logFile, '--output-dir', outputDir], {
      env: work.env(own),
    });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/^GET \/api\/v1\/users\?/m); // --verbose logged the requests
    expect(result.stdout + result.stderr).not.toContain(GOOD);
    expect(filesContaining(outputDir, GOOD)).toEqual([]);
  });

  it('rejected (401): exit 4, nothing that looks like a snapshot, no .partial-*, and the token nowhere', async () => {
    const outputDir = work.outputDir('auth');
    const logFile = path.join(outputDir, 'sync.log');
    const env = work.env({ url: healthy.url, token: CANARY });
    const human = await runCli(['sync', '--verbose', '--log-file', logFile, '--output-dir', outputDir], {
      env,
    });
    expect(human.exitCode).toBe(EXIT_AUTH);
    expect(human.stderr).toMatch(/^Error: .*(401|token)/im);
    expect(human.stderr).not.toMatch(ANSI);
    expect(readFileSync(logFile, 'utf8')).toMatch(/FAILED \(exit 4\b/);

    const json = await runCli(['sync', '--json', '--output-dir', outputDir], { env });
    expect(json.exitCode).toBe(EXIT_AUTH);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { exitCode: EXIT_AUTH } });

    expect(profileEntries(outputDir)).toEqual([]);
    expect(foldersWithManifest(outputDir)).toEqual([]);
    for (const output of [human.stdout, human.stderr, json.stdout, json.stderr]) {
      expect(output).not.toContain(CANARY);
    }
    expect(filesContaining(work.dir, CANARY)).toEqual([]);
  });

  it('no configuration (cron without the environment): exit 3, and the log file says why', async () => {
    const outputDir = work.outputDir('unconfigured');
    const logFile = path.join(outputDir, 'sync.log');
    const result = await runCli(['sync', '--quiet', '--log-file', logFile, '--output-dir', outputDir], {
      env: work.env(),
    });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/No Okta domain/);
    expect(readFileSync(logFile, 'utf8')).toMatch(/FAILED \(exit 3, Config\): No Okta domain/);
  });
});
