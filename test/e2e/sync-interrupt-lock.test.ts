import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SampleOrg, startSampleOrg } from '../../src/demo/index.js';
import {
  type CliResult,
  ensureBuilt,
  GENEROUS_RATE_LIMITS,
  makeWorkspace,
  type RunningCli,
  runCli,
  startCli,
  type Workspace,
  waitFor,
} from './cli-process.js';
import {
  expectLatestPointsAt,
  fingerprint,
  folderBytes,
  foldersWithManifest,
  profileEntries,
  readJson,
  restingProfile,
  SNAPSHOT_ID,
  snapshotIds,
} from './snapshot-files.js';

/**
 * Requirements: Ctrl-C, SIGTERM and kill -9 in the middle of a run, and one sync per profile at a
 * time. Each scenario has its own output folder; they run side by side in beforeAll (most of their
 * time is waiting for the slow org) and the tests check what each left behind.
 */

const EXIT_INTERRUPTED = 130;
const EXIT_LOCKED = 10;

let work: Workspace;
/** Answers at once: for the runs before and after the one under test. */
let fast: SampleOrg;
/**
 * Every answer takes 600 ms: a sync of it takes over 15 s (at least 231 requests, 8 at a time), so it
 * is still running after the two fast runs of the lock scenario, even on a busy machine.
 */
let slow: SampleOrg;
const started: RunningCli[] = [];

const partials = (outputDir: string, profile = 'default') =>
  profileEntries(outputDir, profile).filter((name) => name.startsWith('.partial-'));

/** A complete snapshot to protect, from the fast org. Returns its id. */
async function previousSnapshot(outputDir: string): Promise<string> {
  const result = await runCli(['sync', '--output-dir', outputDir], { env: work.env(fast) });
  expect(result.exitCode, result.stderr).toBe(0);
  return snapshotIds(outputDir)[0] as string;
}

/** Starts a sync of the slow org and waits until it has written part of its snapshot. */
async function slowSyncUnderWay(outputDir: string): Promise<RunningCli> {
  const cli = startCli(['sync', '--output-dir', outputDir], { env: work.env(slow) });
  started.push(cli);
  const written = () =>
    partials(outputDir).reduce(
      (sum, partial) => sum + folderBytes(path.join(outputDir, 'default', partial)),
      0,
    );
  await waitFor(() => cli.exited || written() > 100_000, 'the slow sync to write 100 kB');
  expect(cli.exited, 'the slow sync was still running when interrupted').toBe(false);
  return cli;
}

interface Interrupted {
  previous: string;
  /** Every file of the profile folder before the interrupted run, and right after it. */
  before: Record<string, string>;
  after: Record<string, string>;
  result: CliResult;
  pid: number;
  /** The profile folder right after the interrupted run. */
  leftBehind: string[];
  /** After the interrupted run: lock, .partial (for kill -9). */
  lockPid?: number;
  /** A sync right after. */
  next: CliResult;
  nextEntries: string[];
  nextIds: string[];
}

async function interruptScenario(signal: NodeJS.Signals): Promise<Interrupted> {
  const outputDir = work.outputDir(`interrupt-${signal}`);
  const profileDir = path.join(outputDir, 'default');
  const previous = await previousSnapshot(outputDir);
  const before = fingerprint(profileDir);
  const cli = await slowSyncUnderWay(outputDir);
  cli.child.kill(signal);
  const result = await cli.result;
  const leftBehind = profileEntries(outputDir);
  const after = fingerprint(profileDir);
  const lockPid = leftBehind.includes('.lock')
    ? readJson<{ pid: number }>(path.join(profileDir, '.lock')).pid
    : undefined;
  const next = await runCli(['sync', '--output-dir', outputDir], { env: work.env(fast) });
  return {
    previous,
    before,
    after,
    result,
    pid: cli.pid,
    leftBehind,
    lockPid,
    next,
    nextEntries: profileEntries(outputDir),
    nextIds: snapshotIds(outputDir),
  };
}

