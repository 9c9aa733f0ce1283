import type { Command } from 'commander';
import { CONFIGURE_OPTIONS, type ConfigureFlags } from '../commands/configure/options.js';
import { addOptions } from './add-options.js';
import { action, type Wiring } from './command-action.js';
import { examples } from './help-text.js';

/** `okta-connector configure`: its options and examples; the command itself is loaded when it runs. */
export function addConfigureCommand(program: Command, wiring: Wiring): void {
  const command = program
    .command('configure')
    .summary('Save the Okta domain, API token and settings in a profile')
    .description(
      'Create or update a profile: interactively on a terminal, or from flags in scripts. The token is read from standard input or a hidden prompt, never from the command line, and stored in a config file only its owner can read (mode 0600).',
    );
  addOptions(command, CONFIGURE_OPTIONS)
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
