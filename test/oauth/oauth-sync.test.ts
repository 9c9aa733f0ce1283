import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SampleOrg, type SampleOrgOAuthOptions, startSampleOrg } from '../../src/demo/index.js';
import { ExitCode } from '../../src/errors.js';
import { generateSigningKey } from '../../src/okta/signing-key.js';
import { type CliRun, filesContaining, run, tempDir } from '../cli/harness.js';

// OAuth 2.0 with private_key_jwt and DPoP, end to end: the CLI against the sample org's
// authorization server, with only the Okta SDKs' environment variables.

const CLIENT_ID = '0oaTestServiceApp0042';
const appKey = generateSigningKey();

let dir: string;
let remove: () => Promise<void>;
let org: SampleOrg | undefined;
const outputs: string[] = [];

beforeEach(async () => {
  ({ dir, remove } = await tempDir());
});
afterEach(async () => {
  // The private key (whole or any line of it) and the access tokens are in no output and no file.
  const keyLines = appKey.privateKeyPem
    .split('\n')
    .filter((line) => line.length > 20 && !line.startsWith('-----'));
  for (const output of outputs.splice(0)) {
    for (const line of keyLines) expect(output).not.toContain(line);
    expect(output).not.toMatch(/eyJraWQiOiJzYW1wbGUifQ\.[\w-]{20,}/);
  }
  for (const line of keyLines.slice(0, 3)) expect(await filesContaining(dir, line)).toEqual([]);
  expect(await filesContaining(dir, 'eyJraWQiOiJzYW1wbGUifQ.')).toEqual([]);
  await org?.stop();
  org = undefined;
  await remove();
});

async function startOrg(
  oauth: Partial<SampleOrgOAuthOptions> = {},
  extra: Parameters<typeof startSampleOrg>[0] = {},
) {
  org = await startSampleOrg({
    rateLimits: { windowMs: 1_000 },
    ...extra,
    oauth: { clientId: CLIENT_ID, publicKeys: [appKey.publicJwk], ...oauth },
  });
  return org;
}

function oauthEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    OKTA_CONNECTOR_CONFIG_DIR: path.join(dir, 'config'),
    HOME: path.join(dir, 'home'),
    OKTA_CONNECTOR_OUTPUT_DIR: path.join(dir, 'out'),
    OKTA_CLIENT_ORGURL: org!.url,
    OKTA_CLIENT_AUTHORIZATIONMODE: 'PrivateKey',
    OKTA_CLIENT_CLIENTID: CLIENT_ID,
    OKTA_CLIENT_KEYID: appKey.kid,
    OKTA_CLIENT_PRIVATEKEY: appKey.privateKeyPem,
    ...extra,
  };
}

async function cli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const result = await run(args, { env });
  outputs.push(result.stdout, result.stderr);
  return result;
}

interface Summary {
  status: string;
  entities: { entity: string; count: number | null; skipped: string | null }[];
  warnings: string[];
  snapshot: { dir: string };
}

