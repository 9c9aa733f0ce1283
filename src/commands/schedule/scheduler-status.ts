import {
  cronDaemonStatus,
  type ProcessInfo,
  type SchedulerStatus,
} from '../../schedule/cron-daemon-status.js';
import type { CommandRunner } from '../../schedule/run-command.js';
import type { Env } from '../../ui/io.js';
import type { Scheduler } from './scheduled-job.js';

/** Whether the scheduler runs: checked for cron (see cronDaemonStatus); Task Scheduler is not checked. */
export async function schedulerStatus(
  options: {
    platform: string;
    env: Env;
    run: CommandRunner;
    listProcesses?: (() => Promise<ProcessInfo[] | null>) | undefined;
  },
  scheduler: Scheduler,
): Promise<SchedulerStatus> {
  if (scheduler !== 'cron') return { running: null, detail: 'not checked on Windows' };
  return cronDaemonStatus({
    platform: options.platform,
    env: options.env,
    run: options.run,
    ...(options.listProcesses ? { listProcesses: options.listProcesses } : {}),
  });
}

export function schedulerStoppedWarning(status: SchedulerStatus, when: 'installed' | 'shown'): string {
  const effect =
    when === 'installed'
      ? 'the entry is installed, but nothing will run until cron is started'
      : 'this entry does not run until cron is started';
  return `cron is not running on this machine (${status.detail}): ${effect}. ${status.hint ?? ''}`.trim();
}
