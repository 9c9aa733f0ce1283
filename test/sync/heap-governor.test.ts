import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { startHeapGovernor } from '../../src/sync/heap-governor.js';

const MIB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startHeapGovernor', () => {
  it('asks for full collections once the heap grows past the floor', async () => {
    const governor = startHeapGovernor({ floorBytes: 8 * MIB, headroomBytes: 4 * MIB, intervalMs: 5 });
    // Garbage that survives long enough to reach the old generation, then dies.
    let ring: number[][] = [];
    for (let round = 0; round < 200; round++) {
      ring.push(Array.from({ length: 50_000 }, (_, index) => index * round));
      if (ring.length > 8) ring = ring.slice(1);
      await sleep(1);
    }
    ring = [];
    await sleep(20);
    const { collections, gcMs } = governor.stop();
    expect(collections).toBeGreaterThan(0);
    expect(gcMs).toBeGreaterThanOrEqual(0);
  });

  it('counts the memory of buffers, which lives outside the heap but waits on a collection too', async () => {
    const stats = v8.getHeapStatistics() as v8.HeapInfo & { external_memory?: number };
    const held = stats.used_heap_size + (stats.external_memory ?? 0);
    const governor = startHeapGovernor({
      floorBytes: held + 32 * MIB,
      headroomBytes: 32 * MIB,
      intervalMs: 5,
    });
    // 48 MiB of buffers, a few kilobytes of heap: only the buffers can cross the floor.
    let buffers: Buffer[] = Array.from({ length: 48 }, () => Buffer.alloc(MIB, 1));
    await sleep(50);
    buffers = [];
    await sleep(20);
    expect(buffers).toHaveLength(0);
    expect(governor.stop().collections).toBeGreaterThan(0);
  });

  it('does nothing while the heap stays under its floor', async () => {
    const used = v8.getHeapStatistics().used_heap_size;
    const governor = startHeapGovernor({ floorBytes: used + 512 * MIB, intervalMs: 5 });
    await sleep(50);
    expect(governor.stop().collections).toBe(0);
  });
});
