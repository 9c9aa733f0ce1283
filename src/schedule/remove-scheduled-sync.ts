import { configDir } from '../config/paths.js';
import type { Env } from '../ui/io.js';
import { findEntry, readCrontab, withoutEntry, writeCrontab } from './crontab.js';
import type { CommandRunner } from './run-command.js';
import { runSchtasks } from './run-schtasks.js';
import { schtasksDeleteArgs, schtasksQueryArgs, taskName } from './schtasks.js';

const CONFIG_DIR = 'OKTA_CONNECTOR_CONFIG_DIR';

export interface ScheduledSyncOptions {
  profile: string;
  env: Env;
  platform: string;
  run: CommandRunner;
  /**
   * Only an entry that reads the config folder `env` points at: a cron entry of the same profile
   * name for another `OKTA_CONNECTOR_CONFIG_DIR` belongs to another set of profiles. @default false
   */
  sameConfigDir?: boolean;
}

/** A profile's scheduled sync as found in cron or Task Scheduler. */
export interface ScheduledSync {
  scheduler: 'cron' | 'task-scheduler';
  /** The entry, or null when none is installed. */
  found: { description: string } | null;
  /** An entry of the same profile name that reads another config folder (left alone), if any. */
  otherConfigDir?: string;
}

/** The config folder a cron job reads: its own `OKTA_CONNECTOR_CONFIG_DIR`, else the default one. */
export function jobConfigDir(env: Env, jobEnv: Record<string, string>): string {
  const { [CONFIG_DIR]: _ours, ...rest } = env;
  return configDir(jobEnv[CONFIG_DIR] ? { ...rest, [CONFIG_DIR]: jobEnv[CONFIG_DIR] } : rest);
}

/**
 * Finds the profile's entry: our marked lines in the user's crontab, or the task
 * `okta-connector-<profile>`. No crontab command at all means nothing can be installed: not found.
 */
export async function findScheduledSync(options: ScheduledSyncOptions): Promise<ScheduledSync> {
  if (options.platform === 'win32') {
    const query = await runSchtasks(options.run, options.env, schtasksQueryArgs(options.profile), {
      allowFailure: true,
    });
    return {
      scheduler: 'task-scheduler',
      found: query.exitCode === 0 ? { description: `the task ${taskName(options.profile)}` } : null,
    };
  }
  let table: string;
  try {
    table = await readCrontab(options.run, options.env);
  } catch (error) {
    if (((error as Error).cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      return { scheduler: 'cron', found: null };
    }
    throw error;
  }
  const entry = findEntry(table, options.profile);
  if (!entry) return { scheduler: 'cron', found: null };
  if (options.sameConfigDir && entry.parsed) {
    const theirs = jobConfigDir(options.env, entry.parsed.env);
    if (theirs !== configDir(options.env)) return { scheduler: 'cron', found: null, otherConfigDir: theirs };
  }
  return {
    scheduler: 'cron',
    found: { description: entry.line ? `"${entry.parsed?.cron ?? ''}" in your crontab` : 'a marker line' },
  };
}

/**
 * Removes the profile's scheduled sync (see {@link findScheduledSync} for which one).
 * @returns what was found before; `found` null when there was nothing to remove.
 */
export async function removeScheduledSync(options: ScheduledSyncOptions): Promise<ScheduledSync> {
  const scheduled = await findScheduledSync(options);
  if (!scheduled.found) return scheduled;
  if (scheduled.scheduler === 'task-scheduler') {
    await runSchtasks(options.run, options.env, schtasksDeleteArgs(options.profile));
    return scheduled;
  }
  // Read again just before writing, so a concurrent edit of another line is not lost.
  const table = await readCrontab(options.run, options.env);
  const { table: updated, removed } = withoutEntry(table, options.profile);
  if (removed) await writeCrontab(options.run, options.env, updated);
  return scheduled;
}