describe('sync with an OAuth service app', () => {
  it('DPoP required with a nonce, tokens of 2 s, injected 429s and 5xx: every record once, no reused proof, no failed request', async () => {
    await startOrg(
      { requireDpop: true, dpopNonce: 'token', tokenLifetimeSeconds: 2 },
      { faults: { rate429: 0.05, rate5xx: 0.05 }, latencyMs: { min: 5, max: 25 } },
    );
    const result = await cli(['sync', '--json', '--verbose'], oauthEnv());
    expect(result.exitCode).toBe(ExitCode.Success);
    const summary = JSON.parse(result.stdout) as Summary;
    expect(summary.status).toBe('complete');
    const counts = org!.truth.counts();
    const count = (entity: string) => summary.entities.find((entry) => entry.entity === entity)?.count;
    expect(count('users')).toBe(counts.users);
    expect(count('groups')).toBe(counts.groups);
    expect(count('apps')).toBe(counts.apps);
    expect(count('app_users')).toBe(counts.appUsers);
    expect(count('group_members')).toBe(counts.groupMemberships);
    expect(count('app_groups')).toBe(counts.appGroups);
    expect(count('devices')).toBe(counts.devices);

    const oauth = org!.oauth!.counters;
    // Retries after 429s and 5xx carried new proofs; no token expired under a request.
    expect(
      org!.counters.faults.rate429 + org!.counters.faults.status500 + org!.counters.faults.status503,
    ).toBeGreaterThan(0);
    expect(oauth.replayedProofs).toBe(0);
    expect(oauth.rejectedProofs).toBe(0);
    expect(oauth.rejectedTokens).toBe(0);
    // The run outlived several 2-second tokens: refreshed ahead of expiry.
    expect(oauth.tokensIssued).toBeGreaterThan(1);
    expect(oauth.tokenErrors.invalid_dpop_proof).toBe(1);
    expect(oauth.tokenErrors.invalid_client).toBeUndefined();
    expect(result.stderr).toContain('POST /oauth2/v1/token 200');
    expect(result.stderr).toContain('DPoP-bound access token');
  }, 60_000);

  it('a nonce asked for at the API too (use_dpop_nonce 401): answered at once, the run completes', async () => {
    await startOrg({ requireDpop: true, dpopNonce: 'both', nonceLifetimeMs: 300 });
    const result = await cli(['sync', '--json', '--only', 'users,groups,group_members'], oauthEnv());
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(org!.oauth!.counters.nonceChallenges).toBeGreaterThan(0);
    expect(org!.oauth!.counters.replayedProofs).toBe(0);
    expect(org!.oauth!.counters.rejectedTokens).toBe(0);
  });

  it('a Bearer app (no DPoP) with OKTA_CLIENT_SCOPES', async () => {
    await startOrg({ requireDpop: false, dpopNonce: 'none' });
    const result = await cli(
      ['sync', '--json', '--only', 'users,groups'],
      oauthEnv({ OKTA_CLIENT_SCOPES: 'okta.users.read,okta.groups.read,okta.schemas.read' }),
    );
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(org!.oauth!.counters.tokenErrors).toEqual({});
  });

  it.each(['drop', 'reject'] as const)(
    'a scope not granted (%s by the token endpoint): a partial run naming the scope',
    async (ungrantedScopes) => {
      await startOrg({
        grantedScopes: [
          'okta.users.read',
          'okta.groups.read',
          'okta.apps.read',
          'okta.logs.read',
          'okta.roles.read',
          'okta.schemas.read',
        ],
        ungrantedScopes,
      });
      const result = await cli(['sync', '--json'], oauthEnv());
      expect(result.exitCode).toBe(ExitCode.Partial);
      const summary = JSON.parse(result.stdout) as Summary;
      const devices = summary.entities.find((entry) => entry.entity === 'devices');
      expect(devices?.skipped).toContain('lacks the scope okta.devices.read');
      expect(result.stderr).toContain('okta.devices.read');
      expect(summary.entities.find((entry) => entry.entity === 'users')?.count).toBe(
        org!.truth.counts().users,
      );
    },
  );

  it('a wrong client id: a clear error, exit 4', async () => {
    await startOrg();
    const result = await cli(['sync'], oauthEnv({ OKTA_CLIENT_CLIENTID: '0oaSomeOtherApp000001' }));
    expect(result.exitCode).toBe(ExitCode.Auth);
    expect(result.stderr).toContain(
      "Okta refused the client credentials (invalid_client: Invalid value for 'client_id' parameter.)",
    );
    expect(result.stderr).toContain('Check the client id (0oaSomeOtherApp000001)');
  });

  it('a wrong key id: names the kid sent', async () => {
    await startOrg();
    const result = await cli(['sync'], oauthEnv({ OKTA_CLIENT_KEYID: 'not-the-kid' }));
    expect(result.exitCode).toBe(ExitCode.Auth);
    expect(result.stderr).toContain('The key id (kid) sent was "not-the-kid"');
  });

  it('a key that is not the registered one: says which halves must match', async () => {
    await startOrg();
    const other = generateSigningKey();
    registerCleanup(other.privateKeyPem);
    const result = await cli(
      ['sync'],
      oauthEnv({ OKTA_CLIENT_PRIVATEKEY: other.privateKeyPem, OKTA_CLIENT_KEYID: '' }),
    );
    expect(result.exitCode).toBe(ExitCode.Auth);
    expect(result.stderr).toContain('The client_assertion signature is invalid');
    expect(result.stderr).toContain('the public key registered there is the half of this private key');
  });

  it('a bad key (public half, damaged, Ed25519): a config error that never shows the key', async () => {
    await startOrg();
    const publicOnly = JSON.stringify(appKey.publicJwk);
    const damaged = appKey.privateKeyPem.replace(/\n[A-Za-z0-9+/]{10}/, '\n!!!!!!!!!!');
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const [key, message] of [
      [publicOnly, 'is a public key'],
      [damaged, 'could not be read'],
      [ed, 'is a ed25519 key'],
    ] as const) {
      const result = await cli(['sync'], oauthEnv({ OKTA_CLIENT_PRIVATEKEY: key }));
      expect(result.exitCode).toBe(ExitCode.Config);
      expect(result.stderr).toContain(`The private key from OKTA_CLIENT_PRIVATEKEY ${message}`);
    }
  });

  it('the key from a JWK file through configure, then sync from the profile', async () => {
    await startOrg();
    const keyFile = path.join(dir, 'key.pem');
    await writeFile(keyFile, appKey.privateKeyPem, { mode: 0o600 });
    const env = {
      OKTA_CONNECTOR_CONFIG_DIR: path.join(dir, 'config'),
      HOME: path.join(dir, 'home'),
      OKTA_CONNECTOR_OUTPUT_DIR: path.join(dir, 'out'),
    };
    const saved = await cli(
      [
        'configure',
        '--domain',
        org!.url,
        '--auth',
        'oauth',
        '--client-id',
        CLIENT_ID,
        '--private-key-file',
        keyFile,
        '--key-id',
        appKey.kid,
      ],
      env,
    );
    expect(saved.exitCode).toBe(ExitCode.Success);
    expect(saved.stdout).toContain(`client id  ${CLIENT_ID}`);
    expect(saved.stdout).toContain('RSA key (RS256)');
    const result = await cli(['sync', '--json', '--only', 'users'], env);
    expect(result.exitCode).toBe(ExitCode.Success);
    // The private key sits in the 0600 config file only (afterEach checks everything else).
    const line = appKey.privateKeyPem.split('\n')[3]!;
    expect(await filesContaining(path.join(dir, 'config'), line)).toHaveLength(1);
    await cli(['configure', '--delete', '--yes'], env);
    await writeFile(keyFile, '');
  });
});

