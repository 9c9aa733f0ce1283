import { scheduleToCron } from '../../config/schedule.js';
import { DEFAULT_SCHEDULED_KEEP } from '../../schedule/scheduled-retention.js';
import type { ScheduledJob } from './scheduled-job.js';

/**
 * `schedule show`'s warnings about an installed job that drifted: one that keeps every snapshot
 * (installed without --keep), and one whose schedule is not the profile's stored one.
 */
export function installedJobWarnings(
  profile: string,
  job: ScheduledJob,
  storedSchedule: string | null,
  profileExists: boolean,
): string[] {
  const warnings: string[] = [];
  if (job.keep === null) {
    warnings.push(
      `This scheduled sync keeps every snapshot (it was installed without --keep), so its folder grows without bound; run "okta-connector schedule install${profile === 'default' ? '' : ` --profile ${profile}`}" again to keep the newest ${DEFAULT_SCHEDULED_KEEP}, or with --keep all to keep this choice.`,
    );
  }
  if (profileExists && storedSchedule && job.cron && scheduleToCron(storedSchedule) !== job.cron) {
    warnings.push(
      `The profile's stored schedule is ${storedSchedule}, the installed one ${job.schedule}; run "okta-connector schedule install${profile === 'default' ? '' : ` --profile ${profile}`}" to install the stored one.`,
    );
  }
  return warnings;
}
