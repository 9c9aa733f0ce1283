import { z } from 'zod';
import { UsageError } from '../errors.js';
import { nearestNames } from '../export/nearest-names.js';
import {
  longName,
  type OptionSpec,
  type OptionsOf,
  type OptionTable,
  type RawOptionsOf,
} from './option-table.js';

/**
 * Checks what commander read against a command's table (./option-table.ts): each option's schema,
 * then its default. A failure is a {@link UsageError} naming the option and the value (with the
 * nearest choice or name, when one is close) and the help to read: exit 2, no stack trace.
 */
export function parseOptions<Table extends OptionTable>(
  table: Table,
  raw: RawOptionsOf<Table> | Record<string, unknown>,
  command: string,
): OptionsOf<Table> {
  const parsed: Record<string, unknown> = {};
  const values = raw as Record<string, unknown>;
  for (const [key, spec] of Object.entries(table)) {
    const value = values[key];
    if (value === undefined) {
      parsed[key] = spec.default;
      continue;
    }
    const result = spec.schema(z).safeParse(value);
    if (!result.success) throw invalidValue(spec, value, result.error, command);
    parsed[key] = result.data;
  }
  return parsed as OptionsOf<Table>;
}

function invalidValue(spec: OptionSpec, value: unknown, error: z.ZodError, command: string): UsageError {
  const issue = error.issues[0];
  const name = longName(spec.flags);
  const help = `See okta-connector ${command} --help.`;
  const got = typeof value === 'string' ? `; got "${value}"` : '';
  const didYouMean = (wrong: readonly string[], known: readonly string[]) => {
    const near = wrong.flatMap((word) => nearestNames(word, known, 1));
    return near.length > 0 ? `Did you mean ${near.join(', ')}? ` : '';
  };
  if (issue?.code === 'invalid_value' && typeof value === 'string') {
    const choices = issue.values.map(String);
    return new UsageError(`${name} takes one of ${choices.join(', ')}${got}.`, {
      hint: `${didYouMean([value], choices)}${help}`,
    });
  }
  if (issue?.code === 'custom') {
    const params = issue.params as { unknown?: string[]; known?: string[]; hint?: string } | undefined;
    // A list names its wrong part itself, and the names it knows.
    if (params?.hint !== undefined) {
      return new UsageError(`${name} ${issue.message}.`, {
        hint: `${didYouMean(params.unknown ?? [], params.known ?? [])}${params.hint}`,
      });
    }
  }
  return new UsageError(`${name} ${issue?.message ?? 'has an invalid value'}${got}.`, { hint: help });
}
