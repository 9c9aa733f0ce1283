/**
 * Permissions of what a sync writes. Snapshots and the rows kept for `--incremental` hold every
 * user's profile: owner only by default, like the config file, whatever the umask. With
 * `--group-readable`, the owner's group may read them too (a SAM platform's service account).
 */
export interface FileModes {
  file: number;
  dir: number;
}

export const PRIVATE_MODES: FileModes = { file: 0o600, dir: 0o700 };

export const GROUP_READABLE_MODES: FileModes = { file: 0o640, dir: 0o750 };

export function fileModes(groupReadable: boolean | undefined): FileModes {
  return groupReadable ? GROUP_READABLE_MODES : PRIVATE_MODES;
}
