import type { z } from 'zod';

/**
 * A command's options, declared once: each entry drives commander (flags, help, hidden aliases),
 * the command's TypeScript options type ({@link OptionsOf}), validation (parseOptions, in
 * ./parse-options.ts) and the option table of the command's page in docs/
 * (test/cli/option-tables.test.ts keeps them equal).
 *
 * Options modules (`src/commands/<command>/options.ts`) import only this file and leaf constants, and
 * a schema is a function of zod, built when the options are checked: so the program loads every
 * table for `--help` without loading zod or the command itself (issue 16: `--help` at most 2x the
 * start of Node).
 */
export interface OptionSpec<Schema extends z.ZodType = z.ZodType> {
  /** Commander's flags: `--output-dir <dir>`, `--bom`, `--no-formula-protection`. */
  flags: string;
  /** The `--help` line, without the default (added from {@link OptionSpec.default}). */
  help: string;
  /** Checks and converts what commander read (a string, or true/false for a flag). */
  schema: (zod: typeof z) => Schema;
  /**
   * The value when the option is absent, applied by parseOptions and shown in `--help`. Leave it
   * out when the default comes from elsewhere (the profile, the environment): say so in
   * {@link OptionSpec.defaultHelp}.
   */
  default?: z.output<Schema>;
  /** The default as `--help` says it, when it is not the plain value (`the profile's, else json`). */
  defaultHelp?: string | undefined;
  /** Old spellings still accepted, not shown in `--help` (`--at <when>` of `--schedule <when>`). */
  aliases?: readonly string[];
  /** Accepted but not shown in `--help` (and not in the docs' table). */
  hidden?: boolean;
  /** Commander's mandatory option (an error names it before anything runs). */
  required?: boolean;
}

export type OptionTable = Record<string, OptionSpec>;

/** Declares a command's option table (an identity: it checks the shape and keeps the literal types). */
export function defineOptions<const Table extends OptionTable>(table: Table): Table {
  return table;
}

type SchemaOf<Spec extends OptionSpec> = ReturnType<Spec['schema']>;

/** What commander hands the command: the raw strings and booleans, keyed as the table is. */
export type RawOptionsOf<Table extends OptionTable> = {
  -readonly [Key in keyof Table]?: z.input<SchemaOf<Table[Key]>> | undefined;
};

/** The checked options a command runs with: defaults applied, values converted. */
export type OptionsOf<Table extends OptionTable> = {
  -readonly [Key in keyof Table]: Table[Key] extends { default: unknown }
    ? z.output<SchemaOf<Table[Key]>>
    : z.output<SchemaOf<Table[Key]>> | undefined;
};

/** The long name of an option (`--output-dir` of `--output-dir <dir>`, `--quiet` of `-q, --quiet`). */
export function longName(flags: string): string {
  const parts = flags.split(/[ ,|]+/);
  return parts.find((part) => part.startsWith('--')) ?? parts[0] ?? flags;
}

/**
 * The help line commander shows: the help and the default, when the table knows it (a flag's
 * false or true goes without saying). A help line ending in parentheses takes the default inside.
 */
export function helpLine(spec: OptionSpec): string {
  const shown = shownDefault(spec);
  if (shown === undefined) return spec.help;
  return spec.help.endsWith(')')
    ? `${spec.help.slice(0, -1)}; default: ${shown})`
    : `${spec.help} (default: ${shown})`;
}

/**
 * The default as `--help` and the docs say it: {@link OptionSpec.defaultHelp}, else the plain value;
 * undefined for a flag's false or true, and for an option without a default.
 */
export function shownDefault(spec: OptionSpec): string | undefined {
  if (spec.defaultHelp !== undefined) return spec.defaultHelp;
  return spec.default === undefined || typeof spec.default === 'boolean' ? undefined : String(spec.default);
}

/** Any string (`--where`, `--proxy`: checked by the command that knows their grammar). */
export function anyText() {
  return (zod: typeof z) => zod.string();
}

/** A yes/no flag (`--bom`; `--no-formula-protection` makes it false). */
export function flag() {
  return (zod: typeof z) => zod.boolean();
}

/** A non-empty value: `what` names it in the error (`--output names no file`). */
export function text(what: string) {
  return (zod: typeof z) => zod.string().min(1, `names no ${what}`);
}

/** One of `choices`, in any case (`--format CSV` is csv). */
export function choice<const Choice extends string>(choices: readonly [Choice, ...Choice[]]) {
  return (zod: typeof z) =>
    zod
      .string()
      .transform((value) => value.toLowerCase())
      .pipe(zod.enum(choices));
}

/** A whole number from `min` to `max` (inclusive). */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER, unit = '') {
  const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
  const message = `takes a whole number${unit ? ` of ${unit}` : ''} ${range}`;
  return (zod: typeof z) =>
    zod
      .string()
      .regex(/^\s*\d+\s*$/, message)
      .transform(Number)
      .pipe(zod.number().min(min, message).max(max, message));
}

/** A number (fractions allowed) from `min` to `max`; `message` says what is expected (`takes a percentage from 1 to 100`). */
export function decimal(min: number, max: number, message: string) {
  return (zod: typeof z) =>
    zod
      .string()
      .refine((value) => value.trim() !== '' && Number.isFinite(Number(value)), message)
      .transform(Number)
      .pipe(zod.number().min(min, message).max(max, message));
}

/**
 * A comma-separated list of names out of `known` (spaces around names ignored): an unknown name is
 * refused with the nearest known one (see parseOptions) and the whole list.
 */
export function nameList<const Name extends string>(
  known: readonly Name[],
  what: string,
  plural = `${what}s`,
) {
  const title = plural.charAt(0).toUpperCase() + plural.slice(1);
  return (zod: typeof z) =>
    zod
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      )
      .superRefine((names, context) => {
        const unknown = names.filter((name) => !(known as readonly string[]).includes(name));
        if (names.length > 0 && unknown.length === 0) return;
        context.addIssue({
          code: 'custom',
          message:
            names.length === 0
              ? `names no ${what}`
              : `names an unknown ${what}: ${unknown.map((name) => `"${name}"`).join(', ')}`,
          params: { unknown, known, hint: `${title}: ${known.join(', ')}.` },
        });
      })
      .transform((names) => names as Name[]);
}
