import { describe, expect, it } from 'vitest';
import { calculateRetryDelay } from '../../src/okta/calculate-retry-delay.js';

describe('calculateRetryDelay', () => {
  const options = { baseDelayMs: 1000, maxDelayMs: 30_000 };

  it('doubles the ceiling with each retry, up to the maximum', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7].map((retry) =>
      calculateRetryDelay({ ...options, retry, random: () => 0.999_999 }),
    );
    expect(ceilings).toEqual([999, 1999, 3999, 7999, 15_999, 29_999, 29_999]);
  });

  it('draws the delay uniformly below the ceiling (full jitter)', () => {
    expect(calculateRetryDelay({ ...options, retry: 3, random: () => 0 })).toBe(0);
    expect(calculateRetryDelay({ ...options, retry: 3, random: () => 0.5 })).toBe(2000);
  });
});
