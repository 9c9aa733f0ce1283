import { ExitCode } from '../../../errors.js';
import { fetchTokenOwner } from '../../../okta/diagnostics.js';
import { AuthError } from '../../../okta/errors.js';
import { statusOfOktaError } from '../../../okta/verify-okta-org.js';
import type { CheckList } from './check-list.js';
import type { ClockSampler } from './clock.js';
import type { Configuration } from './configuration.js';
import type { OrgConnection } from './okta-org.js';

/**
 * The credentials against Okta: an OAuth access token (and the scopes granted), or the API token
 * (and the admin it acts as). Resolves to whether they work, so that the permission probes can run.
 */
export async function checkCredentials(
  list: CheckList,
  config: Configuration,
  connection: OrgConnection,
  context: { profile: string; clock: ClockSampler },
): Promise<boolean> {
  const { oauth, token } = config;
  const { client, org, trustedHost } = connection;
  if (oauth) {
    if ((!org && !trustedHost) || !client) {
      list.skip('access-token', 'Access token', 'the Okta org could not be confirmed');
      return false;
    }
    list.step('Access token');
    try {
      const info = await client.accessTokenInfo();
      const kind = info?.type === 'DPoP' ? 'DPoP-bound (proof of possession)' : 'Bearer';
      const detail = `Obtained for client ${oauth.clientId}: ${kind}, valid ${info?.lifetimeSeconds ?? '?'} s; scopes granted: ${info?.scopes.join(' ') || '(none)'}.`;
      if (info && info.missingScopes.length > 0) {
        list.add({
          id: 'access-token',
          title: 'Access token',
          status: 'warn',
          detail: `${detail} Not granted: ${info.missingScopes.join(' ')}.`,
          fix: `Grant ${info.missingScopes.join(', ')} to the app (Admin Console > Applications > the app > Okta API Scopes > Grant); the data that needs them is skipped until then.`,
        });
      } else {
        list.add({ id: 'access-token', title: 'Access token', status: 'pass', detail });
      }
      return true;
    } catch (error) {
      list.addError('access-token', 'Access token', error);
      return false;
    }
  }
  if ((!org && !trustedHost) || !client) {
    list.skip('token', 'API token', 'the Okta org could not be confirmed');
    return false;
  }
  if (!token) {
    list.skip('token', 'API token', 'no usable token');
    return false;
  }
  list.step('API token');
  try {
    const owner = await fetchTokenOwner(client);
    context.clock.sample(owner.serverDate);
    list.add({
      id: 'token',
      title: 'API token',
      status: 'pass',
      detail: `Valid; it acts as admin ${owner.login ?? owner.id}${owner.status ? ` (${owner.status})` : ''}.`,
    });
    return true;
  } catch (error) {
    if (!(error instanceof AuthError)) {
      list.addError('token', 'API token', error);
      return false;
    }
    const { profile } = context;
    const save =
      token.source === 'env'
        ? 'put it in OKTA_CLIENT_TOKEN'
        : token.source === 'flag'
          ? 'pass it with --token-stdin'
          : `save it with: okta-connector configure --token-stdin${profile === 'default' ? '' : ` --profile ${profile}`}`;
    list.add(
      {
        id: 'token',
        title: 'API token',
        status: 'fail',
        detail: `Okta rejected the token${statusOfOktaError(error)}: it is wrong, expired (API tokens expire after 30 days without use), was revoked, or the admin who created it was deactivated.`,
        fix: `Create a new token in the Admin Console (Security > API > Tokens), ideally as a dedicated read-only admin, and ${save}.`,
      },
      ExitCode.Auth,
    );
    return false;
  }
}
