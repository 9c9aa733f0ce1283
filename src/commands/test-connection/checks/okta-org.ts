import { clientCredentials } from '../../../config/credentials.js';
import { ExitCode } from '../../../errors.js';
import { ENTITY_NAMES } from '../../../inventory/entities.js';
import { OktaClient, type OktaClientOptions, type RequestEvent } from '../../../okta/client.js';
import { fetchOktaOrganization, type OktaOrganization } from '../../../okta/diagnostics.js';
import { isNotAnOktaOrg, notAnOktaOrgMessage } from '../../../okta/verify-okta-org.js';
import { scopesForEntities } from '../../../sync/entity-scopes.js';
import type { Io } from '../../../ui/io.js';
import { registerSecret } from '../../../ui/redact.js';
import { logRequests } from '../../../ui/request-log.js';
import type { CheckList } from './check-list.js';
import type { ClockSampler } from './clock.js';
import type { Configuration } from './configuration.js';
import type { Route } from './network.js';

/** Every read scope a sync may need: test-connection asks for all of them. */
const ALL_READ_SCOPES = scopesForEntities(ENTITY_NAMES);

/** The org as the Okta checks found it. */
export interface OrgConnection {
  /** Undefined when the host could not be reached: no request was sent. */
  client: OktaClient | undefined;
  org: OktaOrganization | undefined;
  /** The host did not answer like an Okta org, but the user confirmed it (configure --trust-host). */
  trustedHost: boolean;
  /** Every request sent, for the rate-limit check. */
  events: RequestEvent[];
}

/** Okta itself: is the host an Okta org? Makes the client the later checks send their requests with. */
export async function checkOktaOrg(
  list: CheckList,
  config: Configuration,
  route: Route,
  reachable: boolean,
  context: {
    io: Io;
    clock: ClockSampler;
    client?: Pick<OktaClientOptions, 'scheduler' | 'timeoutMs'> | undefined;
  },
): Promise<OrgConnection> {
  const { orgUrl, oauth, token, domainFrom } = config;
  const connection: OrgConnection = { client: undefined, org: undefined, trustedHost: false, events: [] };
  if (!orgUrl || !reachable) {
    list.skip('okta-org', 'Okta org', orgUrl ? 'the host could not be reached' : 'no valid Okta domain');
    return connection;
  }
  const client = new OktaClient({
    orgUrl,
    // The well-known document is read without the token; it is only sent once the host is known to be Okta.
    credentials: oauth
      ? clientCredentials(oauth, ALL_READ_SCOPES)
      : { kind: 'ssws', token: token?.token ?? '' },
    onSecret: registerSecret,
    network: route.network?.options,
    timeoutMs: context.client?.timeoutMs ?? 15_000,
    // About a dozen requests: no need to keep half of each bucket free (that could stall a check
    // for a minute on a busy org); the rate-limit check reports the headroom instead.
    scheduler: { maxRetries: 1, share: 1, ...context.client?.scheduler },
    onRequest: (event) => {
      connection.events.push(event);
      logRequests(context.io)(event);
    },
  });
  connection.client = client;
  list.step('Okta org');
  try {
    const org = await fetchOktaOrganization(client);
    connection.org = org;
    context.clock.sample(org.serverDate);
    const canonical =
      org.organizationUrl && new URL(org.organizationUrl).origin !== orgUrl.origin
        ? `; its Okta URL is ${org.organizationUrl}`
        : '';
    list.add({
      id: 'okta-org',
      title: 'Okta org',
      status: 'pass',
      detail: `${orgUrl.host} is an Okta org on ${org.engine} (pipeline ${org.pipeline})${canonical}.`,
    });
  } catch (error) {
    if (isNotAnOktaOrg(error) && config.loadProfile()?.trustedHost === orgUrl.host) {
      connection.trustedHost = true;
      list.add({
        id: 'okta-org',
        title: 'Okta org',
        status: 'warn',
        detail: `${notAnOktaOrgMessage(orgUrl.host, error, domainFrom).detail.replace(/\.$/, '')}; you confirmed this host (configure --trust-host), so sync uses it.`,
      });
    } else if (isNotAnOktaOrg(error)) {
      list.add(
        {
          id: 'okta-org',
          title: 'Okta org',
          status: 'fail',
          ...notAnOktaOrgMessage(orgUrl.host, error, domainFrom),
        },
        ExitCode.Config,
      );
    } else {
      list.addError('okta-org', 'Okta org', error);
    }
  }
  return connection;
}
