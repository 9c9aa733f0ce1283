import type { Command, CommanderError } from 'commander';
import { UsageError } from '../errors.js';
import { nearestNames } from '../export/nearest-names.js';

/**
 * Commander's own usage errors ("error: unknown option '--domian'\n(Did you mean --domain?)") as
 * our {@link UsageError}: a sentence in the tool's style, and a hint with commander's suggestion (or
 * ours, for a value that is not one of an option's choices) and the `--help` to read. Commander's
 * wording is parsed here, in one place, because it offers no structured details (commander 14's
 * `lib/command.js`: unknownOption, unknownCommand, missingArgument, optionMissingArgument,
 * missingMandatoryOptionValue, _conflictingOption, _excessArguments, invalidArgument).
 */
export function usageErrorOf(error: CommanderError, program: Command, argv: readonly string[]): UsageError {
  const [first = '', ...rest] = error.message.replace(/^error:\s*/i, '').split('\n');
  const suggestion = rest.join(' ').match(/^\(Did you mean (.+)\?\)$/)?.[1];
  const help = `See ${helpCommandFor(program, argv)}.`;
  const { message, didYouMean } = sentenceFor(error.code, first, program, argv);
  const guess = suggestion ?? didYouMean;
  return new UsageError(message, { hint: guess ? `Did you mean ${guess}? ${help}` : help });
}

/** `okta-connector <command> <subcommand> --help` for the (sub)command the command line names. */
export function helpCommandFor(program: Command, argv: readonly string[]): string {
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  const names: string[] = [];
  let command: Command = program;
  for (const arg of args) {
    const sub = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!sub) continue;
    names.push(sub.name());
    command = sub;
  }
  return `okta-connector ${[...names, '--help'].join(' ')}`;
}

/** The name of the (sub)command the command line names, for "unknown option --x for sync". */
function commandPath(program: Command, argv: readonly string[]): string {
  return helpCommandFor(program, argv)
    .replace(/^okta-connector ?/, '')
    .replace(/ ?--help$/, '');
}

function sentenceFor(
  code: string,
  text: string,
  program: Command,
  argv: readonly string[],
): { message: string; didYouMean?: string } {
  const where = commandPath(program, argv);
  const forCommand = where ? ` for ${where}` : '';
  let match: RegExpMatchArray | null;
  switch (code) {
    case 'commander.unknownOption':
      match = text.match(/^unknown option '(.+)'$/);
      if (match) return { message: `Unknown option ${match[1]}${forCommand}.` };
      break;
    case 'commander.unknownCommand':
      match = text.match(/^unknown command '(.+)'$/);
      if (match) return { message: `Unknown command "${match[1]}"${forCommand}.` };
      break;
    case 'commander.missingArgument':
      match = text.match(/^missing required argument '(.+)'$/);
      if (match) return { message: `Missing the argument <${match[1]}>${forCommand}.` };
      break;
    case 'commander.optionMissingArgument':
      match = text.match(/^option '(.+)' argument missing$/);
      if (match) return { message: `${optionName(match[1] as string)} needs a value: ${match[1]}.` };
      break;
    case 'commander.missingMandatoryOptionValue':
      match = text.match(/^required option '(.+)' not specified$/);
      if (match) return { message: `${where || 'okta-connector'} needs ${match[1]}.` };
      break;
    case 'commander.conflictingOption':
      match = text.match(
        /^(?:option|environment variable) '(.+?)' cannot be used with (?:option|environment variable) '(.+)'$/,
      );
      if (match)
        return {
          message: `${optionName(match[1] as string)} and ${optionName(match[2] as string)} cannot be used together.`,
        };
      break;
    case 'commander.excessArguments':
      match = text.match(/Expected (\d+) arguments? but got (\d+)/);
      if (match) {
        const extra = excessArgument(program, argv);
        return {
          message: `${extra ? `Unexpected argument "${extra}"` : 'Too many arguments'}${forCommand} (it takes ${match[1] === '0' ? 'none' : match[1]}).`,
        };
      }
      break;
    case 'commander.invalidArgument': {
      match = text.match(/^option '(.+)' argument '(.*)' is invalid\. Allowed choices are (.+)\.$/);
      if (match) {
        const choices = (match[3] as string).split(', ');
        const near = nearestNames(match[2] as string, choices);
        return {
          message: `${optionName(match[1] as string)} takes one of ${choices.join(', ')}; got "${match[2]}".`,
          ...(near.length > 0 ? { didYouMean: near.join(' or ') } : {}),
        };
      }
      break;
    }
  }
  return { message: sentence(text) };
}

/** `--domain` of `--domain <host-or-url>`, `--quiet` of `-q, --quiet`. */
function optionName(flags: string): string {
  const long = flags.split(/[ ,|]+/).find((part) => part.startsWith('--'));
  return long ?? flags.split(/[ ,|]+/)[0] ?? flags;
}

/** The first word after the command names that is not an option: what a command that takes no argument got. */
function excessArgument(program: Command, argv: readonly string[]): string | undefined {
  let command: Command = program;
  let past = false;
  for (const arg of argv) {
    const sub = command.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (sub && !past) {
      command = sub;
      continue;
    }
    if (arg.startsWith('-')) continue;
    const previous = argv[argv.indexOf(arg) - 1];
    const takesValue =
      previous?.startsWith('-') &&
      [command, ...ancestors(command)].some((c) =>
        c.options.some((o) => (o.long === previous || o.short === previous) && (o.required || o.optional)),
      );
    if (takesValue) continue;
    past = true;
    return arg;
  }
  return undefined;
}

function ancestors(command: Command): Command[] {
  const list: Command[] = [];
  for (let current = command.parent; current; current = current.parent) list.push(current);
  return list;
}

/** Commander's lowercase fragment as a sentence. */
function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
