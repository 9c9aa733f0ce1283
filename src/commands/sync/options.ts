import {
  anyText,
  decimal,
  defineOptions,
  flag,
  type OptionsOf,
  type RawOptionsOf,
  wholeNumber,
} from '../../cli/option-table.js';
import { CONNECTION_OPTIONS, CSV_OPTIONS, OUTPUT_DIR_OPTION } from '../../cli/shared-options.js';
import { DEMO_OUTPUT_DIR } from '../../demo/demo-output-dir.js';
import { ENTITY_NAMES } from '../../inventory/entities.js';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_FULL_EVERY_DAYS,
  DEFAULT_RATE_LIMIT_SHARE,
  MAX_CONCURRENCY,
} from '../../sync/sync-defaults.js';

/**
 * The options of `sync`, declared once (see src/cli/option-table.ts). Global options (--profile,
 * --json, --quiet, --verbose, --no-color) come from the program.
 */
export const SYNC_OPTIONS = defineOptions({
  ...CONNECTION_OPTIONS,
  domain: {
    ...CONNECTION_OPTIONS.domain,
    help: "sync this Okta domain instead of the profile's",
    defaultHelp: undefined,
  },
  ...OUTPUT_DIR_OPTION,
  format: {
    flags: '--format <format>',
    help: 'json, ndjson or csv (json keeps every field as Okta returned it)',
    // Checked with the profile's and OKTA_CONNECTOR_FORMAT (config/resolve.ts), which may give it too.
    schema: anyText(),
    defaultHelp: "the profile's, else json",
  },
  only: {
    flags: '--only <entities>',
    help: `comma-separated entities to pull (${ENTITY_NAMES.join(', ')})`,
    schema: anyText(),
  },
  skip: { flags: '--skip <entities>', help: 'comma-separated entities to leave out', schema: anyText() },
  incremental: {
    flags: '--incremental',
    help: 'read only what changed since the last complete run; still writes a complete snapshot',
    schema: flag(),
    default: false,
  },
  full: {
    flags: '--full',
    help: 'read everything (the default; wins over --incremental)',
    schema: flag(),
    default: false,
  },
  fullEvery: {
    flags: '--full-every <days>',
    help: 'with --incremental: run in full when the last full run is older',
    schema: decimal(0, Number.MAX_VALUE, 'takes a number of days'),
    default: DEFAULT_FULL_EVERY_DAYS,
  },
  keep: {
    flags: '--keep <n>',
    help: 'keep the newest n snapshots (never the latest complete one)',
    schema: wholeNumber(1),
  },
  groupReadable: {
    flags: '--group-readable',
    help: "let the owner's group read the snapshots (0640 files in 0750 folders; default: owner only)",
    schema: flag(),
    default: false,
  },
  ...CSV_OPTIONS,
  rateLimitShare: {
    flags: '--rate-limit-share <percent>',
    help: 'share of each Okta rate-limit bucket to use',
    schema: decimal(1, 100, 'takes a percentage from 1 to 100'),
    default: DEFAULT_RATE_LIMIT_SHARE,
  },
  concurrency: {
    flags: '--concurrency <n>',
    help: 'requests in flight at most',
    schema: wholeNumber(1, MAX_CONCURRENCY),
    default: DEFAULT_CONCURRENCY,
  },
  logFile: {
    flags: '--log-file <path>',
    help: 'append plain progress lines and the outcome to this file (for cron)',
    schema: anyText(),
  },
  demo: {
    flags: '--demo',
    help: `run against the built-in sample org, into ./${DEMO_OUTPUT_DIR}/ unless --output-dir`,
    schema: flag(),
  },
});

/** What commander hands sync. */
export type SyncFlags = RawOptionsOf<typeof SYNC_OPTIONS>;
/** The checked options sync runs with. */
export type SyncSettings = OptionsOf<typeof SYNC_OPTIONS>;
