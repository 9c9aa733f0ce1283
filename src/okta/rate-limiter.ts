import { setTimeout as sleepFor } from 'node:timers/promises';
import { calculateRetryDelay } from './calculate-retry-delay.js';

/**
 * The one request scheduler. It owns Okta's rate limits for the whole run: per-bucket budgets
 * learnt from the `X-Rate-Limit-*` headers, one global concurrency cap, 429 waits, and retries of
 * transient faults. It knows nothing about endpoints beyond a bucket key, and nothing about HTTP
 * beyond what an attempt reports (see {@link AttemptReport}).
 * https://developer.okta.com/docs/reference/rl-best-practices/
 */

export interface SchedulerOptions {
  /**
   * Fraction of each bucket's limit okta-connector may use per window. Okta gives one API token or
   * OAuth app 50 % of a bucket by default (configurable per token, minimum 5 %) and the org's other
   * integrations share the rest; staying at half of what Okta reports keeps at least
   * `limit × (1 − share)` of every bucket free for them, so an inventory run never starves the
   * provisioning or SSO integrations of the same org.
   * @default 0.5
   */
  share: number;
  /**
   * Requests in flight across all buckets. Okta allows 75 per org (35 on free plans), shared with
   * every other integration; a handful is plenty because the per-bucket budgets bind first.
   * @default 8
   */
  concurrency: number;
  /**
   * Retries of one request, for 429s and transient faults (5xx, resets, timeouts, truncated bodies).
   * @default 6
   */
  maxRetries: number;
  /**
   * Retries across the whole run: a sick org fails the run instead of retrying every request.
   * @default 200
   */
  retryBudget: number;
  /**
   * Backoff base: the first retry waits up to this long, each further retry up to twice as long.
   * @default 1000
   */
  baseDelayMs: number;
  /**
   * Ceiling of one backoff delay.
   * @default 30_000
   */
  maxDelayMs: number;
  /**
   * Ceiling of one wait for a bucket's window to reset. Okta's windows are about a minute; a reset
   * further away than this is treated as a clock or header error and retried after this long.
   * @default 120_000
   */
  maxRateLimitWaitMs: number;
  /**
   * After a concurrency 429 the concurrency is halved for this long, then raised by one every
   * quarter of it until it is back at `concurrency`.
   * @default 10_000
   */
  concurrencyCooldownMs: number;
  /** Clock in milliseconds. @default Date.now */
  now: () => number;
  /** Waits `ms`; resolves early or rejects when `signal` aborts. @default node:timers/promises setTimeout */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source, uniform in [0, 1). @default Math.random */
  random: () => number;
}

export const DEFAULT_SCHEDULER_OPTIONS: Readonly<SchedulerOptions> = Object.freeze({
  share: 0.5,
  concurrency: 8,
  maxRetries: 6,
  retryBudget: 200,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRateLimitWaitMs: 120_000,
  concurrencyCooldownMs: 10_000,
  now: () => Date.now(),
  sleep: (ms: number, signal?: AbortSignal) => sleepFor(ms, undefined, { signal }),
  random: () => Math.random(),
});

/** Waits and retries, for the UI and the manifest. Every retry emits `retry`; a 429 also emits `rate-limit-wait`. */
export type SchedulerEvent =
  | { type: 'rate-limit-wait'; bucket: string; waitMs: number; reason: '429' | 'budget' }
  | { type: 'concurrency-limited'; bucket: string; newConcurrency: number }
  /** `attempt` is the attempt about to be made (2 for the first retry). */
  | { type: 'retry'; bucket: string; attempt: number; delayMs: number; reason: string };

/** What the `X-Rate-Limit-*` headers of one response said. `reset` is UTC epoch seconds. */
export interface RateLimitHeaders {
  limit: number;
  remaining: number;
  reset: number;
}

/** Why the scheduler stopped retrying. */
export interface GiveUp {
  attempts: number;
  reason: 'max-retries' | 'retry-budget';
}

