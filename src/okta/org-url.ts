import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';

/** The domains Okta hosts orgs on. https://developer.okta.com/docs/guides/find-your-domain/ */
export const OKTA_HOSTED_DOMAINS = [
  'okta.com',
  'oktapreview.com',
  'okta-emea.com',
  'okta-gov.com',
  'okta.mil',
  'okta-miltest.com',
  'trex-gov.com',
] as const;

export type OrgUrlKind = 'okta-hosted' | 'custom' | 'loopback';

export interface OrgUrl {
  /** Scheme, host and port only, no trailing slash: `https://acme.okta.com`. Requests are built on it. */
  readonly origin: string;
  /** Host name (with port for loopback): `acme.okta.com`. */
  readonly host: string;
  readonly kind: OrgUrlKind;
}

const WHERE_TO_FIND =
  'Find your Okta domain in the Admin Console: click your name at the top right; the domain is shown under your user name (e.g. acme.okta.com).';

function invalid(message: string, hint = WHERE_TO_FIND): ConfigError {
  return new ConfigError(message, { hint });
}

function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]' || hostname === '::1') return true;
  return isIP(hostname) === 4 && hostname.startsWith('127.');
}

function oktaHostedDomainOf(hostname: string): (typeof OKTA_HOSTED_DOMAINS)[number] | undefined {
  return OKTA_HOSTED_DOMAINS.find((domain) => hostname === domain || hostname.endsWith(`.${domain}`));
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** `acme.otka.com` → `acme.okta.com`: a host one or two keystrokes away from an Okta domain. */
function suggestOktaDomainTypo(hostname: string): string | undefined {
  const labels = hostname.split('.');
  if (labels.length < 3) return undefined;
  const subdomain = labels.slice(0, -2).join('.');
  const tail = labels.slice(-2).join('.');
  for (const domain of OKTA_HOSTED_DOMAINS) {
    if (tail !== domain && editDistance(tail, domain) <= 2 && tail.length >= 6)
      return `${subdomain}.${domain}`;
  }
  return undefined;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Normalises what a user typed as their Okta domain (a host or a URL) and validates it.
 * Accepts Okta-hosted orgs, custom URL domains, and `http://` only on loopback (local simulators).
 * @throws ConfigError with a message that says what is wrong and a hint that says how to fix it.
 */
export function parseOrgUrl(input: string | undefined): OrgUrl {
  const raw = (input ?? '').trim();
  if (raw === '') throw invalid('The Okta domain is empty.');
  // A pasted API token must not be echoed back in the message.
  if (/^00[\w-]{30,}$/.test(raw)) throw invalid('The Okta domain looks like an API token, not a domain.');
  if (/^\$\{?[A-Za-z_]\w*\}?$/.test(raw)) {
    throw invalid(`The Okta domain "${raw}" is an environment variable that was not expanded.`);
  }
  if (/[{}]|youroktadomain/i.test(raw)) {
    throw invalid(`"${raw}" is the placeholder from Okta's documentation, not your domain.`);
  }
  if (/\s/.test(raw)) throw invalid(`The Okta domain "${raw}" contains spaces.`);
  if ((raw.match(/:\/\//g) ?? []).length > 1) {
    throw invalid(
      `The Okta domain "${raw}" contains "://" more than once.`,
      `Enter just the host, e.g. acme.okta.com.`,
    );
  }

  // `https:/acme.okta.com`, `https:acme.okta.com`: a scheme without both slashes.
  if (/^https?:(?!\/\/)/i.test(raw)) {
    const fixed = raw.replace(/^(https?):\/?/i, '$1://');
    throw invalid(
      `"${raw}" is a malformed URL.`,
      `Did you mean ${fixed}? Or enter just the host, e.g. acme.okta.com.`,
    );
  }

  let text = raw.toLowerCase();
  let scheme: 'https' | 'http' = 'https';
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//.exec(text);
  if (schemeMatch) {
    if (schemeMatch[1] !== 'https' && schemeMatch[1] !== 'http') {
      throw invalid(`The Okta domain must be an https:// address, not ${schemeMatch[1]}://.`);
    }
    scheme = schemeMatch[1];
    text = text.slice(schemeMatch[0].length);
  }
  // Keep only the authority: drop any path, query or fragment (and so a trailing slash).
  const authority = text.split(/[/?#]/, 1)[0] ?? '';
  if (authority.includes('@')) throw invalid(`The Okta domain "${raw}" contains a user name ("@").`);

  let url: URL;
  try {
    url = new URL(`${scheme}://${authority}`);
  } catch {
    throw invalid(`"${raw}" is not a valid host name.`);
  }
  // A fully qualified name may end with a dot (`acme.okta.com.`); the org's certificate does not.
  const hostname = url.hostname.endsWith('.') ? url.hostname.slice(0, -1) : url.hostname;
  const loopback = isLoopbackHost(hostname);

  if (loopback) {
    const host = url.port ? `${hostname}:${url.port}` : hostname;
    return { origin: `${scheme}://${host}`, host, kind: 'loopback' };
  }
  if (scheme === 'http') {
    throw invalid(
      `Okta only serves its API over https; "${raw}" uses http://.`,
      `Use https://${hostname} (or just ${hostname}).`,
    );
  }
  if (url.port && url.port !== '443') {
    throw invalid(`Okta orgs are served on the standard HTTPS port; remove ":${url.port}" from "${raw}".`);
  }
  if (isIP(hostname.replace(/^\[|\]$/g, '')) !== 0) {
    throw invalid(`"${raw}" is an IP address; Okta needs your org's host name.`);
  }
  if (hostname.endsWith('.com.com')) {
    throw invalid(`The Okta domain "${raw}" ends in ".com.com".`, `Did you mean ${hostname.slice(0, -4)}?`);
  }
  const labels = hostname.split('.');
  if (hostname.length > 253 || !labels.every((label) => LABEL.test(label))) {
    throw invalid(`"${raw}" is not a valid host name.`);
  }
  if (labels.length === 1) {
    throw invalid(
      `"${raw}" is not a full host name.`,
      `Did you mean ${hostname}.okta.com (or ${hostname}.oktapreview.com for a sandbox)? ${WHERE_TO_FIND}`,
    );
  }

  const oktaDomain = oktaHostedDomainOf(hostname);
  if (oktaDomain) {
    if (hostname === oktaDomain || hostname === `www.${oktaDomain}`) {
      throw invalid(`${hostname} is Okta's own site, not your org.`);
    }
    const subdomain = hostname.slice(0, -(oktaDomain.length + 1));
    if (subdomain.endsWith('-admin')) {
      // The Admin Console host is not the API host; Okta's own validators reject it too.
      const fixed = `${subdomain.slice(0, -'-admin'.length)}.${oktaDomain}`;
      throw invalid(
        `"${hostname}" is the Admin Console address, not the API domain.`,
        `Use ${fixed} (without "-admin").`,
      );
    }
    return { origin: `https://${hostname}`, host: hostname, kind: 'okta-hosted' };
  }

  const typoFix = suggestOktaDomainTypo(hostname);
  if (typoFix) {
    throw invalid(`"${hostname}" looks like a typo of an Okta domain.`, `Did you mean ${typoFix}?`);
  }
  return { origin: `https://${hostname}`, host: hostname, kind: 'custom' };
}
