import { type ResolvedNetwork, resolveNetwork } from '../../../config/network.js';
import { ConfigError, ExitCode, UsageError } from '../../../errors.js';
import {
  checkDns,
  checkTls,
  type DnsOptions,
  type DnsResult,
  endpointOf,
  type TlsOptions,
} from '../../../okta/diagnostics.js';
import { trustedCertificates } from '../../../okta/network-options.js';
import { describeProxy, proxyForUrl } from '../../../okta/proxy-for-url.js';
import type { Env } from '../../../ui/io.js';
import type { CheckList } from './check-list.js';
import type { Configuration } from './configuration.js';
import { dnsFailure, tlsFailure } from './network-failures.js';

/** The route to Okta: the network settings, and the proxy this org's requests go through (if any). */
export interface Route {
  network: ResolvedNetwork | undefined;
  proxy: URL | undefined;
}

/** The route to Okta: a proxy (HTTPS_PROXY, --proxy, the profile) and extra CAs (--ca-file). */
export function checkProxy(
  list: CheckList,
  config: Configuration,
  input: {
    profile: string;
    env: Env;
    cwd: string;
    proxy?: string | undefined;
    caFile?: string | undefined;
  },
): Route {
  const { orgUrl } = config;
  let network: ResolvedNetwork | undefined;
  let proxy: URL | undefined;
  try {
    network = resolveNetwork({
      profile: input.profile,
      env: input.env,
      loadProfile: config.loadProfile,
      cwd: input.cwd,
      flags: { proxy: input.proxy, caFile: input.caFile },
    });
    proxy = orgUrl ? proxyForUrl(new URL(orgUrl.origin), network.options.proxy) : undefined;
    if (proxy) {
      list.add({
        id: 'proxy',
        title: 'Proxy',
        status: 'pass',
        detail: `Requests go through ${describeProxy(proxy)}, from ${network.proxy?.from ?? 'the environment'}${network.noProxy ? ` (NO_PROXY: ${network.noProxy})` : ''}.`,
      });
    } else if (network.proxy && orgUrl) {
      list.add({
        id: 'proxy',
        title: 'Proxy',
        status: 'pass',
        detail: `${orgUrl.host} is reached directly: NO_PROXY (${network.noProxy}) names it, so the proxy ${network.proxy.shown} is not used.`,
      });
    }
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof UsageError)) throw error;
    if (error !== config.domainError) list.failWith('proxy', 'Proxy', error);
  }
  return { network, proxy };
}

/** Network: DNS, then TLS. Resolves to whether the org's host can be reached. */
export async function checkReachability(
  list: CheckList,
  config: Configuration,
  route: Route,
  options: { dns?: DnsOptions | undefined; tls?: TlsOptions | undefined },
): Promise<boolean> {
  const { orgUrl, domainFrom } = config;
  const { network, proxy } = route;
  if (!orgUrl || !network) {
    list.skip('dns', 'DNS lookup', 'no valid Okta domain');
    list.skip('tls', 'TLS certificate', 'no valid Okta domain');
    return false;
  }
  const endpoint = endpointOf(orgUrl);
  list.step('DNS lookup');
  // Through a proxy, the proxy resolves Okta's name; this machine may not be able to.
  const dns: DnsResult = proxy ? { ok: true, addresses: [] } : await checkDns(endpoint.hostname, options.dns);
  if (proxy) {
    list.skip('dns', 'DNS lookup', `the proxy resolves ${endpoint.hostname}`);
  }
  if (!dns.ok) {
    list.add(
      {
        id: 'dns',
        title: 'DNS lookup',
        status: 'fail',
        ...dnsFailure(endpoint.hostname, dns.code, domainFrom),
      },
      ExitCode.Network,
    );
    list.skip('tls', 'TLS certificate', 'the DNS lookup failed');
    return false;
  }
  const shown = dns.addresses.slice(0, 3).join(', ') + (dns.addresses.length > 3 ? ', …' : '');
  if (!proxy) {
    list.add({
      id: 'dns',
      title: 'DNS lookup',
      status: 'pass',
      detail: `${endpoint.hostname} resolves to ${shown}.`,
    });
  }
  if (!endpoint.tls) {
    list.skip(
      'tls',
      'TLS certificate',
      `${orgUrl.origin} is plain http on this machine (only allowed for local test servers)`,
    );
    return true;
  }
  list.step('TLS certificate');
  const tls = await checkTls(endpoint.hostname, endpoint.port, {
    ...options.tls,
    proxy,
    ca: trustedCertificates(network.options.extraCa),
  });
  if (!tls.ok) {
    list.add(
      {
        id: 'tls',
        title: 'TLS certificate',
        status: 'fail',
        ...tlsFailure(endpoint.hostname, endpoint.port, tls, network),
      },
      ExitCode.Network,
    );
    return false;
  }
  const issuer = tls.issuer ? `, issued by "${tls.issuer}"` : '';
  const until = tls.validTo ? `, valid until ${tls.validTo}` : '';
  const caFile = network.caFile
    ? `; trusted through ${network.caFile.path} (from ${network.caFile.from})`
    : '';
  list.add({
    id: 'tls',
    title: 'TLS certificate',
    status: 'pass',
    detail: `Trusted certificate for ${endpoint.hostname}${issuer}${until}${tls.protocol ? ` (${tls.protocol})` : ''}${caFile}.`,
  });
  return true;
}
