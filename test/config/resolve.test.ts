import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveConnection, resolveSettings } from '../../src/config/resolve.js';
import { ConfigStore, loadConfigWriter } from '../../src/config/store.js';
import { ConfigError, ExitCode, UsageError } from '../../src/errors.js';
import { redact } from '../../src/ui/redact.js';
import { tempDir } from '../cli/harness.js';

// configure loads conf before it writes; these tests write profiles directly.
beforeAll(loadConfigWriter);

const PROFILE_TOKEN = '00ProfileToken-aaaaaaaaaaaaaaaaaaaaaaaaaaa';
const ENV_TOKEN = '00EnvironmentToken-bbbbbbbbbbbbbbbbbbbbbbb';
const FLAG_TOKEN = '00FlagToken-ccccccccccccccccccccccccccccccc';

let dir: string;
let remove: () => Promise<void>;
let env: Record<string, string | undefined>;

beforeEach(async () => {
  ({ dir, remove } = await tempDir());
  env = { OKTA_CONNECTOR_CONFIG_DIR: path.join(dir, 'config'), HOME: path.join(dir, 'home') };
});
afterEach(() => remove());

function saveProfile(profile: Record<string, unknown>, name = 'default'): void {
  new ConfigStore(env).saveProfile(name, profile);
}

describe('resolveConnection', () => {
  it('works with only OKTA_CLIENT_ORGURL and OKTA_CLIENT_TOKEN, without a config file', () => {
    const resolved = resolveConnection({
      profile: 'default',
      env: { ...env, OKTA_CLIENT_ORGURL: 'https://acme.okta.com/', OKTA_CLIENT_TOKEN: ENV_TOKEN },
    });
    expect(resolved.orgUrl.origin).toBe('https://acme.okta.com');
    expect(resolved.token).toBe(ENV_TOKEN);
    expect(resolved.sources).toEqual({ domain: 'env', token: 'env' });
  });

  it('takes flags over the environment over the profile, value by value', () => {
    saveProfile({ domain: 'profile.okta.com', token: PROFILE_TOKEN });
    const fromProfile = resolveConnection({ profile: 'default', env });
    expect([fromProfile.orgUrl.host, fromProfile.token]).toEqual(['profile.okta.com', PROFILE_TOKEN]);
    expect(fromProfile.sources).toEqual({ domain: 'profile', token: 'profile' });

    const withEnv = { ...env, OKTA_CLIENT_ORGURL: 'env.okta.com', OKTA_CLIENT_TOKEN: ENV_TOKEN };
    const fromEnv = resolveConnection({ profile: 'default', env: withEnv });
    expect([fromEnv.orgUrl.host, fromEnv.token]).toEqual(['env.okta.com', ENV_TOKEN]);

    const fromFlags = resolveConnection({
      profile: 'default',
      env: withEnv,
      flags: { domain: 'flag.okta.com', token: FLAG_TOKEN },
    });
    expect([fromFlags.orgUrl.host, fromFlags.token]).toEqual(['flag.okta.com', FLAG_TOKEN]);
    expect(fromFlags.sources).toEqual({ domain: 'flag', token: 'flag' });

    const mixed = resolveConnection({
      profile: 'default',
      env: { ...env, OKTA_CLIENT_ORGURL: 'env.okta.com' },
    });
    expect(mixed.sources).toEqual({ domain: 'env', token: 'profile' });
  });

  it('ignores empty environment variables', () => {
    saveProfile({ domain: 'profile.okta.com', token: PROFILE_TOKEN });
    const resolved = resolveConnection({
      profile: 'default',
      env: { ...env, OKTA_CLIENT_ORGURL: '', OKTA_CLIENT_TOKEN: '' },
    });
    expect(resolved.sources).toEqual({ domain: 'profile', token: 'profile' });
  });

  it('does not read the config file when flags and environment give everything', async () => {
    await mkdir(env.OKTA_CONNECTOR_CONFIG_DIR!, { recursive: true });
    await writeFile(path.join(env.OKTA_CONNECTOR_CONFIG_DIR!, 'config.json'), '{ broken');
    const resolved = resolveConnection({
      profile: 'default',
      env: { ...env, OKTA_CLIENT_ORGURL: 'acme.okta.com', OKTA_CLIENT_TOKEN: ENV_TOKEN },
    });
    expect(resolved.token).toBe(ENV_TOKEN);
  });

  it('says how to set things up when nothing is configured', () => {
    let error: unknown;
    try {
      resolveConnection({ profile: 'default', env });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      'No Okta domain: there is no profile "default" and OKTA_CLIENT_ORGURL is not set.',
    );
    expect((error as ConfigError).hint).toBe(
      'Run "okta-connector configure", or set OKTA_CLIENT_ORGURL and OKTA_CLIENT_TOKEN.',
    );
  });

  it('names the profile in the hint for a named profile, and a missing token', () => {
    saveProfile({ domain: 'acme.okta.com' }, 'sandbox');
    expect(() => resolveConnection({ profile: 'sandbox', env })).toThrow(
      'No Okta API token: profile "sandbox" has no token and OKTA_CLIENT_TOKEN is not set.',
    );
    try {
      resolveConnection({ profile: 'other', env });
    } catch (error) {
      expect((error as ConfigError).hint).toContain('okta-connector configure --profile other');
    }
  });

  it('says where a bad domain came from', () => {
    expect(() =>
      resolveConnection({
        profile: 'default',
        env: { ...env, OKTA_CLIENT_ORGURL: 'acme-admin.okta.com', OKTA_CLIENT_TOKEN: ENV_TOKEN },
      }),
    ).toThrow(/Admin Console address.*\(from OKTA_CLIENT_ORGURL\)/);
  });

  it('strips a pasted SSWS prefix with a note, and registers the token for redaction', () => {
    const token = '00RegisteredViaEnv-dddddddddddddddddddddddd';
    const resolved = resolveConnection({
      profile: 'default',
      env: { ...env, OKTA_CLIENT_ORGURL: 'acme.okta.com', OKTA_CLIENT_TOKEN: `SSWS ${token}` },
    });
    expect(resolved.token).toBe(token);
    expect(resolved.notes[0]).toMatch(/"SSWS " prefix from the token from OKTA_CLIENT_TOKEN/);
    expect(redact(`token=${token}`)).toBe('token=[redacted]');
  });

  it('rejects a malformed token with a Config exit code', () => {
    try {
      resolveConnection({
        profile: 'default',
        env: { ...env, OKTA_CLIENT_ORGURL: 'acme.okta.com', OKTA_CLIENT_TOKEN: '{apiToken}' },
      });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).exitCode).toBe(ExitCode.Config);
    }
  });
});

