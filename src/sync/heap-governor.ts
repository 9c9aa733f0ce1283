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
 * "Heap" here includes the memory of buffers (response bodies, file writes): it lives outside V8's
 * heap but is returned only when a collection finds the buffer objects dead. The sync is bound by
 * Okta's rate limits, not the CPU, so a collection every few hundred milliseconds is cheap.
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
  /** Collect once the heap exceeds the last live size by this much (or by `headroomRatio` of it, if more). @default 4 MiB */
  headroomBytes?: number;
  /** @default 0.1 */
  headroomRatio?: number;
  /** How often the heap size is read (a cheap call). @default 25 */
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

/** The JS heap in use plus memory held outside it by JS objects (buffers): both wait on a collection. */
function heldBytes(): number {
  const stats = v8.getHeapStatistics() as v8.HeapInfo & { external_memory?: number };
  return stats.used_heap_size + (stats.external_memory ?? 0);
}

export function startHeapGovernor(options: HeapGovernorOptions = {}): HeapGovernor {
  const floor = options.floorBytes ?? 32 * MIB;
  const headroom = options.headroomBytes ?? 4 * MIB;
  const ratio = options.headroomRatio ?? 0.1;
  const gc = exposeGc();
  let collections = 0;
  let gcMs = 0;
  let threshold = floor;
  let measureLive = false;
  const timer = gc
    ? setInterval(() => {
        if (measureLive) {
          // A tick after the collection: V8 frees the memory of dead buffers concurrently, after
          // the collection itself, so only now does the external size show what is live.
          measureLive = false;
          const live = heldBytes();
          threshold = Math.max(floor, live + Math.max(headroom, live * ratio));
          return;
        }
        if (heldBytes() <= threshold) return;
        const started = performance.now();
        gc();
        gcMs += performance.now() - started;
        collections++;
        measureLive = true;
      }, options.intervalMs ?? 25)
    : undefined;
  timer?.unref();
  return {
    stop() {
      if (timer) clearInterval(timer);
      return { collections, gcMs: Math.round(gcMs) };
    },
  };
}
