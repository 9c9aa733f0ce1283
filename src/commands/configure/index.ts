import { parseOptions } from '../../cli/parse-options.js';
import { ConfigStore, loadConfigWriter } from '../../config/store.js';
import type { OktaClientOptions } from '../../okta/client.js';
import type { Env, Io } from '../../ui/io.js';
import { buildProfile } from './build-profile.js';
import type { DeleteProfileOptions } from './delete-profile.js';
import { lookUpNetwork, lookUpOrganization } from './look-up-organization.js';
import { refuseMixedModes, runProfileMode } from './modes.js';
import { neededSettings } from './needed-settings.js';
import { CONFIGURE_OPTIONS, type ConfigureFlags } from './options.js';
import { viewOf } from './profile-view.js';
import { askForSettings } from './prompts.js';
import type { ConfigureResult } from './result.js';
import { parseSettingFlags, settingFlagsOf } from './setting-flags.js';

export { domainForStorage } from './build-profile.js';
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
  const { wizard, needsDomain, needsToken, oauthFlag } = neededSettings(
    options,
    existing,
    io.isTTY.stdin,
    settingFlags.length,
  );

  // Flags first: a bad flag fails before any question or read from stdin.
  const flags = parseSettingFlags(options);
  const answers = await askForSettings(
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

  const {
    profile,
    orgUrl: finalOrgUrl,
    token: finalToken,
    generated,
  } = buildProfile({
    options,
    existing,
    answers,
    flags,
    wizard,
  });

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