describe('resolveSettings', () => {
  it('defaults to ~/okta-inventory and json', () => {
    const settings = resolveSettings({ profile: 'default', env, cwd: '/somewhere' });
    expect(settings).toEqual({
      outputDir: path.join(dir, 'home', 'okta-inventory'),
      format: 'json',
      schedule: undefined,
      sources: { outputDir: 'default', format: 'default' },
    });
  });

  it('takes flags over the environment over the profile', () => {
    saveProfile({
      domain: 'acme.okta.com',
      token: PROFILE_TOKEN,
      outputDir: '/data/okta',
      format: 'csv',
      schedule: 'daily',
    });
    expect(resolveSettings({ profile: 'default', env })).toMatchObject({
      outputDir: '/data/okta',
      format: 'csv',
      schedule: 'daily',
      sources: { outputDir: 'profile', format: 'profile' },
    });
    const withEnv = { ...env, OKTA_CONNECTOR_OUTPUT_DIR: '~/from-env', OKTA_CONNECTOR_FORMAT: 'NDJSON' };
    expect(resolveSettings({ profile: 'default', env: withEnv })).toMatchObject({
      outputDir: path.join(dir, 'home', 'from-env'),
      format: 'ndjson',
      sources: { outputDir: 'env', format: 'env' },
    });
    expect(
      resolveSettings({
        profile: 'default',
        env: withEnv,
        cwd: '/work',
        flags: { outputDir: 'out', format: 'json' },
      }),
    ).toMatchObject({
      outputDir: '/work/out',
      format: 'json',
      sources: { outputDir: 'flag', format: 'flag' },
    });
  });

  it('rejects an unknown format: a usage error for a flag, a config error for the environment', () => {
    expect(() => resolveSettings({ profile: 'default', env, flags: { format: 'xml' } })).toThrow(UsageError);
    expect(() =>
      resolveSettings({ profile: 'default', env: { ...env, OKTA_CONNECTOR_FORMAT: 'xml' } }),
    ).toThrow(/Unknown output format "xml".*\(from OKTA_CONNECTOR_FORMAT\)/);
  });
});
