import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { ExitCode } from '../../src/errors.js';
import { generateSigningKey } from '../../src/okta/signing-key.js';
import { findEntry } from '../../src/schedule/crontab.js';
import { CaptureStream, filesContaining, inputStream, run, tempDir } from '../cli/harness.js';
import { installFakeCrontab } from '../schedule/fake-crontab.js';

const TOKEN = '00LeakCanary-Configure_abcdefghijklmnopqr';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

let dir: string;
let remove: () => Promise<void>;
let env: Record<string, string>;
let configFile: string;
const outputs: string[] = [];

beforeEach(async () => {
  ({ dir, remove } = await tempDir());
  env = { OKTA_CONNECTOR_CONFIG_DIR: path.join(dir, 'config'), HOME: path.join(dir, 'home') };
  configFile = path.join(dir, 'config', 'config.json');
});
afterEach(async () => {
  for (const output of outputs.splice(0)) expect(output).not.toContain(TOKEN);
  const leaks = (await filesContaining(dir, TOKEN)).filter((file) => file !== configFile);
  expect(leaks).toEqual([]);
  await remove();
});

async function configure(args: string[], stdin?: string) {
  const result = await run(['configure', ...args], {
    env,
    cwd: dir,
    ...(stdin === undefined ? {} : { stdin }),
  });
  outputs.push(result.stdout, result.stderr);
  return result;
}

async function stored(): Promise<unknown> {
  return JSON.parse(await readFile(configFile, 'utf8'));
}

