import { homedir } from 'node:os';
import path from 'node:path';
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
