import { Worker } from 'node:worker_threads';
import type { WorkerSetup } from './worker-entry.js';

/**
 * Starts the program (`bin/okta-connector.js` → `main.js`). Every command runs on the main thread, except
 * `sync`, which runs in a worker thread with a small young generation.
 *
 * Why: a sync parses gigabytes of JSON that is garbage a moment later, and V8 answers that
 * allocation rate by growing its new space to 32 MB, committed for the rest of the run; only a
 * start-up flag or a worker's `resourceLimits` can cap it (`v8.setFlagsFromString` has no effect
 * once the heap exists). Measured on the `large` sample org, this is ~20 MB of the peak resident
 * size (docs/performance.md). A worker thread is not another process: cron, Task Scheduler and
 * anything measuring from outside see one process, and its signals, stdin and terminal are relayed
 * to the worker.
 *
 * Keep this file's imports to Node's own modules: whatever it loads stays loaded beside the worker.
 */

/** Global options that take a value, so the command name can be told apart from that value. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--profile']);

/** The command named on the command line (`sync` in `okta-connector --profile x sync --json`). */
export function commandOf(argv: readonly string[]): string | undefined {
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (arg === '--') return argv[index + 1];
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) index++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/**
 * The young generation of the sync worker, in MB. Small enough that V8 never commits tens of
 * megabytes for it; the old generation is not limited (a bigger org gets the memory it needs).
 */
const SYNC_YOUNG_GENERATION_MB = 4;

/** What the CLI handles itself (other signals end the process as they always do). */
const RELAYED_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function terminalOf(stream: NodeJS.WriteStream): WorkerSetup['stdout'] {
  if (!stream.isTTY) return { isTTY: false };
  return { isTTY: true, columns: stream.columns, rows: stream.rows, colorDepth: stream.getColorDepth() };
}

async function runSyncInWorker(argv: string[]): Promise<void> {
  const setup: WorkerSetup = { argv, stdout: terminalOf(process.stdout), stderr: terminalOf(process.stderr) };
  const readsStdin = argv.includes('--token-stdin');
  const worker = new Worker(new URL('./worker-entry.js', import.meta.url), {
    workerData: setup,
    stdin: readsStdin,
    resourceLimits: { maxYoungGenerationSizeMb: SYNC_YOUNG_GENERATION_MB },
  });
  if (readsStdin && worker.stdin) process.stdin.pipe(worker.stdin);
  const relay = (signal: NodeJS.Signals) => worker.postMessage({ signal });
  for (const signal of RELAYED_SIGNALS) process.on(signal, relay);
  // Both streams usually share one terminal, but either may be redirected.
  const onResize = () =>
    worker.postMessage({
      resize: { stdout: terminalOf(process.stdout), stderr: terminalOf(process.stderr) },
    });
  const terminal = process.stderr.isTTY ? process.stderr : process.stdout.isTTY ? process.stdout : undefined;
  terminal?.on('resize', onResize);

  const exitCode = await new Promise<number>((resolve) => {
    worker.once('error', (error) => {
      // An exception nothing in the CLI caught: a bug. Its message may quote data, so only the name.
      process.stderr.write(
        `✖ okta-connector stopped on an unexpected ${error.name} (a bug: please report it).\n`,
      );
      resolve(1);
    });
    worker.once('exit', resolve);
  });
  for (const signal of RELAYED_SIGNALS) process.off(signal, relay);
  terminal?.off('resize', onResize);
  if (readsStdin) {
    process.stdin.unpipe();
    process.stdin.destroy();
  }
  // Not process.exit(): output relayed from the worker may still be on its way to a pipe.
  process.exitCode = exitCode;
}

/** Runs the command line: `sync` in a worker thread, everything else here. */
export async function launch(argv: string[]): Promise<void> {
  // `okta-connector … | head` closes stdout early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  if (commandOf(argv) === 'sync') {
    await runSyncInWorker(argv);
  } else {
    const { runAsProgram } = await import('./cli/program.js');
    await runAsProgram(argv);
  }
}
