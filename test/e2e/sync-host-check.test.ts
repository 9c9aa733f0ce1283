import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleOrg } from '../../src/demo/index.js';
import { ensureBuilt, makeWorkspace, runCli, tinyOrgs, type Workspace } from './cli-process.js';
import { type RewritingProxy, startRewritingProxy } from './rewriting-proxy.js';
import { snapshotIds } from './snapshot-files.js';

/**
 * Requirements (issue 15): sync sends the token only to a host that answers
 * /.well-known/okta-organization like an Okta org, as test-connection demands, with the same
 * message and exit code, unless the user confirmed the host with `configure --trust-host`.
 */

const EXIT_CONFIG = 3;

let work: Workspace;
let org: SampleOrg;
const orgs = tinyOrgs();
const hosts: RewritingProxy[] = [];

beforeAll(async () => {
  ensureBuilt();
  work = await makeWorkspace();
  org = await orgs.start();
});

afterAll(async () => {
  await Promise.all(hosts.map((host) => host.close()));
  await orgs.stopAll();
  await work?.remove();
});

/**
 * A web server that is not Okta: an HTML 404 for /.well-known/okta-organization. With `upstream`,
 * everything else goes to that sample org (a custom domain whose well-known document is missing).
 */
async function fakeHost(upstream?: string): Promise<RewritingProxy> {
  const host = await startRewritingProxy({
    ...(upstream ? { upstream } : {}),
    intercept: ({ path }) =>
      path.startsWith('/.well-known/')
        ? {
            status: 404,
            headers: { 'content-type': 'text/html' },
            body: '<html><body>Not Found</body></html>',
          }
        : undefined,
  });
  hosts.push(host);
  return host;
}

/** The line that names what is wrong, without the part after the first colon (the client's wording). */
function notOktaLine(stderr: string): string | undefined {
  return stderr.split('\n').find((line) => line.includes('does not answer like an Okta org'));
}

describe('sync and a host that is not an Okta org', () => {
  it('refuses with exit 3 and the message of test-connection, and never sends the token', async () => {
    const host = await fakeHost();
    const outputDir = work.outputDir('not-okta');
    const env = work.env({ url: host.url, token: org.token });
    const synced = await runCli(['sync', '--output-dir', outputDir], { env });
    expect(synced.exitCode).toBe(EXIT_CONFIG);
    expect(synced.stderr).toContain('The token was not sent');
    expect(synced.stderr).toContain('--trust-host');
    expect(synced.stderr).not.toMatch(/Unexpected error|This is a bug/);
    expect(host.requests).toContain('/.well-known/okta-organization');
    expect(host.authorized).toEqual([]);
    expect(snapshotIds(outputDir)).toEqual([]);

    const checked = await runCli(['test-connection', '--output-dir', outputDir], { env });
    expect(checked.exitCode).toBe(EXIT_CONFIG);
    const syncLine = notOktaLine(synced.stderr);
    const checkLine = notOktaLine(`${checked.stdout}\n${checked.stderr}`);
    expect(syncLine).toBeDefined();
    expect(checkLine).toBeDefined();
    const detail = (line: string) => line.slice(line.indexOf(host.url.replace('http://', '')));
    expect(detail(syncLine as string)).toBe(detail(checkLine as string));
    expect(host.authorized).toEqual([]);
  });

  it('a host confirmed with configure --trust-host is synced, with a warning', async () => {
    const host = await fakeHost(org.url);
    const outputDir = work.outputDir('trusted');
    const env = work.env(undefined, { OKTA_CONNECTOR_CONFIG_DIR: `${work.dir}/config-trusted` });

    const configured = await runCli(
      ['configure', '--domain', host.url, '--token-stdin', '--output-dir', outputDir],
      { env, input: `${org.token}\n` },
    );
    expect(configured.exitCode).toBe(0);
    const refused = await runCli(['sync'], { env });
    expect(refused.exitCode).toBe(EXIT_CONFIG);
    expect(host.authorized).toEqual([]);

    const trusted = await runCli(['configure', '--trust-host'], { env });
    expect(trusted.exitCode).toBe(0);
    // test-connection warns instead of failing, and goes on to check the token.
    const checked = await runCli(['test-connection'], { env });
    expect(checked.stdout).toMatch(/Okta org\s+.*does not answer like an Okta org.*you confirmed this host/);
    expect(checked.stdout).toMatch(/API token\s+Valid/);
    const synced = await runCli(['sync'], { env });
    expect(synced.stderr).toMatch(/does not answer like an Okta org.*--trust-host/);
    expect(synced.exitCode).toBe(0);
    expect(snapshotIds(outputDir)).toHaveLength(1);
    expect(host.authorized.length).toBeGreaterThan(0);

    // Another domain is not covered by the confirmation.
    const other = await fakeHost(org.url);
    const moved = await runCli(['configure', '--domain', other.url], { env });
    expect(moved.exitCode).toBe(0);
    const again = await runCli(['sync'], { env });
    expect(again.exitCode).toBe(EXIT_CONFIG);
    expect(other.authorized).toEqual([]);
  });
});
