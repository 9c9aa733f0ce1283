import { HttpResponse } from 'msw';
import { OktaClient, type OktaClientOptions, type RequestEvent } from '../../../src/okta/client.js';
import { parseOrgUrl } from '../../../src/okta/org-url.js';
import type { SchedulerEvent } from '../../../src/okta/rate-limiter.js';
import { createVirtualClock, type VirtualClock } from './virtual-clock.js';

export const ORIGIN = 'https://acme.okta.com';
export const orgUrl = parseOrgUrl('acme.okta.com');
/** Looks like an Okta API token, so a leak would be easy to spot in any output. */
export const TOKEN = '00TeStSeCrEt-tOkEn_0123456789abcdefghijklmn';

/** An OktaClient on a virtual clock, recording its events. */
export function createTestClient(overrides: Partial<OktaClientOptions> = {}, clock = createVirtualClock()) {
  const requests: RequestEvent[] = [];
  const events: SchedulerEvent[] = [];
  const client = new OktaClient({
    orgUrl,
    credentials: { kind: 'ssws', token: TOKEN },
    onRequest: (event) => requests.push(event),
    onSchedulerEvent: (event) => events.push(event),
    ...overrides,
    scheduler: { now: clock.now, sleep: clock.sleep, random: () => 0.5, ...overrides.scheduler },
  });
  return { client, clock, requests, events };
}

export function errorBody(errorCode: string, errorSummary: string, errorId = 'oaeABCDEF123') {
  return { errorCode, errorSummary, errorLink: errorCode, errorId, errorCauses: [] };
}

export interface WindowUsage {
  reset: number;
  /** Requests of okta-connector counted in this window. */
  ours: number;
  /** Requests the org's other integrations made in this window. */
  others: number;
  /** The lowest `remaining` the bucket reached. */
  minRemaining: number;
  rejected: number;
}

/**
 * Okta's rate limiting, honestly: per-bucket windows of `windowMs` on the server's clock (which may
 * be skewed from the client's), `X-Rate-Limit-*` headers on every answer, 429 when over the limit.
 */
export class FakeRateLimits {
  readonly windows = new Map<string, WindowUsage[]>();
  readonly #clock: VirtualClock;
  readonly #skewMs: number;
  readonly #windowMs: number;

  constructor(clock: VirtualClock, options: { skewMs?: number; windowMs?: number } = {}) {
    this.#clock = clock;
    this.#skewMs = options.skewMs ?? 0;
    this.#windowMs = options.windowMs ?? 60_000;
  }

  serverNow(): number {
    return this.#clock.now() + this.#skewMs;
  }

  dateHeader(): string {
    return new Date(this.serverNow()).toUTCString();
  }

  /** Counts one request against `bucket`; returns the status to answer and the headers to send. */
  take(
    bucket: string,
    limit: number,
    othersPerWindow = 0,
  ): { status: 200 | 429; headers: Record<string, string> } {
    const now = this.serverNow();
    const windows = this.windows.get(bucket) ?? [];
    this.windows.set(bucket, windows);
    let window = windows.at(-1);
    if (!window || now >= window.reset * 1000) {
      window = {
        reset: Math.ceil((now + this.#windowMs) / 1000),
        ours: 0,
        others: othersPerWindow,
        minRemaining: limit - othersPerWindow,
        rejected: 0,
      };
      windows.push(window);
    }
    const allowed = window.ours + window.others < limit;
    if (allowed) window.ours++;
    else window.rejected++;
    const remaining = limit - window.ours - window.others;
    window.minRemaining = Math.min(window.minRemaining, remaining);
    return {
      status: allowed ? 200 : 429,
      headers: {
        'x-rate-limit-limit': String(limit),
        'x-rate-limit-remaining': String(remaining),
        'x-rate-limit-reset': String(window.reset),
        date: this.dateHeader(),
        'x-okta-request-id': `req-${bucket}-${window.ours}`,
      },
    };
  }

  respond(bucket: string, limit: number, body: unknown, othersPerWindow = 0): Response {
    const { status, headers } = this.take(bucket, limit, othersPerWindow);
    const payload =
      status === 429 ? errorBody('E0000047', 'API call exceeded rate limit due to too many requests.') : body;
    return new HttpResponse(JSON.stringify(payload), {
      status,
      headers: { ...headers, 'content-type': 'application/json' },
    });
  }
}

/** Counts requests in flight inside a handler. */
export class InFlightCounter {
  current = 0;
  max = 0;
  async around<T>(work: () => Promise<T>): Promise<T> {
    this.current++;
    this.max = Math.max(this.max, this.current);
    try {
      return await work();
    } finally {
      this.current--;
    }
  }
}
