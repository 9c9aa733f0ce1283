import {
  parseAuthMode,
  parseScopes,
  type ResolvedCredentials,
  registerPrivateKey,
  resolveCredentials,
} from '../../config/credentials.js';
import { resolveNetwork } from '../../config/network.js';
import { describeSource, profileLoader, resolveOrgUrl } from '../../config/resolve.js';
import { parseOrgUrl } from '../../okta/org-url.js';
import { generateSigningKey, parseSigningKey } from '../../okta/signing-key.js';
import type { SyncConnection } from '../../sync/run-sync.js';
import type { Env, Io } from '../../ui/io.js';
import { readAllInput } from '../../ui/prompt.js';
import { registerSecret } from '../../ui/redact.js';

/** The client id of the sample org's API Services app (`sync --demo --auth oauth`). */
const DEMO_CLIENT_ID = '0oaDemoServiceApp0001';

/** The flags that say which org to reach and how (sync's options hold them). */
export interface ConnectOptions {
  profile: string;
  env: Env;
  cwd: string;
  domain?: string | undefined;
  tokenStdin?: boolean | undefined;
  auth?: string | undefined;
  scopes?: string | undefined;
  proxy?: string | undefined;
  caFile?: string | undefined;
  demo?: boolean | undefined;
}

/** The org to sync and how to reach it; `stop` ends the sample org of `--demo`. */
export interface Connection extends SyncConnection {
  stop?: () => Promise<void>;
}

/**
 * Resolves the org, credentials and network from the profile, environment and flags, or starts the
 * sample org on loopback for `--demo`.
 */
export async function connect(options: ConnectOptions, io: Io, outputDir: string): Promise<Connection> {
  if (options.demo) {
    // Loaded only for --demo: the sample org is not part of a real run.
    const { demoAnchor, demoPort, startDemoOrg } = await import('../../demo/start-demo-org.js');
    const oauth = options.auth !== undefined && parseAuthMode(options.auth, '--auth', true) === 'oauth';
    // An API Services app as Okta now creates them: private_key_jwt, DPoP required, with a nonce.
    const appKey = oauth ? generateSigningKey() : undefined;
    const org = await startDemoOrg(
      {
        size: 'tiny',
        rateLimits: { windowMs: 2_000 },
        ...(appKey
          ? {
              oauth: {
                clientId: DEMO_CLIENT_ID,
                publicKeys: [appKey.publicJwk],
                requireDpop: true,
                dpopNonce: 'token',
                tokenLifetimeSeconds: 300,
              },
            }
          : {}),
      },
      (why) => io.logger.warn(why),
      demoPort(options.env),
      await demoAnchor(outputDir, true),
    );
    try {
      registerSecret(org.token);
      let credentials: ResolvedCredentials = { kind: 'ssws', token: org.token, source: 'flag', notes: [] };
      if (appKey) {
        registerPrivateKey(appKey.privateKeyPem);
        credentials = {
          kind: 'oauth',
          clientId: DEMO_CLIENT_ID,
          key: parseSigningKey(appKey.privateKeyPem, 'the demo key'),
          keyId: appKey.kid,
          scopes: options.scopes ? parseScopes(options.scopes) : undefined,
          dpop: false,
          from: { clientId: '--demo', privateKey: '--demo', scopes: options.scopes ? '--scopes' : undefined },
          notes: [],
        };
      }
      io.logger.info(`Started the sample org at ${org.url} (a simulated Okta org on this machine).`);
      // Only an explicit --proxy applies: the sample org is on this machine, whatever HTTPS_PROXY says.
      const network = resolveNetwork({
        env: {},
        profile: options.profile,
        loadProfile: () => undefined,
        cwd: options.cwd,
        flags: { proxy: options.proxy, caFile: options.caFile },
      });
      return {
        orgUrl: parseOrgUrl(org.url),
        domainFrom: '--demo',
        trustedHost: false,
        credentials,
        network: network.options,
        stop: () => org.stop(),
      };
    } catch (error) {
      // A server left listening would keep the process alive after the error is printed.
      await org.stop();
      throw error;
    }
  }
  const loadProfile = profileLoader({ profile: options.profile, env: options.env });
  const resolve = { profile: options.profile, env: options.env, loadProfile };
  const { orgUrl, source } = resolveOrgUrl({ ...resolve, flags: { domain: options.domain } });
  const network = resolveNetwork({
    ...resolve,
    cwd: options.cwd,
    flags: { proxy: options.proxy, caFile: options.caFile },
  });
  if (network.proxy) io.logger.verbose(`proxy ${network.proxy.shown} (from ${network.proxy.from})`);
  const stdinToken = options.tokenStdin ? await readAllInput(io.stdin) : undefined;
  const credentials = resolveCredentials({
    ...resolve,
    cwd: options.cwd,
    flags: { auth: options.auth, token: stdinToken, scopes: options.scopes },
  });
  for (const note of credentials.notes) io.logger.warn(note);
  return {
    orgUrl,
    domainFrom: describeSource(source, 'domain', options.profile),
    trustedHost: loadProfile()?.trustedHost === orgUrl.host,
    credentials,
    network: network.options,
  };
}