describe('configure, scripted', () => {
  it('round trip: save from flags and stdin, show, list, delete', async () => {
    const saved = await configure(
      [
        '--domain',
        'https://acme.okta.com/',
        '--token-stdin',
        '--output-dir',
        'inventory',
        '--format',
        'CSV',
        '--schedule',
        'daily',
      ],
      `${TOKEN}\n`,
    );
    expect(saved.exitCode).toBe(ExitCode.Success);
    expect(saved.stderr).toContain(`✓ Created profile "default" in ${configFile}`);
    expect(saved.stderr).toContain('Next: okta-connector test-connection');
    expect(saved.stdout).toContain('  token      00Le…opqr');
    expect(await stored()).toEqual({
      profiles: {
        default: {
          domain: 'acme.okta.com',
          token: TOKEN,
          outputDir: path.join(dir, 'inventory'),
          format: 'csv',
          schedule: 'daily',
        },
      },
    });
    expect((await stat(configFile)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(configFile))).mode & 0o777).toBe(0o700);

    const shown = await configure(['--show', '--json']);
    expect(shown.exitCode).toBe(ExitCode.Success);
    expect(JSON.parse(shown.stdout)).toEqual({
      action: 'shown',
      configPath: configFile,
      profile: {
        name: 'default',
        domain: 'acme.okta.com',
        token: '00Le…opqr',
        outputDir: path.join(dir, 'inventory'),
        format: 'csv',
        schedule: 'daily',
        defaults: [],
      },
    });

    const human = await configure(['--show']);
    expect(human.stdout).toBe(
      [
        `Profile "default" (${configFile})`,
        '  domain     acme.okta.com',
        '  token      00Le…opqr',
        `  output dir ${path.join(dir, 'inventory')}`,
        '  format     csv',
        '  schedule   daily',
        '',
      ].join('\n'),
    );

    await configure(['--profile', 'sandbox', '--domain', 'acme.oktapreview.com', '--token-stdin'], TOKEN);
    const listed = await configure(['--list']);
    expect(listed.stdout).toBe(
      [
        'PROFILE  DOMAIN                TOKEN',
        'default  acme.okta.com         yes',
        'sandbox  acme.oktapreview.com  yes',
        '',
      ].join('\n'),
    );

    const deleted = await configure(['--delete', '--profile', 'sandbox', '--yes']);
    expect(deleted.exitCode).toBe(ExitCode.Success);
    expect(deleted.stderr).toContain('✓ Deleted profile "sandbox"');
    const gone = await configure(['--show', '--profile', 'sandbox']);
    expect(gone.exitCode).toBe(ExitCode.Config);
    expect(gone.stderr).toContain(`Error: There is no profile "sandbox" in ${configFile}.`);
    expect(gone.stderr).toContain('Existing profiles: default.');
  });

  it('updates one setting of an existing profile without asking for the rest', async () => {
    await configure(['--domain', 'acme.okta.com', '--token-stdin'], TOKEN);
    const updated = await configure(['--format', 'ndjson']);
    expect(updated.exitCode).toBe(ExitCode.Success);
    expect(updated.stderr).toContain('✓ Updated profile "default"');
    expect(await stored()).toEqual({
      profiles: { default: { domain: 'acme.okta.com', token: TOKEN, format: 'ndjson' } },
    });
  });

  it('stores the whole origin of a loopback server (http is allowed there)', async () => {
    await configure(['--domain', 'http://127.0.0.1:8080/', '--token-stdin'], TOKEN);
    expect(await stored()).toMatchObject({ profiles: { default: { domain: 'http://127.0.0.1:8080' } } });
  });

  it('strips a pasted "SSWS " prefix with a warning', async () => {
    const result = await configure(['--domain', 'acme.okta.com', '--token-stdin'], `SSWS ${TOKEN}\n`);
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stderr).toContain('! Removed the "SSWS " prefix from the token from standard input');
    expect(await stored()).toMatchObject({ profiles: { default: { token: TOKEN } } });
  });

  it.each([
    ['', /The API token from standard input is empty/],
    ['{apiToken}', /placeholder/],
    [`${TOKEN.slice(0, 10)} ${TOKEN.slice(10)}`, /spaces or line breaks/],
  ])('rejects the token %j with a Config error and writes nothing', async (stdin, message) => {
    const result = await configure(['--domain', 'acme.okta.com', '--token-stdin'], stdin);
    expect(result.exitCode).toBe(ExitCode.Config);
    expect(result.stderr).toMatch(message);
    await expect(stat(configFile)).rejects.toThrow();
  });

  it('rejects a bad domain before reading the token, with the fix', async () => {
    const result = await configure(['--domain', 'acme-admin.okta.com', '--token-stdin'], TOKEN);
    expect(result.exitCode).toBe(ExitCode.Config);
    expect(result.stderr).toBe(
      'Error: "acme-admin.okta.com" is the Admin Console address, not the API domain.\n  Use acme.okta.com (without "-admin").\n',
    );
    await expect(stat(configFile)).rejects.toThrow();
  });

  it.each([
    [['--format', 'xml'], /Unknown output format "xml"/],
    [['--schedule', '0 25 * * *'], /hour 25 is out of range 0-23/],
    [['--schedule', 'nightly'], /cron needs 5/],
  ])('rejects %j as a usage error', async (flags, message) => {
    const result = await configure(['--domain', 'acme.okta.com', '--token-stdin', ...flags], TOKEN);
    expect(result.exitCode).toBe(ExitCode.Usage);
    expect(result.stderr).toMatch(message);
  });

  it('without a terminal and without flags: a usage error that shows the scripted form', async () => {
    const result = await configure([]);
    expect(result.exitCode).toBe(ExitCode.Usage);
    expect(result.stderr).toContain(
      'configure asks its questions on a terminal; without one, give the settings as flags.',
    );
    expect(result.stderr).toContain('--domain acme.okta.com --token-stdin');
  });

  it('a new profile without a token: says which flag is missing', async () => {
    const result = await configure(['--domain', 'acme.okta.com']);
    expect(result.exitCode).toBe(ExitCode.Usage);
    expect(result.stderr).toContain('Profile "default" needs --token-stdin');
  });

  it.each([
    [['--show', '--list'], '--show and --list cannot be used together.'],
    [['--delete', '--domain', 'acme.okta.com'], '--delete cannot be combined with --domain.'],
    [['--show', '--token-stdin'], '--show cannot be combined with --token-stdin.'],
  ])('rejects %j', async (flags, message) => {
    const result = await configure(flags);
    expect(result.exitCode).toBe(ExitCode.Usage);
    expect(result.stderr).toContain(message);
  });

  it('rejects an invalid profile name', async () => {
    const result = await configure(['--profile', 'my.profile', '--list']);
    expect(result.exitCode).toBe(ExitCode.Usage);
    expect(result.stderr).toContain('Invalid profile name "my.profile".');
  });

  it('--list with no profiles says how to create one', async () => {
    const result = await configure(['--list']);
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('No profiles yet');
    expect(JSON.parse((await configure(['--list', '--json'])).stdout)).toMatchObject({ profiles: [] });
  });

  it('a corrupted config file: a clear error, no stack trace, and the file is left alone', async () => {
    await mkdir(path.dirname(configFile), { recursive: true });
    const content = `{"profiles": {"default": {"token": "${TOKEN}" }`;
    await writeFile(configFile, content);
    for (const args of [['--show'], ['--list'], ['--domain', 'acme.okta.com', '--token-stdin']]) {
      const result = await configure(args, TOKEN);
      expect(result.exitCode).toBe(ExitCode.Config);
      expect(result.stderr).toContain(
        `Error: The config file ${configFile} is not valid JSON at line 1, column`,
      );
      expect(result.stderr).toContain(
        'Fix the file by hand, or delete it and run "okta-connector configure" again',
      );
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(await readFile(configFile, 'utf8')).toBe(content);
  });
});

