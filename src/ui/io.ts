import { PassThrough } from 'node:stream';
import { Chalk, type ChalkInstance } from 'chalk';
import type { Ora } from 'ora';
import { redact } from './redact.js';

/** A stream we write to: `process.stdout`/`stderr`, or a capture stream in tests. */
export type OutputStream = NodeJS.WritableStream & {
  isTTY?: boolean;
  columns?: number;
  getColorDepth?: (env?: Record<string, string | undefined>) => number;
};

/** A stream we read from: `process.stdin`, or a PassThrough in tests. */
export type InputStream = NodeJS.ReadableStream & {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
};

export type Env = Record<string, string | undefined>;

export interface IoOptions {
  stdout: OutputStream;
  stderr: OutputStream;
  /** @default an empty, ended stream */
  stdin?: InputStream;
  /** Used for NO_COLOR and TERM; commands get their own copy through their options. @default {} */
  env?: Env;
  /** `--json`: stdout carries exactly one JSON document. @default false */
  json?: boolean;
  /** `--quiet`: no progress, info or success lines on stderr (warnings and errors still show). @default false */
  quiet?: boolean;
  /** `--verbose`: per-request lines and stack traces on stderr. @default false */
  verbose?: boolean;
  /** `false` for `--no-color`. @default true */
  color?: boolean;
}

/** Lines for people, all on stderr and all redacted. */
export interface Logger {
  /** Progress and context. Hidden by --quiet. */
  info(message: string): void;
  /** Something the user should know; shown even with --quiet. */
  warn(message: string): void;
  /** A milestone reached. Hidden by --quiet. */
  success(message: string): void;
  /** Only with --verbose: request lines, details. */
  verbose(message: string): void;
  /** A failure; always shown. */
  error(message: string): void;
}

/**
 * A spinner on an interactive stderr; elsewhere (cron, pipes, --quiet, --json) it prints nothing
 * while running and one line when it ends, so logs get one line per milestone.
 */
export interface Spinner {
  update(text: string): void;
  succeed(text?: string): void;
  warn(text?: string): void;
  fail(text?: string): void;
  /** Removes the spinner without a final line. */
  stop(): void;
}

/** Everything a command may use to talk to the person running it. Created once by `src/cli/program.ts`. */
export interface Io {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly stdin: InputStream;
  readonly isTTY: { readonly stdin: boolean; readonly stdout: boolean; readonly stderr: boolean };
  /** The one chalk instance: level 0 (no ANSI codes) for NO_COLOR, --no-color and non-TTY output. */
  readonly color: ChalkInstance;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly logger: Logger;
  spinner(text: string): Spinner;
  /** Masks registered secrets (tokens) and `SSWS …`/`Bearer …` credentials. */
  redact(text: string): string;
  /** Writes one line of command output (human mode) to stdout. */
  print(line?: string): void;
  /** Writes `value` as the single JSON document on stdout. */
  printJson(value: unknown): void;
}

export const SYMBOLS = { pass: '✓', fail: '✗', warn: '!', skip: '-', info: '•' } as const;

function isTTY(stream: { isTTY?: boolean } | undefined): boolean {
  return stream?.isTTY === true;
}

/**
 * The chalk level for this run. No colour for `--no-color`, a non-empty `NO_COLOR` (no-color.org),
 * `TERM=dumb`, or when a stream we colour is not a terminal (cron, pipes, files).
 */
export function colorLevel(options: IoOptions): 0 | 1 | 2 | 3 {
  const env = options.env ?? {};
  if (options.color === false) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (env.TERM === 'dumb') return 0;
  // With --json nothing coloured goes to stdout, so only stderr matters.
  const coloured = options.json ? [options.stderr] : [options.stdout, options.stderr];
  if (!coloured.every(isTTY)) return 0;
  const depth = options.stderr.getColorDepth?.(env) ?? 4;
  if (depth >= 24) return 3;
  if (depth >= 8) return 2;
  return depth >= 4 ? 1 : 0;
}

let createSpinner: typeof import('ora').default | undefined;

/**
 * Loads the spinner library before an Io that may animate is created. Only a terminal shows
 * spinners, so a cron run or a pipe never loads it: that is a few megabytes a nightly sync does
 * not carry. Without it, spinners print their final line only, as off a terminal.
 */
export async function loadSpinners(): Promise<void> {
  createSpinner ??= (await import('ora')).default;
}

/** Whether an Io made with these options would animate spinners (once they are loaded). */
export function canAnimate(options: Pick<IoOptions, 'stderr' | 'quiet' | 'json'>): boolean {
  return isTTY(options.stderr) && (options.stderr.columns ?? 0) > 0 && !options.quiet && !options.json;
}

function emptyInput(): InputStream {
  const stream = new PassThrough();
  stream.end();
  return stream;
}

export function createIo(options: IoOptions): Io {
  const { stdout, stderr } = options;
  const json = options.json ?? false;
  const quiet = options.quiet ?? false;
  const verbose = options.verbose ?? false;
  const color = new Chalk({ level: colorLevel(options) });
  const stdin = options.stdin ?? emptyInput();
  // A terminal that reports no width (some container ptys) would make ora's line clearing misbehave.
  const ora = canAnimate(options) ? createSpinner : undefined;
  let activeSpinner: Ora | undefined;

  const writeErr = (text: string): void => {
    if (activeSpinner?.isSpinning) activeSpinner.clear();
    stderr.write(`${redact(text)}\n`);
    if (activeSpinner?.isSpinning) activeSpinner.render();
  };

  const logger: Logger = {
    info: (message) => {
      if (!quiet) writeErr(message);
    },
    warn: (message) => writeErr(`${color.yellow(SYMBOLS.warn)} ${message}`),
    success: (message) => {
      if (!quiet) writeErr(`${color.green(SYMBOLS.pass)} ${message}`);
    },
    verbose: (message) => {
      if (verbose) writeErr(color.dim(message));
    },
    error: (message) => writeErr(`${color.red(SYMBOLS.fail)} ${message}`),
  };

  const spinner = (text: string): Spinner => {
    if (!ora) {
      let current = text;
      return {
        update: (next) => {
          current = next;
        },
        succeed: (final) => logger.success(final ?? current),
        warn: (final) => logger.warn(final ?? current),
        fail: (final) => logger.error(final ?? current),
        stop: () => {},
      };
    }
    activeSpinner?.stop();
    const instance = ora({
      text: redact(text),
      stream: stderr,
      isEnabled: true,
      // Ora colours with the global chalk; ours decides.
      color: color.level > 0 ? 'cyan' : false,
      discardStdin: false,
    }).start();
    activeSpinner = instance;
    const end = (line: (message: string) => void, final: string | undefined): void => {
      const message = final ?? instance.text;
      instance.stop();
      if (activeSpinner === instance) activeSpinner = undefined;
      line(message);
    };
    return {
      update: (next) => {
        instance.text = redact(next);
      },
      succeed: (final) => end(logger.success, final),
      warn: (final) => end(logger.warn, final),
      fail: (final) => end(logger.error, final),
      stop: () => {
        instance.stop();
        if (activeSpinner === instance) activeSpinner = undefined;
      },
    };
  };

  return {
    stdout,
    stderr,
    stdin,
    isTTY: { stdin: isTTY(stdin), stdout: isTTY(stdout), stderr: isTTY(stderr) },
    color,
    json,
    quiet,
    verbose,
    logger,
    spinner,
    redact,
    print: (line = '') => {
      stdout.write(`${redact(line)}\n`);
    },
    printJson: (value) => {
      stdout.write(`${redact(JSON.stringify(value, null, 2))}\n`);
    },
  };
}
