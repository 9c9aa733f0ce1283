import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { ANSI, filesContaining, selfSignedCertificate, tempDir } from './harness.js';

/** The built CLI, as users run it. `npm test` builds first; a bare `vitest run` builds if dist is missing. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'okta-connector.js');
const TOKEN = '00LeakCanary-Spawn_0123456789abcdefghijklm';

beforeAll(() => {
  if (existsSync(path.join(ROOT, 'dist', 'main.js'))) return;
  try {
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
  } catch {
    // Type errors still emit JavaScript; the check below is what matters.
  }
  expect(existsSync(path.join(ROOT, 'dist', 'main.js'))).toBe(true);
}, 120_000);

interface Spawned {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `okta-connector <args>` in a child process with only the given environment (plus PATH). */
function cli(args: string[], env: Record<string, string>, input?: string): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** A minimal Okta org over node:http(s): well-known, users/me and the probed lists. */
function fakeOktaHandler(token: string) {
  return (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const send = (status: number, body: unknown) => {
      response.writeHead(status, {
        'content-type': 'application/json',
        'x-rate-limit-limit': '600',
        'x-rate-limit-remaining': '590',
        'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 60),
        'x-okta-request-id': 'spawn-req',
      });
      response.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/okta-organization') return send(200, { id: '00o1', pipeline: 'idx' });
    if (request.headers.authorization !== `SSWS ${token}`) {
      return send(401, { errorCode: 'E0000011', errorSummary: 'Invalid token provided', errorId: 'oae1' });
    }
    if (url.pathname === '/api/v1/users/me')
      return send(200, { id: '00u1', status: 'ACTIVE', profile: { login: 'svc@acme.example' } });
    if (url.pathname === '/api/v1/apps') return send(200, [{ id: '0oa1' }]);
    if (url.pathname === '/api/v1/iam/assignees/users') return send(200, { value: [] });
    if (url.pathname === '/api/v1/meta/schemas/user/default') return send(200, { definitions: {} });
    return send(200, []);
  };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

let dir: string;
let remove: () => Promise<void>;
let httpServer: Server;
let httpsServer: Server | undefined;
let httpOrigin: string;
let httpsOrigin = '';
let certificate: ReturnType<typeof selfSignedCertificate>;
let baseEnv: Record<string, string>;
const outputs: string[] = [];

beforeAll(async () => {
  ({ dir, remove } = await tempDir());
  httpServer = createHttpServer(fakeOktaHandler(TOKEN));
  httpOrigin = `http://127.0.0.1:${await listen(httpServer)}`;
  certificate = selfSignedCertificate(dir, '/CN=Corp Inspection CA/O=Example Proxy');
  if (certificate) {
    httpsServer = createHttpsServer({ key: certificate.key, cert: certificate.cert }, fakeOktaHandler(TOKEN));
    httpsOrigin = `https://127.0.0.1:${await listen(httpsServer)}`;
  }
  baseEnv = {
    HOME: path.join(dir, 'home'),
    OKTA_CONNECTOR_CONFIG_DIR: path.join(dir, 'config'),
    OKTA_CONNECTOR_OUTPUT_DIR: path.join(dir, 'out'),
  };
});

afterAll(async () => {
  for (const output of outputs) expect(output).not.toContain(TOKEN);
  const leaks = (await filesContaining(dir, TOKEN)).filter((file) => path.basename(file) !== 'config.json');
  expect(leaks).toEqual([]);
  await new Promise((resolve) => httpServer.close(resolve));
  await new Promise((resolve) => (httpsServer ? httpsServer.close(resolve) : resolve(undefined)));
  await remove();
});

async function run(args: string[], env: Record<string, string> = {}, input?: string) {
  const result = await cli(args, { ...baseEnv, ...env }, input);
  outputs.push(result.stdout, result.stderr);
  return result;
}

describe('the built CLI', () => {
  it('--help and --version', async () => {
    const help = await run(['--help']);
    expect(help.exitCode).toBe(ExitCode.Success);
    expect(help.stdout).toMatch(/^Usage: okta-connector <command> \[options\]/);
    expect(help.stdout).toContain('Exit codes:');
    const version = await run(['--version']);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('configure from a pipe, then test-connection with the profile: exit 0, no ANSI codes', async () => {
    const configured = await run(['configure', '--domain', httpOrigin, '--token-stdin'], {}, `${TOKEN}\n`);
    expect(configured.exitCode).toBe(ExitCode.Success);
    expect((await stat(path.join(dir, 'config', 'config.json'))).mode & 0o777).toBe(0o600);

    const tested = await run(['test-connection']);
    expect(tested.stderr).toBe('');
    expect(tested.exitCode).toBe(ExitCode.Success);
    expect(tested.stdout).toContain('All checks passed: ready to sync.');
    expect(tested.stdout + tested.stderr).not.toMatch(ANSI);
  });

  it('env only, wrong token: exit 4, --json parses, and the token never shows', async () => {
    const result = await run(['test-connection', '--json'], {
      OKTA_CLIENT_ORGURL: httpOrigin,
      OKTA_CLIENT_TOKEN: `${TOKEN.slice(0, -1)}X`,
    });
    expect(result.exitCode).toBe(ExitCode.Auth);
    const report = JSON.parse(result.stdout);
    expect(report.checks.find((check: { id: string }) => check.id === 'token').status).toBe('fail');
  });

  it('a corrupted config file: exit 3, a clear message and no stack trace (unless --verbose)', async () => {
    const config = path.join(dir, 'broken-config');
    await mkdir(config, { recursive: true });
    const content = `{"profiles": {"default": {"token": "${TOKEN}"`;
    await writeFile(path.join(config, 'config.json'), content);
    const result = await run(['configure', '--show'], { OKTA_CONNECTOR_CONFIG_DIR: config });
    expect(result.exitCode).toBe(ExitCode.Config);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `Error: The config file ${path.join(config, 'config.json')} is not valid JSON at line 1, column ${content.length + 1}.\n` +
        '  Fix the file by hand, or delete it and run "okta-connector configure" again (it holds your profiles and tokens).\n',
    );
    const verbose = await run(['configure', '--show', '--verbose'], { OKTA_CONNECTOR_CONFIG_DIR: config });
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it('TLS through an inspecting proxy: fails naming the issuer; NODE_EXTRA_CA_CERTS fixes it', async (context) => {
    if (!certificate) context.skip('openssl is not available to make a self-signed certificate');
    const env = { OKTA_CLIENT_ORGURL: httpsOrigin, OKTA_CLIENT_TOKEN: TOKEN };
    const untrusted = await run(['test-connection'], env);
    expect(untrusted.exitCode).toBe(ExitCode.Network);
    expect(untrusted.stdout).toContain('It was issued by "CN=Corp Inspection CA, O=Example Proxy".');
    expect(untrusted.stdout).toContain('NODE_EXTRA_CA_CERTS');

    const trusted = await run(['test-connection', '--json'], {
      ...env,
      NODE_EXTRA_CA_CERTS: certificate!.certPath,
    });
    expect(trusted.exitCode).toBe(ExitCode.Success);
    expect(JSON.parse(trusted.stdout).ok).toBe(true);
  });
});
