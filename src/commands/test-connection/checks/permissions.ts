import { ExitCode } from '../../../errors.js';
import { type ProbeId, probeEndpoint, probePath } from '../../../okta/diagnostics.js';
import { AuthError, NotFoundError, PermissionError } from '../../../okta/errors.js';
import { statusOfOktaError } from '../../../okta/verify-okta-org.js';
import type { CheckList, CheckStatus } from './check-list.js';
import type { ClockSampler } from './clock.js';
import type { OrgConnection } from './okta-org.js';

/** The scope each probe reads with, for messages. */
const PROBE_SCOPES: Record<ProbeId, string> = {
  users: 'okta.users.read',
  groups: 'okta.groups.read',
  apps: 'okta.apps.read',
  'app-users': 'okta.apps.read',
  logs: 'okta.logs.read',
  'admin-roles': 'okta.roles.read',
  devices: 'okta.devices.read',
  'user-schema': 'okta.schemas.read',
};

const SERVICE_APP_ROLE =
  'The app has the scope but no admin role that may read this: assign the Read-Only Administrator role to the app (Admin Console > Applications > the app > Admin roles > Edit assignments). A scope only opens an endpoint; the role decides what the app may read there.';

const READ_ONLY_ADMIN =
  'Give the admin who created the token the Read-Only Administrator role (Admin Console > Security > Administrators), or create the token as an admin who has it (Super Administrator also works). A token always has exactly the permissions of its admin.';

interface ProbeSpec {
  id: ProbeId;
  title: string;
  /** What the inventory lacks without it. */
  data: string;
  required: boolean;
  /** Advice for a 403. */
  permissionFix: string;
}

const PROBES: ProbeSpec[] = [
  {
    id: 'users',
    title: 'Read users',
    data: 'users (the base of the inventory)',
    required: true,
    permissionFix: READ_ONLY_ADMIN,
  },
  {
    id: 'groups',
    title: 'Read groups',
    data: 'groups and group memberships',
    required: true,
    permissionFix: READ_ONLY_ADMIN,
  },
  { id: 'apps', title: 'Read apps', data: 'apps', required: true, permissionFix: READ_ONLY_ADMIN },
  {
    id: 'app-users',
    title: 'Read app assignments',
    data: 'app assignments (who has which app: the licence data)',
    required: true,
    permissionFix: READ_ONLY_ADMIN,
  },
  {
    id: 'logs',
    title: 'Read System Log',
    data: 'sign-in usage (last app sign-in per user)',
    required: false,
    permissionFix: READ_ONLY_ADMIN,
  },
  {
    id: 'admin-roles',
    title: 'Read admin roles',
    data: 'admin role assignments',
    required: false,
    permissionFix:
      'Okta can refuse the list of admin role assignments to a Read-Only Administrator; a token created by a Super Administrator can read it. Everything else in the inventory is unaffected.',
  },
  { id: 'devices', title: 'Read devices', data: 'devices', required: false, permissionFix: READ_ONLY_ADMIN },
  {
    id: 'user-schema',
    title: 'Read user schema',
    data: 'custom user attribute names (their values are still exported)',
    required: false,
    permissionFix: READ_ONLY_ADMIN,
  },
];

/**
 * Each endpoint sync reads, one request each: a 403 says which role or scope is missing and what
 * the inventory lacks without it. Required data fails, optional data warns.
 */
export async function checkPermissions(
  list: CheckList,
  connection: OrgConnection,
  context: { oauth: boolean; credentialsWork: boolean; now: () => number; clock: ClockSampler },
): Promise<void> {
  const { client, org } = connection;
  const { oauth } = context;
  let appId: string | undefined;
  let appsReadable = false;
  for (const probe of PROBES) {
    if (!context.credentialsWork || !client) {
      const tokenCheck = list.checks.find((check) => check.id === 'token' || check.id === 'access-token');
      const what = oauth ? 'no access token' : 'the API token';
      list.skip(
        probe.id,
        probe.title,
        tokenCheck?.status === 'fail'
          ? oauth
            ? 'no access token could be obtained'
            : 'the API token did not work'
          : `${what} could not be checked`,
      );
      continue;
    }
    if (probe.id === 'app-users') {
      if (!appsReadable) {
        list.skip(probe.id, probe.title, 'apps could not be read');
        continue;
      }
      if (!appId) {
        list.skip(probe.id, probe.title, 'the org has no apps yet');
        continue;
      }
    }
    list.step(probe.title);
    const path = probePath(probe.id, { appId });
    try {
      const result = await probeEndpoint(client, probe.id, { appId, now: context.now });
      context.clock.sample(result.response.serverDate);
      if (probe.id === 'apps') {
        appsReadable = true;
        appId = result.firstId;
      }
      list.add({ id: probe.id, title: probe.title, status: 'pass', detail: `GET ${path} works.` });
    } catch (error) {
      const status: CheckStatus = probe.required ? 'fail' : 'warn';
      const classic = org?.pipeline === 'v1';
      if (
        probe.id === 'devices' &&
        (error instanceof NotFoundError || (error instanceof AuthError && classic))
      ) {
        list.add({
          id: probe.id,
          title: probe.title,
          status: 'warn',
          detail: `Not available on this org${statusOfOktaError(error)}: the Devices API needs Identity Engine${org ? ` (this org runs ${org.engine})` : ''}. The inventory will have no devices.`,
          fix: 'Nothing to do on a Classic Engine org.',
        });
      } else if (error instanceof PermissionError && error.challenge?.error === 'insufficient_scope') {
        // A scope missing from the token is not a missing admin role: different fixes.
        const scope = error.challenge.scope ?? PROBE_SCOPES[probe.id];
        const effect = probe.required
          ? `sync needs ${probe.data} and cannot run without it.`
          : `the inventory will have no ${probe.data}.`;
        list.add(
          {
            id: probe.id,
            title: probe.title,
            status,
            detail: `The access token lacks the scope ${scope} for GET ${path} (HTTP 403, insufficient_scope): ${effect}`,
            fix: `Grant ${scope} to the app (Admin Console > Applications > the app > Okta API Scopes > Grant), then run test-connection again.`,
          },
          ExitCode.Permission,
        );
      } else if (error instanceof PermissionError) {
        const effect = probe.required
          ? `sync needs ${probe.data} and cannot run without it.`
          : `the inventory will have no ${probe.data}.`;
        list.add(
          {
            id: probe.id,
            title: probe.title,
            status,
            detail: `Not allowed to read GET ${path}${statusOfOktaError(error)}: ${effect}`,
            fix: oauth ? SERVICE_APP_ROLE : probe.permissionFix,
          },
          ExitCode.Permission,
        );
      } else {
        const effect = probe.required ? '' : ` The inventory will have no ${probe.data}.`;
        list.addError(probe.id, probe.title, error, status, effect);
      }
    }
  }
}
