import {
  type AuthMode,
  clientCredentials,
  type ResolvedCredentials,
  resolveAuthMode,
  resolveCredentials,
} from '../../config/credentials.js';
import { type ResolvedNetwork, resolveNetwork } from '../../config/network.js';
import { resolveUserPath } from '../../config/paths.js';
import {
  describeSource,
  profileLoader,
  type ResolvedSettings,
  resolveOrgUrl,
  resolveSettings,
  resolveToken,
  type ValueSource,
} from '../../config/resolve.js';
import { maskToken } from '../../config/token.js';
import { ConfigError, ConnectorError, ExitCode, type ExitCodeValue, UsageError } from '../../errors.js';
import { ENTITY_NAMES } from '../../inventory/entities.js';
import { OktaClient, type OktaClientOptions, type RequestEvent } from '../../okta/client.js';
import {
  checkDns,
  checkTls,
  checkWritableDirectory,
  clockSkewSeconds,
  type DnsOptions,
  type DnsResult,
  endpointOf,
  fetchOktaOrganization,
  fetchTokenOwner,
  type OktaOrganization,
  type ProbeId,
  probeEndpoint,
  probePath,
  type TlsOptions,
  type TlsResult,
} from '../../okta/diagnostics.js';
import { AuthError, NotFoundError, PermissionError } from '../../okta/errors.js';
import { trustedCertificates } from '../../okta/network-options.js';
import type { OrgUrl } from '../../okta/org-url.js';
import { describeProxy, proxyForUrl } from '../../okta/proxy-for-url.js';
import { isNotAnOktaOrg, notAnOktaOrgMessage, statusOfOktaError } from '../../okta/verify-okta-org.js';
import { scopesForEntities } from '../../sync/entity-scopes.js';
import { type Env, type Io, SYMBOLS } from '../../ui/io.js';
import { createPrompter, readAllInput } from '../../ui/prompt.js';
import { registerSecret } from '../../ui/redact.js';
import { logRequests } from '../../ui/request-log.js';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface Check {
  /** Stable id: `domain`, `token-format`, `dns`, `tls`, `okta-org`, `token`, `users`, …, `rate-limit`, `clock`, `output-dir`. */
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  /** What to do, for `fail` and `warn`. */
  fix?: string;
}

/** The `--json` document of test-connection. */
export interface TestConnectionReport {
  /** True when everything sync needs works (warnings allowed). */
  ok: boolean;
  exitCode: ExitCodeValue;
  profile: string;
  checks: Check[];
}

export interface TestConnectionOptions {
  profile: string;
  env: Env;
  cwd: string;
  /** `--domain`: test this domain instead of the profile's or the environment's. */
  domain?: string | undefined;
  /** `--token-stdin`: read the token from stdin. */
  tokenStdin?: boolean | undefined;
  /** `--auth token|oauth`. */
  auth?: string | undefined;
  /** `--scopes`: OAuth scopes to ask for (default: every read scope sync may need). */
  scopes?: string | undefined;
  /** `--proxy`: wins over HTTPS_PROXY and the profile. */
  proxy?: string | undefined;
  /** `--ca-file`: PEM file of extra CA certificates. */
  caFile?: string | undefined;
  /** `--output-dir`: check this folder instead of the configured one. */
  outputDir?: string | undefined;
  /** `--demo`: check the built-in sample org (what `sync --demo` reads) and `./okta-inventory-demo`. */
  demo?: boolean | undefined;
  /** Clock in ms, for the clock-skew check and the System Log probe. @default Date.now */
  now?: () => number;
  /** Name resolution and TLS (tests point them at local servers). */
  dns?: DnsOptions;
  tls?: TlsOptions;
  /** Timeouts and retries of the API requests. @default one retry, 15 s per attempt */
  client?: Pick<OktaClientOptions, 'scheduler' | 'timeoutMs'>;
}

/** Every read scope a sync may need: test-connection asks for all of them. */
const ALL_READ_SCOPES = scopesForEntities(ENTITY_NAMES);

/** The scope each probe reads with, for messages. */
const PROBE_SCOPES: Record<ProbeId, string> = {
  users: 'okta.users.read',
  groups: 'okta.groups.read',
  apps: 'okta.apps.read',
  'app-users': 'okta.apps.read',
  logs: 'okta.logs.read',
  'admin-roles': 'okta.roles.read',
  devices: 'okta.devices.read',
  'user-schema': 'okta.schemas.read',
};

const SERVICE_APP_ROLE =
  'The app has the scope but no admin role that may read this: assign the Read-Only Administrator role to the app (Admin Console > Applications > the app > Admin roles > Edit assignments). A scope only opens an endpoint; the role decides what the app may read there.';

/** Share of a rate-limit bucket below which the check warns. */
const LOW_HEADROOM = 0.2;
/** Clock skew, in seconds, above which the check warns. */
const MAX_SKEW_SECONDS = 60;

