import { parseProxyUrl } from '../../config/network.js';
import { DEFAULT_FORMAT, defaultOutputDir } from '../../config/resolve.js';
import type { OutputFormat, Profile } from '../../config/schema.js';
import { maskToken } from '../../config/token.js';
import { describeProxy } from '../../okta/proxy-for-url.js';
import { parseSigningKey } from '../../okta/signing-key.js';
import type { Env } from '../../ui/io.js';

/** A profile as shown to people: the token masked, missing settings filled with their defaults. */
export interface ProfileView {
  name: string;
  domain: string | null;
  /** `00ab…wxyz`, or null when the profile has no token. */
  token: string | null;
  outputDir: string;
  format: OutputFormat;
  schedule: string | null;
  /** Only for an OAuth profile (an API token is the default). */
  auth?: 'oauth';
  /** OAuth: the client id, and the key described (never shown). */
  clientId?: string;
  privateKey?: string;
  keyId?: string;
  scopes?: string;
  /** The proxy URL, its password masked (only when set). */
  proxy?: string;
  /** Only when set. */
  caFile?: string;
  /** Only when set: the host confirmed with --trust-host. */
  trustedHost?: string;
  /** Settings the profile does not set, shown with their default. */
  defaults: Array<'outputDir' | 'format'>;
}

/** The profile `name` as shown to people: no secret in it. */
export function viewOf(name: string, profile: Profile, env: Env): ProfileView {
  const defaults: ProfileView['defaults'] = [];
  if (!profile.outputDir) defaults.push('outputDir');
  if (!profile.format) defaults.push('format');
  return {
    name,
    domain: profile.domain ?? null,
    token: profile.token ? maskToken(profile.token) : null,
    outputDir: profile.outputDir ?? defaultOutputDir(env),
    format: profile.format ?? DEFAULT_FORMAT,
    schedule: profile.schedule ?? null,
    ...(profile.auth === 'oauth' ? { auth: 'oauth' as const } : {}),
    ...(profile.clientId ? { clientId: profile.clientId } : {}),
    ...(profile.privateKey ? { privateKey: describeKey(profile.privateKey) } : {}),
    ...(profile.keyId ? { keyId: profile.keyId } : {}),
    ...(profile.scopes ? { scopes: profile.scopes } : {}),
    ...(profile.proxy ? { proxy: maskedProxy(profile.proxy) } : {}),
    ...(profile.caFile ? { caFile: profile.caFile } : {}),
    ...(profile.trustedHost ? { trustedHost: profile.trustedHost } : {}),
    defaults,
  };
}

/** `RSA key (RS256)`: what a stored private key is, never the key. */
function describeKey(text: string): string {
  try {
    const key = parseSigningKey(text, 'the profile');
    return `${key.key.asymmetricKeyType === 'rsa' ? 'RSA' : 'EC'} key (${key.alg})`;
  } catch {
    return '(invalid key)';
  }
}

function maskedProxy(value: string): string {
  try {
    return describeProxy(parseProxyUrl(value, 'the profile'));
  } catch {
    return '(invalid)';
  }
}
