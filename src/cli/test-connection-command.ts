import type { Command } from 'commander';
import { DEMO_OUTPUT_DIR } from '../demo/demo-output-dir.js';
import { action, tokenArgument, type Wiring } from './command-action.js';
import { examples } from './help-text.js';

interface TestConnectionFlags {
  domain?: string;
  tokenStdin?: boolean;
  auth?: string;
  scopes?: string;
  proxy?: string;
  caFile?: string;
  outputDir?: string;
  demo?: boolean;
}

/** `okta-connector test-connection`: its options and examples; the command itself is loaded when it runs. */
export function addTestConnectionCommand(program: Command, wiring: Wiring): void {
  program
    .command('test-connection')
    .summary('Check the domain, network, token and permissions sync needs')
    .description(
      'Walk the checks an Okta admin needs while onboarding: the domain, DNS, TLS, that the host is an Okta org, the API token, read access to each kind of data sync collects, rate-limit headroom, clock skew and the output directory. Each failure comes with its fix. Exits 0 when sync can run, even if optional data (System Log, admin roles, devices, user schema) is not readable.',
    )
    .option('--domain <host-or-url>', "test this Okta domain instead of the profile's")
    .option('--token-stdin', 'read the API token from standard input')
    .addOption(tokenArgument())
    .option(
      '--auth <mode>',
      'token (an API token) or oauth (an API Services app); default: what is configured',
    )
    .option('--scopes <list>', 'OAuth scopes to ask for (default: every read scope sync may need)')
    .option('--proxy <url>', 'HTTP(S) proxy, e.g. http://proxy:3128 (default: HTTPS_PROXY, then the profile)')
    .option('--ca-file <pem>', "PEM file of extra CA certificates (a TLS-inspecting proxy's root)")
    .option('--output-dir <dir>', 'check this output directory instead of the configured one')
    .option('--demo', `check the built-in sample org (what sync --demo reads) and ./${DEMO_OUTPUT_DIR}/`)
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