interface LockScenario {
  firstPid: number;
  lockPid: number;
  second: CliResult;
  firstRunningAfterSecond: boolean;
  other: CliResult;
  otherIds: string[];
  firstRunningAfterOther: boolean;
  /** The profile folder while the first run still held it. */
  entriesWhileHeld: string[];
  first: CliResult;
}

async function lockScenario(): Promise<LockScenario> {
  const outputDir = work.outputDir('lock');
  const first = await slowSyncUnderWay(outputDir);
  const lockPid = readJson<{ pid: number }>(path.join(outputDir, 'default', '.lock')).pid;
  const second = await runCli(['sync', '--output-dir', outputDir], { env: work.env(fast) });
  const firstRunningAfterSecond = !first.exited;
  const other = await runCli(['sync', '--profile', 'other', '--output-dir', outputDir], {
    env: work.env(fast),
  });
  const firstRunningAfterOther = !first.exited;
  const entriesWhileHeld = profileEntries(outputDir);
  first.child.kill('SIGTERM');
  return {
    firstPid: first.pid,
    lockPid,
    second,
    firstRunningAfterSecond,
    other,
    otherIds: snapshotIds(outputDir, 'other'),
    firstRunningAfterOther,
    entriesWhileHeld,
    first: await first.result,
  };
}

const scenarios = {} as {
  SIGTERM: Interrupted;
  SIGINT: Interrupted;
  SIGHUP: Interrupted;
  SIGKILL: Interrupted;
  lock: LockScenario;
};

beforeAll(async () => {
  ensureBuilt();
  work = await makeWorkspace();
  fast = await startSampleOrg({ size: 'tiny', rateLimits: GENEROUS_RATE_LIMITS });
  slow = await startSampleOrg({ size: 'small', rateLimits: GENEROUS_RATE_LIMITS, latencyMs: 600 });
  [scenarios.SIGTERM, scenarios.SIGINT, scenarios.SIGHUP, scenarios.SIGKILL, scenarios.lock] =
    await Promise.all([
      interruptScenario('SIGTERM'),
      interruptScenario('SIGINT'),
      // A closed terminal: handled like SIGTERM, not a kill with no clean-up.
      interruptScenario('SIGHUP'),
      interruptScenario('SIGKILL'),
      lockScenario(),
    ]);
}, 90_000);

afterAll(async () => {
  for (const cli of started) if (!cli.exited) cli.child.kill('SIGKILL');
  await Promise.all(started.map((cli) => cli.result.catch(() => undefined)));
  await fast?.stop();
  await slow?.stop();
  await work?.remove();
});

describe.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('%s in the middle of a sync', (signal) => {
  it('exits 130; the previous snapshot and latest.json are untouched, nothing looks complete, no lock is left', () => {
    const run = scenarios[signal];
    expect(run.result.exitCode).toBe(EXIT_INTERRUPTED);
    expect(run.leftBehind).not.toContain('.lock');
    expect(run.leftBehind.filter((name) => SNAPSHOT_ID.test(name))).toEqual([run.previous]);
    expect(run.leftBehind).toContain('latest.json');
    const untouched = Object.keys(run.before);
    expect(Object.fromEntries(untouched.map((file) => [file, run.after[file]]))).toEqual(run.before);
    // Whatever is left has no manifest: nothing a reader could take for a snapshot.
    expect(Object.keys(run.after).filter((file) => path.basename(file) === 'manifest.json')).toEqual([
      path.join(run.previous, 'manifest.json'),
    ]);
  });

  it('the next sync runs (the lock was released) and cleans up after the interrupted one', () => {
    const run = scenarios[signal];
    expect(run.next.stderr).not.toMatch(/another okta-connector run/i);
    expect(run.next.exitCode).toBe(0);
    expect(run.nextIds).toHaveLength(2);
    expect(run.nextEntries).toEqual(restingProfile(run.nextIds, run.nextIds[1] as string));
  });

  // BUG: conf → atomically → when-exit hooks SIGINT and SIGTERM when it is imported, and re-raises
  // the signal with process.kill(process.pid, signal). The sync action's handler in src/cli/program.ts then
  // counts a second signal ("a second Ctrl-C means now") and calls process.exit(130) at once: no
  // message, and the run's .partial-* folder stays behind for the next run to remove, although
  // docs/exit-codes.md and docs/output-formats.md say an interrupted run removes it.
  it('says it was interrupted and removes its own .partial-* folder', () => {
    const run = scenarios[signal];
    expect(run.result.stderr).toMatch(/interrupted/i);
    expect(run.leftBehind).toEqual(restingProfile([run.previous], run.previous));
  });
});

