import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { ChangeSetOptions, ChangeSetSummary } from './apply-change-set.js';
import { FaultInjector, type FaultOptions } from './fault-injector.js';
import { opaqueId } from './okta-ids.js';
import { hash, unit } from './random.js';
import {
  bucketFor,
  type RateLimitDecision,
  type RateLimitOptions,
  RateLimitSimulator,
} from './rate-limit-simulator.js';
import {
  bucketCounters,
  createCounters,
  type SampleOrgCounters,
  urlCounters,
} from './sample-org-counters.js';
import { createSampleOrgInternals } from './sample-org-data.js';
import { SampleOrgOAuth, type SampleOrgOAuthOptions } from './sample-org-oauth.js';
import {
  notFound,
  type OktaErrorBody,
  oktaError,
  type RouteResult,
  SampleOrgRoutes,
} from './sample-org-routes.js';
import type { SampleOrgSize } from './sample-org-size.js';
import type { SampleOrgTruth } from './sample-org-truth.js';

/** The API token the sample org accepts unless told otherwise (`Authorization: SSWS <token>`). */
export const DEFAULT_SAMPLE_ORG_TOKEN = '00DemoSampleOrgToken-okta-connector-000000';

export interface SampleOrgOptions {
  /** @default 'tiny' */
  size?: SampleOrgSize;
  /** Same seed and size (and clock) give identical data. @default 1 */
  seed?: number;
  /** The API token accepted as `SSWS <token>`. @default DEFAULT_SAMPLE_ORG_TOKEN */
  token?: string;
  /**
   * Identity Engine (`idx`) or Classic (`v1`), as `/.well-known/okta-organization` reports it.
   * A Classic org has no Devices API: `/api/v1/devices` answers 404 E0000007. @default 'idx'
   */
  pipeline?: 'idx' | 'v1';
  /** See SampleOrgDataOptions.roleAssigneesIncludeGroupHolders. @default false */
  roleAssigneesIncludeGroupHolders?: boolean;
  /** See SampleOrgDataOptions.repeatRecords. @default false */
  repeatRecords?: boolean;
  /** See SampleOrgDataOptions.userSearchLagMs. @default 60000 */
  userSearchLagMs?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** Serve HTTPS with this PEM key and certificate (for proxy and custom-CA tests). @default plain http */
  tls?: { key: string; cert: string };
  rateLimits?: RateLimitOptions;
  /** Added before every answer: a fixed delay, or uniform in [min, max] (seeded). @default 0 */
  latencyMs?: number | { min: number; max: number };
  faults?: FaultOptions;
  /** The server clock (epoch ms): timestamps, windows, `Date` headers, log queries. @default Date.now */
  now?: () => number;
  /** What the generated timestamps lie before (see SampleOrgDataOptions.anchor). @default the clock at start */
  anchor?: number;
  /** Path prefixes that answer 403 E0000006, to test partial runs (e.g. `/api/v1/iam`). */
  permissions?: { deny?: string[] };
  /** An OAuth 2.0 service app: the token endpoint, DPoP, scopes (SSWS keeps working beside it). */
  oauth?: SampleOrgOAuthOptions;
}

