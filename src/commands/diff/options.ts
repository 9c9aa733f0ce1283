import {
  choice,
  defineOptions,
  flag,
  nameList,
  type OptionsOf,
  type RawOptionsOf,
  text,
} from '../../cli/option-table.js';
import { OUTPUT_DIR_OPTION } from '../../cli/shared-options.js';
import { DIFF_ENTITY_NAMES } from '../../diff/diff-entities.js';

/** `--format` of diff: the machine formats, and the HTML report. */
export const DIFF_FORMATS = ['ndjson', 'json', 'csv', 'html'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

/**
 * The options of `diff`, declared once (see src/cli/option-table.ts). Global options (--profile,
 * --json, --quiet, --verbose, --no-color) come from the program.
 */
export const DIFF_OPTIONS = defineOptions({
  from: {
    flags: '--from <snapshot>',
    help: 'older snapshot: id of the profile, folder, or latest',
    schema: text('snapshot'),
    defaultHelp: 'the complete one before --to',
  },
  to: {
    flags: '--to <snapshot>',
    help: 'newer snapshot: id of the profile, folder, or latest',
    schema: text('snapshot'),
    defaultHelp: 'latest',
  },
  ...OUTPUT_DIR_OPTION,
  only: {
    flags: '--only <entities>',
    help: `comma-separated entities to compare (${DIFF_ENTITY_NAMES.join(', ')})`,
    schema: nameList(DIFF_ENTITY_NAMES, 'entity', 'entities'),
    defaultHelp: 'all but app_usage',
  },
  format: {
    flags: '--format <format>',
    help: 'ndjson, json, csv or html (ndjson: one change a line, for jq and scripts)',
    schema: choice(DIFF_FORMATS),
    defaultHelp: "--output's extension, else ndjson",
  },
  output: {
    flags: '--output <file>',
    help: 'write to this file, whole or not at all',
    schema: text('file'),
    defaultHelp: '-, stdout',
  },
  includeVolatile: {
    flags: '--include-volatile',
    help: 'report fields that move every night too (lastLogin, lastUpdated, …)',
    schema: flag(),
    default: false,
  },
  exitCode: {
    flags: '--exit-code',
    help: 'exit 1 when there are changes, 0 when none (like git diff)',
    schema: flag(),
    default: false,
  },
});

/** What commander hands diff. */
export type DiffFlags = RawOptionsOf<typeof DIFF_OPTIONS>;
/** The checked options diff runs with. */
export type DiffSettings = OptionsOf<typeof DIFF_OPTIONS>;
