import { defineOptions, flag, text } from './option-table.js';

/**
 * The options every command takes, before or after its name (see src/cli/program.ts), declared
 * once like a command's table: the docs' option tables may list them, and are checked against
 * this one (test/cli/option-tables.test.ts).
 */
export const GLOBAL_OPTIONS = defineOptions({
  profile: {
    flags: '--profile <name>',
    help: 'config profile to use',
    schema: text('profile'),
    default: 'default',
  },
  json: { flags: '--json', help: 'print one JSON document on stdout', schema: flag(), default: false },
  quiet: { flags: '-q, --quiet', help: 'only warnings and errors on stderr', schema: flag(), default: false },
  verbose: { flags: '--verbose', help: 'log each Okta request on stderr', schema: flag(), default: false },
  color: {
    flags: '--no-color',
    help: 'no colours (also: NO_COLOR, no terminal)',
    schema: flag(),
    default: true,
  },
});
