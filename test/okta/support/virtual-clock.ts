/**
 * A clock whose time only moves when someone sleeps: each sleep resolves in wake-time order, and
 * time jumps to the wake time. Waits of a minute take microseconds, and the order of events is
 * the order a real clock would give. With `manual`, sleeps wait for `tick()` instead.
 */
export interface VirtualClock {
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Every sleep requested so far, in milliseconds (aborted ones included). */
  readonly sleeps: number[];
  /** Sleeps still waiting. */
  pending: () => number;
  /** Manual mode: wakes the earliest sleeper, moving time to its wake time. */
  tick: () => void;
}

export function createVirtualClock(options: { start?: number; manual?: boolean } = {}): VirtualClock {
  const start = options.start ?? Date.UTC(2030, 0, 1, 12, 0, 0);
  let time = start;
  let sequence = 0;
  const sleeps: number[] = [];
  const waiting: { at: number; sequence: number; resolve: () => void }[] = [];

  const step = () => {
    waiting.sort((a, b) => a.at - b.at || a.sequence - b.sequence);
    const next = waiting.shift();
    if (!next) return;
    time = Math.max(time, next.at);
    next.resolve();
  };

  return {
    now: () => time,
    sleeps,
    pending: () => waiting.length,
    tick: step,
    sleep(ms, signal) {
      sleeps.push(ms);
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        const entry = { at: time + ms, sequence: sequence++, resolve };
        waiting.push(entry);
        signal?.addEventListener(
          'abort',
          () => {
            const index = waiting.indexOf(entry);
            if (index !== -1) waiting.splice(index, 1);
            reject(signal.reason);
          },
          { once: true },
        );
        if (!options.manual) setImmediate(step);
      });
    },
  };
}
