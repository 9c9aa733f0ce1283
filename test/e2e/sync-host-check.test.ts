import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleOrg } from '../../src/demo/index.js';
import { ensureBuilt, makeWorkspace, runCli, tinyOrgs, type Workspace } from './cli-process.js';
import { snapshotIds } from './snapshot-files.js';

/**
 * Requirements (issue 15): sync sends the token only to a host that answers
 * /.well-known/okta-organization like an Okta org, as test-connection demands, with the same
 * message and exit code, unless the user confirmed the host with `configure --trust-host`.
 */

const EXIT_CONFIG = 3;

interface FakeHost {
  url: string;
  /** Requests that carried an Authorization header (the token). */
  authorized: string[];
  requests: string[];
  close(): Promise<void>;
}

/**
 * A loopback web server that is not Okta: an HTML 404 for /.well-known/okta-organization. With
 * `upstream`, everything else is passed on to that sample org (a custom domain whose well-known
 * document is missing), its origin rewritten to ours in headers and bodies.
 */
async function startFakeHost(upstream?: string): Promise<FakeHost> {
  const authorized: string[] = [];
  const requests: string[] = [];
  let origin = '';
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    requests.push(path);
    if (request.headers.authorization) authorized.push(path);
    if (!upstream || path.startsWith('/.well-known/')) {
      response.writeHead(404, { 'content-type': 'text/html' });
      response.end('<!DOCTYPE html><html><body><h1>Not Found</h1></body></html>');
      return;
    }
    const answer = await fetch(`${upstream}${path}`, {
      headers: { authorization: request.headers.authorization ?? '' },
    });
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(name)) {
        headers[name] = value.replaceAll(upstream, origin);
      }
    });
    const links = answer.headers.get('link');
    if (links) headers.link = links.replaceAll(upstream, origin);
    response.writeHead(answer.status, headers);
    response.end((await answer.text()).replaceAll(upstream, origin));
  };
  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    authorized,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let work: Workspace;
let org: SampleOrg;
const orgs = tinyOrgs();
const hosts: FakeHost[] = [];

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

async function fakeHost(upstream?: string): Promise<FakeHost> {
  const host = await startFakeHost(upstream);
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
