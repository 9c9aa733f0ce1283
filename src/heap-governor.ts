import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * Keeps a long sync's heap close to what it really holds.
 *
 * A sync parses hundreds of megabytes of JSON that is garbage a moment later. V8 sizes its heap for
 * throughput and, on a machine with gigabytes free, lets that garbage grow the heap to several
 * times the live data before collecting (a medium org peaked at ~250 MB resident, of which ~30 MB
 * was live). The heap limit cannot be lowered once the process runs, so instead this asks for a
 * full collection whenever the heap grows well past the live size measured by the last one. The
 * live data itself is never limited: a bigger org simply gets a higher threshold.
 *
 * `gc` is made available at run time (`--expose-gc` through `v8.setFlagsFromString`); where that
 * is refused the governor does nothing.
 */
export interface HeapGovernor {
  /** Stops watching; returns how many collections it asked for and the time they took. */
  stop(): { collections: number; gcMs: number };
}

export interface HeapGovernorOptions {
  /** Never collect below this heap size. @default 32 MiB */
  floorBytes?: number;
  /** Collect once the heap exceeds the last live size by this much (or by half of it, if more). @default 24 MiB */
  headroomBytes?: number;
  /** How often the heap size is read. @default 100 */
  intervalMs?: number;
}

const MIB = 1024 * 1024;

function exposeGc(): (() => void) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

export function startHeapGovernor(options: HeapGovernorOptions = {}): HeapGovernor {
  const floor = options.floorBytes ?? 32 * MIB;
  const headroom = options.headroomBytes ?? 24 * MIB;
  const gc = exposeGc();
  let collections = 0;
  let gcMs = 0;
  let threshold = floor;
  const timer = gc
    ? setInterval(() => {
        if (v8.getHeapStatistics().used_heap_size <= threshold) return;
        const started = performance.now();
        gc();
        gcMs += performance.now() - started;
        collections++;
        const live = v8.getHeapStatistics().used_heap_size;
        threshold = Math.max(floor, live + Math.max(headroom, live / 2));
      }, options.intervalMs ?? 100)
    : undefined;
  timer?.unref();
  return {
    stop() {
      if (timer) clearInterval(timer);
      return { collections, gcMs: Math.round(gcMs) };
    },
  };
}
