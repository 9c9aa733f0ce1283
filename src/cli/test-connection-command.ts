import type { Command } from 'commander';
import { TEST_CONNECTION_OPTIONS, type TestConnectionFlags } from '../commands/test-connection/options.js';
import { addOptions } from './add-options.js';
import { action, type Wiring } from './command-action.js';
import { examples } from './help-text.js';

/** `okta-connector test-connection`: its options and examples; the command itself is loaded when it runs. */
export function addTestConnectionCommand(program: Command, wiring: Wiring): void {
  const command = program
    .command('test-connection')
    .summary('Check the domain, network, token and permissions sync needs')
    .description(
      'Walk the checks an Okta admin needs while onboarding: the domain, DNS, TLS, that the host is an Okta org, the API token, read access to each kind of data sync collects, rate-limit headroom, clock skew and the output directory. Each failure comes with its fix. Exits 0 when sync can run, even if optional data (System Log, admin roles, devices, user schema) is not readable.',
    );
  addOptions(command, TEST_CONNECTION_OPTIONS)
    .addHelpText(
      'after',
      examples([
        'okta-connector test-connection',
        'okta-connector test-connection --profile sandbox --json',
        '',
        '# Before configuring anything',
        `printf '%s\\n' "$OKTA_API_TOKEN" | okta-connector test-connection --domain acme.okta.com --token-stdin`,
      ]),
    )
    .action(
      action<TestConnectionFlags>(wiring, async (options, io) => {
        const { renderTestConnection, testConnection } = await import('../commands/test-connection/index.js');
        const report = await testConnection(
          { ...options, env: wiring.context.env, cwd: wiring.context.cwd },
          io,
        );
        return { json: report, human: () => renderTestConnection(report, io), exitCode: report.exitCode };
      }),
    );
}
