import { ENV } from '../../config/resolve.js';
import { ConfigStore } from '../../config/store.js';
import { UsageError } from '../../errors.js';
import { jobConfigDir } from '../../schedule/remove-scheduled-sync.js';
import type { Env } from '../../ui/io.js';
import { loadProfile } from './plan-job.js';
import type { ScheduledJob } from './scheduled-job.js';

/**
 * Whether the job's profile exists where the job will look for it (a cron job's own
 * OKTA_CONNECTOR_CONFIG_DIR, else the default folder). A missing one gets a warning: every run
 * of the job would fail with exit 3.
 */
export function jobProfileExists(
  options: { profile: string; env: Env },
  job: ScheduledJob,
  warnings: string[],
): boolean {
  const dir = job.scheduler === 'cron' ? jobConfigDir(options.env, job.env) : undefined;
  const store = new ConfigStore(dir ? { ...options.env, [ENV.configDir]: dir } : options.env);
  let exists: boolean;
  try {
    exists = store.getProfile(options.profile) !== undefined;
  } catch (error) {
    warnings.push(`The scheduled sync cannot read its profile: ${(error as Error).message}`);
    return false;
  }
  if (!exists) {
    const flag = options.profile === 'default' ? '' : ` --profile ${options.profile}`;
    warnings.push(
      `Profile "${options.profile}" does not exist in ${store.path}: this scheduled sync fails (exit 3) on every run. Remove it with "okta-connector schedule remove${flag}", or create the profile again with "okta-connector configure${flag}".`,
    );
  }
  return exists;
}

/** `schedule install` of a profile that does not exist: every run would fail, so refuse (exit 2). */
export function refuseMissingProfile(options: { profile: string; env: Env }): void {
  const { store, profile } = loadProfile(options);
  if (profile) return;
  const flag = options.profile === 'default' ? '' : ` --profile ${options.profile}`;
  const names = Object.keys(store.read().profiles);
  throw new UsageError(
    `There is no profile "${options.profile}" in ${store.path}, so a scheduled sync of it would fail (exit 3) on every run.`,
    {
      hint:
        names.length > 0
          ? `Existing profiles: ${names.join(', ')}. Create this one first with "okta-connector configure${flag}", or choose one with --profile.`
          : `Create it first with "okta-connector configure${flag}".`,
    },
  );
}
