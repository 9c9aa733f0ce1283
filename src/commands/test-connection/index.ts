import { parseOptions } from '../../cli/parse-options.js';
import { ExitCode } from '../../errors.js';
import type { OktaClientOptions } from '../../okta/client.js';
import type { DnsOptions, TlsOptions } from '../../okta/diagnostics.js';
import type { Env, Io } from '../../ui/io.js';
import { createPrompter, readAllInput } from '../../ui/prompt.js';
import { CheckList } from './checks/check-list.js';
import { ClockSampler, checkClock } from './checks/clock.js';
import { checkConfiguration } from './checks/configuration.js';
import { checkCredentials } from './checks/credentials.js';
import { checkProxy, checkReachability } from './checks/network.js';
import { checkOktaOrg } from './checks/okta-org.js';
import { checkOutputDir } from './checks/output-dir.js';
import { checkPermissions } from './checks/permissions.js';
import { checkRateLimitHeadroom } from './checks/rate-limit.js';
import { startDemoTarget } from './demo.js';
import { TEST_CONNECTION_OPTIONS, type TestConnectionFlags } from './options.js';
import type { TestConnectionReport } from './report.js';

export { renderTestConnection } from './render.js';
export type { Check, CheckStatus, TestConnectionReport } from './report.js';

/** What test-connection runs with: the flags of its table (./options.ts), and what the program and tests give it. */
export interface TestConnectionOptions extends TestConnectionFlags {
  profile: string;
  env: Env;
  cwd: string;
  /** Clock in ms, for the clock-skew check and the System Log probe. @default Date.now */
  now?: () => number;
  /** Name resolution and TLS (tests point them at local servers). */
  dns?: DnsOptions;
  tls?: TlsOptions;
  /** Timeouts and retries of the API requests. @default one retry, 15 s per attempt */
  client?: Pick<OktaClientOptions, 'scheduler' | 'timeoutMs'>;
}

/**
 * `okta-connector test-connection`: walks the checks an admin needs while onboarding (configuration,
 * DNS, TLS, the org, the token, each permission sync needs, rate-limit headroom, clock, output folder)
 * and returns them; later checks that depend on a failed one are skipped. Never throws for a failed
 * check: the report's `exitCode` says how it went (0 when only optional data is missing).
 */
export async function testConnection(raw: TestConnectionOptions, io: Io): Promise<TestConnectionReport> {
  const options = { ...raw, ...parseOptions(TEST_CONNECTION_OPTIONS, raw, 'test-connection') };
  if (!options.demo) return runChecks(options, io);
  const demo = await startDemoTarget(options, io);
  try {
    const { domain, env, outputDir, outputDirFrom } = demo;
    return await runChecks(
      { ...options, demo: false, domain, auth: 'token', env, outputDir },
      io,
      outputDirFrom,
    );
  } finally {
    await demo.stop();
  }
}

/** The checks, in order. `outputDirFrom` says where the output folder came from when not from the settings (--demo). */
async function runChecks(
  options: TestConnectionOptions,
  io: Io,
  outputDirFrom?: string,
): Promise<TestConnectionReport> {
  const now = options.now ?? Date.now;
  const { profile } = options;
  const tokenFlag = options.tokenStdin ? await readTokenInput(io) : undefined;
  const spinner = io.spinner('Testing the connection to Okta…');
  const list = new CheckList((title) => spinner.update(`Checking: ${title}…`));
  const clock = new ClockSampler(now);
  try {
    const config = checkConfiguration(list, { ...options, tokenFlag });
    const route = checkProxy(list, config, options);
    const reachable = await checkReachability(list, config, route, options);
    const connection = await checkOktaOrg(list, config, route, reachable, {
      io,
      clock,
      client: options.client,
    });
    const credentialsWork = await checkCredentials(list, config, connection, { profile, clock });
    await checkPermissions(list, connection, {
      oauth: config.oauth !== undefined,
      credentialsWork,
      now,
      clock,
    });
    checkRateLimitHeadroom(list, connection.client !== undefined, connection.events);
    checkClock(list, clock);
    await checkOutputDir(list, config, { ...options, outputDirFrom });
  } finally {
    spinner.stop();
  }
  return { ok: list.exitCode === ExitCode.Success, exitCode: list.exitCode, profile, checks: list.checks };
}

async function readTokenInput(io: Io): Promise<string> {
  if (!io.isTTY.stdin) return readAllInput(io.stdin);
  const prompter = createPrompter(io);
  try {
    return await prompter.askSecret('API token (input is hidden)');
  } finally {
    prompter.close();
  }
}
