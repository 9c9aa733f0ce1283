import { readCrontab, withoutEntry, writeCrontab } from '../../schedule/crontab.js';
import type { CommandRunner } from '../../schedule/run-command.js';
import { runSchtasks } from '../../schedule/run-schtasks.js';
import { schtasksDeleteArgs, schtasksQueryArgs } from '../../schedule/schtasks.js';
import type { ScheduleOptions } from './schedule-options.js';
import { schedulerOf } from './scheduled-job.js';

/** Removes only the profile's crontab entry or task; false when there was none (not an error). */
export async function removeEntry(
  options: ScheduleOptions & { platform: string; run: CommandRunner },
): Promise<boolean> {
  const { run } = options;
  if (schedulerOf(options.platform) === 'cron') {
    const table = await readCrontab(run, options.env);
    const { table: updated, removed } = withoutEntry(table, options.profile);
    if (removed) await writeCrontab(run, options.env, updated);
    return removed;
  }
  const query = await runSchtasks(run, options.env, schtasksQueryArgs(options.profile), {
    allowFailure: true,
  });
  if (query.exitCode !== 0) return false;
  await runSchtasks(run, options.env, schtasksDeleteArgs(options.profile));
  return true;
}
