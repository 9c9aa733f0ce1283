import type { ScheduledJob, Scheduler } from './scheduled-job.js';

/** What a schedule subcommand did: the `--json` document, and what the human output is printed from. */
export type ScheduleResult =
  | { action: 'installed'; replaced: boolean; unchanged: boolean; job: ScheduledJob; warnings: string[] }
  | {
      action: 'shown';
      profile: string;
      scheduler: Scheduler;
      installed: boolean;
      enabled: boolean | null;
      job: ScheduledJob | null;
      /** The schedule stored in the profile (what `install` uses without --schedule). */
      storedSchedule: string | null;
      /** The last line of the job's log file, if there is one. */
      lastLogLine: string | null;
      /** cron: other profiles with an entry in the same crontab. */
      otherProfiles: string[];
      /** Whether the profile the job runs exists in the config folder the job reads. */
      profileExists: boolean;
      /** Whether the scheduler itself runs (null: cannot tell on this machine), and what was seen. */
      schedulerRunning: boolean | null;
      schedulerStatus: string;
      /** Installed, enabled, its profile exists, and the scheduler is not known to be stopped. */
      healthy: boolean;
      warnings: string[];
    }
  | { action: 'removed'; profile: string; scheduler: Scheduler; removed: boolean }
  | { action: 'printed'; text: string; job: ScheduledJob; warnings: string[] };