describe('kill -9 in the middle of a sync', () => {
  it('leaves its lock and .partial-* folder, and the previous snapshot and latest.json as they were', () => {
    const run = scenarios.SIGKILL;
    expect(run.result.signal).toBe('SIGKILL');
    expect(run.lockPid).toBe(run.pid);
    // The snapshot being written, and the rows kept for the next incremental run.
    expect(run.leftBehind.filter((name) => name.startsWith('.partial-'))).toEqual([
      expect.stringMatching(new RegExp(`^\\.partial-\\d.+-${run.pid}$`)),
      expect.stringMatching(new RegExp(`^\\.partial-base\\..+-${run.pid}$`)),
    ]);
    const untouched = Object.keys(run.before);
    expect(Object.fromEntries(untouched.map((file) => [file, run.after[file]]))).toEqual(run.before);
  });

  it('the next sync takes the stale lock over, removes the stale .partial-* folder and succeeds', () => {
    const run = scenarios.SIGKILL;
    expect(run.next.exitCode).toBe(0);
    expect(run.nextIds).toHaveLength(2);
    expect(run.nextIds[0]).toBe(run.previous);
    expect(run.nextEntries).toEqual(restingProfile(run.nextIds, run.nextIds[1] as string));
    const outputDir = work.outputDir('interrupt-SIGKILL');
    expect(fingerprint(path.join(outputDir, 'default', run.previous))).toEqual(
      Object.fromEntries(
        Object.entries(run.before)
          .filter(([file]) => file.startsWith(`${run.previous}${path.sep}`))
          .map(([file, hash]) => [file.slice(run.previous.length + 1), hash]),
      ),
    );
    expect(foldersWithManifest(outputDir)).toEqual(run.nextIds);
    expectLatestPointsAt(outputDir, run.nextIds[1] as string);
  });
});

describe('the profile lock', () => {
  it('a second sync of the same profile exits 10 at once, naming the pid of the one running', () => {
    const { lock } = scenarios;
    expect(lock.lockPid).toBe(lock.firstPid);
    expect(lock.second.exitCode).toBe(EXIT_LOCKED);
    expect(lock.second.stderr).toContain(`pid ${lock.firstPid}`);
    expect(lock.firstRunningAfterSecond, 'the second sync did not wait for the first').toBe(true);
    // The refused run left nothing: the profile holds only the first run's lock and temporary folder.
    expect(lock.entriesWhileHeld).toEqual([
      '.lock',
      expect.stringMatching(new RegExp(`^\\.partial-\\d.+-${lock.firstPid}$`)),
      expect.stringMatching(new RegExp(`^\\.partial-base\\..+-${lock.firstPid}$`)),
    ]);
  });

  it('a sync of another profile runs meanwhile', () => {
    const { lock } = scenarios;
    expect(lock.other.exitCode).toBe(0);
    expect(lock.otherIds).toHaveLength(1);
    expect(lock.firstRunningAfterOther).toBe(true);
    expect(lock.first.exitCode).toBe(EXIT_INTERRUPTED);
  });
});
