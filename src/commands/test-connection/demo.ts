import { refuseEmptyPath, resolveUserPath } from '../../config/paths.js';
import { UsageError } from '../../errors.js';
import type { Env, Io } from '../../ui/io.js';
import { registerSecret } from '../../ui/redact.js';

/** The sample org that `test-connection --demo` checks, started, and what the checks read instead of the profile's. */
export interface DemoTarget {
  /** The sample org's URL. */
  domain: string;
  /** Only its token and where the config lives: the environment's domain, token and proxy are not read. */
  env: Env;
  /** Absolute path of the demo's output folder. */
  outputDir: string;
  /** Where that folder came from, for messages: `--output-dir`, or the demo's own default. */
  outputDirFrom: string;
  stop(): Promise<void>;
}

/**
 * `--demo`: starts the sample org `sync --demo` reads (on its fixed port, with its token), for every
 * check to run against it and the demo's output folder (`./okta-inventory-demo` unless `--output-dir`).
 * The profile, the environment's domain, token and proxy are not read, as with `sync --demo`.
 */
export async function startDemoTarget(
  options: {
    env: Env;
    cwd: string;
    domain?: string | undefined;
    tokenStdin?: boolean | undefined;
    auth?: string | undefined;
    outputDir?: string | undefined;
  },
  io: Io,
): Promise<DemoTarget> {
  if (
    options.domain !== undefined ||
    options.tokenStdin ||
    (options.auth !== undefined && options.auth !== 'token')
  ) {
    throw new UsageError('test-connection --demo checks the built-in sample org with its own token.', {
      hint: 'Leave out --domain, --token-stdin and --auth, or leave out --demo to check a real org.',
    });
  }
  // Loaded only for --demo: the sample org is not part of a real check.
  const { DEMO_OUTPUT_DIR, demoAnchor, demoPort, startDemoOrg } = await import(
    '../../demo/start-demo-org.js'
  );
  // As sync --demo: an empty --output-dir (an unset shell variable) is refused, not read as the current folder.
  refuseEmptyPath('--output-dir', options.outputDir, DEMO_OUTPUT_DIR);
  const outputDir = resolveUserPath(options.outputDir ?? DEMO_OUTPUT_DIR, options.env, options.cwd);
  const org = await startDemoOrg(
    { size: 'tiny', rateLimits: { windowMs: 2_000 } },
    (why) => io.logger.warn(why),
    demoPort(options.env),
    await demoAnchor(outputDir, false),
  );
  try {
    registerSecret(org.token);
    io.logger.info(`Started the sample org at ${org.url} (a simulated Okta org on this machine).`);
    const env: Env = { OKTA_CLIENT_TOKEN: org.token };
    for (const key of ['HOME', 'USERPROFILE', 'OKTA_CONNECTOR_CONFIG_DIR'] as const) {
      if (options.env[key] !== undefined) env[key] = options.env[key];
    }
    const outputDirFrom = options.outputDir === undefined ? 'the --demo default' : '--output-dir';
    return { domain: org.url, env, outputDir, outputDirFrom, stop: () => org.stop() };
  } catch (error) {
    await org.stop();
    throw error;
  }
}
