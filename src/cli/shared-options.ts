import { anyText, flag, type OptionSpec, text } from './option-table.js';

/**
 * Options several commands take, declared once so that each means one thing everywhere
 * (docs/configure.md "One meaning per option"). A command's table spreads the ones it takes and
 * may only sharpen a help line where its use differs (configure stores what sync uses).
 */

/** The connection to Okta: sync and test-connection use it, configure stores it. */
export const CONNECTION_OPTIONS = {
  domain: {
    flags: '--domain <host-or-url>',
    help: 'Okta domain, e.g. acme.okta.com (a pasted URL is trimmed to its host)',
    schema: text('domain'),
    defaultHelp: "OKTA_CLIENT_ORGURL, else the profile's",
  },
  tokenStdin: { flags: '--token-stdin', help: 'read the API token from standard input', schema: flag() },
  token: {
    flags: '--token <token>',
    help: 'refused: a token on the command line',
    schema: anyText(),
    hidden: true,
  },
  auth: {
    flags: '--auth <mode>',
    help: 'token (an API token) or oauth (an API Services app)',
    schema: anyText(),
    defaultHelp: 'what is configured',
  },
  scopes: {
    flags: '--scopes <list>',
    help: 'OAuth scopes to ask for',
    schema: anyText(),
    defaultHelp: 'what the selected entities need',
  },
  proxy: {
    flags: '--proxy <url>',
    help: 'HTTP(S) proxy, e.g. http://proxy:3128',
    schema: anyText(),
    defaultHelp: 'HTTPS_PROXY, then the profile',
  },
  caFile: {
    flags: '--ca-file <pem>',
    help: "PEM file of extra CA certificates (a TLS-inspecting proxy's root)",
    schema: anyText(),
  },
} satisfies Record<string, OptionSpec>;

/**
 * The inventory folder, one meaning in every command (issue 19): sync writes the snapshots there,
 * export and diff read them, test-connection checks it, configure stores it in the profile.
 */
export const OUTPUT_DIR_OPTION = {
  outputDir: {
    flags: '--output-dir <dir>',
    help: 'the inventory folder: sync writes the snapshots there, export and diff read them, test-connection checks it',
    schema: anyText(),
    defaultHelp: "the profile's, else ~/okta-inventory",
  },
} satisfies Record<string, OptionSpec>;

/** How CSV files are written, by sync and export alike. */
export const CSV_OPTIONS = {
  bom: {
    flags: '--bom',
    help: 'CSV: start each file with a UTF-8 byte order mark (for Excel)',
    schema: flag(),
    default: false,
  },
  formulaProtection: {
    flags: '--no-formula-protection',
    help: "CSV: don't guard cells that could start a formula with ' (machine imports only)",
    schema: flag(),
    default: true,
  },
} satisfies Record<string, OptionSpec>;
