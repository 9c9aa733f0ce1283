import { ExitCode } from '../errors.js';

/** A titled block of `term  text` rows for `--help`, aligned. */
export function helpSection(title: string, rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([term]) => term.length)) + 2;
  return `\n${title}:\n${rows.map(([term, text]) => `  ${term.padEnd(width)}${text}`).join('\n')}\n`;
}

/** `Examples:` block for `--help`; lines starting with `#` are comments, others get a `$ ` prompt. */
export function examples(lines: string[]): string {
  const body = lines.map((line) => (line === '' ? '' : line.startsWith('#') ? `  ${line}` : `  $ ${line}`));
  return `\nExamples:\n${body.join('\n')}\n`;
}

/** One line per exit code for the top-level help; keyed by ExitCode so a new code must be described here. */
const EXIT_CODE_HELP: Record<keyof typeof ExitCode, string> = {
  Success: 'success',
  Internal: 'unexpected error (a bug: please report it)',
  Usage: 'bad command-line usage',
  Config: 'missing or invalid configuration (domain, token, config file, output directory)',
  Auth: 'Okta rejected the API token (401)',
  Permission: "the token's admin may not read data sync needs (403)",
  Network: 'Okta could not be reached (DNS, TLS, proxy, timeout)',
  RateLimit: 'rate limit did not recover',
  OktaApi: 'unexpected answer from Okta',
  Partial: 'finished, but some optional data is missing',
  Locked: 'another sync of the profile is running',
  Interrupted: 'interrupted (Ctrl-C, SIGTERM)',
};

/** What `okta-connector --help` shows after the commands and options. */
export const TOP_LEVEL_HELP = [
  examples([
    '# Set up a profile interactively, then check it',
    'okta-connector configure',
    'okta-connector test-connection',
    '',
    "# No config file: the Okta SDKs' environment variables are enough",
    'export OKTA_CLIENT_ORGURL=acme.okta.com OKTA_CLIENT_TOKEN="$(cat ~/.okta-token)"',
    'okta-connector test-connection --json',
  ]),
  helpSection('Environment', [
    ['OKTA_CLIENT_ORGURL', 'Okta domain (overrides the profile; --domain overrides it)'],
    ['OKTA_CLIENT_TOKEN', 'API token (overrides the profile; --token-stdin overrides it)'],
    ['OKTA_CONNECTOR_OUTPUT_DIR', 'output directory (overrides the profile)'],
    ['OKTA_CONNECTOR_FORMAT', 'output format: json, ndjson or csv (overrides the profile)'],
    ['OKTA_CONNECTOR_CONFIG_DIR', 'folder of config.json (default: the platform config folder)'],
    ['HTTPS_PROXY', 'proxy URL for Okta, either case (--proxy overrides it)'],
    ['NO_PROXY', 'hosts reached without the proxy, either case'],
    ['NODE_EXTRA_CA_CERTS', "PEM file of extra CAs (a TLS-inspecting proxy's root)"],
    ['NO_COLOR', 'no colours'],
  ]),
  helpSection(
    'Exit codes',
    (Object.keys(ExitCode) as Array<keyof typeof ExitCode>).map((name) => [
      String(ExitCode[name]),
      EXIT_CODE_HELP[name],
    ]),
  ),
].join('');