const READ_ONLY_ADMIN =
  'Give the admin who created the token the Read-Only Administrator role (Admin Console > Security > Administrators), or create the token as an admin who has it (Super Administrator also works). A token always has exactly the permissions of its admin.';

interface ProbeSpec {
  id: ProbeId;
  title: string;
  /** What the inventory lacks without it. */
  data: string;
  required: boolean;
  /** Advice for a 403. */
  permissionFix: string;
}

const PROBES: ProbeSpec[] = [
  {
    id: 'users',
    title: 'Read users',
    data: 'users (the base of the inventory)',
    required: true,
    permissionFix: READ_ONLY_ADMIN,
  },
  {
    id: 'groups',
    title: 'Read groups',
    data: 'groups and group memberships',
    required: true,
    permissionFix: READ_ONLY_ADMIN,
  },
  { id: 'apps', title: 'Read apps', data: 'apps', required: true, permissionFix: READ_ONLY_ADMIN },
  {
    id: 'app-users',
    title: 'Read app assignments',
    data: 'app assignments (who has which app: the licence data)',
    required: true,
    permissionFix: READ_ONLY_ADMIN,
  },
  {
    id: 'logs',
    title: 'Read System Log',
    data: 'sign-in usage (last app sign-in per user)',
    required: false,
    permissionFix: READ_ONLY_ADMIN,
  },
  {
    id: 'admin-roles',
    title: 'Read admin roles',
    data: 'admin role assignments',
    required: false,
    permissionFix:
      'Okta can refuse the list of admin role assignments to a Read-Only Administrator; a token created by a Super Administrator can read it. Everything else in the inventory is unaffected.',
  },
  { id: 'devices', title: 'Read devices', data: 'devices', required: false, permissionFix: READ_ONLY_ADMIN },
  {
    id: 'user-schema',
    title: 'Read user schema',
    data: 'custom user attribute names (their values are still exported)',
    required: false,
    permissionFix: READ_ONLY_ADMIN,
  },
];