describe('configure, custom domains', () => {
  it('shows the canonical org URL from /.well-known/okta-organization (sent without the token)', async () => {
    const authorizations: Array<string | null> = [];
    server.use(
      http.get('https://id.example.com/.well-known/okta-organization', ({ request }) => {
        authorizations.push(request.headers.get('authorization'));
        return HttpResponse.json({
          id: '00o1',
          pipeline: 'idx',
          _links: { organization: { href: 'https://acme.okta.com' } },
        });
      }),
    );
    const result = await configure(['--domain', 'id.example.com', '--token-stdin', '--json'], TOKEN);
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stderr).toContain(
      '✓ id.example.com is a custom domain of an Okta org (Identity Engine); its Okta URL is https://acme.okta.com.',
    );
    expect(JSON.parse(result.stdout)).toMatchObject({
      action: 'saved',
      organization: { verified: true, engine: 'Identity Engine', organizationUrl: 'https://acme.okta.com' },
    });
    expect(authorizations).toEqual([null]);
  });

  it('a host without the Okta document: a warning, and the profile is saved', async () => {
    server.use(
      http.get(
        'https://id.example.com/.well-known/okta-organization',
        () => new HttpResponse('nope', { status: 404 }),
      ),
    );
    const result = await configure(['--domain', 'id.example.com', '--token-stdin'], TOKEN);
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stderr).toContain('! id.example.com does not look like an Okta org');
    expect(await stored()).toMatchObject({ profiles: { default: { domain: 'id.example.com' } } });
  });

  it('a network failure: a warning, and the profile is saved', async () => {
    server.use(http.get('https://id.example.com/.well-known/okta-organization', () => HttpResponse.error()));
    const result = await configure(['--domain', 'id.example.com', '--token-stdin'], TOKEN);
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stderr).toMatch(
      /! Could not confirm that id\.example\.com is an Okta org: .*The profile is saved anyway/,
    );
    expect(await stored()).toMatchObject({ profiles: { default: { domain: 'id.example.com' } } });
  });
});

/** Answers each prompt written on stderr with the next line, as a person at a terminal would. */
class Terminal extends CaptureStream {
  constructor(
    private readonly stdin: NodeJS.WritableStream,
    private readonly answers: string[],
  ) {
    super(false);
  }

  override _write(chunk: Buffer | string, encoding: BufferEncoding, callback: () => void): void {
    super._write(chunk, encoding, callback);
    if (/(^|\n)\? [^\n]*: $/.test(chunk.toString())) {
      const answer = this.answers.shift();
      setImmediate(() => (answer === undefined ? this.stdin.end() : this.stdin.write(`${answer}\r`)));
    }
  }
}

async function interactive(args: string[], answers: string[]) {
  const stdin = inputStream('', true);
  const stdout = new CaptureStream(false);
  const stderr = new Terminal(stdin, answers);
  const exitCode = await runCli(['configure', ...args], { stdin, stdout, stderr, env, cwd: dir });
  outputs.push(stdout.text(), stderr.text());
  return { exitCode, stdout: stdout.text(), stderr: stderr.text() };
}

