import readline from 'node:readline';
import { parentPort, workerData } from 'node:worker_threads';
import { redact } from './ui/redact.js';

/**
 * The start of the worker thread `sync` runs in (see launch.ts): makes the worker's stdout and
 * stderr behave like the terminal they end up on, relays signals from the main thread, then runs
 * the CLI as usual.
 */

export interface TerminalInfo {
  isTTY: boolean;
  columns?: number;
  rows?: number;
  colorDepth?: number;
}

export interface WorkerSetup {
  argv: string[];
  stdout: TerminalInfo;
  stderr: TerminalInfo;
}

/** Messages from the main thread. */
type Relayed = { signal: NodeJS.Signals } | { resize: Pick<WorkerSetup, 'stdout' | 'stderr'> };

/** Exit status of a process ended by a signal nothing handled (128 + its number, as a shell shows it). */
const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * In a worker, stdout and stderr are pipes to the main thread, which writes what they carry to
 * the real terminal. Spinners and colours look at `isTTY`, the width and the cursor methods of a
 * `tty.WriteStream`; these come from the terminal itself, measured by the main thread.
 */
function actAsTerminal(stream: NodeJS.WriteStream, terminal: TerminalInfo): void {
  if (!terminal.isTTY) return;
  const depth = terminal.colorDepth ?? 4;
  Object.assign(stream, {
    isTTY: true,
    columns: terminal.columns,
    rows: terminal.rows,
    getColorDepth: () => depth,
    hasColors: (count = 16) => 2 ** depth >= count,
    cursorTo: (x: number, y?: number | (() => void), callback?: () => void) =>
      typeof y === 'function'
        ? readline.cursorTo(stream, x, undefined, y)
        : readline.cursorTo(stream, x, y, callback),
    moveCursor: (dx: number, dy: number, callback?: () => void) =>
      readline.moveCursor(stream, dx, dy, callback),
    clearLine: (direction: -1 | 0 | 1, callback?: () => void) =>
      readline.clearLine(stream, direction, callback),
    clearScreenDown: (callback?: () => void) => readline.clearScreenDown(stream, callback),
  });
}

const setup = workerData as WorkerSetup;
actAsTerminal(process.stdout, setup.stdout);
actAsTerminal(process.stderr, setup.stderr);

parentPort?.on('message', (message: Relayed) => {
  if ('signal' in message) {
    // Signals reach only the main thread; the CLI's own handlers (clean-up, exit 130) run here.
    if (process.listenerCount(message.signal) > 0) process.emit(message.signal, message.signal);
    else process.exit(SIGNAL_EXIT[message.signal] ?? 1);
    return;
  }
  for (const name of ['stdout', 'stderr'] as const) {
    const terminal = message.resize[name];
    const stream = process[name];
    if (!terminal.isTTY || !stream.isTTY) continue;
    Object.assign(stream, { columns: terminal.columns, rows: terminal.rows });
    stream.emit('resize');
  }
});
// Listening must not keep the worker alive once the command is done.
parentPort?.unref();

// An exception nothing caught (a bug): the main thread prints its name and message, masked here
// where the run's secrets are known.
process.setUncaughtExceptionCaptureCallback((error) => {
  const { name, message } = error instanceof Error ? error : { name: 'exception', message: String(error) };
  parentPort?.postMessage({ crash: { name, message: redact(message) } });
  process.exit(1);
});

const { runAsProgram } = await import('./cli/program.js');
await runAsProgram(setup.argv);
