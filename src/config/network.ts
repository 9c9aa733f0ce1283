import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, UsageError } from '../errors.js';
import { type NetworkOptions, splitPemCertificates } from '../okta/network-options.js';
import { describeProxy, type ProxySettings } from '../okta/proxy-for-url.js';
import type { Env } from '../ui/io.js';
import { registerSecret } from '../ui/redact.js';
import { resolveUserPath } from './paths.js';
import type { Profile } from './schema.js';

/** `--proxy` and `--ca-file`. */
export interface NetworkFlags {
  proxy?: string | undefined;
  caFile?: string | undefined;
}

export interface ResolvedNetwork {
  /** What the client needs. */
  options: NetworkOptions;
  /** The proxy for Okta (https), for people: the URL with its password masked and where it came from. */
  proxy: { shown: string; from: string } | undefined;
  /** NO_PROXY as read from the environment. */
  noProxy: string | undefined;
  /** The `--ca-file` in use, with where it came from. */
  caFile: { path: string; certificates: string[]; from: string } | undefined;
}

const PROXY_EXAMPLE =
  'http://proxy.example.com:3128 (with credentials: http://user:password@proxy.example.com:3128)';

/** The first non-empty of several environment variables, with its name. */
function firstEnv(env: Env, names: string[]): { value: string; name: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { value, name };
  }
  return undefined;
}

/**
 * Parses a proxy URL as curl does: a missing scheme means `http://`; only http and https proxies
 * (CONNECT) are supported. The password is registered for redaction before anything can print it.
 * @throws ConfigError (UsageError for a flag) naming where the bad value came from, never echoing the password.
 */
export function parseProxyUrl(raw: string, from: string, isFlag = false): URL {
  const text = raw.trim();
  const fail = (message: string) => {
    const hint = `Use a URL such as ${PROXY_EXAMPLE}.`;
    return isFlag ? new UsageError(message, { hint }) : new ConfigError(message, { hint });
  };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw fail(`The proxy from ${from} is not a valid URL.`);
  }
  if (url.password) {
    registerSecret(url.password);
    registerSecret(decodeURIComponent(url.password));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw fail(
      `The proxy from ${from} uses ${url.protocol.slice(0, -1)}://; okta-connector supports http:// and https:// proxies (CONNECT).`,
    );
  }
  if (url.hostname === '') throw fail(`The proxy from ${from} has no host.`);
  return url;
}

/**
 * Reads a PEM file of CA certificates and checks each one parses.
 * @throws ConfigError (UsageError for a flag) when the file is unreadable or holds no certificate.
 */
export function readCaFile(file: string, from: string, isFlag = false): string[] {
  const fail = (message: string, hint: string) =>
    isFlag ? new UsageError(message, { hint }) : new ConfigError(message, { hint });
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw fail(
      `Cannot read the CA file ${file} (from ${from}): ${code}.`,
      'Give the path of a PEM file with the root CA certificate of your TLS-inspecting proxy.',
    );
  }
  const certificates = splitPemCertificates(text);
  if (certificates.length === 0) {
    throw fail(
      `The CA file ${file} (from ${from}) holds no PEM certificate ("-----BEGIN CERTIFICATE-----").`,
      'Export the CA certificate as PEM (Base-64); a .cer/.der file converts with: openssl x509 -inform der -in ca.cer -out ca.pem',
    );
  }
  for (const [index, pem] of certificates.entries()) {
    try {
      new X509Certificate(pem);
    } catch {
      throw fail(
        `Certificate ${index + 1} in the CA file ${file} (from ${from}) is damaged.`,
        'Export the CA certificate again as PEM.',
      );
    }
  }
  return certificates;
}

/**
 * The proxy and extra CAs, each from the first of: flag, environment, profile.
 * Proxy: `--proxy` > `https_proxy`/`HTTPS_PROXY` (`http_proxy`/`HTTP_PROXY` for http targets,
 * `all_proxy`/`ALL_PROXY` for both) > the profile's `proxy`; NO_PROXY (either case) applies to all.
 * CAs: `--ca-file` > the profile's `caFile` (NODE_EXTRA_CA_CERTS stays trusted in any case).
 */
export function resolveNetwork(options: {
  env: Env;
  profile: string;
  loadProfile: () => Profile | undefined;
  cwd: string;
  flags?: NetworkFlags | undefined;
}): ResolvedNetwork {
  const { env, flags = {} } = options;
  const profileName = `profile "${options.profile}"`;
  let profile: Profile | undefined;
  const readProfile = () => {
    profile ??= options.loadProfile();
    return profile;
  };

  const pickProxy = (scheme: 'https' | 'http') => {
    if (flags.proxy?.trim()) return { url: parseProxyUrl(flags.proxy, '--proxy', true), from: '--proxy' };
    const fromEnv = firstEnv(env, [
      `${scheme}_proxy`,
      `${scheme.toUpperCase()}_PROXY`,
      'all_proxy',
      'ALL_PROXY',
    ]);
    if (fromEnv) return { url: parseProxyUrl(fromEnv.value, fromEnv.name), from: fromEnv.name };
    const stored = readProfile()?.proxy;
    if (stored) return { url: parseProxyUrl(stored, profileName), from: profileName };
    return undefined;
  };
  const https = pickProxy('https');
  const http = pickProxy('http');
  const noProxy = firstEnv(env, ['no_proxy', 'NO_PROXY'])?.value;
  const proxy: ProxySettings = { https: https?.url, http: http?.url, noProxy };

  let caFile: ResolvedNetwork['caFile'];
  if (flags.caFile?.trim()) {
    const path = resolveUserPath(flags.caFile.trim(), env, options.cwd);
    caFile = { path, certificates: readCaFile(path, '--ca-file', true), from: '--ca-file' };
  } else {
    const stored = readProfile()?.caFile;
    if (stored) caFile = { path: stored, certificates: readCaFile(stored, profileName), from: profileName };
  }

  return {
    options: {
      ...(https || http ? { proxy } : {}),
      ...(caFile ? { extraCa: caFile.certificates } : {}),
    },
    proxy: https ? { shown: describeProxy(https.url), from: https.from } : undefined,
    noProxy,
    caFile,
  };
}
