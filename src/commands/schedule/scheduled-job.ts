import path from 'node:path';
import { parseCron, SCHEDULE_SHORTHANDS } from '../../config/schedule.js';
import { nextRun } from '../../schedule/next-run.js';
import { keepOfArgv } from '../../schedule/scheduled-retention.js';

/** cron (Linux, macOS, other Unix) or Windows Task Scheduler. */
export type Scheduler = 'cron' | 'task-scheduler';

/** A scheduled sync: what runs, when, and how it is written for the scheduler. */
export interface ScheduledJob {
  profile: string;
  platform: string;
  scheduler: Scheduler;
  /** As stored or given: `daily`, or a cron expression. */
  schedule: string;
  /** The 5-field cron expression it stands for. */
  cron: string;
  /** The next start, ISO 8601 (computed in this machine's time zone), or null. */
  nextRun: string | null;
  /** The command the job runs, word by word (absolute Node binary first). */
  argv: string[];
  /** Environment the job sets for the command (cron only). */
  env: Record<string, string>;
  logFile: string | null;
  /** The `--keep` the job passes to sync, or null: it keeps every snapshot. */
  keep: number | null;
  /** cron: the marker comment and the cron line. */
  crontab: { marker: string; line: string } | null;
  /** Windows: the task's name and the `schtasks` arguments that create it. */
  task: { name: string; schtasks: string[]; commandLine: string } | null;
}

export const schedulerOf = (platform: string): Scheduler =>
  platform === 'win32' ? 'task-scheduler' : 'cron';
export const pathFor = (platform: string) => (platform === 'win32' ? path.win32 : path.posix);
/** Whether the job is for another OS than this one: this machine's paths, environment and profile say nothing about it. */
export const isForeign = (platform: string) => (platform === 'win32') !== (process.platform === 'win32');
export const where = (scheduler: Scheduler) => (scheduler === 'cron' ? 'your crontab' : 'Task Scheduler');

export function describeSchedule(schedule: string, cron: string): string {
  return schedule === cron ? cron : `${schedule} (${cron})`;
}

/** The stored form of a cron expression: the shorthand when it is one. */
function storedFormOf(cron: string): string {
  const shorthand = Object.entries(SCHEDULE_SHORTHANDS).find(([, expression]) => expression === cron);
  return shorthand ? shorthand[0] : cron;
}

/** An installed job read back from its cron line or task: the schedule, the command, its log file and --keep. */
export function jobFromArgv(
  profile: string,
  platform: string,
  cronText: string | null,
  argv: string[],
  env: Record<string, string>,
  now: Date,
): ScheduledJob {
  const at = argv.indexOf('--log-file');
  let next: Date | null = null;
  let cron: string | null = null;
  if (cronText !== null) {
    try {
      const parsed = parseCron(cronText);
      cron = parsed.expression;
      next = nextRun(parsed, now);
    } catch {
      cron = null;
    }
  }
  return {
    profile,
    platform,
    scheduler: schedulerOf(platform),
    schedule: cron === null ? (cronText ?? 'unknown') : storedFormOf(cron),
    cron: cron ?? cronText ?? '',
    nextRun: next?.toISOString() ?? null,
    argv,
    env,
    logFile: at >= 0 ? (argv[at + 1] ?? null) : null,
    keep: keepOfArgv(argv),
    crontab: null,
    task: null,
  };
}
