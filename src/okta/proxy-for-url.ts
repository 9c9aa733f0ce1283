import { isIP } from 'node:net';

/**
 * Which proxy, if any, a request to a URL goes through: the rules of curl, which corporate
 * networks document their proxies for. `https://` targets use the https proxy, `http://` targets
 * (only the sample org on loopback) the http one; NO_PROXY lists hosts reached directly.
 * Loopback is not exempt by itself: it goes through the proxy unless NO_PROXY names it, as in curl.
 * https://curl.se/docs/manpage.html#--noproxy
 */
export interface ProxySettings {
  /** Proxy for `https://` targets (HTTPS_PROXY, `--proxy`, the profile). */
  https?: URL | undefined;
  /** Proxy for `http://` targets (HTTP_PROXY, `--proxy`, the profile). */
  http?: URL | undefined;
  /** NO_PROXY: comma- or space-separated hosts, domains (`.corp`, `corp`), IPs, CIDR ranges, `*`. */
  noProxy?: string | undefined;
}

/** The proxy for `target`, or undefined to connect directly. */
export function proxyForUrl(target: URL, settings: ProxySettings | undefined): URL | undefined {
  if (!settings) return undefined;
  const proxy = target.protocol === 'https:' ? settings.https : settings.http;
  if (!proxy) return undefined;
  const port = target.port === '' ? (target.protocol === 'https:' ? 443 : 80) : Number(target.port);
  return bypassesProxy(target.hostname, port, settings.noProxy) ? undefined : proxy;
}

/** Whether NO_PROXY names `hostname` (optionally with `port`). */
export function bypassesProxy(hostname: string, port: number, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    let entryPort: number | undefined;
    const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (withPort) {
      entry = withPort[1]!;
      entryPort = Number(withPort[2]);
    }
    entry = entry.replace(/^\[|\]$/g, '');
    if (entryPort !== undefined && entryPort !== port) continue;
    if (entry.includes('/')) {
      if (inCidr(host, entry)) return true;
      continue;
    }
    if (isIP(entry) !== 0 || isIP(host) !== 0) {
      if (entry === host) return true;
      continue;
    }
    const domain = entry.replace(/^\*?\./, '');
    if (host === domain || host.endsWith(`.${domain}`)) return true;
  }
  return false;
}

function inCidr(host: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const version = isIP(base ?? '');
  if (version === 0 || isIP(host) !== version || !Number.isInteger(bits)) return false;
  const a = addressBits(host, version);
  const b = addressBits(base!, version);
  return a.slice(0, bits) === b.slice(0, bits);
}

function addressBits(address: string, version: number): string {
  if (version === 4)
    return address
      .split('.')
      .map((part) => Number(part).toString(2).padStart(8, '0'))
      .join('');
  const [head = '', tail = ''] = address.split('::');
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === '' ? [] : tail.split(':');
  const parts = address.includes('::')
    ? [...headParts, ...Array(8 - headParts.length - tailParts.length).fill('0'), ...tailParts]
    : headParts;
  return parts.map((part) => Number.parseInt(part, 16).toString(2).padStart(16, '0')).join('');
}

/** `http://alice:****@proxy.corp:3128`: a proxy URL as it may be shown, never with its password. */
export function describeProxy(proxy: URL): string {
  const auth = proxy.username ? `${decodeURIComponent(proxy.username)}${proxy.password ? ':****' : ''}@` : '';
  return `${proxy.protocol}//${auth}${proxy.host}`;
}