/**
 * The verdict of one attempt. `rate-limited` is a 429 (a concurrency 429 when the headers say
 * `limit: 0`); `retryable` is a transient fault whose `reason` ('HTTP 503', 'ECONNRESET',
 * 'truncated body') is reported in `retry` events; `fail` builds the error to throw when retries run out.
 */
export type AttemptOutcome<T> =
  | { kind: 'success'; value: T }
  | { kind: 'rate-limited'; fail: (giveUp: GiveUp) => Error }
  | { kind: 'retryable'; reason: string; fail: (giveUp: GiveUp) => Error }
  | { kind: 'fatal'; error: Error };

/** What one attempt reports back: its verdict and what the server said about limits and time. */
export interface AttemptReport<T> {
  outcome: AttemptOutcome<T>;
  rateLimit?: RateLimitHeaders | undefined;
  /** The server's clock (`Date` header) in epoch milliseconds. */
  serverDateMs?: number | undefined;
  /** A 429's `Retry-After`, in milliseconds from now; used when Okta's reset header is missing. */
  retryAfterMs?: number | undefined;
}

export interface BucketStats {
  /** Attempts sent, retries included. */
  requests: number;
  retries: number;
  /** 429 responses, concurrency 429s included. */
  rateLimited: number;
  /** Concurrency 429s (`X-Rate-Limit-Limit: 0`). */
  concurrencyLimited: number;
  /**
   * Time this bucket had a request ready but held back by a rate-limit budget, a 429 or a retry
   * backoff. Buckets wait in parallel, so the total can exceed the run's duration.
   */
  waitMs: number;
}

export interface SchedulerStats extends BucketStats {
  buckets: Record<string, BucketStats>;
}

/** Okta's `Date` header has one-second resolution; waiting one more second past a 429's reset is the documented margin. */
const RESET_MARGIN_MS = 1000;
/**
 * Margin past a window's reset before a budget-held bucket probes again. The server clock is
 * known to well under a second (see ServerClock), and a probe that comes back early costs one
 * request of the old window, never a 429, so the one-second margin is not needed there.
 */
const BUDGET_RESET_MARGIN_MS = 100;

interface Waiter {
  notBefore: number;
  resolve: () => void;
}

interface RateLimitWindow {
  limit: number;
  remaining: number;
  reset: number;
  /** Local-clock time from which the window is over (reset plus margin). */
  resetsAt: number;
}

interface BucketState {
  readonly name: string;
  readonly queue: Waiter[];
  inFlight: number;
  window: RateLimitWindow | undefined;
  /** Local-clock time until which a 429 holds the whole bucket. */
  blockedUntil: number;
  heldSince: number | undefined;
  announcedReset: number | undefined;
  /** Dispatch sequence number of the bucket's latest request; 0 before its first. */
  servedAt: number;
  readonly stats: BucketStats;
}

type Hold =
  | { ready: true }
  /** `until` is a local-clock time, or Infinity while waiting for responses in flight. */
  | { ready: false; until: number; reason: 'budget' | '429' | 'backoff' | 'in-flight' };

const READY: Hold = { ready: true };

/**
 * Runs attempts of requests bucket by bucket: FIFO within a bucket, all buckets concurrently up to
 * the global concurrency, so a sync is bound by its slowest bucket rather than the sum of them.
 *
 * Budget rule: a request is dispatched in a bucket only while
 * `remaining − inFlight(bucket) > limit × (1 − share)`, with `limit` and `remaining` taken from the
 * bucket's latest window. Okta's `remaining` counts every client of the org, so okta-connector plus
 * everything else never leaves less than `limit × (1 − share)` of a bucket; requests still in flight
 * are subtracted because the server may not have counted them yet. Until a bucket's first response
 * one request (a probe) may be in flight for it. An exhausted bucket waits, on a timer, until its
 * window resets (server clock, plus one second), then sends one probe again: the org's other
 * integrations may have spent part of the new window already, so assuming it full could overdraw it.
 */
