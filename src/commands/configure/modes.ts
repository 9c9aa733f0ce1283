import type { ConfigStore } from '../../config/store.js';
import { ConfigError, UsageError } from '../../errors.js';
import type { Env, Io } from '../../ui/io.js';
import { type DeleteProfileOptions, deleteProfile } from './delete-profile.js';
import { viewOf } from './profile-view.js';
import type { ConfigureResult } from './result.js';
import type { SettingFlag } from './setting-flags.js';

/** What --show, --list and --delete read. */
export interface ModeOptions {
  profile: string;
  env: Env;
  show?: boolean | undefined;
  list?: boolean | undefined;
  delete?: boolean | undefined;
  yes?: boolean | undefined;
  scheduler?: Pick<DeleteProfileOptions, 'platform' | 'run'>;
}

/** At most one of --show, --list, --delete, and none of them with a setting flag. */
export function refuseMixedModes(options: ModeOptions, settingFlags: readonly SettingFlag[]): void {
  const modes = (['show', 'list', 'delete'] as const).filter((mode) => options[mode]);
  if (modes.length > 1) {
    throw new UsageError(`--${modes[0]} and --${modes[1]} cannot be used together.`);
  }
  if (modes.length === 1 && settingFlags.length > 0) {
    const flag = settingFlags[0]!.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    throw new UsageError(`--${modes[0]} cannot be combined with --${flag}.`);
  }
}

/** --list, --show or --delete, if one was asked for: what it did. Undefined means: save a profile. */
export async function runProfileMode(
  options: ModeOptions,
  store: ConfigStore,
  io: Io,
): Promise<ConfigureResult | undefined> {
  const name = options.profile;
  if (options.list) {
    const profiles = Object.entries(store.read().profiles).map(([profileName, profile]) => ({
      name: profileName,
      domain: profile.domain ?? null,
      hasToken: Boolean(profile.token),
    }));
    return { action: 'listed', configPath: store.path, profiles };
  }
  if (options.show) {
    const profile = store.getProfile(name);
    if (!profile) throw noProfile(name, store);
    return { action: 'shown', configPath: store.path, profile: viewOf(name, profile, options.env) };
  }
  if (options.yes && !options.delete) throw new UsageError('--yes goes with --delete.');
  if (options.delete) {
    if (!store.getProfile(name)) throw noProfile(name, store);
    const schedule = await deleteProfile(
      store,
      { ...options.scheduler, profile: name, env: options.env, yes: options.yes },
      io,
    );
    if (schedule === 'kept') return { action: 'kept', configPath: store.path, profile: name };
    return { action: 'deleted', configPath: store.path, profile: name, schedule };
  }
  return undefined;
}

function noProfile(name: string, store: ConfigStore): ConfigError {
  const names = Object.keys(store.read().profiles);
  return new ConfigError(`There is no profile "${name}" in ${store.path}.`, {
    hint:
      names.length > 0
        ? `Existing profiles: ${names.join(', ')}. Create this one with: okta-connector configure --profile ${name}`
        : `Create it with: okta-connector configure --profile ${name}`,
  });
}
