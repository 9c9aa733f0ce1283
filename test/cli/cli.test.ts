import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportError } from '../../src/cli/report-error.js';
import { ConfigError, ExitCode } from '../../src/errors.js';
import { AuthError } from '../../src/okta/errors.js';
import { registerSecret } from '../../src/ui/redact.js';
import { VERSION } from '../../src/version.js';
import { ANSI, fakeIo, run, tempDir } from './harness.js';

let dir: string;
let remove: () => Promise<void>;
let env: Record<string, string>;
beforeEach(async () => {
  ({ dir, remove } = await tempDir());
  env = { OKTA_CONNECTOR_CONFIG_DIR: path.join(dir, 'config'), HOME: path.join(dir, 'home') };
});
afterEach(() => remove());

describe('help', () => {
  // The exact --help of each command: test/cli/golden-help.test.ts.
  it('"help <command>" is the same as "<command> --help"', async () => {
    expect((await run(['help', 'configure'])).stdout).toBe((await run(['configure', '--help'])).stdout);
  });

  it('--version prints the package version', async () => {
    expect(await run(['--version'])).toEqual({
      exitCode: ExitCode.Success,
      stdout: `${VERSION}\n`,
      stderr: '',
    });
  });
});

describe('usage errors', () => {
  it('no command: help on stderr, exit 2', async () => {
    const result = await run([]);
    expect(result.exitCode).toBe(ExitCode.Usage);
    expect(result.stderr).toContain('Usage: okta-connector <command> [options]');
  });

  // Commander's own usage errors (unknown option or command, missing value, …): test/cli/usage-errors.test.ts.

  it.each(['configure', 'test-connection'])(
    '%s --token <value>: refused, pointing at --token-stdin, value never shown',
    async (command) => {
      const token = '00TokenOnTheCommandLine-gggggggggggggggggg';
      const result = await run([command, '--token', token, '--json']);
      expect(result.exitCode).toBe(ExitCode.Usage);
      expect(result.stderr).toContain('does not take the API token as an argument');
      expect(result.stderr).toContain('--token-stdin, or set OKTA_CLIENT_TOKEN');
      expect(result.stdout + result.stderr).not.toContain(token);
    },
  );

  it('--quiet and --verbose conflict', async () => {
    const result = await run(['--quiet', '--verbose', 'configure', '--list']);
    expect(result.exitCode).toBe(ExitCode.Usage);
    expect(result.stderr).toContain('Error: --verbose and --quiet cannot be used together.');
  });

  it('with --json, a usage error is also a JSON document on stdout', async () => {
    const result = await run(['--json', 'configure', '--bogus']);
    expect(result.exitCode).toBe(ExitCode.Usage);
    expect(JSON.parse(result.stdout)).toEqual({
      error: {
        code: 'ERR_USAGE',
        message: 'Unknown option --bogus for configure.',
        hint: 'See okta-connector configure --help.',
        exitCode: 2,
      },
    });
    expect(result.stderr).toContain('Error: Unknown option --bogus for configure.');
  });
});

describe('global options', () => {
  it('work before and after the command name', async () => {
    const before = await run(['--profile', 'sandbox', '--json', 'configure', '--show'], { env });
    const after = await run(['configure', '--show', '--profile', 'sandbox', '--json'], { env });
    expect(before).toEqual(after);
    expect(before.exitCode).toBe(ExitCode.Config);
    expect(JSON.parse(before.stdout).error.message).toContain('There is no profile "sandbox"');
  });

  it('--json errors: one document on stdout, the human line on stderr', async () => {
    const result = await run(['test-connection', '--json', '--domain', 'acme.okta.com'], {
      env: { ...env, OKTA_CONNECTOR_OUTPUT_DIR: path.join(dir, 'out') },
    });
    expect(result.exitCode).toBe(ExitCode.Config);
    const parsed = JSON.parse(result.stdout);
    expect(parsed.ok).toBe(false);
    expect(parsed.checks.find((check: { id: string }) => check.id === 'token-format').status).toBe('fail');
  });

  it('colours on a terminal; none with NO_COLOR, --no-color or without a terminal', async () => {
    const args = ['configure', '--show'];
    const profileEnv = { ...env, OKTA_CLIENT_ORGURL: 'x' };
    expect((await run(args, { env: profileEnv, tty: true })).stderr).toMatch(ANSI);
    expect((await run(args, { env: { ...profileEnv, NO_COLOR: '1' }, tty: true })).stderr).not.toMatch(ANSI);
    expect((await run([...args, '--no-color'], { env: profileEnv, tty: true })).stderr).not.toMatch(ANSI);
    expect((await run(args, { env: profileEnv })).stderr).not.toMatch(ANSI);
  });
});

describe('reportError, the one error printer', () => {
  it('prints message and hint, no stack trace unless --verbose', () => {
    const plain = fakeIo();
    const code = reportError(
      new ConfigError('No Okta domain.', { hint: 'Run okta-connector configure.' }),
      plain.io,
    );
    expect(code).toBe(ExitCode.Config);
    expect(plain.stderr.text()).toBe('Error: No Okta domain.\n  Run okta-connector configure.\n');
    expect(plain.stdout.text()).toBe('');

    const verbose = fakeIo({ verbose: true });
    reportError(new ConfigError('No Okta domain.'), verbose.io);
    expect(verbose.stderr.text()).toMatch(/ConfigError: No Okta domain\.\n\s+at /);
  });

  it('turns an unexpected error into Internal with a "this is a bug" hint', () => {
    const { io, stderr } = fakeIo();
    expect(reportError(new TypeError('x is undefined'), io)).toBe(ExitCode.Internal);
    expect(stderr.text()).toContain('Error: Unexpected error: x is undefined');
    expect(stderr.text()).toContain('This is a bug in okta-connector');
    expect(stderr.text()).not.toMatch(/\n\s+at /);
  });

  it('shows the Okta request id, and puts the details in the --json error', () => {
    const error = new AuthError('Okta rejected the API token.', {
      status: 401,
      errorCode: 'E0000011',
      requestId: 'reqABC',
      errorId: 'oae1',
      hint: 'Create a new token.',
    });
    const human = fakeIo();
    expect(reportError(error, human.io)).toBe(ExitCode.Auth);
    expect(human.stderr.text()).toContain('  Okta request id: reqABC (error id oae1)');

    const json = fakeIo({ json: true });
    reportError(error, json.io);
    expect(JSON.parse(json.stdout.text())).toEqual({
      error: {
        code: 'ERR_AUTH',
        message: 'Okta rejected the API token.',
        hint: 'Create a new token.',
        exitCode: 4,
        status: 401,
        oktaErrorCode: 'E0000011',
        requestId: 'reqABC',
      },
    });
  });

  it('redacts known secrets even from a message built by mistake, stack included', () => {
    const secret = '00ErrorPrinterSecret-ffffffffffffffffffffff';
    registerSecret(secret);
    const { io, stdout, stderr } = fakeIo({ json: true, verbose: true });
    reportError(new ConfigError(`bad token ${secret}`, { hint: `SSWS ${secret}` }), io);
    expect(stdout.text() + stderr.text()).not.toContain(secret);
    expect(stderr.text()).toContain('Error: bad token [redacted]');
  });
});
