import type { ResolvedNetwork } from '../../../config/network.js';
import type { TlsResult } from '../../../okta/diagnostics.js';
import type { Check } from './check-list.js';

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

/** A failed DNS lookup: what the code means and what to check. */
export function dnsFailure(
  hostname: string,
  code: string,
  domainFrom: string,
): Pick<Check, 'detail' | 'fix'> {
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

/** A failed TLS connection (directly or through a proxy): what went wrong and what to change. */
export function tlsFailure(
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
