export interface RetryDelayOptions {
  /** The retry about to happen: 1 for the first retry. */
  retry: number;
  /** Backoff base: the ceiling of the first retry's delay. */
  baseDelayMs: number;
  /** Ceiling of any single delay. */
  maxDelayMs: number;
  /** Uniform in [0, 1), like Math.random. */
  random: () => number;
}

/**
 * Exponential backoff with full jitter: a delay drawn uniformly from
 * `[0, min(maxDelayMs, baseDelayMs × 2^(retry − 1)))`. Full jitter spreads the retries of many
 * concurrent requests so they do not hit a recovering server in lockstep.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function calculateRetryDelay({ retry, baseDelayMs, maxDelayMs, random }: RetryDelayOptions): number {
  const exponent = Math.min(Math.max(retry - 1, 0), 30);
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}
