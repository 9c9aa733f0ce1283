import { describe, expect, it } from 'vitest';
import {
  type AttemptReport,
  DEFAULT_SCHEDULER_OPTIONS,
  type RateLimitHeaders,
  RequestScheduler,
  type SchedulerEvent,
  type SchedulerOptions,
  ServerClock,
} from '../../src/okta/rate-limiter.js';
import { createVirtualClock } from './support/virtual-clock.js';

interface Started {
  bucket: string;
  label: string;
  attempt: number;
  finish: (report: AttemptReport<string>) => void;
}

/** A scheduler whose attempts finish only when the test says so. */
function harness(options: Partial<SchedulerOptions> = {}) {
  const clock = createVirtualClock({ manual: true });
  const events: SchedulerEvent[] = [];
  const scheduler = new RequestScheduler(
    { now: clock.now, sleep: clock.sleep, random: () => 0.5, ...options },
    (event) => events.push(event),
  );
  const started: Started[] = [];
  const run = (bucket = 'apps', label = '') =>
    scheduler.run<string>(
      bucket,
      (attempt) => new Promise((finish) => started.push({ bucket, label, attempt, finish })),
    );
  /** Reset `seconds` from now on a server clock `skewMs` ahead of ours. */
  const resetIn = (seconds: number, skewMs = 0) => Math.floor((clock.now() + skewMs) / 1000) + seconds;
  const ok = (rateLimit?: RateLimitHeaders, skewMs = 0): AttemptReport<string> => ({
    outcome: { kind: 'success', value: 'ok' },
    rateLimit,
    serverDateMs: Math.floor((clock.now() + skewMs) / 1000) * 1000,
  });
  /** Wakes the earliest sleeper (the scheduler's timer), then lets the scheduler react. */
  const advance = async () => {
    clock.tick();
    await flush();
  };
  return { clock, events, scheduler, started, run, resetIn, ok, advance };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));
const retryable = (reason = 'HTTP 503'): AttemptReport<string> => ({
  outcome: {
    kind: 'retryable',
    reason,
    fail: (giveUp) => new Error(`gave up: ${giveUp.reason} ${giveUp.attempts}`),
  },
});

