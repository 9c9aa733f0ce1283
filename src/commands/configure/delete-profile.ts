import type { ConfigStore } from '../../config/store.js';
import { UsageError } from '../../errors.js';
import { findScheduledSync, removeScheduledSync } from '../../schedule/remove-scheduled-sync.js';
import { type CommandRunner, runCommand } from '../../schedule/run-command.js';
import type { Env, Io } from '../../ui/io.js';
import { createPrompter } from '../../ui/prompt.js';

export interface DeleteProfileOptions {
  profile: string;
  env: Env;
  /** `--yes`: delete without asking. */
  yes?: boolean | undefined;
  /** The OS whose scheduler holds the profile's entry. @default process.platform */
  platform?: string | undefined;
  /** Runs `crontab` and `schtasks`. @default runCommand */
  run?: CommandRunner | undefined;
}

/** What happened to the profile's scheduled sync when it was deleted. */
export interface DeletedSchedule {
  scheduler: 'cron' | 'task-scheduler';
  /** An entry was installed and has been removed. */
  removed: boolean;
  /** Why an entry may be left behind (could not read or change the schedule), with the fix. */
  warning?: string;
}

const WHERE = { cron: 'your crontab', 'task-scheduler': 'Task Scheduler' } as const;

/**
 * `configure --delete`: asks first (or takes `--yes`; without a terminal `--yes` is required),
 * removes the profile's scheduled sync, which would otherwise fail every night, then the profile.
 * Any answer but yes keeps everything (`'kept'`).
 * A schedule that cannot be read or changed does not keep the profile: it becomes a warning that
 * says how to remove the entry by hand.
 */
export async function deleteProfile(
  store: ConfigStore,
  options: DeleteProfileOptions,
  io: Io,
): Promise<DeletedSchedule | 'kept'> {
  const flag = options.profile === 'default' ? '' : ` --profile ${options.profile}`;
  const scheduleOptions = {
    profile: options.profile,
    env: options.env,
    platform: options.platform ?? process.platform,
    run: options.run ?? runCommand,
    sameConfigDir: true,
  };
  const scheduler = scheduleOptions.platform === 'win32' ? 'task-scheduler' : 'cron';
  const byHand =
    scheduler === 'cron'
      ? `remove the two lines under "# okta-connector:profile=${options.profile}" with "crontab -e"`
      : `delete the task okta-connector-${options.profile} in Task Scheduler`;
  let found: string | null = null;
  let readFailure: string | undefined;
  try {
    found = (await findScheduledSync(scheduleOptions)).found?.description ?? null;
  } catch (error) {
    readFailure = (error as Error).message;
  }

  if (!options.yes) {
    if (!io.isTTY.stdin) {
      throw new UsageError(
        `configure --delete asks before it deletes profile "${options.profile}"; without a terminal, pass --yes.`,
        { hint: `okta-connector configure${flag} --delete --yes` },
      );
    }
    const what = found ? ` and its scheduled sync (${found})` : '';
    const prompter = createPrompter(io);
    let answer: string;
    try {
      answer = await prompter.ask(`Delete profile "${options.profile}"${what}? (yes/no)`, 'no');
    } finally {
      prompter.close();
    }
    if (!/^(y|yes)$/i.test(answer.trim())) return 'kept';
  }

  const result: DeletedSchedule = { scheduler, removed: false };
  if (readFailure !== undefined) {
    result.warning = `Could not check ${WHERE[scheduler]} for a scheduled sync of profile "${options.profile}" (${readFailure}); if there is one, ${byHand}.`;
  } else if (found) {
    try {
      result.removed = (await removeScheduledSync(scheduleOptions)).found !== null;
    } catch (error) {
      result.warning = `The scheduled sync of profile "${options.profile}" is still in ${WHERE[scheduler]} and will fail (exit 3) on every run: ${(error as Error).message} To remove it, ${byHand}, or run "okta-connector schedule remove${flag}".`;
    }
  }
  store.deleteProfile(options.profile);
  if (result.warning) io.logger.warn(result.warning);
  return result;
}
