import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TestConnectionReport, testConnection } from '../../src/commands/test-connection/index.js';
import { ExitCode } from '../../src/errors.js';
import {
  ANSI,
  type CliRun,
  fakeIo,
  filesContaining,
  run,
  selfSignedCertificate,
  tempDir,
} from '../cli/harness.js';
import {
  type Endpoint,
  fakeOkta,
  forbidden,
  ORIGIN,
  oktaError,
  type SeenRequest,
  TOKEN,
} from './fake-okta.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

let dir: string;
let remove: () => Promise<void>;
let env: Record<string, string>;
const outputs: string[] = [];

beforeEach(async () => {
  ({ dir, remove } = await tempDir());
  env = {
    OKTA_CONNECTOR_CONFIG_DIR: path.join(dir, 'config'),
    HOME: path.join(dir, 'home'),
    OKTA_CLIENT_ORGURL: ORIGIN,
    OKTA_CLIENT_TOKEN: TOKEN,
    OKTA_CONNECTOR_OUTPUT_DIR: path.join(dir, 'out'),
  };
});
afterEach(async () => {
  // Whatever happened, the token is in no output and in no file but the config file.
  for (const output of outputs.splice(0)) expect(output).not.toContain(TOKEN);
  const leaks = (await filesContaining(dir, TOKEN)).filter((file) => path.basename(file) !== 'config.json');
  expect(leaks).toEqual([]);
  await remove();
});

async function testConnectionCli(args: string[] = [], extraEnv: Record<string, string> = {}, stdin?: string) {
  const result = await run(['test-connection', ...args], {
    env: { ...env, ...extraEnv },
    ...(stdin ? { stdin } : {}),
  });
  outputs.push(result.stdout, result.stderr);
  return result;
}

function report(result: CliRun): TestConnectionReport {
  return JSON.parse(result.stdout) as TestConnectionReport;
}

function check(result: CliRun | TestConnectionReport, id: string) {
  const parsed = 'checks' in result ? result : report(result);
  const found = parsed.checks.find((entry) => entry.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return found;
}

const CHECK_IDS = [
  'domain',
  'token-format',
  'dns',
  'tls',
  'okta-org',
  'token',
  'users',
  'groups',
  'apps',
  'app-users',
  'logs',
  'admin-roles',
  'devices',
  'user-schema',
  'rate-limit',
  'clock',
  'output-dir',
];

describe('test-connection against a healthy org', () => {
  it('passes every check and exits 0 (human output, no ANSI codes without a terminal)', async () => {
    const seen: SeenRequest[] = [];
    server.use(...fakeOkta({ seen }));
    const result = await testConnectionCli();
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stdout).not.toMatch(ANSI);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('All checks passed: ready to sync.');
    expect(result.stdout).toContain(
      '✓  Okta domain           127.0.0.1:47001 (local test server), from OKTA_CLIENT_ORGURL.',
    );
    expect(result.stdout).toContain(
      '✓  API token             Valid; it acts as admin svc-inventory@acme.example (ACTIVE).',
    );
    expect(result.stdout).toContain('-  TLS certificate       Skipped: http://127.0.0.1:47001 is plain http');
    expect(result.stdout).toMatch(
      /✓ {2}Rate-limit headroom {3}Requests left in this minute: well-known 1199\/1200, users\/id 1999\/2000, users 599\/600/,
    );
    // The token goes nowhere before the host has proven to be an Okta org, and never on well-known.
    expect(seen[0]).toMatchObject({ endpoint: 'well-known', authorization: null });
    expect(seen.slice(1).every((request) => request.authorization === `SSWS ${TOKEN}`)).toBe(true);
    expect(seen.map((request) => request.path)).toContain('/api/v1/apps/0oa1slack/users');
  });

  it('--json prints one document with every check, and nothing else on stdout', async () => {
    server.use(...fakeOkta());
    const result = await testConnectionCli(['--json']);
    expect(result.exitCode).toBe(ExitCode.Success);
    const parsed = report(result);
    expect(parsed).toMatchObject({ ok: true, exitCode: 0, profile: 'default' });
    expect(parsed.checks.map((entry) => entry.id)).toEqual(CHECK_IDS);
    expect(parsed.checks.every((entry) => ['pass', 'skip'].includes(entry.status))).toBe(true);
    expect(Object.keys(parsed.checks[0]!)).toEqual(['id', 'title', 'status', 'detail']);
  });

  it('--verbose logs one line per request on stderr, without headers or the token', async () => {
    server.use(...fakeOkta());
    const result = await testConnectionCli(['--verbose']);
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stderr).toMatch(
      /^GET \/api\/v1\/users\?limit=1 200 \d+ms req=req-users bucket=users 599\/600 left$/m,
    );
    expect(result.stderr).toMatch(/^GET \/.well-known\/okta-organization 200 /m);
    expect(result.stderr.toLowerCase()).not.toContain('authorization');
  });

  it('--token-stdin overrides OKTA_CLIENT_TOKEN', async () => {
    server.use(...fakeOkta());
    const result = await testConnectionCli(
      ['--json', '--token-stdin'],
      { OKTA_CLIENT_TOKEN: '00WrongEnvToken-000000000000000000000000' },
      `${TOKEN}\n`,
    );
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(check(result, 'token-format').detail).toBe('00Le…abcd, from --token-stdin.');
  });

  it('--domain overrides the environment, which overrides the profile', async () => {
    const flagOrigin = 'http://127.0.0.1:47002';
    server.use(...fakeOkta({ origin: flagOrigin }));
    const result = await testConnectionCli(['--json', '--domain', flagOrigin]);
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(check(result, 'domain').detail).toBe('127.0.0.1:47002 (local test server), from --domain.');
  });

  it('warns about a pasted SSWS prefix but works', async () => {
    server.use(...fakeOkta());
    const result = await testConnectionCli(['--json'], { OKTA_CLIENT_TOKEN: `SSWS ${TOKEN}` });
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(check(result, 'token-format')).toMatchObject({
      status: 'warn',
      fix: 'Store the bare token in OKTA_CLIENT_TOKEN.',
    });
  });

  it('skips app assignments when the org has no apps', async () => {
    server.use(...fakeOkta({ answers: { apps: () => HttpResponse.json([]) } }));
    const result = await testConnectionCli(['--json']);
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(check(result, 'app-users')).toMatchObject({
      status: 'skip',
      detail: 'Skipped: the org has no apps yet.',
    });
  });
});

