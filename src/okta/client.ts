import type { Agent as HttpsAgent } from 'node:https';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw, type ZlibOptions } from 'node:zlib';
import got, { type Got, type Response } from 'got';
import { USER_AGENT } from '../version.js';
import { OktaApiError } from './errors.js';
import { type NetworkOptions, routeTo, trustedCertificates } from './network-options.js';
import { type AccessTokenInfo, OAuthAuthorizer, type OAuthCredentials } from './oauth-authorizer.js';
import type { GetOptions, OktaResponse } from './okta-response.js';
import type { OrgUrl } from './org-url.js';
import { type Page, type PaginateOptions, paginatePages, paginateRecords } from './paginate.js';
import { rateLimitBucketFor } from './rate-limit-bucket.js';
import {
  type AttemptReport,
  type RateLimitHeaders,
  RequestScheduler,
  type SchedulerEvent,
  type SchedulerOptions,
  type SchedulerStats,
} from './rate-limiter.js';
import { type RequestAuthorization, type RequestAuthorizer, SswsAuthorizer } from './request-authorizer.js';
import { type DecodedBody, networkCodeOf, ResponseClassifier } from './response-classifier.js';

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
  /** What each answer means, and the messages of every failure. */
  readonly #classifier: ResponseClassifier;

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
    this.#classifier = new ResponseClassifier({
      host: this.orgUrl.host,
      proxy: this.#proxy,
      timeoutMs: this.#timeoutMs,
      maxResponseBytes: this.#maxResponseBytes,
      authKind: this.#auth.kind,
      retryBudget: () => this.#scheduler.options.retryBudget,
      scrub: (text) => this.#scrub(text),
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
          return { outcome: { kind: 'fatal', error: this.#classifier.tooLarge(request, undefined) } };
        }
        // got's errors carry the request options, token included: keep only the code and a scrubbed message.
        const code = networkCodeOf(error);
        this.#emitRequest({ ...event, durationMs: now() - startedAt, error: code ?? 'network error' });
        return { outcome: this.#classifier.networkOutcome(code, error, request) };
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
      return { outcome: this.#classifier.proxyRefusal(proxyStatus, request) };
    }
    const decoded = await decodeBody(
      response.body,
      headerValue(headers['content-encoding']),
      this.#maxResponseBytes,
    );
    return {
      ...report,
      outcome: this.#classifier.answer<T>(decoded, {
        status,
        headers,
        url,
        responseUrl: response.url,
        request,
        requestId,
        serverDateMs,
        elementWise,
      }),
    };
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
