import { anyText, defineOptions, flag, type OptionsOf, type RawOptionsOf } from '../../cli/option-table.js';
import { CONNECTION_OPTIONS, OUTPUT_DIR_OPTION } from '../../cli/shared-options.js';

/**
 * The options of `configure`, declared once (see src/cli/option-table.ts). The setting flags are
 * stored in the profile for sync (and checked where they are parsed, setting-flags.ts, with the
 * messages of the wizard's answers); --show, --list and --delete choose another mode (modes.ts).
 * Global options (--profile, --json, --quiet, --verbose, --no-color) come from the program.
 */
export const CONFIGURE_OPTIONS = defineOptions({
  domain: { ...CONNECTION_OPTIONS.domain, defaultHelp: undefined },
  tokenStdin: CONNECTION_OPTIONS.tokenStdin,
  token: CONNECTION_OPTIONS.token,
  auth: {
    ...CONNECTION_OPTIONS.auth,
    help: 'token (an API token, the default) or oauth (an API Services app)',
    defaultHelp: undefined,
  },
  clientId: {
    flags: '--client-id <id>',
    help: 'OAuth: the Client ID of the API Services app',
    schema: anyText(),
  },
  privateKeyFile: {
    flags: '--private-key-file <file>',
    help: "OAuth: the app's private key, PEM or JWK (stored, never printed)",
    schema: anyText(),
  },
  keyId: {
    flags: '--key-id <kid>',
    help: 'OAuth: the Key ID of that key in the Admin Console',
    schema: anyText(),
  },
  scopes: {
    ...CONNECTION_OPTIONS.scopes,
    help: 'OAuth: scopes to ask for',
    defaultHelp: 'what each sync needs',
  },
  generateKey: {
    flags: '--generate-key',
    help: 'OAuth: create a key pair, store the private key, print the public JWK',
    schema: flag(),
  },
  dpop: {
    flags: '--dpop',
    help: 'OAuth: send DPoP proofs from the start',
    schema: flag(),
    defaultHelp: 'when Okta asks',
  },
  proxy: {
    ...CONNECTION_OPTIONS.proxy,
    help: 'proxy for runs without HTTPS_PROXY (cron), e.g. http://proxy:3128; "none" removes it',
    defaultHelp: undefined,
  },
  caFile: {
    ...CONNECTION_OPTIONS.caFile,
    help: 'PEM file of extra CA certificates to trust; "none" removes it',
  },
  trustHost: {
    flags: '--trust-host',
    help: 'let sync use this domain although it does not answer like an Okta org (only for a host you know is yours)',
    schema: flag(),
  },
  // Stored in the profile: the folder the other commands then use.
  ...OUTPUT_DIR_OPTION,
  format: {
    flags: '--format <format>',
    help: 'snapshot format: json, ndjson or csv',
    // Checked by parseFormat (setting-flags.ts), as the wizard's answer is.
    schema: anyText(),
    defaultHelp: 'json',
  },
  schedule: {
    flags: '--schedule <when>',
    help: 'hourly, daily, weekly or a 5-field cron expression (stored for scheduling)',
    schema: anyText(),
  },
  show: { flags: '--show', help: 'print the profile, token masked', schema: flag() },
  list: { flags: '--list', help: 'list the profiles', schema: flag() },
  delete: {
    flags: '--delete',
    help: 'delete the profile and its scheduled sync (asks first)',
    schema: flag(),
  },
  yes: { flags: '--yes', help: 'with --delete: do not ask (needed without a terminal)', schema: flag() },
});

/** What commander hands configure. */
export type ConfigureFlags = RawOptionsOf<typeof CONFIGURE_OPTIONS>;
/** The checked options configure runs with. */
export type ConfigureSettings = OptionsOf<typeof CONFIGURE_OPTIONS>;
