import { defineOptions, flag, type OptionsOf, type RawOptionsOf } from '../../cli/option-table.js';
import { CONNECTION_OPTIONS, OUTPUT_DIR_OPTION } from '../../cli/shared-options.js';
import { DEMO_OUTPUT_DIR } from '../../demo/demo-output-dir.js';

/**
 * The options of `test-connection`, declared once (see src/cli/option-table.ts): the connection
 * sync uses, and the folder it writes to. Global options (--profile, --json, --quiet, --verbose,
 * --no-color) come from the program.
 */
export const TEST_CONNECTION_OPTIONS = defineOptions({
  domain: {
    ...CONNECTION_OPTIONS.domain,
    help: "test this Okta domain instead of the profile's",
    defaultHelp: undefined,
  },
  tokenStdin: CONNECTION_OPTIONS.tokenStdin,
  token: CONNECTION_OPTIONS.token,
  auth: {
    ...CONNECTION_OPTIONS.auth,
    help: 'token (an API token) or oauth (an API Services app); default: what is configured',
    defaultHelp: undefined,
  },
  scopes: { ...CONNECTION_OPTIONS.scopes, defaultHelp: 'every read scope sync may need' },
  proxy: CONNECTION_OPTIONS.proxy,
  caFile: CONNECTION_OPTIONS.caFile,
  ...OUTPUT_DIR_OPTION,
  demo: {
    flags: '--demo',
    help: `check the built-in sample org (what sync --demo reads) and ./${DEMO_OUTPUT_DIR}/`,
    schema: flag(),
  },
});

/** What commander hands test-connection. */
export type TestConnectionFlags = RawOptionsOf<typeof TEST_CONNECTION_OPTIONS>;
/** The checked options test-connection runs with. */
export type TestConnectionSettings = OptionsOf<typeof TEST_CONNECTION_OPTIONS>;
