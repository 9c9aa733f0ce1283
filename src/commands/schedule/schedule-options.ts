import type { ProcessInfo } from '../../schedule/cron-daemon-status.js';
import type { CommandRunner } from '../../schedule/run-command.js';
import type { Env } from '../../ui/io.js';

/** What every schedule subcommand runs with: the profile, and the machine's scheduler (injectable for tests). */
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
