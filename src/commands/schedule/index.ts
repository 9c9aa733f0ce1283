import { parseOptions } from '../../cli/parse-options.js';
import { scheduleToCron } from '../../config/schedule.js';
import { UsageError } from '../../errors.js';
import type { ProcessInfo } from '../../schedule/cron-daemon-status.js';
import {
  findEntry,
  foreignSyncLines,
  listEntryProfiles,
  markerLine,
  readCrontab,
  withEntry,
  withoutEntry,
  writeCrontab,
} from '../../schedule/crontab.js';
import { type CommandRunner, runCommand } from '../../schedule/run-command.js';
import { runSchtasks } from '../../schedule/run-schtasks.js';
import { DEFAULT_SCHEDULED_KEEP } from '../../schedule/scheduled-retention.js';
import {
  decodeSchtasksOutput,
  parseTaskXml,
  schtasksDeleteArgs,
  schtasksQueryArgs,
  taskName,
  windowsCommandLine,
} from '../../schedule/schtasks.js';
import type { Env, Io } from '../../ui/io.js';
import { jobProfileExists, refuseMissingProfile } from './job-profile.js';
import { lastLine } from './last-log-line.js';
import {
  type JobFlags,
  SCHEDULE_ENTRY_OPTIONS,
  SCHEDULE_PLATFORMS,
  SCHEDULE_PRINT_OPTIONS,
} from './options.js';
import { loadProfile, planJob } from './plan-job.js';
import type { ScheduleResult } from './result.js';
import { jobFromArgv, type ScheduledJob, schedulerOf } from './scheduled-job.js';
import { schedulerStatus, schedulerStoppedWarning } from './scheduler-status.js';

export { SCHEDULE_PLATFORMS } from './options.js';
export { defaultCliPath } from './plan-job.js';
export { formatNextRun, renderScheduleResult } from './render.js';
export type { ScheduleResult } from './result.js';
export type { ScheduledJob, Scheduler } from './scheduled-job.js';

export interface ScheduleOptions {
  profile: string;
  env: Env;
  /** Relative `--log-file` values resolve against it. */
  cwd: string;
  /** The OS to schedule on; `schedule print --platform`. @default process.platform */
  platform?: string | undefined;
  /** Runs `crontab` and `schtasks`. @default runCommand */
  run?: CommandRunner;
  /** Clock for the next run. @default () => new Date() */
  now?: () => Date;
  /** The machine's processes, to tell whether cron runs (null: cannot see them). @default /proc */
  listProcesses?: () => Promise<ProcessInfo[] | null>;
}

/** `schedule install` and `schedule print`: the common options and the flags that shape the job. */
export interface ScheduleEntryOptions extends ScheduleOptions, JobFlags {}

function targetPlatform(options: ScheduleOptions): string {
  const platform = options.platform ?? process.platform;
  if (options.platform !== undefined && !(SCHEDULE_PLATFORMS as readonly string[]).includes(platform)) {
    throw new UsageError(`--platform takes ${SCHEDULE_PLATFORMS.join(', ')}; got "${platform}".`);
  }
  return platform;
}

function warnAll(io: Io, warnings: string[]): void {
  for (const warning of warnings) io.logger.warn(warning);
}

/**
 * `schedule install`: adds (or replaces) the one entry of a profile: a line in the user's crontab,
 * or a Task Scheduler task on Windows, running `sync --quiet --log-file … --incremental`.
 */
export async function scheduleInstall(raw: ScheduleEntryOptions, io: Io): Promise<ScheduleResult> {
  const options = { ...raw, ...parseOptions(SCHEDULE_ENTRY_OPTIONS, raw, 'schedule install') };
  const platform = options.platform ?? process.platform;
  const run = options.run ?? runCommand;
  refuseMissingProfile(options);
  const { job, warnings } = planJob(options, platform);
  let replaced: boolean;
  let unchanged = false;
  if (job.crontab) {
    const table = await readCrontab(run, options.env);
    const existing = findEntry(table, options.profile);
    replaced = existing !== undefined;
    const updated = withEntry(table, options.profile, job.crontab.line);
    unchanged = updated === table;
    if (!unchanged) await writeCrontab(run, options.env, updated);
    const daemon = await schedulerStatus({ ...options, platform, run }, 'cron');
    if (daemon.running === false) warnings.push(schedulerStoppedWarning(daemon, 'installed'));
    const others = foreignSyncLines(updated);
    if (others.length > 0) {
      warnings.push(
        `Your crontab also runs okta-connector sync on line${others.length > 1 ? 's' : ''} ${others.join(', ')}, which "schedule" does not manage; remove ${others.length > 1 ? 'them' : 'it'} with "crontab -e" if ${others.length > 1 ? 'they duplicate' : 'it duplicates'} this entry.`,
      );
    }
  } else {
    const query = await runSchtasks(run, options.env, schtasksQueryArgs(options.profile), {
      allowFailure: true,
    });
    replaced = query.exitCode === 0;
    await runSchtasks(run, options.env, job.task!.schtasks);
  }
  warnAll(io, warnings);
  return { action: 'installed', replaced, unchanged, job, warnings };
}

