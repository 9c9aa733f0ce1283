import type { Agent as HttpsAgent } from 'node:https';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw, type ZlibOptions } from 'node:zlib';
import got, { type Got, type Response } from 'got';
import { USER_AGENT } from '../version.js';
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
import { type NetworkOptions, routeTo, trustedCertificates } from './network-options.js';
import { type AccessTokenInfo, OAuthAuthorizer, type OAuthCredentials } from './oauth-authorizer.js';
import type { GetOptions, OktaResponse } from './okta-response.js';
import type { OrgUrl } from './org-url.js';
import { type Page, type PaginateOptions, paginatePages, paginateRecords } from './paginate.js';
import { describeProxy } from './proxy-for-url.js';
import { rateLimitBucketFor } from './rate-limit-bucket.js';
import {
  type AttemptReport,
  type GiveUp,
  type RateLimitHeaders,
  RequestScheduler,
  type SchedulerEvent,
  type SchedulerOptions,
  type SchedulerStats,
} from './rate-limiter.js';
import { type RequestAuthorization, type RequestAuthorizer, SswsAuthorizer } from './request-authorizer.js';

/** An API token (`SSWS`), or an OAuth 2.0 service app (see OAuthAuthorizer). */
export type OktaCredentials = { kind: 'ssws'; token: string } | OAuthCredentials;

export interface OktaClientOptions {
  orgUrl: OrgUrl;
  credentials: OktaCredentials;
  /** @default `okta-connector/<version> node/<version>` */
  userAgent?: string;
  /**
   * Timeout of one attempt, from connecting to the last byte of the body.
   * @default 30_000
   */
  timeoutMs?: number;
  /**
   * Most bytes one answer may have, after decompression. A larger answer (a gzip bomb, a page no
   * Okta org sends) fails that request instead of growing the run's memory.
   * @default 16 MiB
   */
  maxResponseBytes?: number;
  /** Share, concurrency, retries, and the injectable clock, sleep and jitter. */
  scheduler?: Partial<SchedulerOptions>;
  /** Proxy (HTTPS_PROXY, NO_PROXY, `--proxy`) and extra trusted CAs (`--ca-file`). @default direct, Node's CAs */
  network?: NetworkOptions;
  /** Called once per attempt (for `--verbose`). Never receives headers or the host. */
  onRequest?: (event: RequestEvent) => void;
  /** Called for rate-limit waits, concurrency cuts and retries (for the UI and the manifest). */
  onSchedulerEvent?: (event: SchedulerEvent) => void;
  /** Called with each secret obtained at run time (OAuth access tokens), so every output can mask it. */
  onSecret?: (secret: string) => void;
}

/** One attempt of one request. */
export interface RequestEvent {
  method: string;
  /** Path and query; never the host or any header. */
  path: string;
  /** Absent when no response arrived (see `error`). */
  status?: number;
  durationMs: number;
  requestId?: string;
  bucket: string;
  /** 1 for the first attempt. */
  attempt: number;
  rateLimit?: RateLimitHeaders;
  /** The network error code (ECONNRESET, ETIMEDOUT, …) when no response arrived. */
  error?: string;
  /** The caller's label for the request (an inventory entity), from GetOptions/PaginateOptions. */
  label?: string;
  /** How long this attempt waited in the scheduler (rate-limit budget, 429 wait, retry backoff). */
  waitedMs?: number;
}

export type { GetOptions, OktaResponse } from './okta-response.js';

export type ClientStats = SchedulerStats;

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Okta's largest pages (200 users with big profiles, 500 app users) are a few MB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

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

/**
 * The one HTTP client of okta-connector. Every request goes through the rate-limit scheduler;
 * the token is sent only to `orgUrl.origin`, and never appears in an error, event or log line.
 */
export class OktaClient {
  readonly orgUrl: OrgUrl;
  readonly #http: Got;
  readonly #scheduler: RequestScheduler;
  /** Adds the credentials to each request (SSWS, or an OAuth access token with DPoP proofs). */
  readonly #auth: RequestAuthorizer;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;
  readonly #onRequest: (event: RequestEvent) => void;
  /** The proxy every request goes through, if any (NO_PROXY already applied). */
  readonly #proxy: URL | undefined;