describe('test-connection with an OAuth service app', () => {
  it('shows the token (client, DPoP, scopes) and tells a missing scope from a missing role', async () => {
    await startOrg({
      grantedScopes: [
        'okta.users.read',
        'okta.groups.read',
        'okta.apps.read',
        'okta.logs.read',
        'okta.roles.read',
        'okta.schemas.read',
      ],
    });
    const result = await cli(['test-connection', '--json'], oauthEnv());
    expect(result.exitCode).toBe(ExitCode.Success);
    const checks = new Map(
      (
        JSON.parse(result.stdout) as {
          checks: { id: string; status: string; detail: string; fix?: string }[];
        }
      ).checks.map((check) => [check.id, check]),
    );
    expect(checks.get('oauth-client')?.detail).toContain(
      `Client ${CLIENT_ID} (from OKTA_CLIENT_CLIENTID), RSA key (RS256) from OKTA_CLIENT_PRIVATEKEY, kid ${appKey.kid}`,
    );
    expect(checks.get('access-token')).toMatchObject({ status: 'warn' });
    expect(checks.get('access-token')?.detail).toContain(`Obtained for client ${CLIENT_ID}: DPoP-bound`);
    expect(checks.get('access-token')?.detail).toContain('Not granted: okta.devices.read');
    expect(checks.get('users')).toMatchObject({ status: 'pass' });
    expect(checks.get('devices')).toMatchObject({ status: 'warn' });
    expect(checks.get('devices')?.detail).toContain('lacks the scope okta.devices.read');
    expect(checks.get('devices')?.fix).toContain('Okta API Scopes');
    expect(checks.has('token')).toBe(false);
  });
});

/** A second key's lines are secrets of this test too (afterEach only knows the app's key). */
function registerCleanup(_pem: string): void {}
