import { readFileSync } from 'node:fs';
import type { Agent } from 'node:http';
import { rootCertificates } from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { type ProxySettings, proxyForUrl } from './proxy-for-url.js';

/** How requests reach Okta on this network: a proxy, and CAs to trust besides Node's. */
export interface NetworkOptions {
  proxy?: ProxySettings | undefined;
  /**
   * PEM certificates (a TLS-inspecting proxy's root CA) trusted on top of Node's own store and
   * `NODE_EXTRA_CA_CERTS`, which both stay trusted.
   */
  extraCa?: readonly string[] | undefined;
}

/** The proxy and agent a connection to `origin` uses; no agent means Node's default (direct). */
export interface Route {
  proxy: URL | undefined;
  agent: Agent | undefined;
}

/**
 * The route to `origin`. Through a proxy, every request, plain http included, is tunnelled with
 * CONNECT (https-proxy-agent), so the proxy never sees a request line or a header, and the
 * tunnel is kept alive for the next request.
 */
export function routeTo(origin: string, network: NetworkOptions | undefined, keepAlive = true): Route {
  const proxy = proxyForUrl(new URL(origin), network?.proxy);
  if (!proxy) return { proxy: undefined, agent: undefined };
  return { proxy, agent: new HttpsProxyAgent(proxy, { keepAlive }) };
}

/**
 * Every CA to trust when `extraCa` is given: Node replaces its whole store (and drops
 * NODE_EXTRA_CA_CERTS) as soon as a `ca` option is passed, so both are added back here.
 * Undefined without `extraCa`: Node's defaults apply untouched.
 * https://nodejs.org/api/cli.html#node_extra_ca_certsfile
 */
export function trustedCertificates(extraCa: readonly string[] | undefined): string[] | undefined {
  if (!extraCa || extraCa.length === 0) return undefined;
  return [...rootCertificates, ...nodeExtraCaCertificates(), ...extraCa];
}

let nodeExtra: string[] | undefined;

/** The certificates Node loaded from NODE_EXTRA_CA_CERTS at startup (it reads it only then). */
function nodeExtraCaCertificates(): string[] {
  if (nodeExtra) return nodeExtra;
  const file = process.env.NODE_EXTRA_CA_CERTS;
  nodeExtra = [];
  if (file) {
    try {
      nodeExtra = splitPemCertificates(readFileSync(file, 'utf8'));
    } catch {
      // Node itself only warns about an unreadable file; so do we (by ignoring it here).
    }
  }
  return nodeExtra;
}

/** The `-----BEGIN CERTIFICATE-----` blocks of a PEM bundle. */
export function splitPemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
