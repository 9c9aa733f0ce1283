import { homedir } from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { Env } from '../ui/io.js';

/** The home directory, from the given environment first so tests and cron wrappers can point it elsewhere. */
export function homeDir(env: Env): string {
  return env.HOME || env.USERPROFILE || homedir();
}

/**
 * Where the config file lives: `$OKTA_CONNECTOR_CONFIG_DIR`, else the platform's config folder
 * (`$XDG_CONFIG_HOME/okta-connector` or `~/.config/okta-connector` on Linux,
 * `~/Library/Preferences/okta-connector` on macOS, `%APPDATA%\okta-connector\Config` on Windows).
 */
export function configDir(env: Env, platform: NodeJS.Platform = process.platform): string {
  if (env.OKTA_CONNECTOR_CONFIG_DIR) return path.resolve(env.OKTA_CONNECTOR_CONFIG_DIR);
  const home = homeDir(env);
  if (platform === 'win32') {
    return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'okta-connector', 'Config');
  }
  if (platform === 'darwin') return path.join(home, 'Library', 'Preferences', 'okta-connector');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'okta-connector');
}

export const CONFIG_FILE_NAME = 'config.json';

/** Expands a leading `~` (prompts and environment variables are not expanded by a shell) and makes it absolute. */
export function resolveUserPath(input: string, env: Env, cwd: string): string {
  const home = homeDir(env);
  if (input === '~') return home;
  if (input.startsWith('~/') || input.startsWith('~\\')) return path.join(home, input.slice(2));
  return path.resolve(cwd, input);
}

/**
 * An option that names a path must not be empty: `--output-dir ""` (an unset shell variable) would
 * otherwise fall back to the default folder without a word.
 * @throws UsageError (exit 2)
 */
export function refuseEmptyPath(flag: string, value: string | undefined, instead: string): void {
  if (value !== undefined && value.trim() === '') {
    throw new UsageError(`${flag} is empty.`, {
      hint: `Give it a folder or file (an unset shell variable expands to nothing), or leave ${flag} out to use ${instead}.`,
    });
  }
}