export class RequestScheduler {
  readonly options: Readonly<SchedulerOptions>;
  readonly #onEvent: (event: SchedulerEvent) => void;
  readonly #buckets = new Map<string, BucketState>();
  #inFlight = 0;
  #concurrency: number;
  #nextConcurrencyIncreaseAt = 0;
  #concurrencyEpoch = 0;
  #dispatches = 0;
  #retriesUsed = 0;
  /** Server clock minus local clock, narrowed from every `Date` header. */
  readonly #serverClock = new ServerClock();
  #wake: { at: number; controller: AbortController } | undefined;
  #pumping = false;
  #pumpAgain = false;

  constructor(options: Partial<SchedulerOptions> = {}, onEvent: (event: SchedulerEvent) => void = () => {}) {
    const merged = { ...DEFAULT_SCHEDULER_OPTIONS, ...withoutUndefined(options) };
    validate(merged);
    this.options = Object.freeze(merged);
    this.#onEvent = onEvent;
    this.#concurrency = merged.concurrency;
  }

  /**
   * Runs `attempt` (1, 2, …) in `bucket` until it succeeds, fails for good, or runs out of retries.
   * Resolves with the successful value; rejects with the outcome's error.
   */
  async run<T>(bucketName: string, attempt: (attempt: number) => Promise<AttemptReport<T>>): Promise<T> {
    const bucket = this.#bucket(bucketName);
    let notBefore = Number.NEGATIVE_INFINITY;
    for (let number = 1; ; number++) {
      await this.#acquire(bucket, notBefore, number > 1);
      const epoch = this.#concurrencyEpoch;
      let report: AttemptReport<T>;
      let retry: { delayMs: number; reason: string } | undefined;
      try {
        const sentAt = this.options.now();
        report = await attempt(number);
        const now = this.options.now();
        this.#observe(bucket, report, sentAt, now);
        // Decide before releasing the slot, so a 429's hold applies to the very next dispatch.
        retry = this.#retryAfter(bucket, report, number, epoch, now);
        if (retry) notBefore = now + retry.delayMs;
      } finally {
        this.#release(bucket);
      }

      const { outcome } = report;
      if (outcome.kind === 'success') return outcome.value;
      if (outcome.kind === 'fatal') throw outcome.error;

      const giveUp: GiveUp['reason'] | undefined =
        number - 1 >= this.options.maxRetries
          ? 'max-retries'
          : this.#retriesUsed >= this.options.retryBudget
            ? 'retry-budget'
            : undefined;
      if (giveUp || !retry) throw outcome.fail({ attempts: number, reason: giveUp ?? 'max-retries' });

      this.#retriesUsed++;
      bucket.stats.retries++;
      this.#emit({ type: 'retry', bucket: bucket.name, attempt: number + 1, ...retry });
    }
  }

  /** Totals and per-bucket counters so far. */
  stats(): SchedulerStats {
    const totals: BucketStats = { requests: 0, retries: 0, rateLimited: 0, concurrencyLimited: 0, waitMs: 0 };
    const buckets: Record<string, BucketStats> = {};
    const now = this.options.now();
    for (const bucket of this.#buckets.values()) {
      const stats = { ...bucket.stats };
      if (bucket.heldSince !== undefined) stats.waitMs += now - bucket.heldSince;
      buckets[bucket.name] = stats;
      for (const key of Object.keys(totals) as (keyof BucketStats)[]) totals[key] += stats[key];
    }
    return { ...totals, buckets };
  }

  /** The global concurrency cap right now (lower than configured after a concurrency 429). */
  get concurrency(): number {
    return this.#concurrency;
  }

