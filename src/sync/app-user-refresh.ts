import type { OktaClient } from '../okta/client.js';
import { ANY_ATTRIBUTE, AppUserDependencies, changedAttributes } from './app-user-dependencies.js';
import type { ChangeFeed } from './change-feed.js';

type Row = Record<string, unknown>;

/** The previous run's rows, as the incremental engine reads them. */
interface BaseRows {
  rows(name: 'users' | 'apps' | 'app_users' | 'app_groups'): AsyncIterable<Row[]>;
}

/**
 * Past this many changed users an incremental run reads every app's users again: the plan holds
 * each changed user (a bulk import or a mass profile update is better served by the lists).
 */
export const MAX_CHANGED_USERS = 20_000;

export interface AppUserRefreshPlan {
  /** Apps whose users and groups are listed again in full. */
  rereadApps: Set<string>;
  /** Users whose rows in every other app are read again, one request per user (`filter=user.id eq`). */
  refreshUsers: Set<string>;
  /** Users who have no app rows any more (deleted, or deactivated: Okta removes their assignments). */
  droppedUsers: Set<string>;
  /** Whether Okta's profile mappings were read (false: every app taken to depend on every attribute). */
  mappingsRead: boolean;
}

export interface PlanInput {
  client: OktaClient;
  base: BaseRows;
  feed: ChangeFeed;
  /** The apps as this run lists them. */
  apps: readonly Row[];
  /** Users changed since the last run (the `lastUpdated` search, overlap included), as rows. */
  changedUsers: ReadonlyMap<string, Row> | undefined;
  fanOut: number;
  label: string;
}

const idOf = (row: Row, key = 'id') => String(row[key]);

/**
 * Decides which app-user rows an incremental run reads again, so that the snapshot equals a full
 * run's while the binding `/api/v1/apps` bucket sees only the rows a change can reach:
 * - an app the System Log says was assigned to a group or reconfigured, a new app, and an app a
 *   deleted group was assigned to: its users and groups in full;
 * - a user an app event names (`application.user_membership.*`, provisioning), a user whose
 *   membership changed in a group assigned to an app, a new or reactivated user, and a user whose
 *   changed profile attributes feed an app user profile (Okta's profile mappings and username
 *   templates, `AppUserDependencies`): that user's rows in every app, in one request;
 * - a deleted or deactivated user: their rows dropped, no request.
 * Every other row is the last run's.
 */
export async function planAppUserRefresh(input: PlanInput): Promise<AppUserRefreshPlan> {
  const { base, feed } = input;
  const current = new Set(input.apps.map((app) => idOf(app)));
  const rereadApps = new Set([...feed.changedApps].filter((id) => current.has(id)));
  const knownApps = new Set<string>();
  for await (const rows of base.rows('apps')) for (const row of rows) knownApps.add(idOf(row));
  for (const id of current) if (!knownApps.has(id)) rereadApps.add(id);

  const assignedGroups = new Set<string>();
  for await (const rows of base.rows('app_groups')) {
    for (const row of rows) {
      const groupId = idOf(row, 'groupId');
      assignedGroups.add(groupId);
      // A deleted group takes its GROUP-scoped assignments with it.
      if (feed.deletedGroups.has(groupId)) rereadApps.add(idOf(row, 'appId'));
    }
  }

  const dependencies = new AppUserDependencies();
  for (const app of input.apps) dependencies.addApp(app);
  const changed = input.changedUsers;
  const droppedUsers = new Set(feed.deletedUsers);
  const refreshUsers = new Set(feed.appUsers);
  if (changed === undefined || changed.size > MAX_CHANGED_USERS) {
    return { rereadApps: current, refreshUsers: new Set(), droppedUsers, mappingsRead: false };
  }

  // Profile attributes changed per user; a user without an earlier row is new (or was deleted and
  // recreated): every row of theirs is read.
  const before = new Map<string, Row>();
  for await (const rows of base.rows('users'))
    for (const row of rows) if (changed.has(idOf(row))) before.set(idOf(row), row);
  const pending = new Map<string, Set<string>>();
  for (const [userId, after] of changed) {
    if (after.status === 'DEPROVISIONED') {
      droppedUsers.add(userId);
      continue;
    }
    const earlier = before.get(userId);
    const attributes = changedAttributes(earlier, after);
    if (attributes === ANY_ATTRIBUTE || earlier?.status === 'DEPROVISIONED') refreshUsers.add(userId);
    else if (attributes.size > 0) pending.set(userId, attributes);
  }

  if (pending.size > 0 || feed.membershipUsers.size > 0) {
    await dependencies.readMappings(input.client, input.fanOut, input.label);
  }
  // A membership moves the user's GROUP-scoped assignments when the group is assigned to an app (or
  // into any app profile whose expressions read group memberships).
  const beyondProfile = dependencies.anyBeyondProfile;
  for (const [userId, groups] of feed.membershipUsers) {
    if (beyondProfile || [...groups].some((groupId) => assignedGroups.has(groupId))) refreshUsers.add(userId);
  }
  if (pending.size > 0) {
    for await (const rows of base.rows('app_users')) {
      for (const row of rows) {
        const userId = idOf(row, 'userId');
        const attributes = pending.get(userId);
        if (attributes && dependencies.affects(idOf(row, 'appId'), attributes)) {
          refreshUsers.add(userId);
          pending.delete(userId);
        }
      }
    }
  }
  for (const userId of droppedUsers) refreshUsers.delete(userId);
  return { rereadApps, refreshUsers, droppedUsers, mappingsRead: dependencies.mappingsRead };
}
