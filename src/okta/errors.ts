import { z } from 'zod';
import { ConnectorError, type ConnectorErrorOptions, ExitCode } from '../errors.js';

/**
 * Okta's error body. Branch on `errorCode` or status only: `errorSummary` wording may change.
 * https://developer.okta.com/docs/reference/error-codes/
 */
export const oktaErrorBodySchema = z
  .object({
    errorCode: z.string(),
    errorSummary: z.string().optional(),
    errorLink: z.string().optional(),
    errorId: z.string().optional(),
    errorCauses: z.array(z.object({ errorSummary: z.string().optional() }).loose()).optional(),
  })
  .loose();
export type OktaErrorBody = z.infer<typeof oktaErrorBodySchema>;

/** What we know about the HTTP exchange that failed. Never holds headers that carry secrets. */
export interface OktaErrorDetails extends ConnectorErrorOptions {
  status?: number;
  errorCode?: string;
  errorSummary?: string;
  errorId?: string;
  requestId?: string;
  /** Method and path (no query string, no host) of the request that failed. */
  request?: string;
  /** Parsed `WWW-Authenticate` challenge (OAuth: error, error_description, scope). */
  challenge?: Record<string, string>;
}

/** Base of every error that comes from talking to Okta. */
export class OktaError extends ConnectorError {
  override readonly code: string = 'ERR_OKTA';
  override readonly exitCode: (typeof ExitCode)[keyof typeof ExitCode] = ExitCode.OktaApi;
  readonly status: number | undefined;
  readonly errorCode: string | undefined;
  readonly errorSummary: string | undefined;
  readonly errorId: string | undefined;
  readonly requestId: string | undefined;
  readonly request: string | undefined;
  readonly challenge: Record<string, string> | undefined;

  constructor(message: string, details: OktaErrorDetails = {}) {
    super(message, details);
    this.status = details.status;
    this.errorCode = details.errorCode;
    this.errorSummary = details.errorSummary;
    this.errorId = details.errorId;
    this.requestId = details.requestId;
    this.request = details.request;
    this.challenge = details.challenge;
  }
}

/** 401: the token is wrong, expired (30 days unused), revoked, or its admin was deactivated. */
export class AuthError extends OktaError {
  override readonly code: string = 'ERR_AUTH';
  override readonly exitCode = ExitCode.Auth;
}

/**
 * The org authorization server refused to issue an access token (`POST /oauth2/v1/token`):
 * `invalid_client` (client id, key, kid, clock), `invalid_scope`, `unauthorized_client`,
 * `invalid_dpop_proof`…
 */
export class OAuthError extends AuthError {
  override readonly code: string = 'ERR_OAUTH';
  /** The OAuth `error` code, e.g. `invalid_client`. */
  readonly oauthError: string | undefined;

  constructor(message: string, details: OktaErrorDetails & { oauthError?: string } = {}) {
    super(message, details);
    this.oauthError = details.oauthError;
  }
}

/** 403: authenticated, but not allowed to read this (admin role or OAuth scope missing). */
export class PermissionError extends OktaError {
  override readonly code = 'ERR_PERMISSION';
  override readonly exitCode = ExitCode.Permission;
}

/** 404 on something that should exist. */
export class NotFoundError extends OktaError {
  override readonly code = 'ERR_NOT_FOUND';
}

/** 429 that did not recover within the retry budget. */
export class RateLimitError extends OktaError {
  override readonly code = 'ERR_RATE_LIMIT';
  override readonly exitCode = ExitCode.RateLimit;
}

/** Any other unexpected status, or a 5xx that outlived its retries. */
export class OktaApiError extends OktaError {
  override readonly code = 'ERR_OKTA_API';
}

/** The body was not the JSON we expected: truncated, HTML, or a record of the wrong shape. */
export class ResponseShapeError extends OktaError {
  override readonly code = 'ERR_RESPONSE_SHAPE';
}

/** DNS, TLS, refused/reset connections, timeouts: Okta could not be reached. */
export class NetworkError extends OktaError {
  override readonly code: string = 'ERR_NETWORK';
  override readonly exitCode = ExitCode.Network;
  /** Node's error code, e.g. ENOTFOUND, ECONNREFUSED, CERT_HAS_EXPIRED. */
  readonly networkCode: string | undefined;

  constructor(message: string, details: OktaErrorDetails & { networkCode?: string } = {}) {
    super(message, details);
    this.networkCode = details.networkCode;
  }
}

/**
 * The proxy stood between okta-connector and Okta: it refused the tunnel (407 wrong or missing
 * credentials, 403 the host is not allowed), could not reach Okta (502, 503, 504), or could not
 * be reached itself.
 */
export class ProxyError extends NetworkError {
  override readonly code: string = 'ERR_PROXY';
  /** The proxy's answer to CONNECT, when it gave one. */
  readonly proxyStatus: number | undefined;

  constructor(
    message: string,
    details: OktaErrorDetails & { networkCode?: string; proxyStatus?: number } = {},
  ) {
    super(message, details);
    this.proxyStatus = details.proxyStatus;
  }
}

/** The paginator refused to follow a `next` link (another origin, or a repeated cursor). */
export class PaginationError extends OktaError {
  override readonly code = 'ERR_PAGINATION';
}

/**
 * Parses a `WWW-Authenticate` header such as
 * `Bearer authorization_uri="…", realm="…", scope="okta.groups.read", error="insufficient_scope"`.
 */
export function parseWwwAuthenticate(header: string | undefined): Record<string, string> | undefined {
  if (!header) return undefined;
  const params: Record<string, string> = {};
  const spaceIndex = header.indexOf(' ');
  params.scheme = spaceIndex === -1 ? header : header.slice(0, spaceIndex);
  const pattern = /([a-zA-Z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (const match of header.slice(spaceIndex + 1).matchAll(pattern)) {
    const [, key, quoted, bare] = match;
    if (key) params[key] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? '');
  }
  return params;
}
