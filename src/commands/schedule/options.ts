import { anyText, defineOptions, flag, type OptionsOf, type RawOptionsOf } from '../../cli/option-table.js';

/** Operating systems `schedule print --platform` writes for. */
export const SCHEDULE_PLATFORMS = ['linux', 'darwin', 'win32'] as const;

/**
 * The options of `schedule install` and `schedule print` that shape the job, declared once (see
 * src/cli/option-table.ts); `show` and `remove` take only the global options (--profile, --json,
 * --quiet, --verbose, --no-color). Values are checked where the job is planned (plan-job.ts), as
 * the profile's stored schedule is.
 */
export const SCHEDULE_ENTRY_OPTIONS = defineOptions({
  schedule: {
    flags: '--schedule <when>',
    help: 'hourly, daily, weekly or a 5-field cron expression',
    schema: anyText(),
    defaultHelp: "the profile's schedule",
    // Its spelling before configure's --schedule and this one meant one thing (issue 19).
    aliases: ['--at <when>'],
  },
  full: {
    flags: '--full',
    help: 'run sync in full every time',
    schema: flag(),
    defaultHelp: '--incremental',
  },
  logFile: {
    flags: '--log-file <path>',
    help: 'log file of the scheduled runs',
    schema: anyText(),
    defaultHelp: '<output-dir>/<profile>/sync.log',
  },
  keep: {
    flags: '--keep <n>',
    help: 'pass --keep <n> to sync: keep the newest n snapshots',
    schema: anyText(),
    defaultHelp: '14; "all": every one',
  },
  nodePath: {
    flags: '--node-path <path>',
    help: 'Node binary the job runs',
    schema: anyText(),
    defaultHelp: 'the one running this',
  },
  cliPath: {
    flags: '--cli-path <path>',
    help: 'okta-connector script the job runs',
    schema: anyText(),
    defaultHelp: 'this installation',
  },
});

/** `schedule print`: the job's options, and the OS to write it for. */
export const SCHEDULE_PRINT_OPTIONS = defineOptions({
  ...SCHEDULE_ENTRY_OPTIONS,
  platform: {
    flags: '--platform <os>',
    help: SCHEDULE_PLATFORMS.join(', ').replace(/, (?=[^,]*$)/, ' or '),
    // Checked by the command (schedule/index.ts), naming the platforms.
    schema: anyText(),
    defaultHelp: 'this machine',
  },
});

/** What commander hands `schedule install` (and, less --platform, `print`). */
export type JobFlags = RawOptionsOf<typeof SCHEDULE_ENTRY_OPTIONS>;
/** What commander hands `schedule print`. */
export type SchedulePrintFlags = RawOptionsOf<typeof SCHEDULE_PRINT_OPTIONS>;
/** The checked options of `schedule print`. */
export type SchedulePrintSettings = OptionsOf<typeof SCHEDULE_PRINT_OPTIONS>;
