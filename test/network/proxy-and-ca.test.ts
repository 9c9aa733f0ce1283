import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SampleOrg, startSampleOrg } from '../../src/demo/index.js';
import { ExitCode } from '../../src/errors.js';
import { type CliRun, filesContaining, run, tempDir } from '../cli/harness.js';
import {
  type ConnectProxy,
  createTestCertificates,
  startConnectProxy,
  type TestCertificates,
} from './support.js';

// The corporate network, end to end: the built CLI code path against the sample org over HTTPS,
// through a CONNECT proxy that wants Basic credentials, with a private CA.

const PASSWORD = 'Pr0xy:p@ss/w0rd';
const ENCODED = encodeURIComponent(PASSWORD);

let certs: TestCertificates | undefined;
let certDir: { dir: string; remove: () => Promise<void> };
let org: SampleOrg | undefined;

beforeAll(async () => {
  certDir = await tempDir();
  certs = createTestCertificates(certDir.dir);
  if (certs) {
    org = await startSampleOrg({
      tls: { key: certs.key, cert: certs.cert },
      rateLimits: { windowMs: 1_000 },
    });
  }
});
afterAll(async () => {
  await org?.stop();
  await certDir.remove();
});

let dir: string;
let remove: () => Promise<void>;
let proxy: ConnectProxy;
const outputs: string[] = [];

beforeEach(async () => {
  ({ dir, remove } = await tempDir());
  proxy = await startConnectProxy({ user: 'svc-inventory', password: PASSWORD });
});
afterEach(async () => {
  // Whatever happened, the proxy password is in no output and no file.
  for (const output of outputs.splice(0)) {
    expect(output).not.toContain(PASSWORD);
    expect(output).not.toContain(ENCODED);
  }
  expect(await filesContaining(dir, PASSWORD)).toEqual([]);
  expect(await filesContaining(dir, ENCODED)).toEqual([]);
  await proxy.stop();
  await remove();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    OKTA_CONNECTOR_CONFIG_DIR: path.join(dir, 'config'),
    HOME: path.join(dir, 'home'),
    OKTA_CLIENT_ORGURL: org!.url,
    OKTA_CLIENT_TOKEN: org!.token,
    OKTA_CONNECTOR_OUTPUT_DIR: path.join(dir, 'out'),
    ...extra,
  };
}

async function cli(args: string[], extraEnv: Record<string, string> = {}, stdin?: string): Promise<CliRun> {
  const result = await run(args, { env: env(extraEnv), ...(stdin ? { stdin } : {}) });
  outputs.push(result.stdout, result.stderr);
  return result;
}

function needsOpenssl(context: { skip: (note?: string) => void }) {
  if (!certs) context.skip('openssl is not installed: the HTTPS sample org needs a generated certificate');
}