describe('RequestScheduler', () => {
  it('has the documented defaults', () => {
    const { share, concurrency, maxRetries, retryBudget, baseDelayMs, maxDelayMs, concurrencyCooldownMs } =
      new RequestScheduler().options;
    expect({
      share,
      concurrency,
      maxRetries,
      retryBudget,
      baseDelayMs,
      maxDelayMs,
      concurrencyCooldownMs,
    }).toEqual({
      share: 0.5,
      concurrency: 8,
      maxRetries: 6,
      retryBudget: 200,
      baseDelayMs: 1000,
      maxDelayMs: 30_000,
      concurrencyCooldownMs: 10_000,
    });
    expect(DEFAULT_SCHEDULER_OPTIONS.share).toBe(0.5);
  });

  it('rejects options that make no sense', () => {
    expect(() => new RequestScheduler({ share: 0 })).toThrow(RangeError);
    expect(() => new RequestScheduler({ share: 1.5 })).toThrow(/share/);
    expect(() => new RequestScheduler({ concurrency: 0 })).toThrow(/concurrency/);
    expect(() => new RequestScheduler({ maxRetries: -1 })).toThrow(/maxRetries/);
  });

  it('sends one probe to a bucket before its limit is known', async () => {
    const { started, run, ok, resetIn } = harness();
    const runs = [run(), run(), run()];
    await flush();
    expect(started).toHaveLength(1);
    started[0]!.finish(ok({ limit: 100, remaining: 99, reset: resetIn(60) }));
    await flush();
    expect(started).toHaveLength(3);
    for (const entry of started.slice(1)) entry.finish(ok());
    await expect(Promise.all(runs)).resolves.toEqual(['ok', 'ok', 'ok']);
  });

  it.each([
    [0.5, 4],
    [0.8, 7],
    [1, 9],
    [0.1, 0],
  ])(
    'with share %f, dispatches while remaining − inFlight > limit × (1 − share): %i in flight',
    async (share, expected) => {
      const { started, run, ok, resetIn } = harness({ share, concurrency: 20 });
      for (let index = 0; index < 12; index++) void run();
      await flush();
      // limit 10, remaining 9 after the probe: 9 − k > 10 × (1 − share).
      started[0]!.finish(ok({ limit: 10, remaining: 9, reset: resetIn(60) }));
      await flush();
      expect(started.length - 1).toBe(expected);
    },
  );

  it('keeps the lowest remaining of a window, and starts a new window on a later reset', async () => {
    const { started, run, ok, resetIn } = harness({ concurrency: 4 });
    const reset = resetIn(60);
    for (let index = 0; index < 20; index++) void run();
    await flush();
    started[0]!.finish(ok({ limit: 100, remaining: 90, reset }));
    await flush();
    expect(started).toHaveLength(5); // the probe, then the concurrency of 4

    started[1]!.finish(ok({ limit: 100, remaining: 53, reset })); // 53 − 3 in flight = 50: not > 50
    await flush();
    expect(started).toHaveLength(5);

    started[2]!.finish(ok({ limit: 100, remaining: 60, reset })); // overtaken: 53 still holds, 53 − 2 > 50
    await flush();
    expect(started).toHaveLength(6);

    started[3]!.finish(ok({ limit: 100, remaining: 99, reset: reset + 60 })); // a new window
    await flush();
    expect(started).toHaveLength(8);

    started[4]!.finish(ok({ limit: 100, remaining: 1, reset })); // a straggler of the old window
    await flush();
    expect(started).toHaveLength(9);
  });

  it('waits on one timer until the window resets on the server clock, then goes on (100 ms past it: the server clock is known precisely)', async () => {
    const skewMs = 5 * 60_000; // the local clock is five minutes behind the server's
    const { clock, events, started, run, ok, resetIn, advance, scheduler } = harness({ concurrency: 20 });
    const reset = resetIn(30, skewMs);
    const runs = Array.from({ length: 12 }, () => run());
    await flush();
    started[0]!.finish(ok({ limit: 10, remaining: 9, reset }, skewMs));
    await flush();
    expect(started).toHaveLength(5);
    const startedAt = clock.now();
    for (const [index, entry] of started.slice(1).entries()) {
      entry.finish(ok({ limit: 10, remaining: 8 - index, reset }, skewMs));
    }
    await flush();
    expect(started).toHaveLength(5);
    expect(events).toEqual([{ type: 'rate-limit-wait', bucket: 'apps', waitMs: 30_100, reason: 'budget' }]);
    expect(clock.sleeps).toEqual([30_100]);

    await advance();
    expect(clock.now() - startedAt).toBe(30_100);
    // The new window is probed first: other clients may have spent part of it already.
    expect(started).toHaveLength(6);
    started[5]!.finish(ok({ limit: 10, remaining: 7, reset: reset + 60 }, skewMs));
    await flush();
    expect(started).toHaveLength(8); // 7 − k > 5: two more
    started[6]!.finish(ok({ limit: 10, remaining: 6, reset: reset + 60 }, skewMs));
    started[7]!.finish(ok({ limit: 10, remaining: 5, reset: reset + 60 }, skewMs));
    await flush();
    expect(started).toHaveLength(8);
    await advance();
    expect(started).toHaveLength(9);
    started[8]!.finish(ok({ limit: 10, remaining: 9, reset: reset + 120 }, skewMs));
    await flush();
    expect(started).toHaveLength(12);
    for (const entry of started.slice(9)) entry.finish(ok());
    await Promise.all(runs);
    // One timer per window, woken by the reset: no polling.
    expect(clock.sleeps).toEqual([30_100, 60_000]);
    expect(clock.pending()).toBe(0);
    expect(events.map((event) => event.type === 'rate-limit-wait' && event.reason)).toEqual([
      'budget',
      'budget',
    ]);
    expect(scheduler.stats().buckets.apps?.waitMs).toBe(90_100);
  });

  it('cancels its timer when nothing waits any more', async () => {
    const { clock, started, run, ok, resetIn } = harness();
    const first = run();
    await flush();
    started[0]!.finish(ok({ limit: 10, remaining: 5, reset: resetIn(60) }));
    await first;
    expect(clock.pending()).toBe(0);
  });

  it('is FIFO within a bucket', async () => {
    const { started, run, ok, resetIn } = harness({ concurrency: 1 });
    const runs = ['a', 'b', 'c', 'd'].map((label) => run('apps', label));
    for (let index = 0; index < 4; index++) {
      await flush();
      started[index]!.finish(ok({ limit: 100, remaining: 99 - index, reset: resetIn(60) }));
    }
    await Promise.all(runs);
    expect(started.map((entry) => entry.label)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('runs buckets side by side, within the global concurrency', async () => {
    const { started, run } = harness({ concurrency: 2 });
    void run('apps');
    void run('users');
    void run('groups');
    await flush();
    expect(started.map((entry) => entry.bucket)).toEqual(['apps', 'users']);
  });

  it('serves the least recently served bucket first, so a busy bucket does not starve another', async () => {
    const { started, run, ok, resetIn } = harness({ concurrency: 2 });
    for (let index = 0; index < 10; index++) void run('apps');
    await flush();
    started[0]!.finish(ok({ limit: 1000, remaining: 999, reset: resetIn(60) }));
    await flush();
    expect(started).toHaveLength(3);
    void run('users');
    await flush();
    started[1]!.finish(ok({ limit: 1000, remaining: 998, reset: resetIn(60) }));
    await flush();
    expect(started.at(-1)?.bucket).toBe('users');
  });

  it('retries transient faults with jittered backoff, then gives up after maxRetries', async () => {
    const { events, started, run, scheduler, advance } = harness({ maxRetries: 2 });
    const result = run();
    for (let attempt = 1; attempt <= 3; attempt++) {
      while (started.length < attempt) await advance();
      started[attempt - 1]!.finish(retryable());
    }
    await expect(result).rejects.toThrow('gave up: max-retries 3');
    expect(started.map((entry) => entry.attempt)).toEqual([1, 2, 3]);
    expect(events).toEqual([
      { type: 'retry', bucket: 'apps', attempt: 2, delayMs: 500, reason: 'HTTP 503' },
      { type: 'retry', bucket: 'apps', attempt: 3, delayMs: 1000, reason: 'HTTP 503' },
    ]);
    expect(scheduler.stats()).toMatchObject({ requests: 3, retries: 2, buckets: { apps: { retries: 2 } } });
  });

  it('shares one retry budget across the run', async () => {
    const { started, run, advance } = harness({ retryBudget: 2 });
    const first = run('apps');
    for (let attempt = 1; attempt <= 3; attempt++) {
      while (started.length < attempt) await advance();
      started[attempt - 1]!.finish(retryable());
    }
    await expect(first).rejects.toThrow('gave up: retry-budget 3');
    const second = run('users');
    while (started.length < 4) await advance();
    started[3]!.finish(retryable('ECONNRESET'));
    await expect(second).rejects.toThrow('gave up: retry-budget 1');
  });

  it('does not retry a fatal outcome', async () => {
    const { started, run } = harness();
    const result = run();
    await flush();
    started[0]!.finish({ outcome: { kind: 'fatal', error: new Error('401') } });
    await expect(result).rejects.toThrow('401');
    expect(started).toHaveLength(1);
  });

  it('holds the whole bucket after a 429 until Reset − Date + 1 s, and not other buckets', async () => {
    const skewMs = -3 * 60_000; // the local clock is three minutes ahead
    const { clock, events, started, run, ok, resetIn, advance } = harness();
    const reset = resetIn(20, skewMs);
    const limited = run('apps');
    await flush();
    const t0 = clock.now();
    started[0]!.finish({
      outcome: { kind: 'rate-limited', fail: () => new Error('429') },
      rateLimit: { limit: 100, remaining: 0, reset },
      serverDateMs: Math.floor((clock.now() + skewMs) / 1000) * 1000,
    });
    const queued = run('apps');
    const other = run('users');
    await flush();
    expect(started.map((entry) => entry.bucket)).toEqual(['apps', 'users']);
    expect(events.slice(0, 2)).toEqual([
      { type: 'rate-limit-wait', bucket: 'apps', waitMs: 21_000, reason: '429' },
      { type: 'retry', bucket: 'apps', attempt: 2, delayMs: 21_000, reason: 'HTTP 429' },
    ]);
    started[1]!.finish(ok());
    await other;
    while (started.length < 3) await advance();
    expect(clock.now() - t0).toBe(21_000);
    expect(started[2]).toMatchObject({ bucket: 'apps', attempt: 2 }); // the retry goes first
    started[2]!.finish(ok({ limit: 100, remaining: 99, reset: reset + 60 }, skewMs));
    while (started.length < 4) await advance();
    started[3]!.finish(ok());
    await expect(Promise.all([limited, queued])).resolves.toEqual(['ok', 'ok']);
  });

  it('halves the concurrency once per burst of concurrency 429s, then restores it gradually', async () => {
    const { clock, events, started, run, ok, resetIn, scheduler, advance } = harness({ concurrency: 8 });
    const concurrency429 = (): AttemptReport<string> => ({
      outcome: { kind: 'rate-limited', fail: () => new Error('429') },
      rateLimit: { limit: 0, remaining: 0, reset: resetIn(60) },
    });
    const runs = Array.from({ length: 9 }, () => run('users/id'));
    await flush();
    started[0]!.finish(ok({ limit: 1000, remaining: 999, reset: resetIn(60) }));
    await flush();
    expect(started).toHaveLength(9);
    const t0 = clock.now();
    started[1]!.finish(concurrency429());
    started[2]!.finish(concurrency429());
    started[3]!.finish(concurrency429());
    await flush();
    expect(scheduler.concurrency).toBe(4);
    expect(events.filter((event) => event.type === 'concurrency-limited')).toEqual([
      { type: 'concurrency-limited', bucket: 'users/id', newConcurrency: 4 },
    ]);
    expect(scheduler.stats()).toMatchObject({ rateLimited: 3, concurrencyLimited: 3, retries: 3 });

    for (const entry of started.slice(4)) entry.finish(ok());
    while (started.length < 12) await advance();
    for (const entry of started.slice(9)) entry.finish(ok());
    await Promise.all(runs);

    const runOne = async () => {
      const before = started.length;
      const result = run('users/id');
      while (started.length === before) await flush();
      started.at(-1)!.finish(ok());
      await result;
    };
    const waitUntil = async (elapsedMs: number) => {
      const sleeping = clock.sleep(t0 + elapsedMs - clock.now());
      clock.tick();
      await sleeping;
    };
    await waitUntil(9_900);
    await runOne();
    expect(scheduler.concurrency).toBe(4);
    await waitUntil(10_000);
    await runOne();
    expect(scheduler.concurrency).toBe(5);
    await waitUntil(12_000);
    await runOne();
    expect(scheduler.concurrency).toBe(5);
    await waitUntil(12_500);
    await runOne();
    expect(scheduler.concurrency).toBe(6);
  });

  it('survives a listener that throws', async () => {
    const clock = createVirtualClock();
    const scheduler = new RequestScheduler({ now: clock.now, sleep: clock.sleep, random: () => 0 }, () => {
      throw new Error('listener bug');
    });
    let calls = 0;
    const value = await scheduler.run('apps', async () =>
      ++calls === 1 ? retryable() : { outcome: { kind: 'success', value: 'ok' } },
    );
    expect(value).toBe('ok');
  });
});

describe('ServerClock', () => {
  it('narrows the offset to about a round trip although Date has whole seconds', () => {
    const clock = new ServerClock();
    const trueOffset = 123_456.7; // server ahead by ~2 minutes, not a whole second
    // Responses at various local times, 5 ms round trips, Date truncated to the second.
    for (let local = 1_000_000; local < 1_000_000 + 20_000; local += 370) {
      const stampedAtServer = local + 2 + trueOffset;
      clock.observe(Math.floor(stampedAtServer / 1000) * 1000, local, local + 5);
    }
    expect(Math.abs(clock.offsetMs - trueOffset)).toBeLessThan(10);
    // Waiting for a server time never resumes before the server is there.
    const target = 2_000_000_000;
    expect(clock.localTimeAtLeast(target, undefined, 0) + trueOffset).toBeGreaterThanOrEqual(target);
  });

  it('starts again when a clock jumps', () => {
    const clock = new ServerClock();
    clock.observe(10_000, 0, 5);
    clock.observe(20_000, 100, 105); // the server jumped ten seconds ahead
    expect(clock.offsetMs).toBeGreaterThan(19_000);
  });
});
