import type { Command } from 'commander';
import { action, tokenArgument, type Wiring } from './command-action.js';
import { examples } from './help-text.js';

interface ConfigureFlags {
  domain?: string;
  tokenStdin?: boolean;
  auth?: string;
  clientId?: string;
  privateKeyFile?: string;
  keyId?: string;
  scopes?: string;
  generateKey?: boolean;
  dpop?: boolean;
  proxy?: string;
  caFile?: string;
  trustHost?: boolean;
  outputDir?: string;
  format?: string;
  schedule?: string;
  show?: boolean;
  list?: boolean;
  delete?: boolean;
  yes?: boolean;
}

/** `okta-connector configure`: its options and examples; the command itself is loaded when it runs. */
export function addConfigureCommand(program: Command, wiring: Wiring): void {
  program
    .command('configure')
    .summary('Save the Okta domain, API token and settings in a profile')
    .description(
      'Create or update a profile: interactively on a terminal, or from flags in scripts. The token is read from standard input or a hidden prompt, never from the command line, and stored in a config file only its owner can read (mode 0600).',
    )
    .option('--domain <host-or-url>', 'Okta domain, e.g. acme.okta.com (a pasted URL is trimmed to its host)')
    .option('--token-stdin', 'read the API token from standard input')
    .addOption(tokenArgument())
    .option('--auth <mode>', 'token (an API token, the default) or oauth (an API Services app)')
    .option('--client-id <id>', 'OAuth: the Client ID of the API Services app')
    .option('--private-key-file <file>', "OAuth: the app's private key, PEM or JWK (stored, never printed)")
    .option('--key-id <kid>', 'OAuth: the Key ID of that key in the Admin Console')
    .option('--scopes <list>', 'OAuth: scopes to ask for (default: what each sync needs)')
    .option('--generate-key', 'OAuth: create a key pair, store the private key, print the public JWK')
    .option('--dpop', 'OAuth: send DPoP proofs from the start (default: when Okta asks)')
    .option(
      '--proxy <url>',
      'proxy for runs without HTTPS_PROXY (cron), e.g. http://proxy:3128; "none" removes it',
    )
    .option('--ca-file <pem>', 'PEM file of extra CA certificates to trust; "none" removes it')
    .option(
      '--trust-host',
      'let sync use this domain although it does not answer like an Okta org (only for a host you know is yours)',
    )
    .option('--output-dir <dir>', 'folder sync writes snapshots to (default: ~/okta-inventory)')
    .option('--format <format>', 'snapshot format: json, ndjson or csv (default: json)')
    .option('--schedule <when>', 'hourly, daily, weekly or a 5-field cron expression (stored for scheduling)')
    .option('--show', 'print the profile, token masked')
    .option('--list', 'list the profiles')
    .option('--delete', 'delete the profile and its scheduled sync (asks first)')
    .option('--yes', 'with --delete: do not ask (needed without a terminal)')
    .addHelpText(
      'after',
      examples([
        '# Interactive, on a terminal',
        'okta-connector configure',
        '',
        '# Scripted: the token comes from stdin, never from the command line',
        `printf '%s\\n' "$OKTA_API_TOKEN" | okta-connector configure --domain acme.okta.com --token-stdin`,
        '',
        '# An OAuth 2.0 API Services app: create a key pair, register the printed public key, then',
        'okta-connector configure --domain acme.okta.com --auth oauth --generate-key',
        'okta-connector configure --client-id 0oa1b2c3d4e5f6g7h8i9',
        '',
        '# A second org with CSV output, synced nightly',
        'okta-connector configure --profile sandbox --domain acme.oktapreview.com --token-stdin --format csv --schedule daily < token.txt',
        'okta-connector configure --profile sandbox --show',
        'okta-connector configure --list',
        'okta-connector configure --profile sandbox --delete --yes',
      ]),
    )
    .action(
      action<ConfigureFlags>(wiring, async (options, io) => {
        const { configure, renderConfigureResult } = await import('../commands/configure/index.js');
        const result = await configure({ ...options, env: wiring.context.env, cwd: wiring.context.cwd }, io);
        return { json: result, human: () => renderConfigureResult(result, io) };
      }),
    );
}
