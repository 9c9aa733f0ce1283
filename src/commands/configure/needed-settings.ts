import { parseAuthMode } from '../../config/credentials.js';
import type { Profile } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import type { ConfigureFlags } from './options.js';

const SCRIPTED_EXAMPLE = `printf '%s\\n' "$OKTA_API_TOKEN" | okta-connector configure --domain acme.okta.com --token-stdin`;

/** What configure must still learn, and whether it asks every question (the wizard). */
export interface NeededSettings {
  /** A terminal and no setting flag: every question is asked. */
  wizard: boolean;
  needsDomain: boolean;
  needsToken: boolean;
  /** The profile will use OAuth: from --auth, the OAuth flags, or the profile as it is. */
  oauthFlag: boolean;
}

/**
 * What the flags and the stored profile leave open. Without a terminal nothing can be asked, so a
 * missing domain or token (or no setting flag at all) is a usage error naming the flags to pass.
 */
export function neededSettings(
  options: ConfigureFlags & { profile: string },
  existing: Profile | undefined,
  interactive: boolean,
  settingFlagCount: number,
): NeededSettings {
  const wizard = interactive && settingFlagCount === 0;
  const needsDomain = options.domain === undefined && !existing?.domain;
  const oauthFlag =
    (options.auth !== undefined ? parseAuthMode(options.auth, '--auth', true) : existing?.auth) === 'oauth' ||
    (options.auth === undefined &&
      (options.clientId !== undefined ||
        options.privateKeyFile !== undefined ||
        options.generateKey === true));
  const needsToken = !oauthFlag && !options.tokenStdin && !existing?.token;
  if (!interactive && (settingFlagCount === 0 || needsDomain || needsToken)) {
    const missing = [needsDomain ? '--domain' : '', needsToken ? '--token-stdin' : ''].filter(Boolean);
    throw new UsageError(
      settingFlagCount === 0
        ? 'configure asks its questions on a terminal; without one, give the settings as flags.'
        : `Profile "${options.profile}" needs ${missing.join(' and ')} (standard input is not a terminal, so configure cannot ask).`,
      { hint: `For example: ${SCRIPTED_EXAMPLE}` },
    );
  }
  return { wizard, needsDomain, needsToken, oauthFlag };
}
