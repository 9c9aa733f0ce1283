import { join } from 'node:path';
import { ConfigError } from '../errors.js';

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The folder holding one profile's snapshots, lock, pointer and state: `<outputDir>/<profile>`.
 * The profile name becomes a folder name, so anything that could climb out of `outputDir` or is not
 * portable to Windows is refused.
 */
export function profileDir(outputDir: string, profile: string): string {
  if (!PROFILE_NAME.test(profile) || profile.length > 100) {
    throw new ConfigError(`Invalid profile name "${profile}": it is used as a folder name.`, {
      hint: 'Use letters, digits, ".", "_" and "-" only, starting with a letter or digit.',
    });
  }
  return join(outputDir, profile);
}
