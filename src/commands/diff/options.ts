import { DIFF_ENTITY_NAMES } from '../../diff/diff-entities.js';

/** `--format` of diff: the machine formats, and the HTML report. */
export const DIFF_FORMATS = ['ndjson', 'json', 'csv', 'html'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

/**
 * The options of `diff`, declared once: the flags and help commander shows, and the key of
 * {@link DiffFlags} each fills. Global options (--profile, --json, --quiet, --verbose, --no-color)
 * come from the program. Shaped so that it moves into a shared declarative option table as is.
 */
export const DIFF_OPTIONS = [
  {
    key: 'from',
    flags: '--from <snapshot>',
    help: 'older snapshot: id of the profile, folder, or latest (default: the complete one before --to)',
  },
  {
    key: 'to',
    flags: '--to <snapshot>',
    help: 'newer snapshot: id of the profile, folder, or latest (default: latest)',
  },
  {
    key: 'outputDir',
    flags: '--output-dir <dir>',
    help: "folder of the snapshots (default: the profile's, else ~/okta-inventory)",
  },
  {
    key: 'only',
    flags: '--only <entities>',
    help: `comma-separated entities to compare (${DIFF_ENTITY_NAMES.join(', ')}; default: all but app_usage)`,
  },
  { key: 'format', flags: '--format <format>', help: `${DIFF_FORMATS.join(', ')} (default: ndjson)` },
  {
    key: 'output',
    flags: '--output <file>',
    help: 'write to this file, whole or not at all (default: -, stdout)',
  },
  {
    key: 'includeVolatile',
    flags: '--include-volatile',
    help: 'report fields that move every night too (lastLogin, lastUpdated, …)',
  },
  {
    key: 'exitCode',
    flags: '--exit-code',
    help: 'exit 1 when there are changes, 0 when none (like git diff)',
  },
] as const;

/** What commander hands the command, one key per {@link DIFF_OPTIONS} entry. */
export type DiffFlags = {
  [Option in (typeof DIFF_OPTIONS)[number] as Option['key']]?: Option['flags'] extends `${string}<${string}`
    ? string
    : boolean;
};