  #bucket(name: string): BucketState {
    let bucket = this.#buckets.get(name);
    if (!bucket) {
      bucket = {
        name,
        queue: [],
        inFlight: 0,
        window: undefined,
        blockedUntil: Number.NEGATIVE_INFINITY,
        heldSince: undefined,
        announcedReset: undefined,
        servedAt: 0,
        stats: { requests: 0, retries: 0, rateLimited: 0, concurrencyLimited: 0, waitMs: 0 },
      };
      this.#buckets.set(name, bucket);
    }
    return bucket;
  }

  #acquire(bucket: BucketState, notBefore: number, retry: boolean): Promise<void> {
    return new Promise((resolve) => {
      const waiter = { notBefore, resolve };
      // A retry is older than anything queued after it, so it goes first once its delay is over.
      if (retry) bucket.queue.unshift(waiter);
      else bucket.queue.push(waiter);
      this.#pump();
    });
  }

  #release(bucket: BucketState): void {
    bucket.inFlight--;
    this.#inFlight--;
    this.#pump();
  }

  #observe(bucket: BucketState, report: AttemptReport<unknown>, sentAt: number, now: number): void {
    if (report.serverDateMs !== undefined) this.#serverClock.observe(report.serverDateMs, sentAt, now);
    const headers = report.rateLimit;
    if (!headers || headers.limit <= 0) return;
    const untilReset = Math.min(
      this.#serverClock.localTimeAtLeast(headers.reset * 1000, report.serverDateMs, now) - now,
      this.options.maxRateLimitWaitMs,
    );
    const current = bucket.window;
    if (!current || headers.reset > current.reset) {
      bucket.window = {
        limit: headers.limit,
        remaining: headers.remaining,
        reset: headers.reset,
        resetsAt: now + untilReset + BUDGET_RESET_MARGIN_MS,
      };
    } else if (headers.reset === current.reset) {
      // Responses overtake each other under concurrency: the lowest `remaining` is the latest truth.
      current.remaining = Math.min(current.remaining, headers.remaining);
      current.limit = headers.limit;
    }
    // An older reset is a straggler from a window that is already over.
  }

  /** How long to wait before retrying a failed attempt; undefined when it succeeded or failed for good. */
  #retryAfter(
    bucket: BucketState,
    report: AttemptReport<unknown>,
    attempt: number,
    epoch: number,
    now: number,
  ): { delayMs: number; reason: string } | undefined {
    const { outcome } = report;
    if (outcome.kind === 'success' || outcome.kind === 'fatal') return undefined;
    if (outcome.kind === 'retryable') return { delayMs: this.#backoff(attempt), reason: outcome.reason };

    bucket.stats.rateLimited++;
    if (report.rateLimit?.limit === 0) {
      // A concurrency 429: its reset is only a hint; fewer parallel requests is the cure. Requests
      // sent before the last cut do not cut again, or one burst would drop the cap straight to 1.
      bucket.stats.concurrencyLimited++;
      if (epoch === this.#concurrencyEpoch) this.#reduceConcurrency(bucket, now);
      return { delayMs: this.#backoff(attempt), reason: 'HTTP 429 (concurrency)' };
    }
    const delayMs = this.#rateLimitWait(report, attempt, now);
    bucket.blockedUntil = Math.max(bucket.blockedUntil, now + delayMs);
    this.#emit({ type: 'rate-limit-wait', bucket: bucket.name, waitMs: delayMs, reason: '429' });
    return { delayMs, reason: 'HTTP 429' };
  }

  #rateLimitWait(report: AttemptReport<unknown>, attempt: number, now: number): number {
    const reset = report.rateLimit?.reset;
    if (reset === undefined) {
      // Not Okta's headers (a proxy or gateway answered the 429): its Retry-After is all there is.
      if (report.retryAfterMs !== undefined) {
        return Math.min(report.retryAfterMs, this.options.maxRateLimitWaitMs);
      }
      return this.#backoff(attempt);
    }
    // Reset − Date + 1 s, on the server's clock: the local one may be minutes off.
    const serverNow = report.serverDateMs ?? now + this.#serverClock.offsetMs;
    const untilReset = reset * 1000 - serverNow;
    if (untilReset < 0) return this.#backoff(attempt);
    return Math.min(untilReset + RESET_MARGIN_MS, this.options.maxRateLimitWaitMs);
  }

  #backoff(attempt: number): number {
    const { baseDelayMs, maxDelayMs, random } = this.options;
    return calculateRetryDelay({ retry: attempt, baseDelayMs, maxDelayMs, random });
  }

  #reduceConcurrency(bucket: BucketState, now: number): void {
    this.#concurrencyEpoch++;
    this.#concurrency = Math.max(1, Math.floor(this.#concurrency / 2));
    this.#nextConcurrencyIncreaseAt = now + this.options.concurrencyCooldownMs;
    this.#emit({ type: 'concurrency-limited', bucket: bucket.name, newConcurrency: this.#concurrency });
  }

  #hold(bucket: BucketState, now: number): Hold {
    if (bucket.blockedUntil > now) return { ready: false, until: bucket.blockedUntil, reason: '429' };
    const window = bucket.window;
    if (!window || now >= window.resetsAt) {
      // Unknown, or a window that is over: the org's other clients may already have used the new
      // one, so a single probe (or any response still in flight) learns it before more go out.
      return bucket.inFlight === 0 ? this.#readyWaiter(bucket, now) : blockedByInFlight;
    }
    // The epsilon keeps float noise (10 × (1 − 0.8) = 1.9999…) from letting one more through.
    if (window.remaining - bucket.inFlight > window.limit * (1 - this.options.share) + 1e-9) {
      return this.#readyWaiter(bucket, now);
    }
    return { ready: false, until: window.resetsAt, reason: 'budget' };
  }

  #readyWaiter(bucket: BucketState, now: number): Hold {
    let earliest = Number.POSITIVE_INFINITY;
    for (const waiter of bucket.queue) {
      if (waiter.notBefore <= now) return READY;
      earliest = Math.min(earliest, waiter.notBefore);
    }
    return { ready: false, until: earliest, reason: 'backoff' };
  }

  /**
   * Dispatches every request that may go now, round-robin over buckets, then arms one timer for
   * the earliest moment a held bucket may go again. Re-entrant calls are folded into one loop.
   */
  #pump(): void {
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#pumpAgain = false;
        this.#pumpOnce();
      } while (this.#pumpAgain);
    } finally {
      this.#pumping = false;
    }
  }

  #pumpOnce(): void {
    const now = this.options.now();
    this.#restoreConcurrency(now);
    // Least recently served first, so a busy bucket cannot starve the others of concurrency.
    const buckets = [...this.#buckets.values()]
      .filter((bucket) => bucket.queue.length > 0)
      .sort((a, b) => a.servedAt - b.servedAt);
    let dispatched = true;
    while (dispatched && this.#inFlight < this.#concurrency) {
      dispatched = false;
      for (const bucket of buckets) {
        if (this.#inFlight >= this.#concurrency) break;
        if (bucket.queue.length === 0 || !this.#hold(bucket, now).ready) continue;
        this.#dispatch(bucket, now);
        dispatched = true;
      }
    }

    let wakeAt = Number.POSITIVE_INFINITY;
    for (const bucket of buckets) {
      if (bucket.queue.length === 0) continue;
      const hold = this.#hold(bucket, now);
      if (hold.ready || hold.until === Number.POSITIVE_INFINITY) {
        // Waiting for a concurrency slot or for responses in flight: not a timed hold.
        this.#endHold(bucket, now);
        continue;
      }
      bucket.heldSince ??= now;
      wakeAt = Math.min(wakeAt, hold.until);
      const reset = bucket.window?.reset;
      if (hold.reason === 'budget' && reset !== bucket.announcedReset) {
        bucket.announcedReset = reset;
        this.#emit({
          type: 'rate-limit-wait',
          bucket: bucket.name,
          waitMs: hold.until - now,
          reason: 'budget',
        });
      }
    }
    this.#armWake(wakeAt, now);
  }

  #dispatch(bucket: BucketState, now: number): void {
    const index = bucket.queue.findIndex((waiter) => waiter.notBefore <= now);
    const [waiter] = bucket.queue.splice(index, 1);
    if (!waiter) return;
    this.#endHold(bucket, now);
    bucket.inFlight++;
    this.#inFlight++;
    bucket.stats.requests++;
    bucket.servedAt = ++this.#dispatches;
    waiter.resolve();
  }

  #endHold(bucket: BucketState, now: number): void {
    if (bucket.heldSince === undefined) return;
    bucket.stats.waitMs += now - bucket.heldSince;
    bucket.heldSince = undefined;
  }

  #restoreConcurrency(now: number): void {
    if (this.#concurrency >= this.options.concurrency || now < this.#nextConcurrencyIncreaseAt) return;
    this.#concurrency++;
    this.#nextConcurrencyIncreaseAt = now + this.options.concurrencyCooldownMs / 4;
  }

  /** One timer for the whole scheduler, for the earliest held bucket; none while nothing waits. */
  #armWake(at: number, now: number): void {
    if (this.#wake && (at === Number.POSITIVE_INFINITY || at < this.#wake.at)) {
      this.#wake.controller.abort();
      this.#wake = undefined;
    }
    if (at === Number.POSITIVE_INFINITY || this.#wake) return;
    const wake = { at, controller: new AbortController() };
    this.#wake = wake;
    this.options.sleep(Math.max(0, at - now), wake.controller.signal).then(
      () => {
        if (this.#wake !== wake) return;
        this.#wake = undefined;
        this.#pump();
      },
      () => {},
    );
  }

  #emit(event: SchedulerEvent): void {
    try {
      this.#onEvent(event);
    } catch {
      // A listener's bug must not break a request in flight.
    }
  }
}

