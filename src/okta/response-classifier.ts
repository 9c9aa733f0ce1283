import type { Response } from 'got';
import {
  AuthError,
  NetworkError,
  NotFoundError,
  OktaApiError,
  type OktaErrorDetails,
  oktaErrorBodySchema,
  PermissionError,
  ProxyError,
  parseWwwAuthenticate,
  RateLimitError,
  ResponseShapeError,
} from './errors.js';
import { scanJsonArray } from './json-array-body.js';
import type { OktaResponse } from './okta-response.js';
import { describeProxy } from './proxy-for-url.js';
import type { AttemptReport, GiveUp } from './rate-limiter.js';

/**
 * Response classification: what an answer of Okta (or of whatever answered instead) means for the
 * request — a page, a retry, a typed error with what to do — and the messages and hints of every
 * failure. Knows nothing of sending requests; OktaClient asks it about each attempt.
 */

/** What a classification needs to know of the client. */
export interface ClassifierContext {
  /** The org's host, named in messages. */
  host: string;
  /** The proxy requests go through, if any. */
  proxy: URL | undefined;
  timeoutMs: number;
  maxResponseBytes: number;
  authKind: 'ssws' | 'oauth';
  /** The run's retry budget, named when it ran out. */
  retryBudget: () => number;
  /** Removes secrets (token, proxy password) from text that came from the server or the network. */
  scrub: (text: string) => string;
}

/** A body as the client decoded it (Content-Encoding undone, within the size cap). */
export type DecodedBody =
  | { kind: 'ok'; bytes: Buffer }
  | { kind: 'too-large' }
  | { kind: 'corrupt'; encoding: string }
  | { kind: 'unknown-encoding'; encoding: string };

/** The answer to one attempt, as received. */
export interface ReceivedAnswer {
  status: number;
  headers: Response['headers'];
  url: URL;
  responseUrl: string;
  request: string;
  requestId: string | undefined;
  serverDateMs: number | undefined;
  /** A list page: parsed element by element (see JsonArrayBody). */
  elementWise: boolean;
}

type Outcome<T> = AttemptReport<T>['outcome'];

export class ResponseClassifier {
  readonly #context: ClassifierContext;

  constructor(context: ClassifierContext) {
    this.#context = context;
  }

