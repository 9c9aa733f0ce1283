import { setFlagsFromString } from 'node:v8';
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

/**
 * How much V8 may grow the old generation past what a full collection left alive, in percent, for
 * `diff`. Why: diff reads two snapshots at a few hundred megabytes a second and its records die
 * young, but the ones that wait for their twin in the other file live long enough to be promoted;
 * V8's default growing factor (up to 4x for a fast mutator) then lets the old generation fill with
 * that garbage before it collects. Measured on two `large` snapshots: peak RSS 272 MB by default,
 * 172-193 MB at 60 %, and no slower (docs/performance.md). Unlike the young generation's size, this
 * flag is read at every collection, so it can be set once the heap exists.
 */
const DIFF_HEAP_GROWING_PERCENT = 60;

/** What the CLI handles itself (other signals end the process as they always do). A closed terminal (SIGHUP) is a SIGTERM. */
const RELAYED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** How long a sync may take to clean up after a signal before the main thread stops it. */
export const STOP_GRACE_MS = 5_000;

/** How long `worker.terminate()` may take before the process ends itself by the signal. */
export const TERMINATE_GRACE_MS = 1_000;

/** A second signal this soon after the first is the same one delivered twice, not "stop now". */
const SECOND_SIGNAL_AFTER_MS = 1_000;

function terminalOf(stream: NodeJS.WriteStream): WorkerSetup['stdout'] {
  if (!stream.isTTY) return { isTTY: false };
  return { isTTY: true, columns: stream.columns, rows: stream.rows, colorDepth: stream.getColorDepth() };
}

export interface SuperviseOptions {
  /** Where signals arrive. @default process */
  signals?: NodeJS.EventEmitter;
  /** @default process.stderr */
  stderr?: { write(text: string): unknown };
  /** @default STOP_GRACE_MS */
  graceMs?: number;
  /** @default TERMINATE_GRACE_MS */
  terminateMs?: number;
  /** @default Date.now */
  now?: () => number;
  /**
   * The last resort: ends the process by the signal itself. A worker blocked inside a system call
   * (Node's recursive mkdir under /proc never returns) outlives `terminate()`, and `process.exit()`
   * would wait for it forever. @default re-raise the signal with its default action
   */
  forceExit?: (signal: NodeJS.Signals) => void;
}

function reRaise(signal: NodeJS.Signals): void {
  for (const name of RELAYED_SIGNALS) process.removeAllListeners(name);
  process.kill(process.pid, signal);
}

/**
 * Relays signals to the sync worker and resolves with its exit code. The worker cleans up and exits
 * 130; one that has not stopped within `graceMs` of the first signal (or at a second signal a moment
 * later: "a second Ctrl-C means now") is terminated, and the process ends even if that fails.
 */
export function superviseWorker(worker: Worker, options: SuperviseOptions = {}): Promise<number> {
  const signals = options.signals ?? process;
  const stderr = options.stderr ?? process.stderr;
  const graceMs = options.graceMs ?? STOP_GRACE_MS;
  const terminateMs = options.terminateMs ?? TERMINATE_GRACE_MS;
  const now = options.now ?? Date.now;
  const forceExit = options.forceExit ?? reRaise;
  let first: { signal: NodeJS.Signals; at: number } | undefined;
  let stopping = false;
  const timers: NodeJS.Timeout[] = [];

  return new Promise<number>((resolve) => {
    const stopNow = (why: string) => {
      if (stopping || !first) return;
      stopping = true;
      const signal = first.signal;
      stderr.write(
        `✖ okta-connector: the sync ${why}; stopped it. The last complete snapshot is untouched; the next run removes what this one left.\n`,
      );
      void worker.terminate();
      const force = setTimeout(() => forceExit(signal), terminateMs);
      force.unref();
      timers.push(force);
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (!first) {
        first = { signal, at: now() };
        // SIGHUP (the terminal closed) asks for what SIGTERM does: the worker's CLI knows SIGTERM.
        worker.postMessage({ signal: signal === 'SIGHUP' ? 'SIGTERM' : signal });
        timers.push(
          setTimeout(
            () => stopNow(`did not stop within ${Math.round(graceMs / 1000)} s of ${first?.signal}`),
            graceMs,
          ),
        );
        return;
      }
      if (now() - first.at >= SECOND_SIGNAL_AFTER_MS) stopNow(`got a second ${signal}`);
    };
    const done = (code: number) => {
      for (const signal of RELAYED_SIGNALS) signals.off(signal, onSignal);
      for (const timer of timers) clearTimeout(timer);
      // Terminated after a signal: the exit status of an interrupted run.
      resolve(stopping ? 130 : code);
    };
    for (const signal of RELAYED_SIGNALS) signals.on(signal, onSignal);
    worker.on('message', (message: { crash?: { name: string; message: string } }) => {
      if (message?.crash) stderr.write(crashLine(message.crash));
    });
    worker.once('error', (error) => {
      stderr.write(crashLine({ name: error.name, message: error.message }));
      done(1);
    });
    worker.once('exit', done);
  });
}

/** An exception nothing in the CLI caught (a bug): its name and the first line of its message. */
function crashLine(error: { name: string; message: string }): string {
  const message = (error.message.split('\n')[0] ?? '').slice(0, 300);
  return `✖ okta-connector stopped on an unexpected ${error.name}${message ? `: ${message}` : ''} (a bug: please report it).\n`;
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
  // Both streams usually share one terminal, but either may be redirected.
  const onResize = () =>
    worker.postMessage({
      resize: { stdout: terminalOf(process.stdout), stderr: terminalOf(process.stderr) },
    });
  const terminal = process.stderr.isTTY ? process.stderr : process.stdout.isTTY ? process.stdout : undefined;
  terminal?.on('resize', onResize);

  const exitCode = await superviseWorker(worker);
  terminal?.off('resize', onResize);
  if (readsStdin) {
    process.stdin.unpipe();
    process.stdin.destroy();
  }
  // Not process.exit(): output relayed from the worker may still be on its way to a pipe.
  process.exitCode = exitCode;
}

/** `--help` or `--version` before any `--`: printed here, with no worker to start. */
export function printsOnly(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) =>
    ['--help', '-h', '--version', '-V'].includes(arg),
  );
}

/** Runs the command line: `sync` in a worker thread, everything else here. */
export async function launch(argv: string[]): Promise<void> {
  // `okta-connector … | head` closes stdout early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  if (commandOf(argv) === 'sync' && !printsOnly(argv)) {
    await runSyncInWorker(argv);
  } else {
    if (commandOf(argv) === 'diff') setFlagsFromString(`--heap-growing-percent=${DIFF_HEAP_GROWING_PERCENT}`);
    const { runAsProgram } = await import('./cli/program.js');
    await runAsProgram(argv);
  }
}