describe('configure, interactive', () => {
  it('asks every question, re-asks after a bad answer, and never echoes the token', async () => {
    const result = await interactive(
      [],
      ['acme-admin.okta.com', 'acme.okta.com', '', TOKEN, '', 'csv', 'weekly'],
    );
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stderr).toContain('? Okta domain (e.g. acme.okta.com): ');
    expect(result.stderr).toContain('? Authentication: 1) API token, 2) OAuth 2.0 service app [1]: ');
    expect(result.stderr).not.toContain('Client ID');
    expect(result.stderr).toContain(
      '✗ "acme-admin.okta.com" is the Admin Console address, not the API domain.',
    );
    expect(result.stderr).toContain('? API token (input is hidden): ');
    expect(result.stderr).toContain(`? Output directory [${path.join(dir, 'home', 'okta-inventory')}]: `);
    expect(await stored()).toEqual({
      profiles: {
        default: {
          domain: 'acme.okta.com',
          token: TOKEN,
          outputDir: path.join(dir, 'home', 'okta-inventory'),
          format: 'csv',
          schedule: 'weekly',
        },
      },
    });
  });

  it('keeps the current values on Enter', async () => {
    await configure(['--domain', 'acme.okta.com', '--token-stdin', '--schedule', 'daily'], TOKEN);
    const result = await interactive([], ['', '', '', '', '', '']);
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stderr).toContain('? Okta domain (e.g. acme.okta.com) [acme.okta.com]: ');
    expect(result.stderr).toContain('? API token (Enter keeps 00Le…opqr): ');
    expect(await stored()).toMatchObject({
      profiles: { default: { domain: 'acme.okta.com', token: TOKEN, schedule: 'daily' } },
    });
  });

  it('--token-stdin on a terminal asks with a hidden prompt', async () => {
    const result = await interactive(['--domain', 'acme.okta.com', '--token-stdin'], [TOKEN]);
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(await stored()).toMatchObject({ profiles: { default: { token: TOKEN } } });
  });

  it('input that ends early saves nothing', async () => {
    const result = await interactive([], ['acme.okta.com']);
    expect(result.exitCode).toBe(ExitCode.Usage);
    expect(result.stderr).toContain('The input ended before every question was answered; nothing was saved.');
    expect(result.stderr.match(/API token/g)).toHaveLength(1);
    await expect(stat(configFile)).rejects.toThrow();
  });
});

