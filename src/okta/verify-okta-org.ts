import { ConfigError } from '../errors.js';
import type { OktaClient } from './client.js';
import { fetchOktaOrganization, type OktaOrganization } from './diagnostics.js';
import { NetworkError, NotFoundError, OktaError, ResponseShapeError } from './errors.js';

/** ` (HTTP 404, E0000007, request id abc)` from an Okta error; empty for anything else. */
export function statusOfOktaError(error: unknown): string {
  if (!(error instanceof OktaError)) return '';
  const parts = [
    error.status === undefined ? undefined : `HTTP ${error.status}`,
    error.errorCode,
    error instanceof NetworkError ? error.networkCode : undefined,
    error.requestId === undefined ? undefined : `request id ${error.requestId}`,
  ].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** True when the well-known check failed because the host is not an Okta org (not a network failure). */
export function isNotAnOktaOrg(error: unknown): boolean {
  return error instanceof NotFoundError || error instanceof ResponseShapeError;
}

/**
 * What `test-connection` and `sync` say when a host answers `/.well-known/okta-organization`
 * with a 404, an HTML page or another document: the token is never sent to it.
 */
export function notAnOktaOrgMessage(
  host: string,
  error: unknown,
  domainFrom: string,
): { detail: string; fix: string } {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    detail: `${host} does not answer like an Okta org${statusOfOktaError(error)}: ${reason}`,
    fix: `Check the domain from ${domainFrom}: use the org's Okta domain (e.g. acme.okta.com) or a custom domain set up in Okta. A proxy or captive portal answering instead of Okta causes this too. The token was not sent. If this host is yours and right, confirm it with "okta-connector configure --trust-host".`,
  };
}

export interface VerifyOktaOrgOptions {
  /** Where the domain came from (`the profile "default"`, `OKTA_CLIENT_ORGURL`), for the message. */
  domainFrom: string;
  /** The user confirmed this host with `configure --trust-host`: a failed check is only a note. */
  trusted: boolean;
}

/**
 * Proves the org's host is an Okta org before any request carries the token (a mistyped custom
 * domain must not receive it). A host the user confirmed passes with `organization: undefined`.
 * @throws ConfigError (exit 3) when the host does not answer like an Okta org; the client's own
 *   errors (network, 5xx after retries) otherwise.
 */
export async function verifyOktaOrg(
  client: OktaClient,
  options: VerifyOktaOrgOptions,
): Promise<{ organization: OktaOrganization | undefined; note?: string }> {
  try {
    return { organization: await fetchOktaOrganization(client) };
  } catch (error) {
    if (!isNotAnOktaOrg(error)) throw error;
    const { detail, fix } = notAnOktaOrgMessage(client.orgUrl.host, error, options.domainFrom);
    if (options.trusted) {
      return {
        organization: undefined,
        note: `${detail.replace(/\.$/, '')}; going on, as configure --trust-host confirmed this host.`,
      };
    }
    throw new ConfigError(detail, { hint: fix, cause: error });
  }
}
