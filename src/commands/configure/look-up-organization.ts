import { resolveNetwork } from '../../config/network.js';
import type { Profile } from '../../config/schema.js';
import { OktaClient, type OktaClientOptions } from '../../okta/client.js';
import { fetchOktaOrganization } from '../../okta/diagnostics.js';
import { NotFoundError } from '../../okta/errors.js';
import type { NetworkOptions } from '../../okta/network-options.js';
import type { OrgUrl } from '../../okta/org-url.js';
import type { Env, Io } from '../../ui/io.js';
import { logRequests } from '../../ui/request-log.js';

/** What the custom-domain lookup found. */
export interface OrganizationLookup {
  verified: boolean;
  engine?: string;
  organizationUrl?: string;
  /** Why it could not be verified (never fatal). */
  warning?: string;
}

/** Looks up a custom domain's canonical org. Any failure is a warning: the profile is saved anyway. */
export async function lookUpOrganization(
  orgUrl: OrgUrl,
  token: string,
  options: { client?: Pick<OktaClientOptions, 'scheduler' | 'timeoutMs'> | undefined },
  io: Io,
  network: NetworkOptions,
  trusted: boolean,
): Promise<OrganizationLookup> {
  const spinner = io.spinner(`Checking that ${orgUrl.host} is an Okta org…`);
  const client = new OktaClient({
    orgUrl,
    credentials: { kind: 'ssws', token },
    network,
    timeoutMs: options.client?.timeoutMs ?? 10_000,
    scheduler: { maxRetries: 1, ...options.client?.scheduler },
    onRequest: logRequests(io),
  });
  try {
    const org = await fetchOktaOrganization(client);
    const canonical = org.organizationUrl ? `; its Okta URL is ${org.organizationUrl}` : '';
    spinner.succeed(`${orgUrl.host} is a custom domain of an Okta org (${org.engine})${canonical}.`);
    return {
      verified: true,
      engine: org.engine,
      ...(org.organizationUrl ? { organizationUrl: org.organizationUrl } : {}),
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const warning =
      error instanceof NotFoundError
        ? `${orgUrl.host} does not look like an Okta org (no /.well-known/okta-organization). Check the domain.`
        : `Could not confirm that ${orgUrl.host} is an Okta org: ${reason}`;
    spinner.warn(
      trusted
        ? `${warning} The profile is saved; sync uses this host because you confirmed it (--trust-host).`
        : `${warning} The profile is saved anyway, but sync will not send the token there: run "okta-connector test-connection" to check, and only if this host is yours, confirm it with "okta-connector configure --trust-host".`,
    );
    return { verified: false, warning };
  }
}

/** The proxy and CAs the saved profile will use, for the custom-domain lookup (a failure is only a warning there). */
export function lookUpNetwork(
  profile: Profile,
  options: { profile: string; env: Env; cwd: string },
): NetworkOptions {
  try {
    return resolveNetwork({
      env: options.env,
      profile: options.profile,
      loadProfile: () => profile,
      cwd: options.cwd,
    }).options;
  } catch {
    return {};
  }
}