describe('configure, interactive OAuth', () => {
  const CLIENT_ID = '0oaWizardServiceApp42';
  const appKey = generateSigningKey();
  /** The body lines of a PEM: none of them may reach stdout or stderr. */
  const secretLines = (pem: string) =>
    pem.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----'));
  const expectNoKey = (pem: string, ...outputs: string[]) => {
    for (const output of outputs) for (const line of secretLines(pem)) expect(output).not.toContain(line);
  };
  const defaultOutputDir = () => path.join(dir, 'home', 'okta-inventory');

  beforeEach(async () => {
    await writeFile(path.join(dir, 'app-key.pem'), appKey.privateKeyPem, { mode: 0o600 });
  });

  it('with a key file: stores what the scripted flags store for the same answers', async () => {
    const result = await interactive(
      [],
      ['acme.okta.com', '2', CLIENT_ID, 'app-key.pem', 'kid-1', '', '', '', '', ''],
    );
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stderr).toContain(
      '? Private key: the path of a PEM or JWK file, or "generate" for a new key pair [generate]: ',
    );
    expect(result.stderr).toContain(
      '? Scopes to ask for (Enter: the read scopes sync needs) [okta.users.read okta.schemas.read okta.groups.read okta.apps.read okta.roles.read okta.devices.read okta.logs.read]: ',
    );
    expect(result.stderr).toContain('? Does the app require DPoP? New API Services apps do');
    expect(result.stderr).not.toContain('? API token');
    expect(result.stdout).toContain(`client id  ${CLIENT_ID}`);
    expect(result.stdout).toContain('RSA key (RS256), kid kid-1');
    expectNoKey(appKey.privateKeyPem, result.stdout, result.stderr);

    const scripted = await configure([
      '--profile',
      'scripted',
      '--domain',
      'acme.okta.com',
      '--auth',
      'oauth',
      '--client-id',
      CLIENT_ID,
      '--private-key-file',
      'app-key.pem',
      '--key-id',
      'kid-1',
      '--dpop',
      '--output-dir',
      defaultOutputDir(),
      '--format',
      'json',
    ]);
    expect(scripted.exitCode).toBe(ExitCode.Success);
    const { profiles } = (await stored()) as { profiles: Record<string, unknown> };
    expect(profiles.default).toEqual({
      domain: 'acme.okta.com',
      auth: 'oauth',
      privateKey: appKey.privateKeyPem.trim(),
      clientId: CLIENT_ID,
      keyId: 'kid-1',
      dpop: true,
      outputDir: defaultOutputDir(),
      format: 'json',
    });
    expect(profiles.default).toEqual(profiles.scripted);
  });

  it('generate: prints the public JWK with where to paste it; the private key only in the 0600 file', async () => {
    const result = await interactive([], ['acme.okta.com', '2', '', '', '', 'no', '', '', '']);
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stderr).toContain(
      '? Client ID of the API Services app (Enter if the app does not exist yet): ',
    );
    expect(result.stderr).not.toContain('Key ID');
    expect(result.stdout).toContain('Public key (JWK) to register on the API Services app:');
    const jwk = JSON.parse(/\{\n[\s\S]*?\n\}/.exec(result.stdout)?.[0] ?? '{}') as Record<string, string>;
    expect(jwk).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256' });
    expect(jwk.d).toBeUndefined();
    expect(result.stderr).toContain(
      'Client authentication: Public key / Private key > Add key > paste this JWK',
    );
    expect(result.stderr).toContain('okta-connector configure --client-id <id>');

    const profile = ((await stored()) as { profiles: { default: Record<string, unknown> } }).profiles.default;
    expect(profile).toEqual({
      domain: 'acme.okta.com',
      auth: 'oauth',
      privateKey: expect.stringMatching(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/),
      keyId: jwk.kid,
      outputDir: defaultOutputDir(),
      format: 'json',
    });
    expect((await stat(configFile)).mode & 0o777).toBe(0o600);
    expectNoKey(profile.privateKey as string, result.stdout, result.stderr);

    // The same answers as flags: the same profile but for the (new, random) key pair.
    await configure([
      '--profile',
      'scripted',
      '--domain',
      'acme.okta.com',
      '--auth',
      'oauth',
      '--generate-key',
      '--output-dir',
      defaultOutputDir(),
      '--format',
      'json',
    ]);
    const scripted = ((await stored()) as { profiles: { scripted: Record<string, unknown> } }).profiles
      .scripted;
    expect(Object.keys(scripted).sort()).toEqual(Object.keys(profile).sort());
    expect({ ...scripted, privateKey: '', keyId: '' }).toEqual({ ...profile, privateKey: '', keyId: '' });
  });

  it('asks again after a bad client id, a missing file, a pasted key and a file that is not a key', async () => {
    await writeFile(path.join(dir, 'notes.txt'), 'not a key');
    // A long name without a dot is still a path when the file exists.
    const longName = 'okta-connector-service-app-private-key-file';
    await writeFile(path.join(dir, longName), appKey.privateKeyPem, { mode: 0o600 });
    const pastedJwk = JSON.stringify({ kty: 'RSA', d: 'c2VjcmV0LXByaXZhdGUtZXhwb25lbnQ' });
    const result = await interactive(
      [],
      [
        'acme.okta.com',
        'oauth',
        '{clientId}',
        'https://acme.okta.com/0oa1',
        CLIENT_ID,
        'missing.pem',
        pastedJwk,
        secretLines(appKey.privateKeyPem)[0]!,
        'notes.txt',
        longName,
        '',
        'okta.users.read, okta.groups.read',
        'maybe',
        'yes',
        '',
        '',
        '',
      ],
    );
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stderr).toContain('✗ The client id is a placeholder.');
    expect(result.stderr).toContain('✗ The client id looks like a URL, not a client id.');
    expect(result.stderr.match(/\? Client ID of the API Services app/g)).toHaveLength(3);
    expect(result.stderr).toContain(
      `✗ Cannot read the private key file ${path.join(dir, 'missing.pem')} (ENOENT).`,
    );
    expect(result.stderr).toContain('✗ That looks like the key itself; give the path of its file');
    expect(result.stderr).toContain(`✗ The private key from the file ${path.join(dir, 'notes.txt')}`);
    expect(result.stderr.match(/\? Private key: /g)).toHaveLength(5);
    expect(result.stderr.match(/✗ That looks like the key itself/g)).toHaveLength(2);
    expect(result.stderr).toContain('✗ Answer yes or no.');
    // The pasted key appears once (the terminal's echo of the typing), never in a message.
    expect(result.stderr.split('c2VjcmV0LXByaXZhdGUtZXhwb25lbnQ')).toHaveLength(2);
    expect(await stored()).toMatchObject({
      profiles: {
        default: {
          auth: 'oauth',
          clientId: CLIENT_ID,
          privateKey: appKey.privateKeyPem.trim(),
          scopes: 'okta.users.read okta.groups.read',
          dpop: true,
        },
      },
    });
  });

  it('choosing the API token on an OAuth profile switches it back, keeping the OAuth settings', async () => {
    await configure([
      '--domain',
      'acme.okta.com',
      '--auth',
      'oauth',
      '--client-id',
      CLIENT_ID,
      '--private-key-file',
      'app-key.pem',
    ]);
    const result = await interactive([], ['', '1', TOKEN, '', '', '']);
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stderr).toContain('? Authentication: 1) API token, 2) OAuth 2.0 service app [2]: ');
    const profile = ((await stored()) as { profiles: { default: Record<string, unknown> } }).profiles.default;
    expect(profile).toMatchObject({ token: TOKEN, clientId: CLIENT_ID });
    expect(profile.auth).toBeUndefined();
    expect(result.stdout).toContain('token      00Le…opqr');
  });
});