describe('through a proxy with Basic credentials, to HTTPS with a private CA', () => {
  it('sync: every request is tunnelled (HTTPS_PROXY, --ca-file), the password is never shown', async (context) => {
    needsOpenssl(context);
    const before = org!.connections;
    const requestsBefore = org!.counters.requests;
    const result = await cli(['sync', '--verbose', '--ca-file', certs!.caPath], { HTTPS_PROXY: proxy.url });
    expect(result.stderr).toContain('GET /api/v1/users');
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(org!.counters.requests).toBeGreaterThan(requestsBefore + 20);
    // Each connection the org accepted is one the proxy opened for a tunnel: none came directly.
    const { port } = new URL(org!.url);
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(proxy.tunnels.every((target) => target === `127.0.0.1:${port}`)).toBe(true);
    expect(org!.connections - before).toBe(proxy.tunnels.length);
    expect(proxy.plainRequests).toBe(0);
    expect(result.stderr).toContain('proxy http://svc-inventory:****@127.0.0.1:');
  });

  it('the profile keeps --proxy and --ca-file for cron (no environment), masked in --show', async (context) => {
    needsOpenssl(context);
    const saved = await cli(
      ['configure', '--domain', org!.url, '--token-stdin', '--proxy', proxy.url, '--ca-file', certs!.caPath],
      {},
      `${org!.token}\n`,
    );
    expect(saved.exitCode).toBe(ExitCode.Success);
    expect(saved.stdout).toContain(`proxy      http://svc-inventory:****@127.0.0.1:`);
    expect(saved.stdout).toContain(`CA file    ${certs!.caPath}`);
    const cron = {
      OKTA_CONNECTOR_CONFIG_DIR: path.join(dir, 'config'),
      HOME: path.join(dir, 'home'),
      OKTA_CONNECTOR_OUTPUT_DIR: path.join(dir, 'out'),
    };
    const result = await run(['sync', '--quiet', '--only', 'users,groups'], { env: cron });
    outputs.push(result.stdout, result.stderr);
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    // The password is only in the 0600 config file; filesContaining in afterEach must not see it.
    const configFile = path.join(dir, 'config', 'config.json');
    const inConfig = await filesContaining(path.join(dir, 'config'), ENCODED);
    expect(inConfig).toEqual([configFile]);
    await cli(['configure', '--proxy', 'none', '--ca-file', 'none']);
  });

  it('a wrong proxy password: a clear error naming 407, exit 6, nothing reaches Okta', async (context) => {
    needsOpenssl(context);
    const wrong = proxy.url.replace(ENCODED, 'not-the-password');
    const requestsBefore = org!.counters.requests;
    const result = await cli(['sync', '--ca-file', certs!.caPath], { HTTPS_PROXY: wrong });
    expect(result.exitCode).toBe(ExitCode.Network);
    expect(result.stderr).toContain(
      'rejected its user name or password (HTTP 407 Proxy Authentication Required)',
    );
    expect(result.stderr).not.toContain('not-the-password');
    expect(proxy.refused).toBeGreaterThan(0);
    expect(org!.counters.requests).toBe(requestsBefore);
  });

  it('no credentials for a proxy that wants them: says to put them in the URL', async (context) => {
    needsOpenssl(context);
    const result = await cli(['sync', '--json', '--ca-file', certs!.caPath], { https_proxy: proxy.origin });
    expect(result.exitCode).toBe(ExitCode.Network);
    const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string; hint: string } };
    expect(error.code).toBe('ERR_PROXY');
    expect(error.message).toContain('requires a user name and password');
    expect(error.hint).toContain('http://user:password@proxy:port');
  });

  it('an untrusted certificate: sync fails with exit 6 and points at --ca-file', async (context) => {
    needsOpenssl(context);
    const result = await cli(['sync'], { HTTPS_PROXY: proxy.url });
    expect(result.exitCode).toBe(ExitCode.Network);
    expect(result.stderr).toMatch(/TLS certificate of 127\.0\.0\.1:\d+ could not be verified/);
    expect(result.stderr).toContain('--ca-file');
  });

  it('test-connection: the proxy check, DNS left to the proxy, the TLS check names the CA to get', async (context) => {
    needsOpenssl(context);
    const untrusted = await cli(['test-connection', '--json'], { HTTPS_PROXY: proxy.url });
    expect(untrusted.exitCode).toBe(ExitCode.Network);
    const checks = (result: CliRun) =>
      new Map(
        (
          JSON.parse(result.stdout) as {
            checks: { id: string; status: string; detail: string; fix?: string }[];
          }
        ).checks.map((check) => [check.id, check]),
      );
    const first = checks(untrusted);
    expect(first.get('proxy')).toMatchObject({ status: 'pass' });
    expect(first.get('proxy')?.detail).toContain('http://svc-inventory:****@127.0.0.1:');
    expect(first.get('dns')).toMatchObject({ status: 'skip' });
    expect(first.get('tls')?.status).toBe('fail');
    expect(first.get('tls')?.detail).toContain(`issued by "CN=${certs!.caName}, O=Example Corp"`);
    expect(first.get('tls')?.fix).toContain(`the certificate of "CN=${certs!.caName}, O=Example Corp"`);
    expect(first.get('tls')?.fix).toContain('--ca-file /path/to/ca.pem');

    const trusted = await cli(['test-connection', '--json', '--ca-file', certs!.caPath], {
      HTTPS_PROXY: proxy.url,
    });
    const second = checks(trusted);
    expect(second.get('tls')?.status).toBe('pass');
    expect(second.get('tls')?.detail).toContain(`trusted through ${certs!.caPath} (from --ca-file)`);
    expect(second.get('users')?.status).toBe('pass');
    expect(trusted.exitCode).toBe(ExitCode.Success);
  });

  it('test-connection with a wrong proxy password: the TLS check says 407', async (context) => {
    needsOpenssl(context);
    const result = await cli(['test-connection', '--json', '--ca-file', certs!.caPath], {
      HTTPS_PROXY: proxy.url.replace(ENCODED, 'wrong'),
    });
    expect(result.exitCode).toBe(ExitCode.Network);
    const tls = (JSON.parse(result.stdout) as { checks: { id: string; detail: string }[] }).checks.find(
      (check) => check.id === 'tls',
    );
    expect(tls?.detail).toContain('rejected its user name or password (HTTP 407)');
  });

  it('NO_PROXY naming the host: reached directly, the proxy sees nothing', async (context) => {
    needsOpenssl(context);
    const result = await cli(['sync', '--only', 'users', '--ca-file', certs!.caPath], {
      HTTPS_PROXY: proxy.url,
      NO_PROXY: 'localhost,127.0.0.1',
    });
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(proxy.tunnels).toEqual([]);
  });
});
