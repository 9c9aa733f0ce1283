import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, type ExitCodeValue } from '../errors.js';
import type { OutputStream } from '../ui/io.js';
import { redact } from '../ui/redact.js';
import { VERSION } from '../version.js';
import { type CliContext, ioFor, type RunState, sniffGlobalOptions, type Wiring } from './command-action.js';
import { usageErrorOf } from './commander-usage-error.js';
import { addConfigureCommand } from './configure-command.js';
import { addDiffCommand } from './diff-command.js';
import { addExportCommand } from './export-command.js';
import { GLOBAL_OPTIONS } from './global-options.js';
import { TOP_LEVEL_HELP } from './help-text.js';
import { addScheduleCommand } from './schedule-command.js';
import { addSyncCommand } from './sync-command.js';
import { addTestConnectionCommand } from './test-connection-command.js';

/**
 * The command line: commander wiring, global options, and the one place that turns an error into
 * a message and an exit code (reportError). Each command's wiring (src/cli/<command>-command.ts)
 * declares its options and examples and loads the command's module only when it runs, so `--help`
 * and `--version` load commander, zod and the option tables, never got, ora or a command.
 */

export type { CliContext, CommandOutput, GlobalOptions } from './command-action.js';

function buildProgram(wiring: Wiring): Command {
  const { context } = wiring;
  const helpWidth = (stream: OutputStream) => (stream.isTTY ? Math.min(stream.columns ?? 80, 120) : 80);
  const program = new Command('okta-connector')
    .description(
      'Pull a software-asset inventory (users, groups, apps, assignments, admin roles, devices, sign-in usage) out of Okta.',
    )
    .usage('<command> [options]')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addOption(new Option(GLOBAL_OPTIONS.profile.flags, GLOBAL_OPTIONS.profile.help).default('default'))
    .addOption(new Option(GLOBAL_OPTIONS.json.flags, GLOBAL_OPTIONS.json.help))
    .addOption(new Option(GLOBAL_OPTIONS.quiet.flags, GLOBAL_OPTIONS.quiet.help))
    .addOption(new Option(GLOBAL_OPTIONS.verbose.flags, GLOBAL_OPTIONS.verbose.help).conflicts('quiet'))
    .addOption(new Option(GLOBAL_OPTIONS.color.flags, GLOBAL_OPTIONS.color.help))
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (text) => context.stdout.write(redact(text)),
      writeErr: (text) => context.stderr.write(redact(text)),
      getOutHelpWidth: () => helpWidth(context.stdout),
      getErrHelpWidth: () => helpWidth(context.stderr),
      getOutHasColors: () => false,
      getErrHasColors: () => false,
      // Usage errors are printed by reportError, from the CommanderError runCli catches.
      outputError: () => {},
    })
    .showSuggestionAfterError()
    .exitOverride()
    .addHelpText('after', TOP_LEVEL_HELP);

  // Adding a command is one file in src/cli/: its options, examples, and an action that loads the
  // command's module, calls it and says how to print its result.
  addConfigureCommand(program, wiring);
  addTestConnectionCommand(program, wiring);
  addSyncCommand(program, wiring);
  addExportCommand(program, wiring);
  addDiffCommand(program, wiring);
  addScheduleCommand(program, wiring);
  return program;
}

function processContext(): CliContext {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code.
 * Never throws and never calls `process.exit`, so tests can run it in-process.
 */
export async function runCli(argv: string[], context: CliContext = processContext()): Promise<ExitCodeValue> {
  const state: RunState = { io: undefined, exitCode: ExitCode.Success };
  const program = buildProgram({ context, state });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed help or the version (exit 0), or the help for no command (usage).
      if (error.exitCode === 0 || error.code === 'commander.version') return ExitCode.Success;
      if (error.code === 'commander.help') return ExitCode.Usage;
    }
    // The one error printer, loaded when there is an error to print.
    const { reportError } = await import('./report-error.js');
    if (error instanceof CommanderError) {
      // Its usage errors are ours to print (it prints none: see outputError), in the tool's style.
      // No stack trace for a usage error, even with --verbose: there is no bug to trace.
      const io = await ioFor(context, { ...sniffGlobalOptions(argv), verbose: false });
      return reportError(usageErrorOf(error, program, argv), io);
    }
    return reportError(error, state.io ?? (await ioFor(context, sniffGlobalOptions(argv))));
  }
}

/**
 * Runs the command line as the program: its exit code becomes the process's (or the worker
 * thread's, for `sync`, see launch.ts).
 */
export async function runAsProgram(argv: string[]): Promise<void> {
  const exitCode = await runCli(argv);
  // After an interruption, requests abandoned in flight must not keep the process alive.
  if (exitCode === ExitCode.Interrupted) process.exit(exitCode);
  process.exitCode = exitCode;
}

/** True when this module is run directly (`node dist/cli/program.js`: no worker thread for sync). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `okta-connector … | head` closes stdout early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  await runAsProgram(process.argv.slice(2));
}
