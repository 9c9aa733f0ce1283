import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sync } from '../../src/commands/sync/index.js';
import { type SampleOrg, type SampleOrgOptions, startSampleOrg } from '../../src/demo/index.js';
import { createIo } from '../../src/ui/io.js';
import { expectSnapshotMatchesOrg } from '../e2e/expect-snapshot.js';
import type { Entity } from '../e2e/expected-inventory.js';

/**
 * Rows that must be right whatever Okta's lists do: a record repeated while a list changes, admin
 * roles held through groups whether or not the IAM assignee list names their holders, and a refusal
 * on a list other entities are read through.
 */

let root: string;
const orgs: SampleOrg[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'okta-fidelity-'));
});
afterAll(async () => {
  await Promise.all(orgs.map((org) => org.stop()));
  await rm(root, { recursive: true, force: true });
});

async function startOrg(options: SampleOrgOptions): Promise<SampleOrg> {
  const org = await startSampleOrg({ size: 'tiny', rateLimits: { enabled: false }, ...options });
  orgs.push(org);
  return org;
}

let runs = 0;
async function run(org: SampleOrg, flags: { format?: 'csv' | 'ndjson'; only?: string; skip?: string } = {}) {
  const stderr = new PassThrough();
  const stdout = new PassThrough();
  stdout.resume();
  stderr.resume();
  const outputDir = join(root, `run-${++runs}`);
  const result = await sync(
    {
      profile: 'default',
      env: { OKTA_CLIENT_ORGURL: org.url, OKTA_CLIENT_TOKEN: org.token, OKTA_CONNECTOR_CONFIG_DIR: root },
      cwd: root,
      outputDir,
      format: flags.format ?? 'ndjson',
      ...(flags.only && { only: flags.only }),
      ...(flags.skip && { skip: flags.skip }),
    },
    createIo({ stdout, stderr, env: {} }),
  );
  return result;
}

describe('record fidelity', () => {
  for (const format of ['ndjson', 'csv'] as const) {
    it(`a record Okta lists twice is written once (${format})`, async () => {
      const org = await startOrg({ repeatRecords: true });
      const result = await run(org, { format });
      expect(result.status).toBe('complete');
      expectSnapshotMatchesOrg(result.snapshot.dir, org.truth, { format });
      // The org really did repeat records.
      const repeated = [...org.counters.urls].filter(([url]) => url.includes('after='));
      expect(repeated.length).toBeGreaterThan(0);
    });
  }

  it('admin roles held through groups, once each, when the IAM list also names their holders', async () => {
    const org = await startOrg({ roleAssigneesIncludeGroupHolders: true });
    const result = await run(org);
    expectSnapshotMatchesOrg(result.snapshot.dir, org.truth, { format: 'ndjson' });
  });

  it('admin roles alone read the groups and the members of role-holding groups themselves', async () => {
    const org = await startOrg({});
    const result = await run(org, { only: 'admin_roles', format: 'csv' });
    const entities: Entity[] = ['admin_roles'];
    expectSnapshotMatchesOrg(result.snapshot.dir, org.truth, { format: 'csv', entities });
    const text = await readFile(join(result.snapshot.dir, 'admin_roles.csv'), 'utf8');
    // The custom role a group holds keeps its role and resource set in CSV.
    const custom = text.split('\r\n').filter((line) => line.includes(',CUSTOM,') && line.includes(',GROUP,'));
    expect(custom.length).toBeGreaterThan(0);
    for (const line of custom)
      expect(line).toMatch(/,GROUP,00g[0-9A-Za-z]{17},cr0[0-9A-Za-z]{17},iam[0-9A-Za-z]{17},/);
  });

  it('a 403 on the groups list names the groups as what admin roles are read through', async () => {
    const org = await startOrg({ permissions: { deny: ['/api/v1/groups'] } });
    const result = await run(org, { skip: 'groups,group_members' });
    expect(result.status).toBe('partial');
    const roles = result.entities.find((entry) => entry.entity === 'admin_roles');
    expect(roles?.skipped).toMatch(
      /^admin roles not read: Okta refused to list groups, which admin roles are read through \(403 E0000006\): the token's admin needs Read-Only Administrator/,
    );
  });

  it('a 403 on the groups list with only group members asked for names the groups', async () => {
    const org = await startOrg({ permissions: { deny: ['/api/v1/groups'] } });
    const error = await run(org, { only: 'group_members' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ exitCode: 5 });
    expect(String((error as Error).message)).toMatch(
      /^group members not read: Okta refused to list groups, which group members are read through \(403/,
    );
  });
});
