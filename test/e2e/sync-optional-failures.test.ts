import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleOrg } from '../../src/demo/index.js';
import { ensureBuilt, makeWorkspace, runCli, tinyOrgs, type Workspace } from './cli-process.js';
import { expectSnapshotMatchesOrg } from './expect-snapshot.js';
import { ENTITIES, type Entity } from './expected-inventory.js';
import { type ProxyAnswer, type RewritingProxy, startRewritingProxy } from './rewriting-proxy.js';
import { snapshotIds } from './snapshot-files.js';

/**
 * Requirements (issue 15): an entity no other entity needs (admin roles, devices, user schema, app
 * usage) that Okta fails for any reason but authentication (a 404, a refused `next` link, an answer
 * of the wrong shape, a refused query) is skipped and named, and the run ends partial (exit 9) with
 * everything else written, as a 403 does.
 */

const EXIT_PARTIAL = 9;

let work: Workspace;
let org: SampleOrg;
const orgs = tinyOrgs();
const proxies: RewritingProxy[] = [];

beforeAll(async () => {
  ensureBuilt();
  work = await makeWorkspace();
  org = await orgs.start();
});

afterAll(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await orgs.stopAll();
  await work?.remove();
});

const json = (status: number, body: unknown): ProxyAnswer => ({ status, body: JSON.stringify(body) });

/** The IAM assignee list as a schema-valid mock of Okta's spec served it: prose as its next link. */
const proseNextLink = (body: string): ProxyAnswer => {
  const page = JSON.parse(body) as { _links?: Record<string, unknown> };
  return json(200, { ...page, _links: { ...page._links, next: { href: 'esse deserunt dolor' } } });
};

async function syncThrough(
  name: string,
  intercept: (path: string, upstreamBody?: string) => ProxyAnswer | undefined,
  peek?: (path: string) => boolean,
) {
  const proxy = await startRewritingProxy({
    upstream: org.url,
    intercept: ({ path: requested, upstream }) => intercept(requested, upstream?.body),
    ...(peek ? { peek } : {}),
  });
  proxies.push(proxy);
  const outputDir = work.outputDir(name);
  const result = await runCli(['sync', '--output-dir', outputDir], {
    env: work.env({ url: proxy.url, token: org.token }),
  });
  const ids = snapshotIds(outputDir);
  return { result, ids, dir: path.join(outputDir, 'default', ids[0] ?? 'none') };
}

const allBut = (...left: Entity[]) => ENTITIES.filter((entity) => !left.includes(entity));

describe('an optional entity fails alone', () => {
  it("the IAM list's next link is prose: admin roles skipped and named, exit 9, the rest written", async () => {
    const { result, ids, dir } = await syncThrough(
      'prose-link',
      (_requested, body) => (body ? proseNextLink(body) : undefined),
      (requested) => requested.startsWith('/api/v1/iam/assignees/users'),
    );
    expect(result.stderr).toMatch(/admin roles not read.*next/);
    expect(result.stderr).not.toMatch(/Unexpected error|This is a bug/);
    expect(result.exitCode).toBe(EXIT_PARTIAL);
    expect(ids).toHaveLength(1);
    const manifest = expectSnapshotMatchesOrg(dir, org.truth, {
      format: 'json',
      entities: allBut('admin_roles'),
      skipped: ['admin_roles'],
    });
    expect(manifest.status).toBe('partial');
    expect(manifest.entities.admin_roles?.skipped).toMatch(/admin roles not read/);
  });

  it('schema 404, devices not a list, System Log 400, role list 404: each skipped and named, the rest written', async () => {
    const { result, dir } = await syncThrough('each-fails', (requested) => {
      if (requested.startsWith('/api/v1/meta/schemas/user/default'))
        return json(404, {
          errorCode: 'E0000007',
          errorSummary: 'Not found: Resource not found: default (UserSchema)',
        });
      if (requested.startsWith('/api/v1/devices')) return json(200, { devices: 'not a list' });
      if (requested.startsWith('/api/v1/logs'))
        return json(400, { errorCode: 'E0000053', errorSummary: 'Invalid parameter: since' });
      if (requested.startsWith('/api/v1/iam/'))
        return json(404, { errorCode: 'E0000007', errorSummary: 'Not found: Resource not found' });
      return undefined;
    });
    expect(result.exitCode).toBe(EXIT_PARTIAL);
    expect(result.stderr).not.toMatch(/Unexpected error|This is a bug/);
    for (const name of ['user schema', 'devices', 'app usage', 'admin roles'])
      expect(result.stderr).toContain(`${name} not read`);
    const manifest = expectSnapshotMatchesOrg(dir, org.truth, {
      format: 'json',
      entities: allBut('user_schema', 'devices', 'app_usage', 'admin_roles'),
      skipped: ['user_schema', 'devices', 'app_usage', 'admin_roles'],
    });
    expect(manifest.status).toBe('partial');
    expect(manifest.entities.devices?.skipped).toMatch(/devices not read/);
    expect(manifest.entities.app_usage?.skipped).toMatch(/E0000053/);
  });
});
