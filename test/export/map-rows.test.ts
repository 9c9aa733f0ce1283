import { describe, expect, it } from 'vitest';
import { deferRows, mapRows } from '../../src/export/map-rows.js';

/** Yields 1..n and records whether it was closed (its `finally` ran). */
function counting(n: number) {
  const state = { yielded: 0, closed: false };
  async function* numbers() {
    try {
      for (let value = 1; value <= n; value++) {
        state.yielded++;
        yield value;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, source: numbers() };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('mapRows', () => {
  it('maps every item in order and skips those mapped to undefined', async () => {
    const { source } = counting(10);
    expect(await collect(mapRows(source, (n) => (n % 3 === 0 ? undefined : n * 10)))).toEqual([
      10, 20, 40, 50, 70, 80, 100,
    ]);
  });

  it('closes the source when the consumer stops early', async () => {
    const { state, source } = counting(1_000);
    for await (const value of mapRows(source, (n) => n)) if (value === 3) break;
    expect(state.yielded).toBe(3);
    expect(state.closed).toBe(true);
  });

  it('passes on an error of the source or of the mapping', async () => {
    async function* failing() {
      yield 1;
      throw new Error('damaged file');
    }
    await expect(collect(mapRows(failing(), (n) => n))).rejects.toThrow('damaged file');
    const { state, source } = counting(5);
    await expect(
      collect(
        mapRows(source, (n) => {
          if (n === 2) throw new Error('bad row');
          return n;
        }),
      ),
    ).rejects.toThrow('bad row');
    expect(state.yielded).toBe(2);
  });
});

describe('deferRows', () => {
  it('starts only on the first next(), then streams what start returned', async () => {
    let started = 0;
    const rows = deferRows(async () => {
      started++;
      return counting(3).source;
    });
    expect(started).toBe(0);
    expect(await collect(rows)).toEqual([1, 2, 3]);
    expect(started).toBe(1);
  });

  it('closes the started iterable when the consumer stops early, and fails with start', async () => {
    const { state, source } = counting(100);
    for await (const value of deferRows(async () => source)) if (value === 2) break;
    expect(state.closed).toBe(true);
    await expect(collect(deferRows(async () => Promise.reject(new Error('no users file'))))).rejects.toThrow(
      'no users file',
    );
  });
});
