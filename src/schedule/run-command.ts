import { spawn } from 'node:child_process';
import type { Env } from '../ui/io.js';

/** What a finished child process left behind. */
export interface CommandOutcome {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
}

export interface RunCommandOptions {
  /** Written to the child's stdin, which is then closed. @default nothing */
  input?: Buffer;
  /** The child's environment; its PATH is where the command is looked up. */
  env: Env;
}

/**
 * Runs a program without a shell (arguments are never re-parsed) and collects its output.
 * Rejects only when it cannot be started; the error keeps its `code` (`ENOENT`: not installed).
 */
export type CommandRunner = (
  file: string,
  args: string[],
  options: RunCommandOptions,
) => Promise<CommandOutcome>;

export const runCommand: CommandRunner = (file, args, options) =>
  new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: options.env as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A child that exits without reading its stdin closes the pipe; that is its answer, not our error.
    child.stdin.on('error', () => {});
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        exitCode: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr),
      }),
    );
    child.stdin.end(options.input ?? Buffer.alloc(0));
  });
