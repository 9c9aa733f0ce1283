import { parseOptions } from '../../cli/parse-options.js';
import { UsageError } from '../../errors.js';
import { runCommand } from '../../schedule/run-command.js';
import type { Io } from '../../ui/io.js';
import { installEntry } from './install-entry.js';
import { installedJobWarnings } from './installed-job-warnings.js';
import { jobProfileExists, refuseMissingProfile } from './job-profile.js';
import { lastLine } from './last-log-line.js';
import {
  type JobFlags,
  SCHEDULE_ENTRY_OPTIONS,
  SCHEDULE_PLATFORMS,
  SCHEDULE_PRINT_OPTIONS,
} from './options.js';
import { loadProfile, planJob } from './plan-job.js';
import { readInstalledJob } from './read-installed-job.js';
import { removeEntry } from './remove-entry.js';
import type { ScheduleResult } from './result.js';
import type { ScheduleOptions } from './schedule-options.js';
import { schedulerOf } from './scheduled-job.js';
import { schedulerStatus, schedulerStoppedWarning } from './scheduler-status.js';

export { SCHEDULE_PLATFORMS } from './options.js';
export { defaultCliPath } from './plan-job.js';
export { formatNextRun, renderScheduleResult } from './render.js';
export type { ScheduleResult } from './result.js';
export type { ScheduleOptions } from './schedule-options.js';
export type { ScheduledJob, Scheduler } from './scheduled-job.js';

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
  const { replaced, unchanged } = await installEntry({ ...options, platform, run }, job, warnings);
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

  const { job, enabled, otherProfiles } = await readInstalledJob(
    { ...options, platform, run },
    now,
    warnings,
  );
  const profileExists = job === null || jobProfileExists(options, job, warnings);
  const daemon = await schedulerStatus({ ...options, platform, run }, scheduler);
  if (job && daemon.running === false) warnings.push(schedulerStoppedWarning(daemon, 'shown'));
  if (job) warnings.push(...installedJobWarnings(options.profile, job, storedSchedule, profileExists));
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
  const removed = await removeEntry({ ...options, platform, run });
  return { action: 'removed', profile: options.profile, scheduler, removed };
}
