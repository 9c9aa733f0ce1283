import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_RATE_LIMITS,
  type RateLimitOptions,
  type SampleOrg,
  type SampleOrgOptions,
  startSampleOrg,
} from '../../src/demo/index.js';

/**
 * Runs the BUILT CLI (`node bin/okta-connector.js …`) as a child process, the way cron or a person
 * runs it. The sample org it talks to runs in the test process, so the child is always spawned
 * asynchronously: a synchronous spawn would block the server it needs.
 */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = path.join(ROOT, 'bin', 'okta-connector.js');

/**
 * The Node binary that runs the spawned CLI: \`OKTA_CONNECTOR_TEST_NODE\` (.ci/run sets it to each
 * supported Node line in turn), else the Node running the tests.
 */
export const CLI_NODE = process.env.OKTA_CONNECTOR_TEST_NODE || process.execPath;

/** ESC, the start of every ANSI escape sequence. */
export const ANSI = /\u001b\[/;

/** `npm test` builds before vitest; a bare `vitest run` on a fresh checkout builds here. */
export function ensureBuilt(): void {
  if (existsSync(path.join(ROOT, 'dist', 'main.js'))) return;
  try {
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
      { cwd: ROOT, stdio: 'ignore' },
    );
  } catch {
    // Type errors still emit JavaScript; the check below is what matters.
  }
  if (!existsSync(path.join(ROOT, 'dist', 'main.js')))
    throw new Error('dist/main.js is missing: run npm run build');
}

export interface CliResult {
  /** null when the process died of a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  pid: number;
  /** Settles when the process has exited and its output is read. */
  result: Promise<CliResult>;
  /** True once the process has exited. */
  readonly exited: boolean;
}

export interface CliOptions {
  /** The whole environment of the child (see {@link Workspace.env}). */
  env: Record<string, string>;
  /** @default the repository root */
  cwd?: string;
  /** Written to the child's stdin, which is then closed. @default nothing */
  input?: string;
}

/** Starts `okta-connector <args>` in a child process with exactly `options.env`. */
export function startCli(args: string[], options: CliOptions): RunningCli {
  const child = spawn(CLI_NODE, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: options.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let exited = false;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin?.end(options.input ?? '');
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      exited = true;
      resolve({ exitCode, signal, stdout, stderr });
    });
  });
  if (child.pid === undefined) throw new Error('could not start the CLI');
  return {
    child,
    pid: child.pid,
    result,
    get exited() {
      return exited;
    },
  };
}

/** Runs `okta-connector <args>` to the end. */
export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return startCli(args, options).result;
}

/**
 * Limits so high that rate limiting never slows a run down, in a short window: for the tests where
 * rate limiting is not what is tested. (The client keeps to its share of what the headers report, so
 * Okta's real per-minute limits would make a `small` run wait for minutes.)
 */
export const GENEROUS_RATE_LIMITS: RateLimitOptions = {
  windowMs: 1_000,
  limits: Object.fromEntries(Object.keys(DEFAULT_RATE_LIMITS).map((bucket) => [bucket, 1_000_000])),
};

/** `tiny` sample orgs with {@link GENEROUS_RATE_LIMITS}, started as a test file needs them and stopped together. */
export function tinyOrgs(): {
  start(options?: SampleOrgOptions): Promise<SampleOrg>;
  stopAll(): Promise<void>;
} {
  const started: SampleOrg[] = [];
  return {
    async start(options = {}) {
      const org = await startSampleOrg({ size: 'tiny', rateLimits: GENEROUS_RATE_LIMITS, ...options });
      started.push(org);
      return org;
    },
    async stopAll() {
      await Promise.all(started.splice(0).map((org) => org.stop()));
    },
  };
}

/** A temporary folder per test file: HOME, the config folder and output folders of the children live in it. */
export interface Workspace {
  dir: string;
  /** `<dir>/<name>`, a folder for one scenario's snapshots. */
  outputDir(name: string): string;
  /**
   * The child's whole environment: PATH, a private HOME and config folder, and (with an org) the
   * Okta SDK variables pointing at it. Nothing else leaks in from the test process.
   */
  env(org?: Pick<SampleOrg, 'url' | 'token'>, extra?: Record<string, string>): Record<string, string>;
  remove(): Promise<void>;
}

export async function makeWorkspace(prefix = 'okta-connector-e2e-'): Promise<Workspace> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return {
    dir,
    outputDir: (name) => path.join(dir, name),
    env: (org, extra = {}) => ({
      PATH: process.env.PATH ?? '',
      HOME: path.join(dir, 'home'),
      OKTA_CONNECTOR_CONFIG_DIR: path.join(dir, 'config'),
      ...(org ? { OKTA_CLIENT_ORGURL: org.url, OKTA_CLIENT_TOKEN: org.token } : {}),
      ...extra,
    }),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Polls until `condition` holds. Not an assertion about time: the deadline only turns a hang into a
 * failure that says what never happened.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  deadlineMs = 20_000,
): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`Gave up waiting for ${what}`);
    await delay(20);
  }
}