describe('configure --delete: asks first, and takes the scheduled sync with it', () => {
  let table: string;
  const crontab = () => readFile(table, 'utf8').catch(() => '');
  const OTHER_LINES = 'MAILTO=ops@example.com\n17 * * * * /usr/local/bin/backup\n';

  beforeEach(async () => {
    const bin = await installFakeCrontab(dir);
    table = path.join(dir, 'crontab.txt');
    env.PATH = `${bin}${path.delimiter}${process.env.PATH}`;
    env.FAKE_CRONTAB_FILE = table;
    await mkdir(env.HOME!, { recursive: true });
    await writeFile(table, OTHER_LINES);
    await configure(['--profile', 'sandbox', '--domain', 'acme.oktapreview.com', '--token-stdin'], TOKEN);
    const installed = await run(['--profile', 'sandbox', 'schedule', 'install', '--at', 'daily'], { env });
    expect(installed.exitCode).toBe(ExitCode.Success);
  });

  it('without a terminal it needs --yes (exit 2), and deletes nothing', async () => {
    const refused = await configure(['--profile', 'sandbox', '--delete']);
    expect(refused.exitCode).toBe(ExitCode.Usage);
    expect(refused.stderr).toContain(
      'Error: configure --delete asks before it deletes profile "sandbox"; without a terminal, pass --yes.',
    );
    expect(refused.stderr).toContain('okta-connector configure --profile sandbox --delete --yes');
    expect(await stored()).toMatchObject({ profiles: { sandbox: { domain: 'acme.oktapreview.com' } } });
    expect(findEntry(await crontab(), 'sandbox')).toBeDefined();

    expect((await configure(['--profile', 'sandbox', '--yes'])).exitCode).toBe(ExitCode.Usage);
  });

  it('--yes removes the profile and its cron entry, and nothing else', async () => {
    const deleted = await configure(['--profile', 'sandbox', '--delete', '--yes', '--json']);
    expect(deleted.exitCode).toBe(ExitCode.Success);
    expect(JSON.parse(deleted.stdout)).toEqual({
      action: 'deleted',
      configPath: configFile,
      profile: 'sandbox',
      schedule: { scheduler: 'cron', removed: true },
    });
    expect(await stored()).toEqual({ profiles: {} });
    expect(await crontab()).toBe(OTHER_LINES);

    const human = await configure(
      ['--profile', 'sandbox', '--domain', 'acme.oktapreview.com', '--token-stdin'],
      TOKEN,
    );
    expect(human.exitCode).toBe(ExitCode.Success);
    const again = await configure(['--profile', 'sandbox', '--delete', '--yes']);
    expect(again.stderr).toContain(`✓ Deleted profile "sandbox" from ${configFile}\n`);
  });

  it('on a terminal: asks, names the schedule, and keeps everything unless the answer is yes', async () => {
    const kept = await interactive(['--profile', 'sandbox', '--delete'], ['']);
    expect(kept.exitCode).toBe(ExitCode.Success);
    expect(kept.stderr).toContain(
      '? Delete profile "sandbox" and its scheduled sync ("0 0 * * *" in your crontab)? (yes/no) [no]: ',
    );
    expect(kept.stderr).toContain('Kept profile "sandbox": nothing was deleted.');
    expect(findEntry(await crontab(), 'sandbox')).toBeDefined();
    expect(await stored()).toMatchObject({ profiles: { sandbox: {} } });

    const deleted = await interactive(['--profile', 'sandbox', '--delete'], ['yes']);
    expect(deleted.exitCode).toBe(ExitCode.Success);
    expect(deleted.stderr).toContain(
      `✓ Deleted profile "sandbox" from ${configFile}, and its scheduled sync from your crontab`,
    );
    expect(await crontab()).toBe(OTHER_LINES);
  });

  it('leaves the entry of a same-named profile in another config folder alone', async () => {
    const elsewhere = { ...env, OKTA_CONNECTOR_CONFIG_DIR: path.join(dir, 'other-config') };
    // Another token: the leak check allows TOKEN only in this test's own config file.
    await run(['--profile', 'sandbox', 'configure', '--domain', 'other.okta.com', '--token-stdin'], {
      env: elsewhere,
      stdin: '00OtherConfigFolder_0123456789abcdefghijklm',
    });
    await run(['--profile', 'sandbox', 'schedule', 'remove'], { env });
    await run(['--profile', 'sandbox', 'schedule', 'install', '--at', 'weekly'], { env: elsewhere });
    const deleted = await configure(['--profile', 'sandbox', '--delete', '--yes', '--json']);
    expect(JSON.parse(deleted.stdout).schedule).toEqual({ scheduler: 'cron', removed: false });
    expect(findEntry(await crontab(), 'sandbox')?.parsed?.env).toEqual({
      OKTA_CONNECTOR_CONFIG_DIR: elsewhere.OKTA_CONNECTOR_CONFIG_DIR,
    });
  });

  it('a crontab that refuses: the profile is deleted, the warning says how to remove the entry, show flags it', async () => {
    const bin = path.join(dir, 'refusing-bin');
    await mkdir(bin);
    await writeFile(
      path.join(bin, 'crontab'),
      "#!/bin/sh\necho 'You (tester) are not allowed to use this program (crontab)' >&2\nexit 1\n",
      { mode: 0o755 },
    );
    const refusing = { ...env, PATH: `${bin}${path.delimiter}${process.env.PATH}` };
    const deleted = await run(['--profile', 'sandbox', 'configure', '--delete', '--yes'], { env: refusing });
    outputs.push(deleted.stdout, deleted.stderr);
    expect(deleted.exitCode).toBe(ExitCode.Success);
    expect(deleted.stderr).toContain(
      'Could not check your crontab for a scheduled sync of profile "sandbox"',
    );
    expect(deleted.stderr).toContain('not allowed to use this program');
    expect(deleted.stderr).toContain(
      'remove the two lines under "# okta-connector:profile=sandbox" with "crontab -e"',
    );
    expect(await stored()).toEqual({ profiles: {} });
    const shown = JSON.parse(
      (await run(['--profile', 'sandbox', 'schedule', 'show', '--json'], { env })).stdout,
    );
    expect(shown).toMatchObject({ installed: true, profileExists: false, healthy: false });

    // Without a crontab command at all there can be no entry: nothing to warn about.
    await configure(['--profile', 'sandbox', '--domain', 'acme.oktapreview.com', '--token-stdin'], TOKEN);
    const bare = await run(['--profile', 'sandbox', 'configure', '--delete', '--yes'], {
      env: { ...env, PATH: path.join(dir, 'no-such-bin') },
    });
    expect(bare.exitCode).toBe(ExitCode.Success);
    expect(bare.stderr).not.toContain('!');
  });
});
