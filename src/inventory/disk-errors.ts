import { statfsSync } from 'node:fs';
import { ConfigError } from '../errors.js';

/** File-system error codes that say where okta-connector writes, not that okta-connector is broken. */
const DISK_CODES = new Set([
  'ENOSPC',
  'EDQUOT',
  'EROFS',
  'EACCES',
  'EPERM',
  'ENOTDIR',
  'EISDIR',
  'EEXIST',
  'ENOENT',
]);

/** While a run writes, only these mean the disk: ENOENT or EEXIST there are the run's own business. */
const RUNTIME_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'ENOTDIR']);

const MB = 1024 * 1024;

export interface DiskErrorContext {
  /** The folder being written (the output folder, or the profile folder in it). */
  dir: string;
  /** What a run needs there, about (the last snapshot and its incremental base); for ENOSPC. */
  needBytes?: number | undefined;
  /** Where the folder came from (`from --output-dir`), appended to the message. */
  source?: string | undefined;
  /** A failure in the middle of a run (fewer codes count). @default false */
  runtime?: boolean;
}

/**
 * Turns a file-system failure while writing `dir` into what a person can act on: exit 3 with
 * "the disk at … is full (need about N MB)", read-only, a file in the way, no permission. Returns
 * undefined for anything else (a bug stays a bug).
 */
export function diskErrorOf(error: unknown, context: DiskErrorContext): ConfigError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !(context.runtime ? RUNTIME_CODES : DISK_CODES).has(code)) return undefined;
  if (error instanceof ConfigError) return undefined;
  // A rename names its source in `path`; what was in the way is its destination.
  const { path: source, dest } = error as NodeJS.ErrnoException & { dest?: string };
  const path = (code === 'EISDIR' ? dest : undefined) ?? source ?? context.dir;
  const from = context.source ? `, ${context.source}` : '';
  const elsewhere =
    'write to another folder (--output-dir, OKTA_CONNECTOR_OUTPUT_DIR, or okta-connector configure --output-dir <dir>)';
  const untouched = 'The last complete snapshot is untouched.';
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT': {
      const free = freeBytes(context.dir);
      const need =
        context.needBytes === undefined
          ? ''
          : `need about ${Math.max(1, Math.ceil(context.needBytes / MB))} MB`;
      const left = free === undefined ? '' : `${Math.floor(free / MB)} MB free`;
      const detail = [need, left].filter((part) => part !== '').join(', ');
      const what = code === 'EDQUOT' ? 'Your disk quota at' : 'The disk at';
      const state = code === 'EDQUOT' ? 'is used up' : 'is full';
      return new ConfigError(
        `${what} ${context.dir} ${state}${detail ? ` (${detail})` : ''} (${code}${from}).`,
        {
          cause: error,
          hint: `Free some space there (sync --keep <n> removes older snapshots), or ${elsewhere}. ${untouched}`,
        },
      );
    }
    case 'EROFS':
      return new ConfigError(`The disk at ${context.dir} is read-only (EROFS${from}).`, {
        cause: error,
        hint: `Mount it writable, or ${elsewhere}. ${untouched}`,
      });
    case 'ENOTDIR':
    case 'EEXIST':
    case 'EISDIR':
      return new ConfigError(
        `Cannot write to ${context.dir}: ${path} is ${code === 'EISDIR' ? 'a folder where a file should be' : 'a file, not a folder'} (${code}${from}).`,
        { cause: error, hint: `Move that file away, or ${elsewhere}.` },
      );
    case 'ENOENT':
      return new ConfigError(
        `Cannot create ${path}: this file system does not accept new folders or files there (ENOENT${from}).`,
        { cause: error, hint: `Choose a folder on an ordinary disk: ${elsewhere}.` },
      );
    default:
      return new ConfigError(
        `Cannot write to ${context.dir} (${code}${from}): permission denied at ${path}.`,
        {
          cause: error,
          hint: `Fix its permissions (the user running okta-connector must be able to write there), or ${elsewhere}.`,
        },
      );
  }
}

function freeBytes(dir: string): number | undefined {
  for (let current = dir; ; ) {
    try {
      const stats = statfsSync(current);
      return stats.bavail * stats.bsize;
    } catch {
      const parent = current.replace(/[\\/][^\\/]*$/, '');
      if (parent === current || parent === '') return undefined;
      current = parent;
    }
  }
}