function exitCodeOf(error: unknown): ExitCodeValue {
  return error instanceof ConnectorError ? error.exitCode : ExitCode.Internal;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hintOf(error: unknown): string | undefined {
  return error instanceof ConnectorError ? error.hint : undefined;
}

const KIND_LABEL: Record<OrgUrl['kind'], string> = {
  'okta-hosted': 'Okta-hosted',
  custom: 'custom domain',
  loopback: 'local test server',
};

const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

const NETWORK_FIX =
  'Check the network, VPN, firewall or proxy between this machine and Okta. If this network reaches the internet through a proxy, set HTTPS_PROXY (or use --proxy, or okta-connector configure --proxy for cron).';

const CA_FIX =
  'run okta-connector with --ca-file /path/to/ca.pem (or save it with okta-connector configure --ca-file, for cron), or set NODE_EXTRA_CA_CERTS=/path/to/ca.pem (in the cron job too). Never turn certificate checks off.';

function dnsFailure(hostname: string, code: string, domainFrom: string): Pick<Check, 'detail' | 'fix'> {
  if (code === 'ENOTFOUND') {
    return {
      detail: `${hostname} does not exist in DNS (ENOTFOUND).`,
      fix: `Check the domain from ${domainFrom} for typos: the Admin Console shows it under your name at the top right (e.g. acme.okta.com). If it is right, this network's DNS cannot resolve it: try "nslookup ${hostname}" and check the VPN or split DNS.`,
    };
  }
  if (code === 'EAI_AGAIN' || code === 'ETIMEOUT') {
    return {
      detail: `No DNS server answered for ${hostname} (${code}).`,
      fix: 'Check that this machine is online and its DNS settings work, then try again.',
    };
  }
  return { detail: `The DNS lookup of ${hostname} failed (${code}).`, fix: NETWORK_FIX };
}

function tlsFailure(
  hostname: string,
  port: number,
  result: TlsResult,
  network: ResolvedNetwork | undefined,
): Pick<Check, 'detail' | 'fix'> {
  const code = result.errorCode ?? 'unknown error';
  const issuer = result.issuer ? ` It was issued by "${result.issuer}".` : '';
  if (result.proxyStatus !== undefined) return proxyRefusal(hostname, result.proxyStatus, network);
  if (UNTRUSTED_CERTIFICATE.has(code)) {
    const root = result.rootIssuer ?? result.issuer;
    const wanted = root ? `the certificate of "${root}"` : 'its root CA certificate';
    const caFile = network?.caFile
      ? ` The CA file ${network.caFile.path} (from ${network.caFile.from}) does not hold it.`
      : '';
    return {
      detail: `The certificate presented for ${hostname} is not trusted (${code}).${issuer}${caFile}`,
      fix: `This is usually a TLS-inspecting proxy or firewall that replaces Okta's certificate with its own. Ask your network team for ${wanted} (a PEM file), then ${CA_FIX}`,
    };
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    const when =
      code === 'CERT_HAS_EXPIRED' ? `expired on ${result.validTo}` : `is valid only from ${result.validFrom}`;
    return {
      detail: `The certificate presented for ${hostname} ${when} (${code}).${issuer}`,
      fix: "Check this machine's date and time. If they are right, a proxy between this machine and Okta may be presenting an old certificate.",
    };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || /altname|does not match/i.test(code)) {
    return {
      detail: `The certificate presented is not valid for ${hostname}${result.altNames ? ` (it covers ${result.altNames})` : ''}.${issuer}`,
      fix: 'Check the domain. A custom domain needs its certificate set up in Okta (Customizations > Domain); a TLS-inspecting proxy can also cause this (see --ca-file and NODE_EXTRA_CA_CERTS).',
    };
  }
  const proxy = network?.proxy;
  if (proxy && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPROXY'].includes(code)) {
    return {
      detail: `Could not reach Okta through the proxy ${proxy.shown} (${code}).`,
      fix: `Check the proxy address and port (from ${proxy.from}), that the proxy is running, and that this machine may use it.`,
    };
  }
  if (code === 'ECONNREFUSED')
    return { detail: `${hostname}:${port} refused the connection (ECONNREFUSED).`, fix: NETWORK_FIX };
  if (code === 'ETIMEDOUT')
    return { detail: `No answer from ${hostname}:${port} (ETIMEDOUT).`, fix: NETWORK_FIX };
  return {
    detail: `The TLS connection to ${hostname}:${port} failed (${code}).${issuer}`,
    fix: `${NETWORK_FIX} If your network inspects TLS, give okta-connector the proxy's CA certificate with --ca-file (or NODE_EXTRA_CA_CERTS).`,
  };
}

/** The proxy answered CONNECT with a refusal: what it means and what to change. */
function proxyRefusal(
  hostname: string,
  status: number,
  network: ResolvedNetwork | undefined,
): Pick<Check, 'detail' | 'fix'> {
  const proxy = network?.proxy ?? { shown: 'the proxy', from: 'the configuration' };
  if (status === 407) {
    const hasCredentials = proxy.shown.includes('@');
    return {
      detail: hasCredentials
        ? `The proxy ${proxy.shown} rejected its user name or password (HTTP 407).`
        : `The proxy ${proxy.shown} requires a user name and password (HTTP 407).`,
      fix: `Put the right credentials in the proxy URL (from ${proxy.from}): http://user:password@proxy:port, percent-encoding @ : / % in them (p%40ss for p@ss).`,
    };
  }
  return {
    detail: `The proxy ${proxy.shown} refused to connect to ${hostname} (HTTP ${status} to CONNECT).`,
    fix:
      status >= 500
        ? `The proxy could not reach ${hostname}: check the proxy's own access to the internet, or Okta's status (https://status.okta.com).`
        : `Ask your network team to allow ${hostname} through the proxy, or list it in NO_PROXY if it should be reached directly.`,
  };
}

async function readTokenInput(io: Io): Promise<string> {
  if (!io.isTTY.stdin) return readAllInput(io.stdin);
  const prompter = createPrompter(io);
  try {
    return await prompter.askSecret('API token (input is hidden)');
  } finally {
    prompter.close();
  }
}

/**
 * `okta-connector test-connection`: walks the checks an admin needs while onboarding (configuration,
 * DNS, TLS, the org, the token, each permission sync needs, rate-limit headroom, clock, output folder)
 * and returns them; later checks that depend on a failed one are skipped. Never throws for a failed
 * check: the report's `exitCode` says how it went (0 when only optional data is missing).
 */
export async function testConnection(options: TestConnectionOptions, io: Io): Promise<TestConnectionReport> {
  if (options.demo) return testDemoConnection(options, io);
  const now = options.now ?? Date.now;
  const { profile, env } = options;
  const tokenFlag = options.tokenStdin ? await readTokenInput(io) : undefined;
  const checks: Check[] = [];
  let exitCode: ExitCodeValue = ExitCode.Success;
  const spinner = io.spinner('Testing the connection to Okta…');
  const add = (check: Check, failureCode: ExitCodeValue = ExitCode.Internal): Check => {
    checks.push(check);
    if (check.status === 'fail' && exitCode === ExitCode.Success) exitCode = failureCode;
    return check;
  };
  const skip = (id: string, title: string, reason: string) =>
    add({ id, title, status: 'skip', detail: `Skipped: ${reason}.` });
  /** A failed check that is a settings error: its message, its fix, its exit code. */
  const failWith = (id: string, title: string, error: ConnectorError) =>
    add(
      { id, title, status: 'fail', detail: error.message, ...(error.hint ? { fix: error.hint } : {}) },
      error.exitCode,
    );
  const step = (title: string) => spinner.update(`Checking: ${title}…`);

  try {
    // Configuration: the domain and the token, each from flag > environment > profile.
    const loadProfile = profileLoader({ profile, env });
    let domainError: unknown;
    let orgUrl: OrgUrl | undefined;
    let domainFrom = '';
    try {
      const resolved = resolveOrgUrl({ profile, env, loadProfile, flags: { domain: options.domain } });
      orgUrl = resolved.orgUrl;
      domainFrom = describeSource(resolved.source, 'domain', profile);
      add({
        id: 'domain',
        title: 'Okta domain',
        status: 'pass',
        detail: `${orgUrl.host} (${KIND_LABEL[orgUrl.kind]}), from ${domainFrom}.`,
      });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      domainError = error;
      failWith('domain', 'Okta domain', error);
    }

    let token: { token: string; source: ValueSource } | undefined;
    let oauth: Extract<ResolvedCredentials, { kind: 'oauth' }> | undefined;
    let authMode: AuthMode = 'token';
    try {
      authMode = resolveAuthMode({ env, flags: { auth: options.auth, token: tokenFlag }, loadProfile });
    } catch (error) {
      if (!(error instanceof ConfigError || error instanceof UsageError)) throw error;
    }
    if (authMode === 'oauth') {
      try {
        const resolved = resolveCredentials({
          profile,
          env,
          loadProfile,
          cwd: options.cwd,
          flags: { auth: 'oauth', scopes: options.scopes },
        });
        if (resolved.kind === 'oauth') {
          oauth = resolved;
          const key = `${resolved.key.key.asymmetricKeyType === 'rsa' ? 'RSA' : 'EC'} key (${resolved.key.alg}) from ${resolved.from.privateKey}`;
          const kid = resolved.keyId ?? resolved.key.kid;
          add({
            id: 'oauth-client',
            title: 'OAuth client',
            status: 'pass',
            detail: `Client ${resolved.clientId} (from ${resolved.from.clientId}), ${key}${kid ? `, kid ${kid}` : ', no kid'}.`,
          });
        }
      } catch (error) {
        if (!(error instanceof ConfigError || error instanceof UsageError)) throw error;
        failWith('oauth-client', 'OAuth client', error);
      }
    } else
      try {
        const resolved = resolveToken({ profile, env, loadProfile, flags: { token: tokenFlag } });
        token = resolved;
        const from = describeSource(resolved.source, 'token', profile);
        const detail = `${maskToken(resolved.token)}, from ${from}.`;
        if (resolved.notes.length > 0) {
          add({
            id: 'token-format',
            title: 'API token format',
            status: 'warn',
            detail: `${detail} ${resolved.notes.join(' ')}`,
            fix: `Store the bare token in ${from}.`,
          });
        } else {
          add({ id: 'token-format', title: 'API token format', status: 'pass', detail });
        }
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        if (error === domainError)
          skip('token-format', 'API token format', 'the config file could not be read (see above)');
        else failWith('token-format', 'API token format', error);
      }

    // The route to Okta: a proxy (HTTPS_PROXY, --proxy, the profile) and extra CAs (--ca-file).
    let network: ResolvedNetwork | undefined;
    let proxy: URL | undefined;
    try {
      network = resolveNetwork({
        profile,
        env,
        loadProfile,
        cwd: options.cwd,
        flags: { proxy: options.proxy, caFile: options.caFile },
      });
      proxy = orgUrl ? proxyForUrl(new URL(orgUrl.origin), network.options.proxy) : undefined;
      if (proxy) {
        add({
          id: 'proxy',
          title: 'Proxy',
          status: 'pass',
          detail: `Requests go through ${describeProxy(proxy)}, from ${network.proxy?.from ?? 'the environment'}${network.noProxy ? ` (NO_PROXY: ${network.noProxy})` : ''}.`,
        });
      } else if (network.proxy && orgUrl) {
        add({
          id: 'proxy',
          title: 'Proxy',
          status: 'pass',
          detail: `${orgUrl.host} is reached directly: NO_PROXY (${network.noProxy}) names it, so the proxy ${network.proxy.shown} is not used.`,
        });
      }
    } catch (error) {
      if (!(error instanceof ConfigError || error instanceof UsageError)) throw error;
      if (error !== domainError) failWith('proxy', 'Proxy', error);
    }

    // Network: DNS, then TLS.
    let reachable = false;
    if (!orgUrl || !network) {
      skip('dns', 'DNS lookup', 'no valid Okta domain');
      skip('tls', 'TLS certificate', 'no valid Okta domain');
    } else {
      const endpoint = endpointOf(orgUrl);
      step('DNS lookup');
      // Through a proxy, the proxy resolves Okta's name; this machine may not be able to.
      const dns: DnsResult = proxy
        ? { ok: true, addresses: [] }
        : await checkDns(endpoint.hostname, options.dns);
      if (proxy) {
        skip('dns', 'DNS lookup', `the proxy resolves ${endpoint.hostname}`);
      }
      if (dns.ok) {
        const shown = dns.addresses.slice(0, 3).join(', ') + (dns.addresses.length > 3 ? ', …' : '');
        if (!proxy) {
          add({
            id: 'dns',
            title: 'DNS lookup',
            status: 'pass',
            detail: `${endpoint.hostname} resolves to ${shown}.`,
          });
        }
        if (!endpoint.tls) {
          skip(
            'tls',
            'TLS certificate',
            `${orgUrl.origin} is plain http on this machine (only allowed for local test servers)`,
          );
          reachable = true;
        } else {
          step('TLS certificate');
          const tls = await checkTls(endpoint.hostname, endpoint.port, {
            ...options.tls,
            proxy,
            ca: trustedCertificates(network.options.extraCa),
          });
          if (tls.ok) {
            const issuer = tls.issuer ? `, issued by "${tls.issuer}"` : '';
            const until = tls.validTo ? `, valid until ${tls.validTo}` : '';
            const caFile = network.caFile
              ? `; trusted through ${network.caFile.path} (from ${network.caFile.from})`
              : '';
            add({
              id: 'tls',
              title: 'TLS certificate',
              status: 'pass',
              detail: `Trusted certificate for ${endpoint.hostname}${issuer}${until}${tls.protocol ? ` (${tls.protocol})` : ''}${caFile}.`,
            });
            reachable = true;
          } else {
            add(
              {
                id: 'tls',
                title: 'TLS certificate',
                status: 'fail',
                ...tlsFailure(endpoint.hostname, endpoint.port, tls, network),
              },
              ExitCode.Network,
            );
          }
        }
      } else {
        add(
          {
            id: 'dns',
            title: 'DNS lookup',
            status: 'fail',
            ...dnsFailure(endpoint.hostname, dns.code, domainFrom),
          },
          ExitCode.Network,
        );
        skip('tls', 'TLS certificate', 'the DNS lookup failed');
      }
    }

    // Okta itself: the org, the token, then each endpoint sync reads.
    const events: RequestEvent[] = [];
    let clockSample: { serverDate: Date; localMs: number } | undefined;
    const sample = (serverDate: Date | undefined) => {
      if (serverDate) clockSample = { serverDate, localMs: now() };
    };
    let org: OktaOrganization | undefined;
    /** The host did not answer like an Okta org, but the user confirmed it (configure --trust-host). */
    let trustedHost = false;
    let client: OktaClient | undefined;
    if (!orgUrl || !reachable) {
      skip('okta-org', 'Okta org', orgUrl ? 'the host could not be reached' : 'no valid Okta domain');
    } else {
      client = new OktaClient({
        orgUrl,
        // The well-known document is read without the token; it is only sent once the host is known to be Okta.
        credentials: oauth
          ? clientCredentials(oauth, ALL_READ_SCOPES)
          : { kind: 'ssws', token: token?.token ?? '' },
        onSecret: registerSecret,
        network: network?.options,
        timeoutMs: options.client?.timeoutMs ?? 15_000,
        // About a dozen requests: no need to keep half of each bucket free (that could stall a check
        // for a minute on a busy org); the rate-limit check reports the headroom instead.
        scheduler: { maxRetries: 1, share: 1, ...options.client?.scheduler },
        onRequest: (event) => {
          events.push(event);
          logRequests(io)(event);
        },
      });
      step('Okta org');
      try {
        org = await fetchOktaOrganization(client);
        sample(org.serverDate);
        const canonical =
          org.organizationUrl && new URL(org.organizationUrl).origin !== orgUrl.origin
            ? `; its Okta URL is ${org.organizationUrl}`
            : '';
        add({
          id: 'okta-org',
          title: 'Okta org',
          status: 'pass',
          detail: `${orgUrl.host} is an Okta org on ${org.engine} (pipeline ${org.pipeline})${canonical}.`,
        });
      } catch (error) {
        if (isNotAnOktaOrg(error) && loadProfile()?.trustedHost === orgUrl.host) {
          trustedHost = true;
          add({
            id: 'okta-org',
            title: 'Okta org',
            status: 'warn',
            detail: `${notAnOktaOrgMessage(orgUrl.host, error, domainFrom).detail.replace(/\.$/, '')}; you confirmed this host (configure --trust-host), so sync uses it.`,
          });
        } else if (isNotAnOktaOrg(error)) {
          add(
            {
              id: 'okta-org',
              title: 'Okta org',
              status: 'fail',
              ...notAnOktaOrgMessage(orgUrl.host, error, domainFrom),
            },
            ExitCode.Config,
          );
        } else {
          add(
            {
              id: 'okta-org',
              title: 'Okta org',
              status: 'fail',
              detail: messageOf(error),
              ...(hintOf(error) ? { fix: hintOf(error) } : {}),
            },
            exitCodeOf(error),
          );
        }
      }
    }

    let tokenValid = false;
    if (oauth) {
      if ((!org && !trustedHost) || !client)
        skip('access-token', 'Access token', 'the Okta org could not be confirmed');
      else {
        step('Access token');
        try {
          const info = await client.accessTokenInfo();
          tokenValid = true;
          const kind = info?.type === 'DPoP' ? 'DPoP-bound (proof of possession)' : 'Bearer';
          const detail = `Obtained for client ${oauth.clientId}: ${kind}, valid ${info?.lifetimeSeconds ?? '?'} s; scopes granted: ${info?.scopes.join(' ') || '(none)'}.`;
          if (info && info.missingScopes.length > 0) {
            add({
              id: 'access-token',
              title: 'Access token',
              status: 'warn',
              detail: `${detail} Not granted: ${info.missingScopes.join(' ')}.`,
              fix: `Grant ${info.missingScopes.join(', ')} to the app (Admin Console > Applications > the app > Okta API Scopes > Grant); the data that needs them is skipped until then.`,
            });
          } else {
            add({ id: 'access-token', title: 'Access token', status: 'pass', detail });
          }
        } catch (error) {
          add(
            {
              id: 'access-token',
              title: 'Access token',
              status: 'fail',
              detail: messageOf(error),
              ...(hintOf(error) ? { fix: hintOf(error) } : {}),
            },
            exitCodeOf(error),
          );
        }
      }
    } else if ((!org && !trustedHost) || !client)
      skip('token', 'API token', 'the Okta org could not be confirmed');
    else if (!token) skip('token', 'API token', 'no usable token');
    else {
      step('API token');
      try {
        const owner = await fetchTokenOwner(client);
        sample(owner.serverDate);
        tokenValid = true;
        add({
          id: 'token',
          title: 'API token',
          status: 'pass',
          detail: `Valid; it acts as admin ${owner.login ?? owner.id}${owner.status ? ` (${owner.status})` : ''}.`,
        });
      } catch (error) {
        if (error instanceof AuthError) {
          const save =
            token.source === 'env'
              ? 'put it in OKTA_CLIENT_TOKEN'
              : token.source === 'flag'
                ? 'pass it with --token-stdin'
                : `save it with: okta-connector configure --token-stdin${profile === 'default' ? '' : ` --profile ${profile}`}`;
          add(
            {
              id: 'token',
              title: 'API token',
              status: 'fail',
              detail: `Okta rejected the token${statusOfOktaError(error)}: it is wrong, expired (API tokens expire after 30 days without use), was revoked, or the admin who created it was deactivated.`,
              fix: `Create a new token in the Admin Console (Security > API > Tokens), ideally as a dedicated read-only admin, and ${save}.`,
            },
            ExitCode.Auth,
          );
        } else {
          add(
            {
              id: 'token',
              title: 'API token',
              status: 'fail',
              detail: messageOf(error),
              ...(hintOf(error) ? { fix: hintOf(error) } : {}),
            },
            exitCodeOf(error),
          );
        }
      }
    }

    let appId: string | undefined;
    let appsReadable = false;
    for (const probe of PROBES) {
      if (!tokenValid || !client) {
        const tokenCheck = checks.find((check) => check.id === 'token' || check.id === 'access-token');
        const what = oauth ? 'no access token' : 'the API token';
        skip(
          probe.id,
          probe.title,
          tokenCheck?.status === 'fail'
            ? oauth
              ? 'no access token could be obtained'
              : 'the API token did not work'
            : `${what} could not be checked`,
        );
        continue;
      }
      if (probe.id === 'app-users') {
        if (!appsReadable) {
          skip(probe.id, probe.title, 'apps could not be read');
          continue;
        }
        if (!appId) {
          skip(probe.id, probe.title, 'the org has no apps yet');
          continue;
        }
      }
      step(probe.title);
      const path = probePath(probe.id, { appId });
      try {
        const result = await probeEndpoint(client, probe.id, { appId, now });
        sample(result.response.serverDate);
        if (probe.id === 'apps') {
          appsReadable = true;
          appId = result.firstId;
        }
        add({ id: probe.id, title: probe.title, status: 'pass', detail: `GET ${path} works.` });
      } catch (error) {
        const status: CheckStatus = probe.required ? 'fail' : 'warn';
        const classic = org?.pipeline === 'v1';
        if (
          probe.id === 'devices' &&
          (error instanceof NotFoundError || (error instanceof AuthError && classic))
        ) {
          add({
            id: probe.id,
            title: probe.title,
            status: 'warn',
            detail: `Not available on this org${statusOfOktaError(error)}: the Devices API needs Identity Engine${org ? ` (this org runs ${org.engine})` : ''}. The inventory will have no devices.`,
            fix: 'Nothing to do on a Classic Engine org.',
          });
        } else if (error instanceof PermissionError && error.challenge?.error === 'insufficient_scope') {
          // A scope missing from the token is not a missing admin role: different fixes.
          const scope = error.challenge.scope ?? PROBE_SCOPES[probe.id];
          const effect = probe.required
            ? `sync needs ${probe.data} and cannot run without it.`
            : `the inventory will have no ${probe.data}.`;
          add(
            {
              id: probe.id,
              title: probe.title,
              status,
              detail: `The access token lacks the scope ${scope} for GET ${path} (HTTP 403, insufficient_scope): ${effect}`,
              fix: `Grant ${scope} to the app (Admin Console > Applications > the app > Okta API Scopes > Grant), then run test-connection again.`,
            },
            ExitCode.Permission,
          );
        } else if (error instanceof PermissionError) {
          const effect = probe.required
            ? `sync needs ${probe.data} and cannot run without it.`
            : `the inventory will have no ${probe.data}.`;
          add(
            {
              id: probe.id,
              title: probe.title,
              status,
              detail: `Not allowed to read GET ${path}${statusOfOktaError(error)}: ${effect}`,
              fix: oauth ? SERVICE_APP_ROLE : probe.permissionFix,
            },
            ExitCode.Permission,
          );
        } else {
          const effect = probe.required ? '' : ` The inventory will have no ${probe.data}.`;
          add(
            {
              id: probe.id,
              title: probe.title,
              status,
              detail: `${messageOf(error)}${effect}`,
              ...(hintOf(error) ? { fix: hintOf(error) } : {}),
            },
            exitCodeOf(error),
          );
        }
      }
    }

    // Rate-limit headroom: the latest X-Rate-Limit-* of each bucket (concurrency 429s have limit 0).
    const latest = new Map<string, { limit: number; remaining: number }>();
    for (const event of events) {
      if (event.rateLimit && event.rateLimit.limit > 0) latest.set(event.bucket, event.rateLimit);
    }
    if (!client) skip('rate-limit', 'Rate-limit headroom', 'no request reached Okta');
    else if (latest.size === 0)
      skip('rate-limit', 'Rate-limit headroom', 'Okta sent no X-Rate-Limit headers');
    else {
      const buckets = [...latest].map(([bucket, { limit, remaining }]) => ({
        bucket,
        limit,
        remaining,
        low: remaining < limit * LOW_HEADROOM,
      }));
      const list = buckets
        .map(({ bucket, limit, remaining }) => `${bucket} ${remaining}/${limit}`)
        .join(', ');
      const low = buckets.filter((bucket) => bucket.low);
      if (low.length === 0) {
        add({
          id: 'rate-limit',
          title: 'Rate-limit headroom',
          status: 'pass',
          detail: `Requests left in this minute: ${list}.`,
        });
      } else {
        add({
          id: 'rate-limit',
          title: 'Rate-limit headroom',
          status: 'warn',
          detail: `Under ${LOW_HEADROOM * 100}% left in ${low.map((bucket) => bucket.bucket).join(', ')} (requests left in this minute: ${list}).`,
          fix: 'Other integrations of this org are using most of these rate limits right now; sync will pace itself and take longer. An admin can see who uses them in Reports > Rate Limits.',
        });
      }
    }

    // Clock skew, from the Date header of the latest answer.
    if (!clockSample) skip('clock', 'Clock', 'no answer from Okta with a Date header');
    else {
      const skew = clockSkewSeconds(clockSample.serverDate, clockSample.localMs);
      const side = skew > 0 ? 'ahead of' : 'behind';
      if (Math.abs(skew) <= MAX_SKEW_SECONDS) {
        add({
          id: 'clock',
          title: 'Clock',
          status: 'pass',
          detail:
            skew === 0 ? "In step with Okta's clock." : `${Math.abs(skew)} s ${side} Okta's clock (fine).`,
        });
      } else {
        add({
          id: 'clock',
          title: 'Clock',
          status: 'warn',
          detail: `This machine's clock is ${Math.abs(skew)} s ${side} Okta's.`,
          fix: "API tokens still work, but OAuth client assertions (private_key_jwt) are rejected when the clock is off by more than about a minute, and timestamps in the inventory will be off. Turn on time synchronisation (NTP): e.g. 'timedatectl set-ntp true' on Linux, 'w32tm /resync' on Windows.",
        });
      }
    }

    // The output folder sync will write to.
    step('Output directory');
    let settings: ResolvedSettings | undefined;
    try {
      settings = resolveSettings({
        profile,
        env,
        loadProfile,
        cwd: options.cwd,
        flags: { outputDir: options.outputDir },
      });
    } catch (error) {
      if (!(error instanceof ConfigError || error instanceof UsageError)) throw error;
      if (error === domainError)
        skip('output-dir', 'Output directory', 'the config file could not be read (see above)');
      else failWith('output-dir', 'Output directory', error);
    }
    if (settings) {
      const from = describeSource(settings.sources.outputDir, 'outputDir', profile);
      const writable = await checkWritableDirectory(settings.outputDir);
      if (writable.ok) {
        add({
          id: 'output-dir',
          title: 'Output directory',
          status: 'pass',
          detail: `${settings.outputDir} is writable${writable.created ? ' (it does not exist yet; sync will create it)' : ''}, from ${from}.`,
        });
      } else {
        add(
          {
            id: 'output-dir',
            title: 'Output directory',
            status: 'fail',
            detail: `Cannot write to ${settings.outputDir} (${writable.code}), from ${from}.`,
            fix: `Choose a folder this user can write to with --output-dir, ${'OKTA_CONNECTOR_OUTPUT_DIR'} or "okta-connector configure --output-dir <dir>", or fix the folder's permissions. Cron runs as the user who owns the crontab.`,
          },
          ExitCode.Config,
        );
      }
    }
  } finally {
    spinner.stop();
  }
  return { ok: exitCode === ExitCode.Success, exitCode, profile, checks };
}

const MARK: Record<CheckStatus, { symbol: string; color: 'green' | 'red' | 'yellow' | 'dim' }> = {
  pass: { symbol: SYMBOLS.pass, color: 'green' },
  fail: { symbol: SYMBOLS.fail, color: 'red' },
  warn: { symbol: SYMBOLS.warn, color: 'yellow' },
  skip: { symbol: SYMBOLS.skip, color: 'dim' },
};

/** Human output of {@link testConnection}: one line per check, the fix under each failure or warning, a verdict. */
export function renderTestConnection(report: TestConnectionReport, io: Io): void {
  const width = Math.max(...report.checks.map((check) => check.title.length)) + 2;
  const indent = ' '.repeat(width + 3);
  for (const check of report.checks) {
    const mark = MARK[check.status];
    const detail = check.status === 'skip' ? io.color.dim(check.detail) : check.detail;
    io.print(`${io.color[mark.color](mark.symbol)}  ${check.title.padEnd(width)}${detail}`);
    if (check.fix && check.status !== 'pass' && check.status !== 'skip') {
      io.print(`${indent}${io.color.bold('Fix:')} ${check.fix}`);
    }
  }
  const failed = report.checks.filter((check) => check.status === 'fail').length;
  const warned = report.checks.filter((check) => check.status === 'warn').length;
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  io.print();
  if (failed > 0) {
    io.print(
      io.color.red(
        `${plural(failed, 'check')} failed${warned > 0 ? `, ${plural(warned, 'warning')}` : ''}: sync cannot run until the failures are fixed.`,
      ),
    );
  } else if (warned > 0) {
    io.print(
      io.color.yellow(
        `Ready to sync, with ${plural(warned, 'warning')}: some data may be missing from the inventory.`,
      ),
    );
  } else {
    io.print(io.color.green('All checks passed: ready to sync.'));
  }
}

/**
 * `--demo`: every check against the sample org `sync --demo` reads (started on its fixed port, with
 * its token), and the demo's output folder (`./okta-inventory-demo` unless `--output-dir`). The
 * profile, the environment's domain, token and proxy are not read, as with `sync --demo`.
 */
async function testDemoConnection(options: TestConnectionOptions, io: Io): Promise<TestConnectionReport> {
  if (
    options.domain !== undefined ||
    options.tokenStdin ||
    (options.auth !== undefined && options.auth !== 'token')
  ) {
    throw new UsageError('test-connection --demo checks the built-in sample org with its own token.', {
      hint: 'Leave out --domain, --token-stdin and --auth, or leave out --demo to check a real org.',
    });
  }
  // Loaded only for --demo: the sample org is not part of a real check.
  const { DEMO_OUTPUT_DIR, demoAnchor, demoPort, startDemoOrg } = await import(
    '../../demo/start-demo-org.js'
  );
  const outputDir = resolveUserPath(options.outputDir ?? DEMO_OUTPUT_DIR, options.env, options.cwd);
  const org = await startDemoOrg(
    { size: 'tiny', rateLimits: { windowMs: 2_000 } },
    (why) => io.logger.warn(why),
    demoPort(options.env),
    await demoAnchor(outputDir, false),
  );
  try {
    registerSecret(org.token);
    io.logger.info(`Started the sample org at ${org.url} (a simulated Okta org on this machine).`);
    const env: Env = { OKTA_CLIENT_TOKEN: org.token };
    for (const key of ['HOME', 'USERPROFILE', 'OKTA_CONNECTOR_CONFIG_DIR'] as const) {
      if (options.env[key] !== undefined) env[key] = options.env[key];
    }
    return await testConnection(
      {
        ...options,
        demo: false,
        domain: org.url,
        auth: 'token',
        proxy: options.proxy,
        env,
        outputDir,
      },
      io,
    );
  } finally {
    await org.stop();
  }
}