  constructor(options: OktaClientOptions) {
    this.orgUrl = options.orgUrl;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#onRequest = options.onRequest ?? (() => {});
    this.#scheduler = new RequestScheduler(options.scheduler, options.onSchedulerEvent);
    const route = routeTo(this.orgUrl.origin, options.network);
    this.#proxy = route.proxy;
    const ca = trustedCertificates(options.network?.extraCa);
    this.#http = got.extend({
      // One tunnelling agent for both schemes; its sockets become TLS for https targets.
      ...(route.agent ? { agent: { http: route.agent, https: route.agent as HttpsAgent } } : {}),
      ...(ca ? { https: { certificateAuthority: ca } } : {}),
      headers: { accept: 'application/json', 'user-agent': options.userAgent ?? USER_AGENT },
      responseType: 'text',
      throwHttpErrors: false,
      // The scheduler retries, with the rate limits in mind.
      retry: { limit: 0 },
      timeout: { request: this.#timeoutMs },
      // A redirect must never carry the token to another host.
      followRedirect: false,
    });
    const { credentials } = options;
    const scheduler = this.#scheduler.options;
    this.#auth =
      credentials.kind === 'ssws'
        ? new SswsAuthorizer(credentials.token)
        : new OAuthAuthorizer({
            origin: this.orgUrl.origin,
            credentials,
            http: this.#http,
            now: scheduler.now,
            sleep: (ms) => scheduler.sleep(ms),
            random: scheduler.random,
            onSecret: options.onSecret ?? (() => {}),
            onTokenRequest: (event) =>
              this.#emitRequest({
                method: 'POST',
                path: '/oauth2/v1/token',
                bucket: '/oauth2/v1/token',
                ...event,
              }),
          });
  }

  /** How requests authenticate: an API token, or an OAuth access token (Bearer or DPoP). */
  get authKind(): 'ssws' | 'oauth' {
    return this.#auth.kind;
  }

  /**
   * OAuth only: obtains an access token (if none is cached) and says what it is: Bearer or DPoP,
   * the scopes granted and those missing. Undefined with an API token.
   * @throws OAuthError when the token endpoint refuses the client, NetworkError
   */
  async accessTokenInfo(): Promise<AccessTokenInfo | undefined> {
    return this.#auth instanceof OAuthAuthorizer ? this.#auth.tokenInfo() : undefined;
  }

  /**
   * GETs a path (`/api/v1/users`) or an absolute URL on the org's origin. Resolves for 2xx only;
   * throws AuthError (401), PermissionError (403), NotFoundError (404), RateLimitError,
   * OktaApiError, ResponseShapeError or NetworkError otherwise.
   */
  async get<T = unknown>(pathOrUrl: string, options: GetOptions = {}): Promise<OktaResponse<T>> {
    const url = this.#resolve(pathOrUrl, options.searchParams);
    const bucket = rateLimitBucketFor('GET', url.pathname);
    const authenticated = options.authenticated ?? true;
    const now = this.#scheduler.options.now;
    let readyAt = now();
    return this.#scheduler.run(bucket, async (attempt) => {
      const waitedMs = Math.max(0, now() - readyAt);
      try {
        return await this.#attempt<T>(url, {
          bucket,
          attempt,
          authenticated,
          label: options.label,
          waitedMs,
          elementWise: options.elementWise ?? false,
        });
      } finally {
        readyAt = now();
      }
    });
  }

  /** The records of a list, following `next` links. See {@link PaginateOptions}. */
  paginate<T>(path: string, options?: PaginateOptions<T>): AsyncGenerator<T> {
    return paginateRecords(this, path, options);
  }

  /** The pages of a list, each with its `nextUrl` (the checkpoint for System Log polling). */
  pages<T>(path: string, options?: PaginateOptions<T>): AsyncGenerator<Page<T>> {
    return paginatePages(this, path, options);
  }

  /** Requests, retries, 429s, concurrency 429s and wait time, in total and per bucket. */
  stats(): ClientStats {
    return this.#scheduler.stats();
  }

  #resolve(pathOrUrl: string, searchParams: GetOptions['searchParams']): URL {
    let url: URL;
    try {
      url = new URL(pathOrUrl, `${this.orgUrl.origin}/`);
    } catch {
      throw new OktaApiError(`"${this.#scrub(pathOrUrl)}" is not a valid Okta API path.`);
    }
    if (url.origin !== this.orgUrl.origin || url.username !== '' || url.password !== '') {
      throw new OktaApiError(
        `Refused to send a request to ${url.host}: okta-connector only talks to ${this.orgUrl.host}, so the API token never goes anywhere else.`,
        { request: `GET ${url.pathname}` },
      );
    }
    url.hash = '';
    for (const [key, value] of Object.entries(searchParams ?? {})) url.searchParams.set(key, String(value));
    return url;
  }

  async #attempt<T>(
    url: URL,
    context: {
      bucket: string;
      attempt: number;
      authenticated: boolean;
      label: string | undefined;
      waitedMs: number;
      elementWise: boolean;
    },
  ): Promise<AttemptReport<OktaResponse<T>>> {
    const { bucket, attempt, authenticated, label, waitedMs, elementWise } = context;
    const now = this.#scheduler.options.now;
    const request = `GET ${url.pathname}`;
    const event = {
      method: 'GET',
      path: url.pathname + url.search,
      bucket,
      attempt,
      waitedMs,
      ...(label === undefined ? {} : { label }),
    };
    let startedAt = now();
    let response!: Response<Buffer>;
    /** The proxy's answer to CONNECT; a refusal comes back as if it were the response. */
    let proxyStatus: number | undefined;
    // Usually one send; an OAuth token may ask for one more (a DPoP nonce, a token refused early).
    for (let resends = 0; ; resends++) {
      let authorization: RequestAuthorization | undefined;
      if (authenticated) {
        try {
          // Right before sending: a fresh DPoP proof for every request and every retry.
          authorization = await this.#auth.authorize('GET', url);
        } catch (error) {
          return {
            outcome: { kind: 'fatal', error: error instanceof Error ? error : new Error(String(error)) },
          };
        }
      }
      startedAt = now();
      proxyStatus = undefined;
      let tooLarge = false;
      try {
        const sending = this.#http
          // Bytes, not text: a list page is parsed element by element (see JsonArrayBody).
          // Decompressed here, not by got, so a gzip bomb stops at the cap (decodeBody).
          .get(url, {
            headers: { 'accept-encoding': 'gzip, deflate, br', ...authorization?.headers },
            responseType: 'buffer',
            decompress: false,
          })
          .on('request', (clientRequest) =>
            clientRequest.once('proxyConnect', (connect: { statusCode?: number }) => {
              proxyStatus = connect.statusCode;
            }),
          );
        sending.on('downloadProgress', (progress) => {
          if (tooLarge) return;
          if (
            progress.transferred > this.#maxResponseBytes ||
            (progress.total ?? 0) > this.#maxResponseBytes
          ) {
            tooLarge = true;
            sending.cancel();
          }
        });
        response = await sending;
      } catch (error) {
        if (tooLarge) {
          this.#emitRequest({ ...event, durationMs: now() - startedAt, error: 'response too large' });
          return { outcome: { kind: 'fatal', error: this.#tooLarge(request, undefined) } };
        }
        // got's errors carry the request options, token included: keep only the code and a scrubbed message.
        const code = networkCodeOf(error);
        this.#emitRequest({ ...event, durationMs: now() - startedAt, error: code ?? 'network error' });
        return { outcome: this.#networkOutcome(code, error, request) };
      }
      const refused = proxyStatus !== undefined && proxyStatus !== 200;
      if (
        !authorization ||
        refused ||
        !this.#auth.shouldResend(response.statusCode, response.headers, authorization, resends)
      ) {
        break;
      }
      const resentId = headerValue(response.headers['x-okta-request-id']);
      this.#emitRequest({
        ...event,
        status: response.statusCode,
        durationMs: now() - startedAt,
        ...(resentId === undefined ? {} : { requestId: resentId }),
      });
    }

    const { statusCode: status, headers } = response;
    const requestId = headerValue(headers['x-okta-request-id']);
    const rateLimit = rateLimitOf(headers);
    const serverDateMs = dateOf(headers.date);
    this.#emitRequest({
      ...event,
      status,
      durationMs: now() - startedAt,
      ...(requestId === undefined ? {} : { requestId }),
      ...(rateLimit === undefined ? {} : { rateLimit }),
    });
    const retryAfterMs = status === 429 ? retryAfterOf(headers, serverDateMs ?? now()) : undefined;
    const report = { rateLimit, serverDateMs, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };

    if (proxyStatus !== undefined && proxyStatus !== 200) {
      return { outcome: this.#proxyRefusal(proxyStatus, request) };
    }
    const decoded = await decodeBody(
      response.body,
      headerValue(headers['content-encoding']),
      this.#maxResponseBytes,
    );
    if (decoded.kind === 'too-large') {
      return { ...report, outcome: { kind: 'fatal', error: this.#tooLarge(request, status, requestId) } };
    }
    if (decoded.kind === 'unknown-encoding' || decoded.kind === 'corrupt') {
      const problem =
        decoded.kind === 'corrupt'
          ? `says it is ${decoded.encoding}-compressed but is not valid ${decoded.encoding}`
          : `is compressed with "${decoded.encoding}", which okta-connector did not ask for and cannot read`;
      const fail = (giveUp?: GiveUp) =>
        new ResponseShapeError(
          `Okta's answer to ${request} (HTTP ${status}) ${problem}${giveUp ? this.#afterAttempts(giveUp) : ''}.`,
          {
            status,
            requestId,
            request,
            hint: 'A proxy between this machine and Okta may be damaging or replacing responses; run again, and check the proxy if it keeps happening.',
          },
        );
      if (decoded.kind === 'unknown-encoding')
        return { ...report, outcome: { kind: 'fatal', error: fail() } };
      return { ...report, outcome: { kind: 'retryable', reason: `corrupt ${decoded.encoding} body`, fail } };
    }
    const bytes = decoded.bytes;
    if (status >= 200 && status < 300) {
      const parsed = parseJsonBody(bytes, status, elementWise);
      if (parsed.ok) {
        const body: OktaResponse<T> = { status, body: parsed.value as T, headers, url: response.url };
        if (requestId !== undefined) body.requestId = requestId;
        if (serverDateMs !== undefined) body.serverDate = new Date(serverDateMs);
        return { ...report, outcome: { kind: 'success', value: body } };
      }
      return {
        ...report,
        outcome: {
          kind: 'retryable',
          reason: parsed.problem,
          fail: (giveUp) =>
            new ResponseShapeError(
              `Okta's answer to ${request} (HTTP ${status}) was not complete JSON (${parsed.problem})${this.#afterAttempts(giveUp)}.`,
              {
                status,
                requestId,
                request,
                hint: 'A proxy between this machine and Okta may be cutting or replacing responses; run again, and check the proxy if it keeps happening.',
              },
            ),
        },
      };
    }

    if (status >= 300 && status < 400) {
      return {
        ...report,
        outcome: { kind: 'fatal', error: redirectError(status, headers, url, request, requestId) },
      };
    }

    const details = this.#errorDetails(status, bytes, headers, request, requestId);
    if (status === 429) {
      return {
        ...report,
        outcome: {
          kind: 'rate-limited',
          fail: (giveUp) =>
            new RateLimitError(
              `Okta kept rate-limiting ${request} (${statusText(details)})${this.#afterAttempts(giveUp)}.`,
              {
                ...details,
                hint: "Other integrations of the org may be using the same rate limit heavily. Wait a few minutes and run again; an Okta admin can raise this token's share of the rate limit (Security > API > Tokens).",
              },
            ),
        },
      };
    }
    if (RETRIED_STATUSES.has(status)) {
      return {
        ...report,
        outcome: {
          kind: 'retryable',
          reason: `HTTP ${status}`,
          fail: (giveUp) =>
            new OktaApiError(
              `Okta kept failing ${request} with ${statusText(details)}${this.#afterAttempts(giveUp)}${summaryOf(details)}.`,
              {
                ...details,
                hint: 'Okta may be having an incident (see https://status.okta.com); run again later.',
              },
            ),
        },
      };
    }
    return { ...report, outcome: { kind: 'fatal', error: httpError(status, details, this.#auth.kind) } };
  }

  #tooLarge(request: string, status: number | undefined, requestId?: string): ResponseShapeError {
    const limit = `${Math.round(this.#maxResponseBytes / (1024 * 1024))} MB`;
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
      if (body.data.errorSummary) details.errorSummary = this.#scrub(body.data.errorSummary);
      const causes = (body.data.errorCauses ?? []).flatMap((cause) =>
        cause.errorSummary ? [this.#scrub(cause.errorSummary)] : [],
      );
      if (causes.length > 0) details.errorCauses = causes;
    }
    return details;
  }

  /** The proxy answered CONNECT with something else than 200: Okta never saw the request. */
  #proxyRefusal(status: number, request: string): AttemptReport<never>['outcome'] {
    const proxy = describeProxy(this.#proxy as URL);
    const host = this.orgUrl.host;
    const details = { request, proxyStatus: status, status };
    if (status === 407) {
      const hasCredentials = Boolean(this.#proxy?.username || this.#proxy?.password);
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
          new ProxyError(`${text}${this.#afterAttempts(giveUp)}: it could not reach Okta.`, {
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

  #networkOutcome(
    code: string | undefined,
    error: unknown,
    request: string,
  ): AttemptReport<never>['outcome'] {
    if (this.#proxy && (code === undefined || PROXY_CONNECT_CODES.has(code))) {
      return this.#proxyNetworkOutcome(code, error, request);
    }
    const host = this.orgUrl.host;
    const retryable = code === undefined || TRANSIENT_NETWORK_CODES.has(code);
    const build = (giveUp?: GiveUp) => {
      const { message, hint } = describeNetworkError(code, host, request, this.#timeoutMs);
      const detail = code === undefined ? ` (${this.#scrub(messageOf(error))})` : '';
      return new NetworkError(`${message}${detail}${giveUp ? this.#afterAttempts(giveUp) : ''}.`, {
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
    const proxy = describeProxy(this.#proxy as URL);
    const build = (giveUp?: GiveUp) =>
      new ProxyError(
        `Could not reach Okta through the proxy ${proxy} for ${request} (${code ?? this.#scrub(messageOf(error))})${giveUp ? this.#afterAttempts(giveUp) : ''}.`,
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

  #afterAttempts(giveUp: GiveUp): string {
    if (giveUp.attempts <= 1)
      return giveUp.reason === 'retry-budget' ? ', and the retry budget of the run is used up' : '';
    return giveUp.reason === 'retry-budget'
      ? ` after ${giveUp.attempts} attempts, when the retry budget of the run (${this.#scheduler.options.retryBudget}) ran out`
      : ` after ${giveUp.attempts} attempts`;
  }

  #scrub(text: string): string {
    let scrubbed = this.#auth.scrub(text);
    const proxyPassword = this.#proxy?.password;
    if (proxyPassword) scrubbed = scrubbed.split(proxyPassword).join('[redacted]');
    return scrubbed;
  }

  #emitRequest(event: RequestEvent): void {
    try {
      this.#onRequest(event);
    } catch {
      // A logger's bug must not break a request.
    }
  }
}

type DecodedBody =
  | { kind: 'ok'; bytes: Buffer }
  | { kind: 'too-large' }
  | { kind: 'corrupt'; encoding: string }
  | { kind: 'unknown-encoding'; encoding: string };

const gunzipAsync = promisify<Buffer, ZlibOptions, Buffer>(gunzip);
const inflateAsync = promisify<Buffer, ZlibOptions, Buffer>(inflate);
const inflateRawAsync = promisify<Buffer, ZlibOptions, Buffer>(inflateRaw);
const brotliAsync = promisify<Buffer, ZlibOptions, Buffer>(brotliDecompress);

/**
 * Undoes `Content-Encoding`, never past `maxBytes` (zlib's `maxOutputLength` stops a bomb while it
 * inflates). A body that is already larger than the cap fails the same way.
 */
async function decodeBody(
  body: Buffer,
  contentEncoding: string | undefined,
  maxBytes: number,
): Promise<DecodedBody> {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  if (body.length > maxBytes) return { kind: 'too-large' };
  if (encoding === '' || encoding === 'identity' || body.length === 0) return { kind: 'ok', bytes: body };
  const options = { maxOutputLength: maxBytes };
  const decoders: Record<string, (bytes: Buffer) => Promise<Buffer>> = {
    gzip: (bytes) => gunzipAsync(bytes, options),
    'x-gzip': (bytes) => gunzipAsync(bytes, options),
    // Servers disagree on whether "deflate" has the zlib wrapper; accept both, as browsers do.
    deflate: (bytes) => inflateAsync(bytes, options).catch(() => inflateRawAsync(bytes, options)),
    br: (bytes) => brotliAsync(bytes, options),
  };
  const decode = decoders[encoding];
  if (!decode) return { kind: 'unknown-encoding', encoding: encoding.slice(0, 40) };
  try {
    return { kind: 'ok', bytes: await decode(body) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return { kind: 'too-large' };
    return { kind: 'corrupt', encoding: encoding === 'x-gzip' ? 'gzip' : encoding };
  }
}

/** `Retry-After` in milliseconds: delay-seconds, or an HTTP date read against the server's clock. */
function retryAfterOf(headers: Response['headers'], serverNowMs: number): number | undefined {
  const value = headerValue(headers['retry-after'])?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - serverNowMs);
}

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
function networkCodeOf(error: unknown): string | undefined {
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

/** `X-Rate-Limit-Limit`, `-Remaining` and `-Reset` (UTC epoch seconds), when all three are numbers. */
function rateLimitOf(headers: Response['headers']): RateLimitHeaders | undefined {
  const limit = integerOf(headers['x-rate-limit-limit']);
  const remaining = integerOf(headers['x-rate-limit-remaining']);
  const reset = integerOf(headers['x-rate-limit-reset']);
  if (limit === undefined || remaining === undefined || reset === undefined) return undefined;
  return { limit, remaining, reset };
}

function integerOf(value: string | string[] | undefined): number | undefined {
  const text = headerValue(value)?.trim();
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

function dateOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
