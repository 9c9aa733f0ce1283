import { appendFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { refuseEmptyPath, resolveUserPath } from '../../config/paths.js';
import { type ConnectorError, ExitCode, UsageError } from '../../errors.js';
import { diskErrorOf } from '../../inventory/disk-errors.js';
import { ensureWritableDir } from '../../inventory/ensure-writable-dir.js';
import type { Env } from '../../ui/io.js';

/** Appends one timestamped line to the --log-file. */
export type LogLine = (line: string) => void;

/**
 * A plain-line log file for cron (`--log-file`): every line the person sees, with a timestamp, no
 * colours; undefined without the flag. Refused at once (exit 2) when it cannot be written.
 */
export function openLogFile(path: string | undefined, cwd: string, env: Env): LogLine | undefined {
  if (path === undefined) return undefined;
  refuseEmptyPath('--log-file', path, 'no log file');
  const file = resolveUserPath(path, env, cwd);
  try {
    // Checked before any work: a folder that cannot exist (under /proc) must not hang the run.
    ensureWritableDir(dirname(file));
    appendFileSync(file, '');
  } catch (error) {
    const reason = diskErrorOf(error, { dir: dirname(file) }) ?? error;
    throw new UsageError(`Cannot write the log file ${file}: ${(reason as Error).message}`, {
      hint: 'Give --log-file a file in a folder this user can write, or leave it out.',
    });
  }
  return (line: string) => {
    try {
      appendFileSync(file, `${new Date().toISOString()} ${line}\n`);
    } catch {
      // A full disk must not turn a good sync into a failed one; the exit code still tells.
    }
  };
}

/** The log file's line for a failed run: `FAILED (exit 3, Config): <message>` (the message redacted). */
export function failureLine(failure: ConnectorError, redact: (text: string) => string): string {
  const name = (Object.keys(ExitCode) as (keyof typeof ExitCode)[]).find(
    (key) => ExitCode[key] === failure.exitCode,
  );
  return `FAILED (exit ${failure.exitCode}, ${name ?? 'error'}): ${redact(failure.message)}`;
}