describe('test-connection failures', () => {
  it('401 on the token: explains why tokens die, skips the probes, exits with Auth', async () => {
    server.use(...fakeOkta({ token: '00SomeOtherValidToken-111111111111111111' }));
    const result = await testConnectionCli(['--json']);
    expect(result.exitCode).toBe(ExitCode.Auth);
    const token = check(result, 'token');
    expect(token.status).toBe('fail');
    expect(token.detail).toContain('(HTTP 401, E0000011, request id req-me)');
    expect(token.detail).toMatch(
      /expired \(API tokens expire after 30 days without use\), was revoked, or the admin who created it was deactivated/,
    );
    expect(token.fix).toMatch(/Security > API > Tokens.*put it in OKTA_CLIENT_TOKEN/);
    expect(check(result, 'users')).toMatchObject({
      status: 'skip',
      detail: 'Skipped: the API token did not work.',
    });
    expect(report(result).ok).toBe(false);
  });

  it('401 in human output shows the fix under the failure', async () => {
    server.use(...fakeOkta({ token: '00SomeOtherValidToken-111111111111111111' }));
    const result = await testConnectionCli();
    expect(result.exitCode).toBe(ExitCode.Auth);
    expect(result.stdout).toMatch(/✗ {2}API token {13}Okta rejected the token/);
    expect(result.stdout).toMatch(/\n {25}Fix: Create a new token in the Admin Console/);
    expect(result.stdout.trim().split('\n').at(-1)).toBe(
      '1 check failed: sync cannot run until the failures are fixed.',
    );
  });

  const required: Array<[Endpoint, string, string]> = [
    ['users', 'users', 'users (the base of the inventory)'],
    ['groups', 'groups', 'groups and group memberships'],
    ['apps', 'apps', 'apps'],
    ['app-users', 'app-users', 'app assignments (who has which app: the licence data)'],
  ];
  it.each(required)(
    '403 on %s fails with Permission and names the missing data',
    async (endpoint, id, data) => {
      server.use(...fakeOkta({ answers: { [endpoint]: forbidden(endpoint) } }));
      const result = await testConnectionCli(['--json']);
      expect(result.exitCode).toBe(ExitCode.Permission);
      const failed = check(result, id);
      expect(failed.status).toBe('fail');
      expect(failed.detail).toContain('(HTTP 403, E0000006');
      expect(failed.detail).toContain(`sync needs ${data} and cannot run without it.`);
      expect(failed.fix).toMatch(/Read-Only Administrator role/);
    },
  );

  const optional: Array<[Endpoint, string, RegExp]> = [
    ['logs', 'logs', /no sign-in usage/],
    ['admin-roles', 'admin-roles', /no admin role assignments/],
    ['devices', 'devices', /no devices/],
    [
      'user-schema',
      'user-schema',
      /will have no custom user attribute names \(their values are still exported\)/,
    ],
  ];
  it.each(optional)('403 on %s is a warning and still exits 0', async (endpoint, id, data) => {
    server.use(...fakeOkta({ answers: { [endpoint]: forbidden(endpoint) } }));
    const result = await testConnectionCli(['--json']);
    expect(result.exitCode).toBe(ExitCode.Success);
    const warned = check(result, id);
    expect(warned.status).toBe('warn');
    expect(warned.detail).toMatch(data);
    expect(warned.fix).toMatch(
      endpoint === 'admin-roles' ? /Super Administrator/ : /Read-Only Administrator/,
    );
  });

  it('devices: 404 E0000007 means no Devices API (Classic Engine): a warning', async () => {
    server.use(
      ...fakeOkta({
        pipeline: 'v1',
        answers: {
          devices: oktaError(
            'devices',
            404,
            'E0000007',
            'Not found: Resource not found: devices (PublicAPI)',
          ),
        },
      }),
    );
    const result = await testConnectionCli(['--json']);
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(check(result, 'okta-org').detail).toContain('Classic Engine (pipeline v1)');
    expect(check(result, 'devices')).toMatchObject({ status: 'warn' });
    expect(check(result, 'devices').detail).toMatch(/needs Identity Engine \(this org runs Classic Engine\)/);
  });

  it('devices: 401 on a Classic Engine org is the same warning', async () => {
    server.use(
      ...fakeOkta({
        pipeline: 'v1',
        answers: { devices: oktaError('devices', 401, 'E0000011', 'Invalid token provided') },
      }),
    );
    const result = await testConnectionCli(['--json']);
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(check(result, 'devices').detail).toMatch(/Not available on this org \(HTTP 401/);
  });

  it('a host that is not an Okta org (404 HTML): fails, and the token is never sent', async () => {
    const seen: SeenRequest[] = [];
    server.use(
      ...fakeOkta({
        seen,
        answers: {
          'well-known': () =>
            new HttpResponse('<html>Not Found</html>', {
              status: 404,
              headers: { 'content-type': 'text/html' },
            }),
        },
      }),
    );
    const result = await testConnectionCli(['--json']);
    expect(result.exitCode).toBe(ExitCode.Config);
    const org = check(result, 'okta-org');
    expect(org.status).toBe('fail');
    expect(org.detail).toMatch(/does not answer like an Okta org \(HTTP 404/);
    expect(org.fix).toMatch(/The token was not sent/);
    expect(check(result, 'token').status).toBe('skip');
    expect(seen.every((request) => request.authorization === null)).toBe(true);
  });

  it('a host that answers HTML with 200 is not an Okta org either', async () => {
    server.use(
      ...fakeOkta({
        answers: {
          'well-known': () =>
            new HttpResponse('<!doctype html><p>Welcome', { headers: { 'content-type': 'text/html' } }),
        },
      }),
    );
    const result = await testConnectionCli(['--json']);
    expect(result.exitCode).toBe(ExitCode.Config);
    expect(check(result, 'okta-org').detail).toMatch(/not complete JSON \(non-JSON body\)/);
  });

  it('a JSON document of the wrong shape on well-known fails the org check', async () => {
    server.use(...fakeOkta({ answers: { 'well-known': () => HttpResponse.json({ hello: 'world' }) } }));
    const result = await testConnectionCli(['--json']);
    expect(result.exitCode).toBe(ExitCode.Config);
    expect(check(result, 'okta-org').detail).toMatch(/not with the document an Okta org serves/);
  });

  it('a truncated JSON body on a required probe fails with OktaApi', async () => {
    server.use(
      ...fakeOkta({
        answers: {
          groups: () =>
            new HttpResponse('[{"id":"00g1","ty', { headers: { 'content-type': 'application/json' } }),
        },
      }),
    );
    const result = await testConnectionCli(['--json']);
    expect(result.exitCode).toBe(ExitCode.OktaApi);
    expect(check(result, 'groups')).toMatchObject({ status: 'fail' });
    expect(check(result, 'groups').detail).toMatch(/not complete JSON \(truncated body\)/);
  });

  it('a network failure on the org check fails with Network', async () => {
    server.use(http.get(`${ORIGIN}/.well-known/okta-organization`, () => HttpResponse.error()));
    const result = await testConnectionCli(['--json']);
    expect(result.exitCode).toBe(ExitCode.Network);
    expect(check(result, 'okta-org').status).toBe('fail');
  });

  it('warns when a rate-limit bucket is under 20 %', async () => {
    server.use(...fakeOkta({ remaining: { logs: 10 } }));
    const result = await testConnectionCli(['--json']);
    expect(result.exitCode).toBe(ExitCode.Success);
    const rate = check(result, 'rate-limit');
    expect(rate.status).toBe('warn');
    expect(rate.detail).toMatch(/^Under 20% left in logs \(.*logs 10\/120/);
    expect(rate.fix).toMatch(/sync will pace itself/);
  });

  it('does not stall on a busy bucket: apps and app assignments share one, with 10 % left', async () => {
    server.use(...fakeOkta({ remaining: { apps: 10, 'app-users': 10 } }));
    const started = Date.now();
    const result = await testConnectionCli(['--json']);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(check(result, 'app-users').status).toBe('pass');
    expect(check(result, 'rate-limit')).toMatchObject({ status: 'warn' });
    expect(check(result, 'rate-limit').detail).toMatch(/^Under 20% left in apps /);
  });

  it('fails when the output directory cannot be written', async () => {
    server.use(...fakeOkta());
    await writeFile(path.join(dir, 'a-file'), 'x');
    const result = await testConnectionCli(['--json', '--output-dir', path.join(dir, 'a-file', 'inventory')]);
    expect(result.exitCode).toBe(ExitCode.Config);
    expect(check(result, 'output-dir')).toMatchObject({ status: 'fail' });
    expect(check(result, 'output-dir').detail).toMatch(
      /Cannot write to .*a-file\/inventory \(ENOTDIR\), from --output-dir/,
    );
  });

  it('without any configuration: both config checks fail with the setup hint, exit Config', async () => {
    const result = await testConnectionCli(['--json'], { OKTA_CLIENT_ORGURL: '', OKTA_CLIENT_TOKEN: '' });
    expect(result.exitCode).toBe(ExitCode.Config);
    expect(check(result, 'domain')).toMatchObject({
      status: 'fail',
      fix: 'Run "okta-connector configure", or set OKTA_CLIENT_ORGURL and OKTA_CLIENT_TOKEN.',
    });
    expect(check(result, 'token-format').status).toBe('fail');
    expect(check(result, 'dns').status).toBe('skip');
  });

  it('a corrupted config file: one failure naming the file, no stack trace', async () => {
    await mkdir(env.OKTA_CONNECTOR_CONFIG_DIR!, { recursive: true });
    await writeFile(
      path.join(env.OKTA_CONNECTOR_CONFIG_DIR!, 'config.json'),
      `{"profiles":{"default":{"token":"${TOKEN}"`,
    );
    const result = await testConnectionCli([], { OKTA_CLIENT_ORGURL: '', OKTA_CLIENT_TOKEN: '' });
    expect(result.exitCode).toBe(ExitCode.Config);
    expect(result.stdout).toMatch(/✗ {2}Okta domain {11}The config file .*config\.json is not valid JSON/);
    expect(result.stdout).toContain(
      '-  API token format      Skipped: the config file could not be read (see above).',
    );
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a bad domain: fails with the suggestion and where the value came from', async () => {
    const result = await testConnectionCli(['--json'], {
      OKTA_CLIENT_ORGURL: 'https://acme-admin.okta.com/admin',
    });
    expect(result.exitCode).toBe(ExitCode.Config);
    expect(check(result, 'domain')).toMatchObject({
      status: 'fail',
      detail:
        '"acme-admin.okta.com" is the Admin Console address, not the API domain. (from OKTA_CLIENT_ORGURL)',
      fix: 'Use acme.okta.com (without "-admin").',
    });
  });

  it('DNS failure on a .invalid host (a real lookup): fails with Network and skips what depends on it', async () => {
    const result = await testConnectionCli(['--json'], { OKTA_CLIENT_ORGURL: 'okta-connector-test.invalid' });
    expect(result.exitCode).toBe(ExitCode.Network);
    const dns = check(result, 'dns');
    expect(dns.status).toBe('fail');
    // ENOTFOUND where DNS answers; EAI_AGAIN in a sandbox without a resolver.
    expect(dns.detail).toMatch(/ENOTFOUND|EAI_AGAIN/);
    expect(dns.fix).toBeDefined();
    expect(['tls', 'okta-org', 'token', 'users'].map((id) => check(result, id).status)).toEqual([
      'skip',
      'skip',
      'skip',
      'skip',
    ]);
  });
});

describe('test-connection: clock skew', () => {
  it('warns past 60 s and explains what it breaks', async () => {
    server.use(...fakeOkta());
    const { io, stdout } = fakeIo({ json: true });
    const result = await testConnection(
      { profile: 'default', env, cwd: dir, now: () => Date.now() + 5 * 60_000 },
      io,
    );
    outputs.push(stdout.text());
    expect(result.exitCode).toBe(ExitCode.Success);
    const clock = check(result, 'clock');
    expect(clock.status).toBe('warn');
    expect(clock.detail).toMatch(/^This machine's clock is 30\d s ahead of Okta's\.$/);
    expect(clock.fix).toMatch(/OAuth client assertions \(private_key_jwt\) are rejected/);
  });

  it('passes within 60 s', async () => {
    server.use(...fakeOkta());
    const { io } = fakeIo();
    const result = await testConnection(
      { profile: 'default', env, cwd: dir, now: () => Date.now() - 20_000 },
      io,
    );
    expect(check(result, 'clock')).toMatchObject({ status: 'pass' });
    expect(check(result, 'clock').detail).toMatch(/^(19|20|21) s behind Okta's clock \(fine\)\.$/);
  });
});

describe('test-connection: TLS', () => {
  let https: Server | undefined;
  let certificate: ReturnType<typeof selfSignedCertificate>;
  let origin = '';
  let certDir: { dir: string; remove: () => Promise<void> };

  beforeAll(async () => {
    certDir = await tempDir('okta-connector-cert-');
    certificate = selfSignedCertificate(certDir.dir);
    if (!certificate) return;
    https = createServer({ key: certificate.key, cert: certificate.cert }, (_request, response) => {
      response.end('{}');
    });
    await new Promise<void>((resolve) => https!.listen(0, '127.0.0.1', resolve));
    origin = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => (https ? https.close(resolve) : resolve(undefined)));
    await certDir.remove();
  });

  it('an untrusted certificate (a TLS-inspecting proxy): names the issuer and NODE_EXTRA_CA_CERTS', async (context) => {
    if (!certificate) context.skip('openssl is not available to make a self-signed certificate');
    const result = await testConnectionCli(['--json'], { OKTA_CLIENT_ORGURL: origin });
    expect(result.exitCode).toBe(ExitCode.Network);
    const tls = check(result, 'tls');
    expect(tls.status).toBe('fail');
    expect(tls.detail).toMatch(
      /is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)\. It was issued by "CN=Corp Inspection CA, O=Example Proxy"\./,
    );
    expect(tls.fix).toContain('NODE_EXTRA_CA_CERTS=/path/to/ca.pem');
    expect(check(result, 'okta-org').status).toBe('skip');
  });

  it('a trusted certificate passes and shows its issuer', async (context) => {
    if (!certificate) context.skip('openssl is not available to make a self-signed certificate');
    server.use(...fakeOkta({ origin }));
    const { io } = fakeIo();
    const result = await testConnection(
      {
        profile: 'default',
        env: { ...env, OKTA_CLIENT_ORGURL: origin },
        cwd: dir,
        // What NODE_EXTRA_CA_CERTS does for the whole process, for this one connection.
        tls: { connect: (options) => tlsConnect({ ...options, ca: certificate!.cert }) },
      },
      io,
    );
    expect(check(result, 'tls')).toMatchObject({ status: 'pass' });
    expect(check(result, 'tls').detail).toMatch(
      /^Trusted certificate for 127\.0\.0\.1, issued by "CN=Corp Inspection CA, O=Example Proxy", valid until .* \(TLSv1\.3\)\.$/,
    );
    expect(result.exitCode).toBe(ExitCode.Success);
  });
});
