/**
 * Runs one program and measures it from outside: wall time (from spawn to exit, taken by the bench),
 * peak resident memory and user + system CPU time.
 *
 * Peak RSS and CPU come from GNU time (`/usr/bin/time -v`, Debian package `time`): the kernel's
 * `ru_maxrss` and `ru_utime`/`ru_stime` of the measured process, read by `wait4()` when it exits, so
 * nothing is sampled and nothing is missed. The wrapper's own few hundred kB are not included. Without
 * GNU time the bench falls back to polling `/proc/<pid>/status` (VmHWM, the kernel's own high-water
 * mark, so a short peak between two polls is still seen) and `/proc/<pid>/stat` for CPU; the last poll
 * can be up to one interval before the exit, so CPU may be slightly low. The result says which was used.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { exitOf, startChild, stopChild } from './child-processes.js';

const GNU_TIME = '/usr/bin/time';

let gnuTimeAvailable;

/** True when `/usr/bin/time` is GNU time with `-v` (it reports the peak RSS). */
export function hasGnuTime() {
  if (gnuTimeAvailable === undefined) {
    const probe = spawnSync(GNU_TIME, ['-v', 'true'], { encoding: 'utf8' });
    gnuTimeAvailable = probe.status === 0 && /Maximum resident set size/.test(probe.stderr ?? '');
  }
  return gnuTimeAvailable;
}

function parseGnuTime(text) {
  const field = (label) => {
    const match = new RegExp(`${label}:\\s*([\\d.]+)`).exec(text);
    return match ? Number(match[1]) : undefined;
  };
  return {
    peakRssKb: field('Maximum resident set size \\(kbytes\\)'),
    userS: field('User time \\(seconds\\)'),
    systemS: field('System time \\(seconds\\)'),
  };
}

const CLOCK_TICKS = 100;

function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function sendSignal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

function pollProc(pid, sample) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /VmHWM:\s*(\d+)\s*kB/.exec(status);
    if (hwm) sample.peakRssKb = Math.max(sample.peakRssKb ?? 0, Number(hwm[1]));
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    sample.userS = Number(fields[11]) / CLOCK_TICKS;
    sample.systemS = Number(fields[12]) / CLOCK_TICKS;
  } catch {
    // The process has exited between two polls.
  }
}

/**
 * Runs `command args` with `env` and `cwd`; stdout and stderr go to the given file descriptors.
 * Stops it (SIGTERM, then SIGKILL) after `timeoutMs`. Resolves with
 * `{ exitCode, signal, timedOut, wallMs, peakRssKb, userS, systemS, method }`.
 */
export async function measureProcess({ command, args, env, cwd, stdout, stderr, timeoutMs, timeFile }) {
  const useTime = hasGnuTime();
  const [file, argv] = useTime ? [GNU_TIME, ['-v', '-o', timeFile, command, ...args]] : [command, args];
  const startedAt = performance.now();
  const child = startChild(file, argv, { env, cwd, stdio: ['ignore', stdout, stderr] });
  const sample = {};
  const poller = useTime ? undefined : setInterval(() => pollProc(child.pid, sample), 50);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    // Stop the measured program first, so GNU time still reports on it; the group goes too after a grace period.
    if (useTime) for (const pid of childrenOf(child.pid)) sendSignal(pid, 'SIGTERM');
    else sendSignal(child.pid, 'SIGTERM');
    setTimeout(() => stopChild(child), 5000).unref();
  }, timeoutMs);
  const { code, signal } = await exitOf(child);
  const wallMs = performance.now() - startedAt;
  clearTimeout(timer);
  if (poller) clearInterval(poller);

  let measured = sample;
  let exitCode = code;
  if (useTime) {
    const text = await readFile(timeFile, 'utf8').catch(() => '');
    measured = parseGnuTime(text);
    // GNU time exits with the program's status, or reports the signal that ended it.
    const terminated = /Command terminated by signal (\d+)/.exec(text);
    if (terminated) exitCode = 128 + Number(terminated[1]);
  }
  return {
    exitCode,
    signal,
    timedOut,
    wallMs,
    peakRssKb: measured.peakRssKb,
    userS: measured.userS,
    systemS: measured.systemS,
    method: useTime ? 'GNU time -v (wait4 rusage)' : '/proc polling (VmHWM, 50 ms)',
  };
}