  /** What a received answer means: the page, a retry (and the error if none is left), or a failure. */
  answer<T>(decoded: DecodedBody, received: ReceivedAnswer): Outcome<OktaResponse<T>> {
    const { status, headers, url, responseUrl, request, requestId, serverDateMs, elementWise } = received;
    if (decoded.kind === 'too-large') {
      return { kind: 'fatal', error: this.tooLarge(request, status, requestId) };
    }
    if (decoded.kind === 'unknown-encoding' || decoded.kind === 'corrupt') {
      const problem =
        decoded.kind === 'corrupt'
          ? `says it is ${decoded.encoding}-compressed but is not valid ${decoded.encoding}`
          : `is compressed with "${decoded.encoding}", which okta-connector did not ask for and cannot read`;
      const fail = (giveUp?: GiveUp) =>
        new ResponseShapeError(
          `Okta's answer to ${request} (HTTP ${status}) ${problem}${giveUp ? this.afterAttempts(giveUp) : ''}.`,
          {
            status,
            requestId,
            request,
            hint: 'A proxy between this machine and Okta may be damaging or replacing responses; run again, and check the proxy if it keeps happening.',
          },
        );
      if (decoded.kind === 'unknown-encoding') return { kind: 'fatal', error: fail() };
      return { kind: 'retryable', reason: `corrupt ${decoded.encoding} body`, fail };
    }
    const bytes = decoded.bytes;
    if (status >= 200 && status < 300) {
      const parsed = parseJsonBody(bytes, status, elementWise);
      if (parsed.ok) {
        const body: OktaResponse<T> = { status, body: parsed.value as T, headers, url: responseUrl };
        if (requestId !== undefined) body.requestId = requestId;
        if (serverDateMs !== undefined) body.serverDate = new Date(serverDateMs);
        return { kind: 'success', value: body };
      }
      return {
        kind: 'retryable',
        reason: parsed.problem,
        fail: (giveUp) =>
          new ResponseShapeError(
            `Okta's answer to ${request} (HTTP ${status}) was not complete JSON (${parsed.problem})${this.afterAttempts(giveUp)}.`,
            {
              status,
              requestId,
              request,
              hint: 'A proxy between this machine and Okta may be cutting or replacing responses; run again, and check the proxy if it keeps happening.',
            },
          ),
      };
    }

    if (status >= 300 && status < 400) {
      return { kind: 'fatal', error: redirectError(status, headers, url, request, requestId) };
    }

    const details = this.#errorDetails(status, bytes, headers, request, requestId);
    if (status === 429) {
      return {
        kind: 'rate-limited',
        fail: (giveUp) =>
          new RateLimitError(
            `Okta kept rate-limiting ${request} (${statusText(details)})${this.afterAttempts(giveUp)}.`,
            {
              ...details,
              hint: "Other integrations of the org may be using the same rate limit heavily. Wait a few minutes and run again; an Okta admin can raise this token's share of the rate limit (Security > API > Tokens).",
            },
          ),
      };
    }
    if (RETRIED_STATUSES.has(status)) {
      return {
        kind: 'retryable',
        reason: `HTTP ${status}`,
        fail: (giveUp) =>
          new OktaApiError(
            `Okta kept failing ${request} with ${statusText(details)}${this.afterAttempts(giveUp)}${summaryOf(details)}.`,
            {
              ...details,
              hint: 'Okta may be having an incident (see https://status.okta.com); run again later.',
            },
          ),
      };
    }
    return { kind: 'fatal', error: httpError(status, details, this.#context.authKind) };
  }

  /** The answer is over the cap once decompressed (a gzip bomb, a 60 MB page). */
  tooLarge(request: string, status: number | undefined, requestId?: string): ResponseShapeError {
    const limit = `${Math.round(this.#context.maxResponseBytes / (1024 * 1024))} MB`;
    return new ResponseShapeError(
      `Okta's answer to ${request}${status === undefined ? '' : ` (HTTP ${status})`} is larger than ${limit} once decompressed; okta-connector reads at most ${limit} a page (Okta's pages are a few MB at most), so it stopped reading it.`,
      {
        ...(status === undefined ? {} : { status }),
        request,
        requestId,
        hint: 'Something other than Okta may be answering (a proxy, a captive portal, a wrong custom domain). Check the Okta domain and any proxy between this machine and Okta.',
      },
    );
  }

  #errorDetails(
    status: number,
    bytes: Buffer,
    headers: Response['headers'],
    request: string,
    requestId: string | undefined,
  ): DetailsWithCauses {
    const details: DetailsWithCauses = { status, request };
    if (requestId !== undefined) details.requestId = requestId;
    const challenge = parseWwwAuthenticate(headerValue(headers['www-authenticate']));
    if (challenge) details.challenge = challenge;
    const parsed = parseJsonBody(bytes, status, false);
    const body = parsed.ok ? oktaErrorBodySchema.safeParse(parsed.value) : undefined;
    if (body?.success) {
      details.errorCode = body.data.errorCode;
      if (body.data.errorId !== undefined) details.errorId = body.data.errorId;
      if (body.data.errorSummary) details.errorSummary = this.#context.scrub(body.data.errorSummary);
      const causes = (body.data.errorCauses ?? []).flatMap((cause) =>
        cause.errorSummary ? [this.#context.scrub(cause.errorSummary)] : [],
      );
      if (causes.length > 0) details.errorCauses = causes;
    }
    return details;
  }

  /** The proxy answered CONNECT with something else than 200: Okta never saw the request. */
  proxyRefusal(status: number, request: string): AttemptReport<never>['outcome'] {
    const proxy = describeProxy(this.#context.proxy as URL);
    const host = this.#context.host;
    const details = { request, proxyStatus: status, status };
    if (status === 407) {
      const hasCredentials = Boolean(this.#context.proxy?.username || this.#context.proxy?.password);
      return {
        kind: 'fatal',
        error: new ProxyError(
          hasCredentials
            ? `The proxy ${proxy} rejected its user name or password (HTTP 407 Proxy Authentication Required).`
            : `The proxy ${proxy} requires a user name and password (HTTP 407 Proxy Authentication Required).`,
          {
            ...details,
            hint: hasCredentials
              ? 'Check the user name and password in the proxy URL (percent-encode @ : / % in them, e.g. p%40ss for p@ss).'
              : 'Put them in the proxy URL: HTTPS_PROXY=http://user:password@proxy:port, or okta-connector configure --proxy (percent-encode @ : / % in them).',
          },
        ),
      };
    }
    const text = `The proxy ${proxy} refused to connect to ${host} (HTTP ${status} to CONNECT)`;
    if (status === 502 || status === 503 || status === 504) {
      return {
        kind: 'retryable',
        reason: `proxy HTTP ${status}`,
        fail: (giveUp) =>
          new ProxyError(`${text}${this.afterAttempts(giveUp)}: it could not reach Okta.`, {
            ...details,
            hint: `Check that the proxy may reach ${host}:443; Okta may also be having an incident (https://status.okta.com).`,
          }),
      };
    }
    return {
      kind: 'fatal',
      error: new ProxyError(`${text}.`, {
        ...details,
        hint: `Ask your network team to allow ${host} through the proxy, or list it in NO_PROXY if it should be reached directly.`,
      }),
    };
  }

  /** A request that got no answer: which failure, and whether another try may help. */
  networkOutcome(code: string | undefined, error: unknown, request: string): AttemptReport<never>['outcome'] {
    if (this.#context.proxy && (code === undefined || PROXY_CONNECT_CODES.has(code))) {
      return this.#proxyNetworkOutcome(code, error, request);
    }
    const host = this.#context.host;
    const retryable = code === undefined || TRANSIENT_NETWORK_CODES.has(code);
    const build = (giveUp?: GiveUp) => {
      const { message, hint } = describeNetworkError(code, host, request, this.#context.timeoutMs);
      const detail = code === undefined ? ` (${this.#context.scrub(messageOf(error))})` : '';
      return new NetworkError(`${message}${detail}${giveUp ? this.afterAttempts(giveUp) : ''}.`, {
        request,
        hint,
        ...(code === undefined ? {} : { networkCode: code }),
      });
    };
    if (!retryable) return { kind: 'fatal', error: build() };
    return { kind: 'retryable', reason: code ?? 'network error', fail: build };
  }

  /** The proxy itself could not be reached (or hung up before answering CONNECT). */
  #proxyNetworkOutcome(
    code: string | undefined,
    error: unknown,
    request: string,
  ): AttemptReport<never>['outcome'] {
    const proxy = describeProxy(this.#context.proxy as URL);
    const build = (giveUp?: GiveUp) =>
      new ProxyError(
        `Could not reach Okta through the proxy ${proxy} for ${request} (${code ?? this.#context.scrub(messageOf(error))})${giveUp ? this.afterAttempts(giveUp) : ''}.`,
        {
          request,
          hint: 'Check the proxy address and port (HTTPS_PROXY, --proxy or the profile), that it is running, and that this machine may use it.',
          ...(code === undefined ? {} : { networkCode: code }),
        },
      );
    // Nothing listens at the proxy's address: retrying for a minute would not change that.
    if (code === 'ENOTFOUND' || code === 'ECONNREFUSED') return { kind: 'fatal', error: build() };
    return { kind: 'retryable', reason: code ?? 'proxy error', fail: build };
  }

  /** ` after 7 attempts`, for a message of a request that was retried. */
  afterAttempts(giveUp: GiveUp): string {
    if (giveUp.attempts <= 1)
      return giveUp.reason === 'retry-budget' ? ', and the retry budget of the run is used up' : '';
    return giveUp.reason === 'retry-budget'
      ? ` after ${giveUp.attempts} attempts, when the retry budget of the run (${this.#context.retryBudget()}) ran out`
      : ` after ${giveUp.attempts} attempts`;
  }
}

/** Node error codes of a connection that broke mid-way: worth another try on a GET. */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

const RETRIED_STATUSES = new Set([500, 502, 503, 504]);

/** Codes that, with a proxy, mean the proxy (not Okta) could not be reached: the proxy resolves Okta's name. */
const PROXY_CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

type ParsedBody =
  | { ok: true; value: unknown }
  | { ok: false; problem: 'truncated body' | 'non-JSON body' | 'empty body' };

/** Okta answers JSON; an empty body is fine only on 204. */
function parseJsonBody(bytes: Buffer, status: number, elementWise: boolean): ParsedBody {
  if (elementWise) {
    const scan = scanJsonArray(bytes);
    if (scan.kind === 'array') return { ok: true, value: scan.body };
    if (scan.kind === 'truncated') return { ok: false, problem: 'truncated body' };
  }
  const text = bytes.toString('utf8');
  if (text.trim() === '')
    return status === 204 ? { ok: true, value: undefined } : { ok: false, problem: 'empty body' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, problem: /^\s*[[{]/.test(text) ? 'truncated body' : 'non-JSON body' };
  }
}

function httpError(status: number, details: DetailsWithCauses, auth: 'ssws' | 'oauth'): Error {
  const { request } = details;
  const code = statusText(details);
  if (status === 401 && auth === 'oauth') {
    return new AuthError(
      `Okta rejected the OAuth access token (${code}) for ${request}, also after fetching a new one${details.challenge?.error_description ? `: ${details.challenge.error_description}` : ''}.`,
      {
        ...details,
        hint: "Check this machine's clock (NTP), and that the app is active with its scopes granted (Admin Console > Applications > the app); then run okta-connector test-connection.",
      },
    );
  }
  if (status === 401) {
    return new AuthError(
      `Okta rejected the API token (${code}) for ${request}: the token is invalid, expired after 30 days without use, was revoked, or the admin who created it was deactivated.`,
      {
        ...details,
        hint: 'Create a new API token in the Admin Console (Security > API > Tokens), ideally as a read-only service-account admin, and configure okta-connector with it.',
      },
    );
  }
  if (status === 403) {
    const scope = details.challenge?.error === 'insufficient_scope' ? details.challenge.scope : undefined;
    if (scope) {
      return new PermissionError(
        `Okta refused ${request} (${code}): the access token lacks the scope ${scope}.`,
        {
          ...details,
          hint: `Grant ${scope} to the app in the Admin Console (Applications > the app > Okta API Scopes), then run again.`,
        },
      );
    }
    return new PermissionError(
      `Okta refused ${request} (${code}): the admin who owns the API token is not allowed to read this.`,
      {
        ...details,
        hint: 'Use a token created by an admin with the Read-Only Administrator role (or a role that can read this data).',
      },
    );
  }
  if (status === 431) {
    return new OktaApiError(`Okta rejected ${request} (${code}): the request headers are too large.`, {
      ...details,
      hint: 'okta-connector sends only a few small headers; a proxy that adds headers (or cookies) to requests may push them over the limit. Check the proxy between this machine and Okta, or run with --verbose and report it.',
    });
  }
  if (status === 404) {
    return new NotFoundError(`Okta found nothing at ${request} (${code}).`, {
      ...details,
      hint: 'The object may have been deleted while the inventory ran, or this org does not offer the endpoint (devices need Identity Engine).',
    });
  }
  return new OktaApiError(`Okta rejected ${request} (${code})${summaryOf(details)}.`, details);
}

function redirectError(
  status: number,
  headers: Response['headers'],
  url: URL,
  request: string,
  requestId: string | undefined,
): OktaApiError {
  const location = headerValue(headers.location);
  let target = 'an address it did not name';
  if (location !== undefined) {
    try {
      target = new URL(location, url).host;
    } catch {
      target = 'an invalid address';
    }
  }
  return new OktaApiError(
    `Okta answered ${request} with a redirect (HTTP ${status}) to ${target}; okta-connector does not follow redirects, so the API token is never sent anywhere else.`,
    {
      status,
      request,
      ...(requestId === undefined ? {} : { requestId }),
      hint: "Configure the org's own Okta domain (e.g. acme.okta.com), not an address that forwards to it.",
    },
  );
}

function describeNetworkError(
  code: string | undefined,
  host: string,
  request: string,
  timeoutMs: number,
): { message: string; hint: string } {
  const proxyHint = 'Check the network, VPN, proxy or firewall between this machine and Okta.';
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        message: `Could not find ${host}: the DNS lookup failed (${code})`,
        hint: `Check the Okta domain for typos. ${proxyHint}`,
      };
    case 'ECONNREFUSED':
      return { message: `${host} refused the connection (${code})`, hint: proxyHint };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'ERR_STREAM_PREMATURE_CLOSE':
    case 'UND_ERR_SOCKET':
      return { message: `The connection to ${host} broke during ${request} (${code})`, hint: proxyHint };
    case 'ETIMEDOUT':
      return {
        message: `${host} did not answer ${request} within ${Math.round(timeoutMs / 1000)} s (${code})`,
        hint: proxyHint,
      };
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return {
        message: `The TLS certificate presented for ${host} belongs to another host (${code})`,
        hint: `Check the Okta domain. A proxy that inspects TLS traffic may be answering instead of Okta. ${proxyHint}`,
      };
    case undefined:
      return { message: `Could not reach ${host} for ${request}`, hint: proxyHint };
    default:
      if (isCertificateCode(code)) {
        return {
          message: `The TLS certificate of ${host} could not be verified (${code})`,
          hint: 'If your network inspects TLS traffic through a proxy, give okta-connector its root CA certificate: --ca-file /path/to/ca.pem (or okta-connector configure --ca-file, or NODE_EXTRA_CA_CERTS=/path/to/ca.pem). Never turn certificate checks off.',
        };
      }
      if (code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
        return {
          message: `The TLS handshake with ${host} failed (${code}): something other than Okta answered`,
          hint: `Check the Okta domain and port. ${proxyHint}`,
        };
      }
      return { message: `Could not reach ${host} for ${request} (${code})`, hint: proxyHint };
  }
}

function isCertificateCode(code: string): boolean {
  return code.includes('CERT') || code.startsWith('UNABLE_TO_');
}

/** Node's code of a failed request; got's own generic code says nothing, so it counts as none. */
export function networkCodeOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && !code.startsWith('ERR_GOT_')) return code;
    if (current.message === 'socket hang up') return 'ECONNRESET';
    current = current.cause;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Error details plus Okta's `errorCauses` summaries, which go into the message only. */
interface DetailsWithCauses extends OktaErrorDetails {
  errorCauses?: string[];
}

function statusText(details: OktaErrorDetails): string {
  return details.errorCode ? `HTTP ${details.status}, ${details.errorCode}` : `HTTP ${details.status}`;
}

function summaryOf(details: DetailsWithCauses): string {
  const text = [details.errorSummary, ...(details.errorCauses ?? [])]
    .filter((part): part is string => Boolean(part))
    .map((part) => part.replace(/\.$/, ''))
    .join('; ');
  return text === '' ? '' : `: ${text}`;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