export interface SampleOrg {
  /** The origin, e.g. `http://127.0.0.1:43125`. */
  url: string;
  token: string;
  counters: SampleOrgCounters;
  /** What the authorization server saw (only with `oauth`). */
  oauth: SampleOrgOAuth | undefined;
  /** TCP connections accepted so far (a proxy test checks each came through a tunnel). */
  readonly connections: number;
  truth: SampleOrgTruth;
  /** Applies a deterministic change set (see ChangeSetOptions) and logs it in the System Log. */
  mutate(change?: ChangeSetOptions): ChangeSetSummary;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

const HTML_ERROR = (status: number) =>
  `<!DOCTYPE html>\n<html><head><title>${status} Service Unavailable</title></head><body><h1>${status}</h1><p>The server is temporarily unable to service your request.</p></body></html>\n`;

const FAULT_STATUS: Readonly<Record<string, number>> = {
  status500: 500,
  status502: 502,
  status503: 503,
  status504: 504,
};

/**
 * Starts a loopback server that behaves like Okta's Management API for every endpoint `sync`
 * reads, over a deterministic sample org. Plain node:http, no framework: it must never be the
 * bottleneck of a benchmark.
 */
export async function startSampleOrg(options: SampleOrgOptions = {}): Promise<SampleOrg> {
  const seed = options.seed ?? 1;
  const now = options.now ?? Date.now;
  const token = options.token ?? DEFAULT_SAMPLE_ORG_TOKEN;
  const data = createSampleOrgInternals(options.size ?? 'tiny', seed, {
    now,
    ...(options.anchor === undefined ? {} : { anchor: options.anchor }),
    pipeline: options.pipeline ?? 'idx',
    roleAssigneesIncludeGroupHolders: options.roleAssigneesIncludeGroupHolders ?? false,
    repeatRecords: options.repeatRecords ?? false,
    ...(options.userSearchLagMs !== undefined && { userSearchLagMs: options.userSearchLagMs }),
  });
  const { store } = data;
  const routes = new SampleOrgRoutes(store, data.log);
  const limiter = new RateLimitSimulator(options.rateLimits ?? {}, now);
  const faults = new FaultInjector(options.faults ?? {}, seed);
  const counters = createCounters();
  const deny = options.permissions?.deny ?? [];
  const oauth = options.oauth ? new SampleOrgOAuth(options.oauth, now) : undefined;
  const authorization = `SSWS ${token}`;
  const latency = options.latencyMs ?? 0;
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();

  const delayFor = (requestNumber: number): number => {
    if (typeof latency === 'number') return latency;
    return latency.min + Math.floor(unit(hash(seed, 0x1a7, requestNumber)) * (latency.max - latency.min + 1));
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const send = (
    response: ServerResponse,
    requestNumber: number,
    result: RouteResult,
    rateLimit: RateLimitDecision | undefined,
    truncate = false,
  ) => {
    if (
      result.status >= 400 &&
      typeof result.body === 'object' &&
      result.body !== null &&
      'errorCode' in result.body
    ) {
      (result.body as OktaErrorBody).errorId = `oae${opaqueId(seed, 0xe1, requestNumber, 22)}`;
    }
    let body = Buffer.from(result.body === undefined ? '' : JSON.stringify(result.body));
    if (truncate) body = body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
    response.statusCode = result.status;
    for (const [name, value] of Object.entries(result.headers ?? {})) response.setHeader(name, value);
    response.setHeader('Content-Type', 'application/json');
    response.setHeader('Content-Length', body.length);
    response.setHeader('Date', new Date(now()).toUTCString());
    response.setHeader('X-Okta-Request-Id', opaqueId(seed, 0x1d, requestNumber, 27));
    if (rateLimit) {
      response.setHeader('X-Rate-Limit-Limit', rateLimit.limit);
      response.setHeader('X-Rate-Limit-Remaining', rateLimit.remaining);
      response.setHeader('X-Rate-Limit-Reset', rateLimit.resetSeconds);
    }
    // One `link` header per relation, exactly as Okta sends them.
    if (result.links) {
      const links = [`<${result.links.self}>; rel="self"`];
      if (result.links.next) links.push(`<${result.links.next}>; rel="next"`);
      response.setHeader('link', links);
    }
    response.end(body);
  };

  const sendHtml = (response: ServerResponse, requestNumber: number, status: number) => {
    const body = Buffer.from(HTML_ERROR(status));
    response.statusCode = status;
    response.setHeader('Content-Type', 'text/html');
    response.setHeader('Content-Length', body.length);
    response.setHeader('Date', new Date(now()).toUTCString());
    response.setHeader('X-Okta-Request-Id', opaqueId(seed, 0x1d, requestNumber, 27));
    response.end(body);
  };

  const rateLimited = () =>
    oktaError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.');

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const arrivedAt = now();
    // A proof is spent on arrival, whatever the answer (a 429 too), as at Okta.
    const replayedProof = oauth?.noteProof(request.headers.dpop) ?? false;
    const requestNumber = ++counters.requests;
    counters.inFlight++;
    counters.maxInFlight = Math.max(counters.maxInFlight, counters.inFlight);
    let done = false;
    response.once('close', () => {
      if (!done) counters.inFlight--;
      done = true;
    });
    response.sendDate = false;

    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart < 0 ? url : url.slice(0, queryStart);
    const query = new URLSearchParams(queryStart < 0 ? '' : url.slice(queryStart + 1));
    const perUrl = urlCounters(counters, url);
    perUrl.requests++;
    const bucket = bucketFor(path);
    const perBucket = bucketCounters(counters, bucket);
    perBucket.requests++;

    if (limiter.enabled && counters.inFlight > limiter.concurrency) {
      counters.concurrencyRejected++;
      perBucket.throttled++;
      perUrl.throttled++;
      // A concurrency 429 reports limit 0 and remaining 0; its reset is only a hint.
      const hint = {
        allowed: false,
        limit: 0,
        remaining: 0,
        resetSeconds: Math.ceil(now() / 1000) + 1,
        used: 0,
      };
      send(response, requestNumber, rateLimited(), hint);
      return;
    }
    const rateLimit = limiter.take(bucket);
    if (!rateLimit.allowed) {
      perBucket.throttled++;
      perUrl.throttled++;
      send(response, requestNumber, rateLimited(), rateLimit);
      return;
    }
    perBucket.maxUsedInWindow = Math.max(perBucket.maxUsedInWindow, rateLimit.used);

    const fault = faults.active ? faults.decide(url, perUrl.requests, requestNumber) : undefined;
    const delay = delayFor(requestNumber) + (fault?.delayMs ?? 0);
    if (fault && fault.delayMs > 0) counters.faults.slow++;
    if (delay > 0) await sleep(delay);
    if (response.destroyed) return;

    if (fault?.kind) {
      counters.faults[fault.kind]++;
      perUrl.faulted++;
      switch (fault.kind) {
        case 'rate429':
        case 'storm429':
          perBucket.throttled++;
          send(response, requestNumber, rateLimited(), { ...rateLimit, remaining: 0 });
          return;
        case 'reset':
          request.socket.destroy();
          return;
        case 'truncated':
          break;
        case 'status502':
        case 'status503':
          sendHtml(response, requestNumber, FAULT_STATUS[fault.kind] as number);
          return;
        default:
          send(
            response,
            requestNumber,
            oktaError(FAULT_STATUS[fault.kind] as number, 'E0000009', 'Internal Server Error'),
            rateLimit,
          );
          return;
      }
    }

    let result: RouteResult;
    const proof = typeof request.headers.dpop === 'string' ? request.headers.dpop : undefined;
    const oauthAuthorization = oauth && SampleOrgOAuth.isOAuth(request.headers.authorization);
    if (oauth && path === '/oauth2/v1/token' && request.method === 'POST') {
      let body = '';
      for await (const chunk of request) body += String(chunk);
      result = oauth.token(body, proof, replayedProof);
    } else if (request.method !== 'GET' && request.method !== 'HEAD') {
      result = routes.knows(path)
        ? oktaError(405, 'E0000022', 'The endpoint does not support the provided HTTP method')
        : notFound();
    } else if (path !== '/.well-known/okta-organization' && oauthAuthorization) {
      const checked = oauth.authenticate(
        'GET',
        path,
        request.headers.authorization ?? '',
        proof,
        replayedProof,
        arrivedAt,
      );
      result = checked.ok ? (routes.handle({ method: 'GET', path, query }) ?? notFound()) : checked.result;
    } else if (path !== '/.well-known/okta-organization' && request.headers.authorization !== authorization) {
      result = oktaError(401, 'E0000011', 'Invalid token provided');
    } else if (deny.some((prefix) => path.startsWith(prefix))) {
      result = oktaError(403, 'E0000006', 'You do not have permission to perform the requested action');
    } else {
      result = routes.handle({ method: 'GET', path, query }) ?? notFound();
    }
    send(response, requestNumber, result, rateLimit, fault?.kind === 'truncated' && result.status === 200);
  };

  const listener = (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      send(
        response,
        counters.requests,
        oktaError(500, 'E0000009', `Internal Server Error: ${message}`),
        undefined,
      );
    });
  };
  const server = options.tls
    ? createHttpsServer({ keepAlive: true, key: options.tls.key, cert: options.tls.cert }, listener)
    : createServer({ keepAlive: true }, listener);
  server.keepAliveTimeout = 30_000;
  let connections = 0;
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${options.tls ? 'https' : 'http'}://${host}:${address.port}`;
  store.origin = url;
  if (oauth) oauth.origin = url;

  return {
    url,
    token,
    counters,
    oauth,
    get connections() {
      return connections;
    },
    truth: data.truth,
    mutate: (change) => data.mutate(change),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