const blockedByInFlight: Hold = { ready: false, until: Number.POSITIVE_INFINITY, reason: 'in-flight' };

function withoutUndefined<T extends object>(options: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function validate(options: SchedulerOptions): void {
  const check = (ok: boolean, message: string) => {
    if (!ok) throw new RangeError(`Invalid scheduler option: ${message}`);
  };
  check(options.share > 0 && options.share <= 1, `share must be in (0, 1], got ${options.share}`);
  check(
    Number.isInteger(options.concurrency) && options.concurrency >= 1,
    `concurrency must be an integer ≥ 1, got ${options.concurrency}`,
  );
  check(
    Number.isInteger(options.maxRetries) && options.maxRetries >= 0,
    `maxRetries must be an integer ≥ 0, got ${options.maxRetries}`,
  );
  check(
    Number.isInteger(options.retryBudget) && options.retryBudget >= 0,
    `retryBudget must be an integer ≥ 0, got ${options.retryBudget}`,
  );
  for (const key of ['baseDelayMs', 'maxDelayMs', 'maxRateLimitWaitMs', 'concurrencyCooldownMs'] as const) {
    check(Number.isFinite(options[key]) && options[key] >= 0, `${key} must be ≥ 0, got ${options[key]}`);
  }
}

/**
 * The server's clock relative to ours, to well under a second although `Date` has whole seconds:
 * a response stamped D, sent at local time s and received at r, was stamped at a server time in
 * [D, D + 1 s) and a local time in [s, r], so the offset lies in [D − r, D + 1 s − s]. Intersecting
 * those intervals over many responses narrows it to about one round trip.
 */
export class ServerClock {
  #low = Number.NEGATIVE_INFINITY;
  #high = Number.POSITIVE_INFINITY;

  observe(serverDateMs: number, sentAt: number, receivedAt: number): void {
    const low = serverDateMs - receivedAt;
    const high = serverDateMs + 1000 - sentAt;
    if (low > this.#high || high < this.#low) {
      // One of the clocks jumped (NTP, a suspended laptop): start again from this response.
      this.#low = low;
      this.#high = high;
      return;
    }
    this.#low = Math.max(this.#low, low);
    this.#high = Math.min(this.#high, high);
  }

  /** Best estimate of server minus local time, in ms (0 before any response). */
  get offsetMs(): number {
    if (!Number.isFinite(this.#low)) return 0;
    return Number.isFinite(this.#high) ? (this.#low + this.#high) / 2 : this.#low;
  }

  /**
   * The earliest local time at which the server's clock is surely at `serverTimeMs` or later.
   * Falls back to `Date`-based arithmetic when nothing is known yet.
   */
  localTimeAtLeast(serverTimeMs: number, serverDateMs: number | undefined, now: number): number {
    if (Number.isFinite(this.#low)) return serverTimeMs - this.#low;
    return serverDateMs === undefined ? now : now + (serverTimeMs - serverDateMs);
  }
}
