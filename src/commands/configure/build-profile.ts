import type { Profile } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import { type OrgUrl, parseOrgUrl } from '../../okta/org-url.js';
import type { Env } from '../../ui/io.js';
import { applyOAuth, type ConfigureGeneratedKey } from './apply-oauth.js';
import type { ConfigureFlags } from './options.js';
import type { Answers } from './prompts.js';
import { NONE } from './setting-flags.js';

/** How a domain is stored: the host for https, the whole origin on loopback (it may be http). */
export function domainForStorage(orgUrl: OrgUrl): string {
  return orgUrl.kind === 'loopback' ? orgUrl.origin : orgUrl.host;
}

/** The profile to save and what it was built from. */
export interface BuiltProfile {
  profile: Profile;
  orgUrl: OrgUrl;
  token: string | undefined;
  generated: ConfigureGeneratedKey | undefined;
}

/**
 * The stored profile with the answers and flags applied: domain, token or OAuth, output folder,
 * format, schedule, proxy, CA file, and the host confirmed with --trust-host. `none` (or an empty
 * schedule) removes a setting.
 */
export function buildProfile(input: {
  options: ConfigureFlags & { profile: string; env: Env; cwd: string };
  existing: Profile | undefined;
  answers: Pick<Answers, 'orgUrl' | 'oauth' | 'token' | 'oauthAnswers' | 'outputDir' | 'format' | 'schedule'>;
  flags: { proxy: string | undefined; caFile: string | undefined };
  wizard: boolean;
}): BuiltProfile {
  const { options, existing, wizard } = input;
  const name = options.profile;
  const { orgUrl, oauth, token, oauthAnswers, outputDir, format, schedule } = input.answers;
  const { proxy, caFile } = input.flags;
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
  return { profile, orgUrl: finalOrgUrl, token: finalToken, generated };
}
