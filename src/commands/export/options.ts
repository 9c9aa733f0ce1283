import {
  anyText,
  choice,
  defineOptions,
  flag,
  type OptionsOf,
  type RawOptionsOf,
  text,
  wholeNumber,
} from '../../cli/option-table.js';
import { CSV_OPTIONS, OUTPUT_DIR_OPTION } from '../../cli/shared-options.js';
import { DEMO_OUTPUT_DIR } from '../../demo/demo-output-dir.js';
import { MAX_ACTIVE_DAYS } from '../../export/active-days.js';
import { ENTITY_NAMES } from '../../inventory/entities.js';

/** `--format` of export: the three data formats of sync, and an HTML report for licence-usage. */
export const EXPORT_FORMATS = ['csv', 'json', 'ndjson', 'html'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * The options of `export`, declared once (see src/cli/option-table.ts). Global options (--profile,
 * --json, --quiet, --verbose, --no-color) come from the program.
 */
export const EXPORT_OPTIONS = defineOptions({
  view: {
    flags: '--view <view>',
    help: `what to export: ${ENTITY_NAMES.join(', ')}, assignments, licence-usage`,
    schema: text('view'),
    required: true,
  },
  snapshot: {
    flags: '--snapshot <dir|id|latest>',
    help: 'snapshot folder, snapshot id of the profile, or latest',
    schema: text('snapshot'),
    defaultHelp: 'latest',
  },
  format: {
    flags: '--format <format>',
    help: 'csv, json, ndjson, or html for licence-usage (csv for a spreadsheet or SAM import)',
    schema: choice(EXPORT_FORMATS),
    defaultHelp: "--output's extension, else csv",
  },
  fields: {
    flags: '--fields <list>',
    help: 'comma-separated columns as dot paths, e.g. id,status,profile.email',
    schema: anyText(),
  },
  where: {
    flags: '--where <expression>',
    help: 'keep rows matching, e.g. "user.status=ACTIVE and lastSignIn<90d"',
    schema: anyText(),
  },
  output: {
    flags: '--output <file>',
    help: 'write to this file, whole or not at all',
    schema: text('file'),
    defaultHelp: '-, stdout',
  },
  ...OUTPUT_DIR_OPTION,
  demo: {
    flags: '--demo',
    help: `export what sync --demo wrote: the snapshots in ./${DEMO_OUTPUT_DIR}/ unless --output-dir`,
    schema: flag(),
  },
  activeDays: {
    flags: '--active-days <n>',
    help: `licence-usage: active means a sign-in within n days, 1 to ${MAX_ACTIVE_DAYS}`,
    schema: wholeNumber(1, MAX_ACTIVE_DAYS, 'days'),
    default: 30,
  },
  by: {
    flags: '--by <app|user>',
    help: 'licence-usage: a row per app, or per user × unused app',
    schema: choice(['app', 'user']),
    default: 'app',
  },
  ...CSV_OPTIONS,
});

/** What commander hands export. */
export type ExportFlags = RawOptionsOf<typeof EXPORT_OPTIONS>;
/** The checked options export runs with. */
export type ExportSettings = OptionsOf<typeof EXPORT_OPTIONS>;
