import { readFileSync } from 'node:fs';
import { ConfigError, UsageError } from '../errors.js';
import type { OktaCredentials } from '../okta/client.js';
import { parseSigningKey, type SigningKey } from '../okta/signing-key.js';
import type { Env } from '../ui/io.js';
import { registerSecret } from '../ui/redact.js';
import { resolveUserPath } from './paths.js';
import { ENV, profileLoader, type ResolveOptions, resolveToken, type ValueSource } from './resolve.js';
import type { Profile } from './schema.js';

/** The OAuth variables of the Okta SDKs (okta-sdk-nodejs, okta-sdk-golang). */
export const OAUTH_ENV = {
  mode: 'OKTA_CLIENT_AUTHORIZATIONMODE',
  clientId: 'OKTA_CLIENT_CLIENTID',
  keyId: 'OKTA_CLIENT_KEYID',
  privateKey: 'OKTA_CLIENT_PRIVATEKEY',
  scopes: 'OKTA_CLIENT_SCOPES',
} as const;

export type AuthMode = 'token' | 'oauth';

/** `--auth`, `--client-id`, `--private-key-file`, `--key-id`, `--scopes`, `--dpop`, and the token from stdin. */
export interface CredentialFlags {
  auth?: string | undefined;
  token?: string | undefined;
  clientId?: string | undefined;
  privateKeyFile?: string | undefined;
  keyId?: string | undefined;
  scopes?: string | undefined;
  dpop?: boolean | undefined;
}

export type ResolvedCredentials =
  | { kind: 'ssws'; token: string; source: ValueSource; notes: string[] }
  | {
      kind: 'oauth';
      clientId: string;
      key: SigningKey;
      keyId: string | undefined;
      /** Scopes given explicitly; undefined: the command asks for what it needs. */
      scopes: string[] | undefined;
      dpop: boolean;
      /** Where each value came from, for messages (`OKTA_CLIENT_CLIENTID`, `profile "default"` …). */
      from: { clientId: string; privateKey: string; scopes: string | undefined };
      notes: string[];
    };

/** Parses `--auth` or OKTA_CLIENT_AUTHORIZATIONMODE: `token`/`SSWS` or `oauth`/`PrivateKey`. */
export function parseAuthMode(value: string, from: string, isFlag = false): AuthMode {
  const mode = value.trim().toLowerCase();
  if (mode === 'token' || mode === 'ssws') return 'token';
  if (mode === 'oauth' || mode === 'privatekey') return 'oauth';
  const message = `${from} is "${value}"; use "token" (SSWS, an API token) or "oauth" (PrivateKey, an API Services app).`;
  throw isFlag ? new UsageError(message) : new ConfigError(message);
}

/**
 * Checks a client id (`--client-id` or the configure prompt): one word, not a placeholder or a URL.
 * @throws UsageError saying where to find the real one, never repeating the value (it may be a pasted secret).
 */
export function parseClientId(value: string, from: string): string {
  const id = value.trim();
  const fail = (problem: string) =>
    new UsageError(`${from} ${problem}.`, {
      hint: "Copy the Client ID from the API Services app's General tab (Admin Console > Applications > the app), e.g. 0oa1b2c3d4e5f6g7h8i9.",
    });
  if (id === '') throw fail('is empty');
  if (/^[{<$]|[}>]$|^your[_-]?client[_-]?id$/i.test(id)) throw fail('is a placeholder');
  if (/\s/.test(id)) throw fail('contains spaces');
  if (/[/:]/.test(id)) throw fail('looks like a URL, not a client id');
  return id;
}

/** Splits `okta.users.read okta.groups.read` or `okta.users.read,okta.groups.read`. */
export function parseScopes(value: string): string[] {
  return [...new Set(value.split(/[\s,]+/).filter(Boolean))];
}

/** Registers a private key for redaction: the whole text and each line of a PEM body. */
export function registerPrivateKey(text: string | undefined): void {
  if (!text) return;
  registerSecret(text.trim());
  for (const line of text.split(/\\n|\n/)) {
    if (!line.startsWith('-----')) registerSecret(line.trim());
  }
  try {
    const jwk = JSON.parse(text) as {
      d?: unknown;
      p?: unknown;
      q?: unknown;
      dp?: unknown;
      dq?: unknown;
      qi?: unknown;
    };
    for (const part of [jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi])
      if (typeof part === 'string') registerSecret(part);
  } catch {
    // Not a JWK.
  }
}

/** Reads `--private-key-file` (never printed). */
export function readPrivateKeyFile(file: string, env: Env, cwd: string): { text: string; path: string } {
  const path = resolveUserPath(file, env, cwd);
  try {
    const text = readFileSync(path, 'utf8');
    registerPrivateKey(text);
    return { text, path };
  } catch (error) {
    throw new UsageError(
      `Cannot read the private key file ${path} (${(error as NodeJS.ErrnoException).code ?? 'EIO'}).`,
      {
        hint: 'Give the path of the PEM or JWK file of the private key.',
      },
    );
  }
}

