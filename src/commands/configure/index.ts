import { parseOptions } from '../../cli/parse-options.js';
import { parseAuthMode } from '../../config/credentials.js';
import type { Profile } from '../../config/schema.js';
import { ConfigStore, loadConfigWriter } from '../../config/store.js';
import { UsageError } from '../../errors.js';
import type { OktaClientOptions } from '../../okta/client.js';
import { type OrgUrl, parseOrgUrl } from '../../okta/org-url.js';
import type { Env, Io } from '../../ui/io.js';
import { applyOAuth, type ConfigureGeneratedKey } from './apply-oauth.js';
import type { DeleteProfileOptions } from './delete-profile.js';
import { lookUpNetwork, lookUpOrganization } from './look-up-organization.js';
import { refuseMixedModes, runProfileMode } from './modes.js';
import { CONFIGURE_OPTIONS, type ConfigureFlags } from './options.js';
import { viewOf } from './profile-view.js';
import { askForSettings } from './prompts.js';
import type { ConfigureResult } from './result.js';
import { NONE, parseSettingFlags, settingFlagsOf } from './setting-flags.js';

export { renderConfigureResult } from './render.js';
export type { ConfigureGeneratedKey, ConfigureResult, OrganizationLookup, ProfileView } from './result.js';

/** What configure runs with: the flags of its table (./options.ts), and what the program gives it. */
export interface ConfigureOptions extends ConfigureFlags {
  /** Profile to create, update, show or delete. */
  profile: string;
  env: Env;
  /** Relative `--output-dir` values resolve against it. */
  cwd: string;
  /** `--delete` removes the profile's scheduled sync: the OS and the runner of crontab/schtasks. */
  scheduler?: Pick<DeleteProfileOptions, 'platform' | 'run'>;
  /** For the custom-domain lookup. */
  client?: Pick<OktaClientOptions, 'scheduler' | 'timeoutMs'>;
}

const SCRIPTED_EXAMPLE = `printf '%s\\n' "$OKTA_API_TOKEN" | okta-connector configure --domain acme.okta.com --token-stdin`;

/** How a domain is stored: the host for https, the whole origin on loopback (it may be http). */
export function domainForStorage(orgUrl: OrgUrl): string {
  return orgUrl.kind === 'loopback' ? orgUrl.origin : orgUrl.host;
}

/**
 * `okta-connector configure`: creates or updates a profile (interactively on a terminal, or from
 * flags), or shows, lists or deletes profiles. The token is read only from stdin or a hidden prompt.
 */
export async function configure(raw: ConfigureOptions, io: Io): Promise<ConfigureResult> {
  const options = { ...raw, ...parseOptions(CONFIGURE_OPTIONS, raw, 'configure') };
  await loadConfigWriter();
  const store = new ConfigStore(options.env);
  const name = options.profile;
  const settingFlags = settingFlagsOf(options);
  refuseMixedModes(options, settingFlags);
  const done = await runProfileMode(options, store, io);
  if (done) return done;

  const existing = store.getProfile(name);
  const interactive = io.isTTY.stdin;
  const wizard = interactive && settingFlags.length === 0;
  const needsDomain = options.domain === undefined && !existing?.domain;
  const oauthFlag =
    (options.auth !== undefined ? parseAuthMode(options.auth, '--auth', true) : existing?.auth) === 'oauth' ||
    (options.auth === undefined &&
      (options.clientId !== undefined ||
        options.privateKeyFile !== undefined ||
        options.generateKey === true));
  const needsToken = !oauthFlag && !options.tokenStdin && !existing?.token;
  if (!interactive && (settingFlags.length === 0 || needsDomain || needsToken)) {
    const missing = [needsDomain ? '--domain' : '', needsToken ? '--token-stdin' : ''].filter(Boolean);
    throw new UsageError(
      settingFlags.length === 0
        ? 'configure asks its questions on a terminal; without one, give the settings as flags.'
        : `Profile "${name}" needs ${missing.join(' and ')} (standard input is not a terminal, so configure cannot ask).`,
      { hint: `For example: ${SCRIPTED_EXAMPLE}` },
    );
  }

  // Flags first: a bad flag fails before any question or read from stdin.
  const flags = parseSettingFlags(options);
  const { proxy, caFile } = flags;
  const { orgUrl, oauth, token, oauthAnswers, outputDir, format, schedule } = await askForSettings(
    io,
    {
      name,
      existing,
      env: options.env,
      cwd: options.cwd,
      tokenStdin: options.tokenStdin,
      wizard,
      needsDomain,
      needsToken,
    },
    { ...flags, oauth: oauthFlag },
  );

  const finalOrgUrl = orgUrl ?? parseOrgUrl(existing?.domain);
  const finalToken = token ?? existing?.token;
  if (!finalToken && !oauth) throw new UsageError(`Profile "${name}" needs a token: pass --token-stdin.`);
  const profile: Profile = { ...existing, domain: domainForStorage(finalOrgUrl) };
  if (finalToken) profile.token = finalToken;
  let generated: ConfigureGeneratedKey | undefined;
  if (oauth) generated = applyOAuth(profile, { ...options, ...oauthAnswers });
  // An explicit choice of the API token (`--auth token`, the wizard) turns OAuth off.
  else if (profile.auth === 'oauth' && (wizard || options.auth !== undefined)) delete profile.auth;
  if (outputDir !== undefined) profile.outputDir = outputDir;
  if (format !== undefined) profile.format = format;
  if (schedule === '') delete profile.schedule;
  else if (schedule !== undefined) profile.schedule = schedule;
  if (proxy !== undefined && NONE.test(proxy)) delete profile.proxy;
  else if (proxy !== undefined) profile.proxy = proxy;
  if (caFile === 'none') delete profile.caFile;
  else if (caFile !== undefined) profile.caFile = caFile;
  if (options.trustHost) profile.trustedHost = finalOrgUrl.host;
  // A confirmation is of one host: another domain must be checked (and confirmed) anew.
  else if (profile.trustedHost !== undefined && profile.trustedHost !== finalOrgUrl.host)
    delete profile.trustedHost;

  const organization =
    finalOrgUrl.kind === 'custom'
      ? await lookUpOrganization(
          finalOrgUrl,
          finalToken ?? '',
          options,
          io,
          lookUpNetwork(profile, options),
          profile.trustedHost === finalOrgUrl.host,
        )
      : null;
  store.saveProfile(name, profile);
  return {
    action: 'saved',
    created: existing === undefined,
    configPath: store.path,
    profile: viewOf(name, profile, options.env),
    organization,
    ...(generated ? { generatedKey: generated } : {}),
  };
}
