import type { Command } from 'commander';
import { ExitCode, type ExitCodeValue, UsageError } from '../errors.js';
import type { Env, InputStream, Io, OutputStream } from '../ui/io.js';

/** Where the CLI reads and writes. `process.*` in production, capture streams in tests. */
export interface CliContext {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: InputStream;
  env: Env;
  cwd: string;
}

/** Options every command accepts, before or after the command name. */
export interface GlobalOptions {
  profile: string;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  color: boolean;
}

/** What a command's block hands back to be printed. */
export interface CommandOutput {
  /** The `--json` document (undefined: the command printed its one document itself). */
  json: unknown;
  /** Human output (stdout for results, the Io's logger for messages). */
  human: () => void;
  /** @default ExitCode.Success */
  exitCode?: ExitCodeValue;
}

/** What a run hands back to runCli: the Io the command printed with, and its exit code. */
export interface RunState {
  io: Io | undefined;
  exitCode: ExitCodeValue;
}

/** The context and run state every command's wiring needs. */
export interface Wiring {
  context: CliContext;
  state: RunState;
}

/** Global flags as far as they can be read without commander, to print an error that happened while parsing. */
export function sniffGlobalOptions(argv: string[]): Omit<GlobalOptions, 'profile'> {
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  return {
    json: args.includes('--json'),
    quiet: args.includes('--quiet') || args.includes('-q'),
    verbose: args.includes('--verbose'),
    color: !args.includes('--no-color'),
  };
}

/** The Io of a run (loaded on use: --help and --version need no chalk). */
export async function ioFor(context: CliContext, options: Omit<GlobalOptions, 'profile'>): Promise<Io> {
  const { createIo } = await import('../ui/io.js');
  return createIo({
    ...options,
    stdout: context.stdout,
    stderr: context.stderr,
    stdin: context.stdin,
    env: context.env,
  });
}

/**
 * Wraps a command's block as a commander action: creates the Io from the global flags, validates
 * the profile name, runs the block, and prints its output as JSON or for people.
 */
export function action<O>(
  { context, state }: Wiring,
  block: (options: O & GlobalOptions, io: Io) => Promise<CommandOutput>,
) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args.at(-1) as Command;
    const options = command.optsWithGlobals<O & GlobalOptions>();
    const { canAnimate, loadSpinners } = await import('../ui/io.js');
    if (canAnimate({ stderr: context.stderr, quiet: options.quiet, json: options.json }))
      await loadSpinners();
    const io = await ioFor(context, options);
    state.io = io;
    if ('token' in options && options.token !== undefined) {
      const { registerSecret } = await import('../ui/redact.js');
      registerSecret(String(options.token));
      throw new UsageError(
        'okta-connector does not take the API token as an argument: other users can see arguments in the process list.',
        {
          hint: 'Pipe it in with --token-stdin, or set OKTA_CLIENT_TOKEN.',
        },
      );
    }
    const { PROFILE_NAME_PATTERN } = await import('../config/schema.js');
    if (!PROFILE_NAME_PATTERN.test(options.profile)) {
      throw new UsageError(`Invalid profile name "${options.profile}".`, {
        hint: 'Use 1 to 64 letters, digits, "-" or "_".',
      });
    }
    const output = await block(options, io);
    if (io.json) {
      if (output.json !== undefined) io.printJson(output.json);
    } else output.human();
    state.exitCode = output.exitCode ?? ExitCode.Success;
  };
}