/** Which credentials to use: `--auth` > OKTA_CLIENT_AUTHORIZATIONMODE > which SDK variables are set > the profile. */
export function resolveAuthMode(options: {
  env: Env;
  flags?: CredentialFlags;
  loadProfile: () => Profile | undefined;
}): AuthMode {
  const { env, flags = {} } = options;
  if (flags.auth) return parseAuthMode(flags.auth, '--auth', true);
  if (flags.token !== undefined) return 'token';
  if (flags.clientId || flags.privateKeyFile) return 'oauth';
  if (env[OAUTH_ENV.mode]?.trim()) return parseAuthMode(env[OAUTH_ENV.mode] as string, OAUTH_ENV.mode);
  if (env[ENV.token]?.trim()) return 'token';
  if (env[OAUTH_ENV.clientId]?.trim() && env[OAUTH_ENV.privateKey]?.trim()) return 'oauth';
  const profile = options.loadProfile();
  if (profile?.auth) return profile.auth;
  return profile?.clientId && profile.privateKey && !profile.token ? 'oauth' : 'token';
}

/**
 * The credentials, each value from the first of: flag, environment (the Okta SDKs' names), profile.
 * With only OKTA_CLIENT_ORGURL, OKTA_CLIENT_AUTHORIZATIONMODE=PrivateKey, OKTA_CLIENT_CLIENTID,
 * OKTA_CLIENT_PRIVATEKEY (and optionally OKTA_CLIENT_KEYID, OKTA_CLIENT_SCOPES) every command works.
 * @throws ConfigError naming what is missing and where it was looked for; never showing a key.
 */
export function resolveCredentials(
  options: ResolveOptions & { flags?: CredentialFlags; cwd?: string },
): ResolvedCredentials {
  const loadProfile = options.loadProfile ?? profileLoader(options);
  const { env, flags = {} } = options;
  const mode = resolveAuthMode({ env, flags, loadProfile });
  if (mode === 'token') {
    const token = resolveToken({ ...options, loadProfile, flags: { token: flags.token } });
    return { kind: 'ssws', ...token };
  }
  registerPrivateKey(env[OAUTH_ENV.privateKey]);
  const profileName = `profile "${options.profile}"`;
  const pick = (
    flag: string | undefined,
    flagName: string,
    envName: string,
    fromProfile: () => string | undefined,
  ) => {
    if (flag?.trim()) return { value: flag.trim(), from: flagName };
    const fromEnv = env[envName]?.trim();
    if (fromEnv) return { value: fromEnv, from: envName };
    const stored = fromProfile()?.trim();
    return stored ? { value: stored, from: profileName } : undefined;
  };
  const setup = `Run "okta-connector configure --auth oauth${options.profile === 'default' ? '' : ` --profile ${options.profile}`}", or set ${OAUTH_ENV.clientId} and ${OAUTH_ENV.privateKey}.`;
  const clientId = pick(flags.clientId, '--client-id', OAUTH_ENV.clientId, () => loadProfile()?.clientId);
  if (!clientId)
    throw new ConfigError(
      `OAuth needs the app's client id: --client-id, ${OAUTH_ENV.clientId} and ${profileName} give none.`,
      { hint: setup },
    );
  let keyText: { value: string; from: string } | undefined;
  if (flags.privateKeyFile) {
    const file = readPrivateKeyFile(flags.privateKeyFile, env, options.cwd ?? process.cwd());
    keyText = { value: file.text, from: `--private-key-file ${file.path}` };
  } else {
    keyText = pick(undefined, '', OAUTH_ENV.privateKey, () => loadProfile()?.privateKey);
  }
  if (!keyText)
    throw new ConfigError(
      `OAuth needs the app's private key: ${OAUTH_ENV.privateKey} and ${profileName} give none.`,
      { hint: setup },
    );
  registerPrivateKey(keyText.value);
  const key = parseSigningKey(keyText.value, keyText.from);
  const keyId = pick(flags.keyId, '--key-id', OAUTH_ENV.keyId, () => loadProfile()?.keyId);
  const scopes = pick(flags.scopes, '--scopes', OAUTH_ENV.scopes, () => loadProfile()?.scopes);
  const parsedScopes = scopes ? parseScopes(scopes.value) : undefined;
  if (parsedScopes?.length === 0) throw new ConfigError(`The scopes from ${scopes?.from} are empty.`);
  return {
    kind: 'oauth',
    clientId: clientId.value,
    key,
    keyId: keyId?.value,
    scopes: parsedScopes,
    dpop: flags.dpop ?? loadProfile()?.dpop ?? false,
    from: { clientId: clientId.from, privateKey: keyText.from, scopes: scopes?.from },
    notes: [],
  };
}

/** The client's credentials, with `scopes` as the default when none were given explicitly. */
export function clientCredentials(
  resolved: ResolvedCredentials,
  defaultScopes: readonly string[],
): OktaCredentials {
  if (resolved.kind === 'ssws') return { kind: 'ssws', token: resolved.token };
  return {
    kind: 'oauth',
    clientId: resolved.clientId,
    key: resolved.key,
    keyId: resolved.keyId,
    scopes: resolved.scopes ?? defaultScopes,
    dpop: resolved.dpop,
  };
}
