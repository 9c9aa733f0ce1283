/** Kinds of injected faults, as counted in `counters.faults`. */
export type FaultKind =
  | 'rate429'
  | 'storm429'
  | 'status500'
  | 'status502'
  | 'status503'
  | 'status504'
  | 'reset'
  | 'truncated'
  | 'slow';

export interface BucketCounters {
  /** Requests that reached the bucket (refused ones included). */
  requests: number;
  /** 429s sent for this bucket: over its limit, concurrency, injected or storm. */
  throttled: number;
  /** The most requests served in any one window: never above the limit unless limits are off. */
  maxUsedInWindow: number;
}

export interface UrlCounters {
  /** Requests for this exact path and query. */
  requests: number;
  /** Answered with an injected fault (429, 5xx, reset, truncated body). A slow answer is not a fault. */
  faulted: number;
  /** Answered 429 by the rate or concurrency limit. */
  throttled: number;
}

/**
 * What the server saw. `urls` lets a test check that nothing was fetched twice except retries:
 * for every URL, `requests - faulted - throttled` should be at most 1.
 */
export interface SampleOrgCounters {
  requests: number;
  inFlight: number;
  maxInFlight: number;
  /** 429s sent because more than `concurrency` requests were in flight. */
  concurrencyRejected: number;
  buckets: Record<string, BucketCounters>;
  /** Keyed by path + query exactly as requested. */
  urls: Map<string, UrlCounters>;
  faults: Record<FaultKind, number>;
  /** Zeroes everything (in-flight requests keep counting down). */
  reset(): void;
  /** A JSON-friendly copy (`urls` as an object). */
  toJSON(): Record<string, unknown>;
}

function emptyFaults(): Record<FaultKind, number> {
  return {
    rate429: 0,
    storm429: 0,
    status500: 0,
    status502: 0,
    status503: 0,
    status504: 0,
    reset: 0,
    truncated: 0,
    slow: 0,
  };
}

export function createCounters(): SampleOrgCounters {
  const counters: SampleOrgCounters = {
    requests: 0,
    inFlight: 0,
    maxInFlight: 0,
    concurrencyRejected: 0,
    buckets: {},
    urls: new Map(),
    faults: emptyFaults(),
    reset() {
      counters.requests = 0;
      counters.maxInFlight = counters.inFlight;
      counters.concurrencyRejected = 0;
      counters.buckets = {};
      counters.urls = new Map();
      counters.faults = emptyFaults();
    },
    toJSON() {
      return {
        requests: counters.requests,
        inFlight: counters.inFlight,
        maxInFlight: counters.maxInFlight,
        concurrencyRejected: counters.concurrencyRejected,
        buckets: counters.buckets,
        faults: counters.faults,
        urls: Object.fromEntries(counters.urls),
      };
    },
  };
  return counters;
}

export function bucketCounters(counters: SampleOrgCounters, bucket: string): BucketCounters {
  let entry = counters.buckets[bucket];
  if (!entry) {
    entry = { requests: 0, throttled: 0, maxUsedInWindow: 0 };
    counters.buckets[bucket] = entry;
  }
  return entry;
}

export function urlCounters(counters: SampleOrgCounters, url: string): UrlCounters {
  let entry = counters.urls.get(url);
  if (!entry) {
    entry = { requests: 0, faulted: 0, throttled: 0 };
    counters.urls.set(url, entry);
  }
  return entry;
}
