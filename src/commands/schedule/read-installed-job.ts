import { findEntry, listEntryProfiles, markerLine, readCrontab } from '../../schedule/crontab.js';
import type { CommandRunner } from '../../schedule/run-command.js';
import { runSchtasks } from '../../schedule/run-schtasks.js';
import {
  decodeSchtasksOutput,
  parseTaskXml,
  schtasksQueryArgs,
  taskName,
  windowsCommandLine,
} from '../../schedule/schtasks.js';
import type { ScheduleOptions } from './schedule-options.js';
import { jobFromArgv, type ScheduledJob, schedulerOf } from './scheduled-job.js';

/** The profile's installed job as the scheduler has it, whether it is enabled, and the other profiles with an entry. */
export interface InstalledJob {
  job: ScheduledJob | null;
  /** null: nothing installed. */
  enabled: boolean | null;
  otherProfiles: string[];
}

/**
 * Reads the profile's entry back from the crontab, or its task from Task Scheduler. An entry
 * edited by hand or a trigger okta-connector did not write adds a warning.
 */
export async function readInstalledJob(
  options: ScheduleOptions & { platform: string; run: CommandRunner },
  now: Date,
  warnings: string[],
): Promise<InstalledJob> {
  const { platform, run } = options;
  const scheduler = schedulerOf(platform);
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
  return { job, enabled, otherProfiles };
}
