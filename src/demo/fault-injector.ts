import { hash, hashString, unit } from './random.js';
import type { FaultKind } from './sample-org-counters.js';

/**
 * Faults to inject, each a probability per request. Which request gets which fault is decided by
 * hashing (seed, path+query, how many times that URL was requested), so it does not depend on how
 * concurrent requests interleave, and a retry of a faulted request draws again.
 */
export interface FaultOptions {
  /** @default the org's seed */
  seed?: number;
  /** 429 E0000047 with the bucket's headers and `X-Rate-Limit-Remaining: 0`. @default 0 */
  rate429?: number;
  /** 500, 502, 503 or 504; 502 and 503 come with an HTML body and no rate-limit headers. @default 0 */
  rate5xx?: number;
  /** The socket is destroyed without an answer. @default 0 */
  rateReset?: number;
  /** 200 with a Content-Length-consistent but cut JSON body. @default 0 */
  rateTruncated?: number;
  /** The answer is delayed by `slowMs` (it is otherwise normal). @default 0 */
  slowRate?: number;
  /** @default 5_000 */
  slowMs?: number;
  /** After `afterRequests` requests in total, the next `count` requests all get 429. */
  storm429?: { afterRequests: number; count: number };
}

export interface FaultDecision {
  /** The fault that replaces the answer, if any (`slow` never replaces it). */
  kind: Exclude<FaultKind, 'slow'> | undefined;
  delayMs: number;
}

const STATUS_KINDS = ['status500', 'status502', 'status503', 'status504'] as const;

export class FaultInjector {
  private readonly seed: number;

  constructor(
    private readonly options: FaultOptions,
    defaultSeed: number,
  ) {
    this.seed = options.seed ?? defaultSeed;
  }

  /** `attempt` is 1 for the first request of `url`; `requestNumber` counts all requests from 1. */
  decide(url: string, attempt: number, requestNumber: number): FaultDecision {
    const { options } = this;
    const storm = options.storm429;
    const slow =
      (options.slowRate ?? 0) > 0 &&
      unit(hash(this.seed, hashString(url), attempt, 2)) < (options.slowRate ?? 0);
    const delayMs = slow ? (options.slowMs ?? 5_000) : 0;
    if (storm && requestNumber > storm.afterRequests && requestNumber <= storm.afterRequests + storm.count) {
      return { kind: 'storm429', delayMs };
    }
    let roll = unit(hash(this.seed, hashString(url), attempt, 1));
    const take = (rate: number | undefined): boolean => {
      const p = rate ?? 0;
      if (roll < p) return true;
      roll -= p;
      return false;
    };
    if (take(options.rate429)) return { kind: 'rate429', delayMs };
    if (take(options.rate5xx)) {
      return { kind: STATUS_KINDS[hash(this.seed, hashString(url), attempt, 3) % 4], delayMs };
    }
    if (take(options.rateReset)) return { kind: 'reset', delayMs };
    if (take(options.rateTruncated)) return { kind: 'truncated', delayMs };
    return { kind: undefined, delayMs };
  }

  /** Whether any fault is configured (so the common case costs nothing). */
  get active(): boolean {
    const { options } = this;
    return Boolean(
      options.rate429 ||
        options.rate5xx ||
        options.rateReset ||
        options.rateTruncated ||
        options.slowRate ||
        options.storm429,
    );
  }
}
