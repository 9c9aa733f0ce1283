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
  it('top level: every command, global options, examples, environment and exit codes', async () => {
    const result = await run(['--help']);
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatchInlineSnapshot(`
      "Usage: okta-connector <command> [options]

      Pull a software-asset inventory (users, groups, apps, assignments, admin roles,
      devices, sign-in usage) out of Okta.

      Options:
        -V, --version              print the version
        --profile <name>           config profile to use (default: "default")
        --json                     print one JSON document on stdout
        -q, --quiet                only warnings and errors on stderr
        --verbose                  log each Okta request on stderr
        --no-color                 no colours (also: NO_COLOR, no terminal)
        -h, --help                 show help

      Commands:
        configure [options]        Save the Okta domain, API token and settings in a
                                   profile
        test-connection [options]  Check the domain, network, token and permissions
                                   sync needs
        sync [options]             Pull the inventory into a new dated snapshot folder
        export [options]           Reshape a snapshot for a SAM platform or a
                                   spreadsheet (offline)
        diff [options]             What changed between two snapshots: joiners,
                                   leavers, access gained or lost (offline)
        schedule                   Run sync on a schedule with cron or Windows Task
                                   Scheduler
        help [command]             display help for command

      Examples:
        # Set up a profile interactively, then check it
        $ okta-connector configure
        $ okta-connector test-connection

        # No config file: the Okta SDKs' environment variables are enough
        $ export OKTA_CLIENT_ORGURL=acme.okta.com OKTA_CLIENT_TOKEN="$(cat ~/.okta-token)"
        $ okta-connector test-connection --json

      Environment:
        OKTA_CLIENT_ORGURL         Okta domain (overrides the profile; --domain overrides it)
        OKTA_CLIENT_TOKEN          API token (overrides the profile; --token-stdin overrides it)
        OKTA_CONNECTOR_OUTPUT_DIR  output directory (overrides the profile)
        OKTA_CONNECTOR_FORMAT      output format: json, ndjson or csv (overrides the profile)
        OKTA_CONNECTOR_CONFIG_DIR  folder of config.json (default: the platform config folder)
        HTTPS_PROXY                proxy URL for Okta, either case (--proxy overrides it)
        NO_PROXY                   hosts reached without the proxy, either case
        NODE_EXTRA_CA_CERTS        PEM file of extra CAs (a TLS-inspecting proxy's root)
        NO_COLOR                   no colours

      Exit codes:
        0    success
        1    unexpected error (a bug: please report it)
        2    bad command-line usage
        3    missing or invalid configuration (domain, token, config file, output directory)
        4    Okta rejected the API token (401)
        5    the token's admin may not read data sync needs (403)
        6    Okta could not be reached (DNS, TLS, proxy, timeout)
        7    rate limit did not recover
        8    unexpected answer from Okta
        9    finished, but some optional data is missing
        10   another sync of the profile is running
        130  interrupted (Ctrl-C, SIGTERM)

      "
    `);
  });

  it('configure --help: usage, options, global options, examples', async () => {
    const result = await run(['configure', '--help']);
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Usage: okta-connector configure [options]

      Create or update a profile: interactively on a terminal, or from flags in
      scripts. The token is read from standard input or a hidden prompt, never from
      the command line, and stored in a config file only its owner can read (mode
      0600).

      Options:
        --domain <host-or-url>     Okta domain, e.g. acme.okta.com (a pasted URL is
                                   trimmed to its host)
        --token-stdin              read the API token from standard input
        --auth <mode>              token (an API token, the default) or oauth (an API
                                   Services app)
        --client-id <id>           OAuth: the Client ID of the API Services app
        --private-key-file <file>  OAuth: the app's private key, PEM or JWK (stored,
                                   never printed)
        --key-id <kid>             OAuth: the Key ID of that key in the Admin Console
        --scopes <list>            OAuth: scopes to ask for (default: what each sync
                                   needs)
        --generate-key             OAuth: create a key pair, store the private key,
                                   print the public JWK
        --dpop                     OAuth: send DPoP proofs from the start (default:
                                   when Okta asks)
        --proxy <url>              proxy for runs without HTTPS_PROXY (cron), e.g.
                                   http://proxy:3128; "none" removes it
        --ca-file <pem>            PEM file of extra CA certificates to trust; "none"
                                   removes it
        --trust-host               let sync use this domain although it does not
                                   answer like an Okta org (only for a host you know
                                   is yours)
        --output-dir <dir>         folder sync writes snapshots to (default:
                                   ~/okta-inventory)
        --format <format>          snapshot format: json, ndjson or csv (default:
                                   json)
        --schedule <when>          hourly, daily, weekly or a 5-field cron expression
                                   (stored for scheduling)
        --show                     print the profile, token masked
        --list                     list the profiles
        --delete                   delete the profile and its scheduled sync (asks
                                   first)
        --yes                      with --delete: do not ask (needed without a
                                   terminal)
        -h, --help                 show help

      Global Options:
        -V, --version              print the version
        --profile <name>           config profile to use (default: "default")
        --json                     print one JSON document on stdout
        -q, --quiet                only warnings and errors on stderr
        --verbose                  log each Okta request on stderr
        --no-color                 no colours (also: NO_COLOR, no terminal)

      Examples:
        # Interactive, on a terminal
        $ okta-connector configure

        # Scripted: the token comes from stdin, never from the command line
        $ printf '%s\\n' "$OKTA_API_TOKEN" | okta-connector configure --domain acme.okta.com --token-stdin

        # An OAuth 2.0 API Services app: create a key pair, register the printed public key, then
        $ okta-connector configure --domain acme.okta.com --auth oauth --generate-key
        $ okta-connector configure --client-id 0oa1b2c3d4e5f6g7h8i9

        # A second org with CSV output, synced nightly
        $ okta-connector configure --profile sandbox --domain acme.oktapreview.com --token-stdin --format csv --schedule daily < token.txt
        $ okta-connector configure --profile sandbox --show
        $ okta-connector configure --list
        $ okta-connector configure --profile sandbox --delete --yes

      "
    `);
  });

  it('test-connection --help: usage, options, global options, examples', async () => {
    const result = await run(['test-connection', '--help']);
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Usage: okta-connector test-connection [options]

      Walk the checks an Okta admin needs while onboarding: the domain, DNS, TLS, that
      the host is an Okta org, the API token, read access to each kind of data sync
      collects, rate-limit headroom, clock skew and the output directory. Each failure
      comes with its fix. Exits 0 when sync can run, even if optional data (System
      Log, admin roles, devices, user schema) is not readable.

      Options:
        --domain <host-or-url>  test this Okta domain instead of the profile's
        --token-stdin           read the API token from standard input
        --auth <mode>           token (an API token) or oauth (an API Services app);
                                default: what is configured
        --scopes <list>         OAuth scopes to ask for (default: every read scope
                                sync may need)
        --proxy <url>           HTTP(S) proxy, e.g. http://proxy:3128 (default:
                                HTTPS_PROXY, then the profile)
        --ca-file <pem>         PEM file of extra CA certificates (a TLS-inspecting
                                proxy's root)
        --output-dir <dir>      check this output directory instead of the configured
                                one
        --demo                  check the built-in sample org (what sync --demo reads)
                                and ./okta-inventory-demo/
        -h, --help              show help

      Global Options:
        -V, --version           print the version
        --profile <name>        config profile to use (default: "default")
        --json                  print one JSON document on stdout
        -q, --quiet             only warnings and errors on stderr
        --verbose               log each Okta request on stderr
        --no-color              no colours (also: NO_COLOR, no terminal)

      Examples:
        $ okta-connector test-connection
        $ okta-connector test-connection --profile sandbox --json

        # Before configuring anything
        $ printf '%s\\n' "$OKTA_API_TOKEN" | okta-connector test-connection --domain acme.okta.com --token-stdin

      "
    `);
  });

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
