import { findEntry, foreignSyncLines, readCrontab, withEntry, writeCrontab } from '../../schedule/crontab.js';
import type { CommandRunner } from '../../schedule/run-command.js';
import { runSchtasks } from '../../schedule/run-schtasks.js';
import { schtasksQueryArgs } from '../../schedule/schtasks.js';
import type { ScheduleOptions } from './schedule-options.js';
import type { ScheduledJob } from './scheduled-job.js';
import { schedulerStatus, schedulerStoppedWarning } from './scheduler-status.js';

/**
 * Writes the planned job: the profile's line in the user's crontab (left as is when it is already
 * there), or its Task Scheduler task. Adds a warning when cron is not running and when the crontab
 * runs other syncs by hand.
 */
export async function installEntry(
  options: ScheduleOptions & { platform: string; run: CommandRunner },
  job: ScheduledJob,
  warnings: string[],
): Promise<{ replaced: boolean; unchanged: boolean }> {
  const { platform, run } = options;
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
  return { replaced, unchanged };
}