/** `schedule print`: the crontab lines or the schtasks command, without installing anything. */
export async function schedulePrint(raw: ScheduleEntryOptions, io: Io): Promise<ScheduleResult> {
  const options = { ...raw, ...parseOptions(SCHEDULE_PRINT_OPTIONS, raw, 'schedule print') };
  const platform = targetPlatform(options);
  const { job, warnings } = planJob(options, platform);
  warnAll(io, warnings);
  const text = job.crontab ? `${job.crontab.marker}\n${job.crontab.line}` : job.task!.commandLine;
  return { action: 'printed', text, job, warnings };
}

/** `schedule show`: what is installed for the profile, and when it next runs. */
export async function scheduleShow(options: ScheduleOptions, io: Io): Promise<ScheduleResult> {
  const platform = options.platform ?? process.platform;
  const scheduler = schedulerOf(platform);
  const run = options.run ?? runCommand;
  const now = (options.now ?? (() => new Date()))();
  const warnings: string[] = [];
  let storedSchedule: string | null = null;
  try {
    storedSchedule = loadProfile(options).profile?.schedule ?? null;
  } catch (error) {
    warnings.push(`Could not read the profile: ${(error as Error).message}`);
  }

  let job: ScheduledJob | null = null;
  let enabled: boolean | null = null;
  let otherProfiles: string[] = [];
  if (scheduler === 'cron') {
    const table = await readCrontab(run, options.env);
    otherProfiles = listEntryProfiles(table).filter((name) => name !== options.profile);
    const entry = findEntry(table, options.profile);
    if (entry && !entry.parsed) {
      warnings.push(
        `Your crontab has the marker of profile "${options.profile}" but not its line (edited by hand?); "schedule install" puts it back, "schedule remove" clears it.`,
      );
    }
    if (entry?.parsed) {
      job = jobFromArgv(
        options.profile,
        platform,
        entry.parsed.cron,
        entry.parsed.argv,
        entry.parsed.env,
        now,
      );
      job.crontab = { marker: markerLine(options.profile), line: entry.line! };
      enabled = true;
    }
  } else {
    const query = await runSchtasks(run, options.env, schtasksQueryArgs(options.profile), {
      allowFailure: true,
    });
    if (query.exitCode === 0) {
      const task = parseTaskXml(decodeSchtasksOutput(query.stdout));
      job = jobFromArgv(options.profile, platform, task.cron, task.argv, {}, now);
      job.task = {
        name: taskName(options.profile),
        schtasks: [],
        commandLine: windowsCommandLine(task.argv),
      };
      enabled = task.enabled;
      if (task.cron === null) {
        warnings.push(
          `The task "${taskName(options.profile)}" has a trigger okta-connector did not write; see it in Task Scheduler.`,
        );
      }
    }
  }
  const profileExists = job === null || jobProfileExists(options, job, warnings);
  const daemon = await schedulerStatus({ ...options, platform, run }, scheduler);
  if (job && daemon.running === false) warnings.push(schedulerStoppedWarning(daemon, 'shown'));
  if (job && job.keep === null) {
    warnings.push(
      `This scheduled sync keeps every snapshot (it was installed without --keep), so its folder grows without bound; run "okta-connector schedule install${options.profile === 'default' ? '' : ` --profile ${options.profile}`}" again to keep the newest ${DEFAULT_SCHEDULED_KEEP}, or with --keep all to keep this choice.`,
    );
  }
  if (job && profileExists && storedSchedule && job.cron && scheduleToCron(storedSchedule) !== job.cron) {
    warnings.push(
      `The profile's stored schedule is ${storedSchedule}, the installed one ${job.schedule}; run "okta-connector schedule install${options.profile === 'default' ? '' : ` --profile ${options.profile}`}" to install the stored one.`,
    );
  }
  warnAll(io, warnings);
  return {
    action: 'shown',
    profile: options.profile,
    scheduler,
    installed: job !== null,
    enabled,
    job,
    storedSchedule,
    lastLogLine: await lastLine(job?.logFile ?? null),
    otherProfiles,
    profileExists,
    schedulerRunning: daemon.running,
    schedulerStatus: daemon.detail,
    healthy: job !== null && enabled !== false && profileExists && daemon.running !== false,
    warnings,
  };
}

/** `schedule remove`: removes only the profile's entry; nothing installed is not an error. */
export async function scheduleRemove(options: ScheduleOptions, _io: Io): Promise<ScheduleResult> {
  const platform = options.platform ?? process.platform;
  const scheduler = schedulerOf(platform);
  const run = options.run ?? runCommand;
  if (scheduler === 'cron') {
    const table = await readCrontab(run, options.env);
    const { table: updated, removed } = withoutEntry(table, options.profile);
    if (removed) await writeCrontab(run, options.env, updated);
    return { action: 'removed', profile: options.profile, scheduler, removed };
  }
  const query = await runSchtasks(run, options.env, schtasksQueryArgs(options.profile), {
    allowFailure: true,
  });
  if (query.exitCode !== 0) return { action: 'removed', profile: options.profile, scheduler, removed: false };
  await runSchtasks(run, options.env, schtasksDeleteArgs(options.profile));
  return { action: 'removed', profile: options.profile, scheduler, removed: true };
}
