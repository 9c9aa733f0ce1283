import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Env } from '../ui/io.js';
import type { CommandRunner } from './run-command.js';

/** A running process as /proc shows it. */
export interface ProcessInfo {
  pid: number;
  /** The kernel's name for it (`/proc/<pid>/comm`). */
  name: string;
  /** Its command line; empty for kernel threads. */
  argv: string[];
}

/** Whether the machine's scheduler runs at all, and what was seen to say so. */
export interface SchedulerStatus {
  /** true: it runs; false: it does not (entries never start); null: cannot tell on this machine. */
  running: boolean | null;
  /** What was seen, e.g. `cron (pid 812)` or `no cron daemon process is running; cron.service is inactive`. */
  detail: string;
  /** How to start it, when it is not running. */
  hint?: string;
}

export interface CronDaemonStatusOptions {
  platform: string;
  env: Env;
  /** Runs `systemctl`. */
  run: CommandRunner;
  /** The processes of this machine, or null when they cannot all be seen. @default readProcessTable */
  listProcesses?: () => Promise<ProcessInfo[] | null>;
}

/** Names of cron daemons: Debian's cron, cronie and dcron (crond), fcron, BusyBox's crond. */
const CRON_DAEMONS = new Set(['cron', 'crond', 'cronie', 'fcron', 'dcron']);

/** systemd units that run a cron daemon on the common distributions. */
const CRON_UNITS = ['cron.service', 'crond.service', 'cronie.service', 'fcron.service'];

function isCronDaemon(process: ProcessInfo): boolean {
  if (CRON_DAEMONS.has(process.name)) return true;
  const [program, applet] = process.argv.map((word) => path.basename(word));
  if (program && CRON_DAEMONS.has(program)) return true;
  // `busybox crond` runs under BusyBox's own name.
  return program === 'busybox' && applet === 'crond';
}

/**
 * Every process of this machine from /proc (Linux), or null when that is not possible: no /proc
 * (macOS, BSD), or /proc mounted with `hidepid`, which hides other users' processes (cron runs as
 * root) from anyone but root.
 */
export async function readProcessTable(): Promise<ProcessInfo[] | null> {
  let entries: string[];
  try {
    const mounts = await readFile('/proc/self/mounts', 'utf8');
    const proc = mounts.split('\n').find((line) => line.split(' ')[1] === '/proc');
    const hidden = /(^|,)hidepid=(1|2|noaccess|invisible|ptraceable)(,|$)/.test(proc?.split(' ')[3] ?? '');
    if (hidden && process.getuid?.() !== 0) return null;
    entries = await readdir('/proc');
  } catch {
    return null;
  }
  const processes: ProcessInfo[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const [name, cmdline] = await Promise.all([
        readFile(`/proc/${entry}/comm`, 'utf8'),
        readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => ''),
      ]);
      processes.push({
        pid: Number(entry),
        name: name.trim(),
        argv: cmdline.split('\0').filter((word) => word !== ''),
      });
    } catch {
      // The process ended while we looked.
    }
  }
  return processes;
}

/** `cron.service inactive`: the state of each cron unit systemd knows, or null without systemd. */
async function cronUnitStates(
  run: CommandRunner,
  env: Env,
): Promise<Array<{ unit: string; active: string }> | null> {
  try {
    const outcome = await run('systemctl', ['show', '--property=Id,LoadState,ActiveState', ...CRON_UNITS], {
      env,
    });
    if (outcome.exitCode !== 0) return null;
    const units: Array<{ unit: string; active: string }> = [];
    for (const block of outcome.stdout.toString('utf8').split(/\n\s*\n/)) {
      const fields = Object.fromEntries(
        block
          .split('\n')
          .map((line) => line.split('='))
          .filter((pair) => pair.length >= 2)
          .map(([key, ...value]) => [key!, value.join('=')]),
      );
      if (fields.Id && fields.LoadState && fields.LoadState !== 'not-found') {
        units.push({ unit: fields.Id, active: fields.ActiveState ?? 'unknown' });
      }
    }
    return units;
  } catch {
    // No systemctl on PATH.
    return null;
  }
}

const START_HINT =
  "Start the cron service (Debian/Ubuntu: sudo systemctl enable --now cron, or sudo service cron start; RHEL/Fedora: sudo systemctl enable --now crond). In a container without cron, use the host's scheduler or a Kubernetes CronJob (see docs/scheduling.md).";

/**
 * Whether a cron daemon runs on this machine, so that `schedule show` never promises a next run
 * that will not happen. Linux: a cron process in /proc, with the state of systemd's cron unit as
 * the detail (or as the answer when /proc hides other users' processes). macOS starts cron through
 * launchd when a crontab exists, so there it is not checked (null), nor on other systems.
 */
export async function cronDaemonStatus(options: CronDaemonStatusOptions): Promise<SchedulerStatus> {
  if (options.platform !== 'linux') return { running: null, detail: 'not checked on this system' };
  const processes = await (options.listProcesses ?? readProcessTable)();
  const daemon = processes?.find(isCronDaemon);
  if (daemon) return { running: true, detail: `${daemon.name} (pid ${daemon.pid})` };

  const units = await cronUnitStates(options.run, options.env);
  const active = units?.find((unit) => unit.active === 'active' || unit.active === 'reloading');
  const unitText = units?.length ? units.map((unit) => `${unit.unit} is ${unit.active}`).join(', ') : '';
  if (processes === null) {
    if (active) return { running: true, detail: `${active.unit} is ${active.active}` };
    if (units?.length) {
      const unit = units[0]!.unit.replace(/\.service$/, '');
      return { running: false, detail: unitText, hint: `Start it: sudo systemctl enable --now ${unit}` };
    }
    return { running: null, detail: 'the processes of other users are hidden and systemd does not say' };
  }
  const detail = `no cron daemon process (cron, crond) is running${unitText ? `; ${unitText}` : ''}`;
  const unit = units?.[0]?.unit.replace(/\.service$/, '');
  return {
    running: false,
    detail,
    hint: unit ? `Start it: sudo systemctl enable --now ${unit}` : START_HINT,
  };
}
