import {
  type AuthMode,
  type ResolvedCredentials,
  resolveAuthMode,
  resolveCredentials,
} from '../../../config/credentials.js';
import {
  describeSource,
  profileLoader,
  resolveOrgUrl,
  resolveToken,
  type ValueSource,
} from '../../../config/resolve.js';
import type { Profile } from '../../../config/schema.js';
import { maskToken } from '../../../config/token.js';
import { ConfigError, UsageError } from '../../../errors.js';
import type { OrgUrl } from '../../../okta/org-url.js';
import type { Env } from '../../../ui/io.js';
import type { CheckList } from './check-list.js';

/** Where the settings come from: the profile, the environment and the flags. */
export interface ConfigurationInput {
  profile: string;
  env: Env;
  cwd: string;
  /** `--domain`. */
  domain?: string | undefined;
  /** `--auth token|oauth`. */
  auth?: string | undefined;
  /** `--scopes`. */
  scopes?: string | undefined;
  /** The token read with `--token-stdin`. */
  tokenFlag?: string | undefined;
}

/** What the configuration checks found: the later checks build on it. */
export interface Configuration {
  loadProfile: () => Profile | undefined;
  orgUrl: OrgUrl | undefined;
  /** Where the domain came from, for messages (`OKTA_CLIENT_ORGURL`, `profile "default"`, …). */
  domainFrom: string;
  /** The error that failed the domain check: a later check failing with the same one is skipped. */
  domainError: unknown;
  token: { token: string; source: ValueSource } | undefined;
  oauth: Extract<ResolvedCredentials, { kind: 'oauth' }> | undefined;
}

const KIND_LABEL: Record<OrgUrl['kind'], string> = {
  'okta-hosted': 'Okta-hosted',
  custom: 'custom domain',
  loopback: 'local test server',
};

/** The domain and the credentials (an API token or an OAuth client), each from flag > environment > profile. */
export function checkConfiguration(list: CheckList, input: ConfigurationInput): Configuration {
  const { profile, env } = input;
  const loadProfile = profileLoader({ profile, env });
  let domainError: unknown;
  let orgUrl: OrgUrl | undefined;
  let domainFrom = '';
  try {
    const resolved = resolveOrgUrl({ profile, env, loadProfile, flags: { domain: input.domain } });
    orgUrl = resolved.orgUrl;
    domainFrom = describeSource(resolved.source, 'domain', profile);
    list.add({
      id: 'domain',
      title: 'Okta domain',
      status: 'pass',
      detail: `${orgUrl.host} (${KIND_LABEL[orgUrl.kind]}), from ${domainFrom}.`,
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    domainError = error;
    list.failWith('domain', 'Okta domain', error);
  }

  let token: Configuration['token'];
  let oauth: Configuration['oauth'];
  let authMode: AuthMode = 'token';
  try {
    authMode = resolveAuthMode({ env, flags: { auth: input.auth, token: input.tokenFlag }, loadProfile });
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof UsageError)) throw error;
  }
  if (authMode === 'oauth') {
    try {
      const resolved = resolveCredentials({
        profile,
        env,
        loadProfile,
        cwd: input.cwd,
        flags: { auth: 'oauth', scopes: input.scopes },
      });
      if (resolved.kind === 'oauth') {
        oauth = resolved;
        const key = `${resolved.key.key.asymmetricKeyType === 'rsa' ? 'RSA' : 'EC'} key (${resolved.key.alg}) from ${resolved.from.privateKey}`;
        const kid = resolved.keyId ?? resolved.key.kid;
        list.add({
          id: 'oauth-client',
          title: 'OAuth client',
          status: 'pass',
          detail: `Client ${resolved.clientId} (from ${resolved.from.clientId}), ${key}${kid ? `, kid ${kid}` : ', no kid'}.`,
        });
      }
    } catch (error) {
      if (!(error instanceof ConfigError || error instanceof UsageError)) throw error;
      list.failWith('oauth-client', 'OAuth client', error);
    }
  } else
    try {
      const resolved = resolveToken({ profile, env, loadProfile, flags: { token: input.tokenFlag } });
      token = resolved;
      const from = describeSource(resolved.source, 'token', profile);
      const detail = `${maskToken(resolved.token)}, from ${from}.`;
      if (resolved.notes.length > 0) {
        list.add({
          id: 'token-format',
          title: 'API token format',
          status: 'warn',
          detail: `${detail} ${resolved.notes.join(' ')}`,
          fix: `Store the bare token in ${from}.`,
        });
      } else {
        list.add({ id: 'token-format', title: 'API token format', status: 'pass', detail });
      }
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      if (error === domainError)
        list.skip('token-format', 'API token format', 'the config file could not be read (see above)');
      else list.failWith('token-format', 'API token format', error);
    }
  return { loadProfile, orgUrl, domainFrom, domainError, token, oauth };
}
