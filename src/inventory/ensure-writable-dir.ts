import { closeSync, mkdirSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ConfigError } from '../errors.js';
import { diskErrorOf } from './disk-errors.js';

/**
 * Makes sure `dir` exists and takes a new file, before a run starts any work: creates it and its
 * missing parents one level at a time (Node's recursive mkdir never returns under /proc, where mkdir
 * answers ENOENT for a parent that exists), then writes and removes a small file.
 * @throws ConfigError (exit 3) saying what is in the way: a file, a read-only or full disk, /proc,
 *   no permission. `source` (`from --output-dir`) is appended to the message.
 */
export function ensureWritableDir(dir: string, options: { source?: string; mode?: number } = {}): void {
  const fail = (error: unknown): ConfigError =>
    diskErrorOf(error, { dir, source: options.source }) ?? (error as ConfigError);
  const missing: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    let stats: ReturnType<typeof statSync> | undefined;
    try {
      stats = statSync(current);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw fail(error);
    }
    if (stats) {
      if (!stats.isDirectory()) {
        throw fail(
          Object.assign(new Error(`${current} is not a folder`), { code: 'ENOTDIR', path: current }),
        );
      }
      break;
    }
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder, options.mode === undefined ? {} : { mode: options.mode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fail(error);
    }
  }
  const probe = join(dir, `.write-test-${process.pid}`);
  try {
    const handle = openSync(probe, 'wx', 0o600);
    try {
      writeSync(handle, 'ok');
    } finally {
      closeSync(handle);
    }
    unlinkSync(probe);
  } catch (error) {
    throw fail(error);
  }
}
