import { ConfigError } from '../errors.js';
import type { Env } from '../ui/io.js';
import type { CommandOutcome, CommandRunner } from './run-command.js';
import { decodeSchtasksOutput } from './schtasks.js';

/**
 * Runs `schtasks` with `args`. A failure to start it, or a non-zero exit unless `allowFailure`
 * (a `/Query` of a task that does not exist), is a ConfigError that says how to do it by hand.
 */
export async function runSchtasks(
  run: CommandRunner,
  env: Env,
  args: string[],
  options: { allowFailure?: boolean } = {},
): Promise<CommandOutcome> {
  const outcome = await run('schtasks', args, { env }).catch((error: unknown) => {
    throw new ConfigError(`Could not run schtasks (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, {
      hint: 'schtasks.exe comes with Windows (C:\\Windows\\System32); check PATH, or print the command with "okta-connector schedule print".',
      cause: error,
    });
  });
  if (outcome.exitCode !== 0 && !options.allowFailure) {
    const message =
      decodeSchtasksOutput(outcome.stderr).trim() || decodeSchtasksOutput(outcome.stdout).trim();
    throw new ConfigError(
      `schtasks ${args[0]} failed (exit ${outcome.exitCode})${message ? `: ${message}` : ''}.`,
      {
        hint: 'Run "okta-connector schedule print" to see the command, and try it in a Command Prompt.',
      },
    );
  }
  return outcome;
}
