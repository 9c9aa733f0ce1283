import { windowsCommandLine } from '../../schedule/schtasks.js';
import type { Io } from '../../ui/io.js';
import type { ScheduleResult } from './result.js';
import { describeSchedule, type ScheduledJob, where } from './scheduled-job.js';

/** `2026-03-02 02:30 Europe/Berlin (in 3 h 5 min)`. */
export function formatNextRun(iso: string | null, now: Date = new Date()): string {
  if (iso === null) return 'never (the expression matches no date)';
  const date = new Date(iso);
  const pad = (value: number) => String(value).padStart(2, '0');
  const local = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const minutes = Math.max(0, Math.round((date.getTime() - now.getTime()) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const parts = [days ? `${days} d` : '', hours ? `${hours} h` : '', `${minutes % 60} min`].filter(Boolean);
  return `${local} ${zone} (in ${parts.join(' ')})`;
}

function jobLines(job: ScheduledJob, io: Io, stopped: { scheduler: boolean; profile: boolean }): string[] {
  const nextRunText = stopped.profile
    ? io.color.yellow('every run fails: the profile does not exist')
    : stopped.scheduler
      ? io.color.yellow(
          `none while cron is not running (it would be ${formatNextRun(job.nextRun).replace(/ \(in .*\)$/, '')})`,
        )
      : formatNextRun(job.nextRun);
  const rows: Array<[string, string]> = [
    ['schedule', describeSchedule(job.schedule, job.cron)],
    ['next run', nextRunText],
    [
      'runs',
      job.scheduler === 'cron'
        ? (job.crontab?.line.split(' ').slice(5).join(' ') ?? '')
        : windowsCommandLine(job.argv),
    ],
    ['log file', job.logFile ?? io.color.dim('(none)')],
    [
      'keeps',
      job.keep === null
        ? io.color.yellow('every snapshot (no --keep)')
        : `the newest ${job.keep} snapshot${job.keep === 1 ? '' : 's'}`,
    ],
  ];
  if (job.task) rows.splice(0, 0, ['task', job.task.name]);
  return rows.map(([label, value]) => `  ${label.padEnd(10)}${value}`);
}

/** Human output of the schedule subcommands. */
export function renderScheduleResult(result: ScheduleResult, io: Io): void {
  switch (result.action) {
    case 'installed': {
      const verb = result.unchanged ? 'Already installed' : result.replaced ? 'Replaced' : 'Installed';
      io.logger.success(
        `${verb}: the scheduled sync of profile "${result.job.profile}" in ${where(result.job.scheduler)}.`,
      );
      for (const line of jobLines(result.job, io, { scheduler: false, profile: false })) io.print(line);
      return;
    }
    case 'shown': {
      if (!result.job) {
        io.print(`No scheduled sync for profile "${result.profile}" in ${where(result.scheduler)}.`);
        const flag = result.profile === 'default' ? '' : ` --profile ${result.profile}`;
        io.logger.info(
          result.storedSchedule
            ? `Install it (${result.storedSchedule}, as stored in the profile) with: okta-connector schedule install${flag}`
            : `Install one with: okta-connector schedule install${flag} --schedule daily`,
        );
      } else {
        const state =
          result.enabled === false
            ? io.color.yellow(' (disabled)')
            : !result.profileExists
              ? io.color.yellow(' (its profile does not exist)')
              : result.schedulerRunning === false
                ? io.color.yellow(' (cron is not running)')
                : '';
        io.print(`Scheduled sync of profile "${result.profile}" in ${where(result.scheduler)}${state}:`);
        const stopped = { scheduler: result.schedulerRunning === false, profile: !result.profileExists };
        for (const line of jobLines(result.job, io, stopped)) io.print(line);
        if (result.lastLogLine) io.print(`  ${'last log'.padEnd(10)}${result.lastLogLine}`);
      }
      if (result.otherProfiles.length > 0) {
        io.logger.info(`Other profiles scheduled here: ${result.otherProfiles.join(', ')}`);
      }
      return;
    }
    case 'removed':
      if (result.removed) {
        io.logger.success(
          `Removed the scheduled sync of profile "${result.profile}" from ${where(result.scheduler)}.`,
        );
      } else {
        io.logger.info(
          `Nothing to remove: no scheduled sync for profile "${result.profile}" in ${where(result.scheduler)}.`,
        );
      }
      return;
    case 'printed':
      io.print(result.text);
      return;
  }
}
