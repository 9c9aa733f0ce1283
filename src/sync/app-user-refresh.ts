import type { OktaClient } from '../okta/client.js';
import { ANY_ATTRIBUTE, AppUserDependencies, changedAttributes } from './app-user-dependencies.js';
import { ALL_APPS, type ChangeFeed, pairKey } from './change-feed.js';
import { chooseAppListings } from './choose-app-listings.js';
import { parseBaseLine } from './incremental-base.js';
import { idsOfLine } from './leading-ids.js';

type Row = Record<string, unknown>;

/** The previous run's rows, as the incremental engine reads them. */
interface BaseRows {
  /** Each row as its JSON text, in batches (`readBaseLines`). */
  lines(name: 'users' | 'apps' | 'app_users' | 'app_groups' | 'group_members'): AsyncIterable<string[]>;
}

/**
 * Past this many changed users an incremental run reads every app's users again: the plan holds
 * each changed user (a bulk import or a mass profile update is better served by the lists).
 */
export const MAX_CHANGED_USERS = 20_000;

export interface AppUserRefreshPlan {
  /** Apps whose users and groups are listed again in full. */
  rereadApps: Set<string>;
  /** Apps whose users (not groups) are listed again in full: rereadApps, and those that cost less than their changed users. */
  listedApps: Set<string>;
  /** Users whose rows in every other app are read again, one request per user (`filter=user.id eq`). */
  refreshUsers: Set<string>;
  /** Users who have no app rows any more (deleted, or deactivated: Okta removes their assignments). */
  droppedUsers: Set<string>;
  /** (app, user) rows removed for certain (`pairKey`): dropped without a request. */
  droppedPairs: Set<string>;
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

/** Okta's largest page of app users (`GET /api/v1/apps/{id}/users?limit=500`). */
const APP_USERS_PAGE = 500;

/**
 * Whether an incremental run keeps a row of the last run's `app_users` as it was.
 */
export function keepsAppUserRow(
  plan: AppUserRefreshPlan,
  currentApps: ReadonlySet<string>,
  appId: string,
  userId: string,
): boolean {
  return (
    currentApps.has(appId) &&
    !plan.listedApps.has(appId) &&
    !plan.refreshUsers.has(userId) &&
    !plan.droppedUsers.has(userId) &&
    !plan.droppedPairs.has(pairKey(appId, userId))
  );
}

/**
 * Decides which app-user rows an incremental run reads again, so that the snapshot equals a full
 * run's while the binding `/api/v1/apps` bucket sees only the rows a change can reach. For each
 * changed user it finds the apps in which that user's rows may have changed:
 * - the apps an app event names with the user (`application.user_membership.*`, provisioning); an
 *   app event naming the user and no app: every app;
 * - the apps assigned to a group whose membership of the user changed (and, when an app profile
 *   reads group memberships, that app);
 * - an app a group was assigned to, unassigned from, or whose assignment changed
 *   (`group.application_assignment.*`), and the apps of a deleted group: for each member of that
 *   group (the last run's members and those added since), unless the group has at least as many
 *   members as the app has pages: then the app's users are listed in full;
 * - the user's apps whose app profile maps a changed profile attribute (Okta's profile mappings and
 *   username templates, `AppUserDependencies`), all of them for a status change;
 * - every app for a new or reactivated user.
 * A row whose only events are successful removals, where no group of the app can still hold the
 * user, is gone for certain and dropped; deleted and deactivated users' rows are dropped. Then each
 * user is read with one request (all their apps), unless every app of theirs is listed in full
 * anyway: an app is listed when its pages cost less than the requests of the users it spares
 * (`chooseAppListings`). New apps and apps an app event without a user names (settings) are listed
 * in full; app groups are read again for those and for the group-assignment apps above. Every other
 * row is the last run's.
 */
export async function planAppUserRefresh(input: PlanInput): Promise<AppUserRefreshPlan> {
  const { base, feed } = input;
  const current = new Set(input.apps.map((app) => idOf(app)));
  /** Apps whose users are listed in full whatever else changed. */
  const listedInFull = new Set([...feed.changedApps].filter((id) => current.has(id)));
  const knownApps = new Set<string>();
  for await (const lines of base.lines('apps'))
    for (const line of lines) knownApps.add((idsOfLine(line, ['id']) as [string])[0]);
  for (const id of current) if (!knownApps.has(id)) listedInFull.add(id);

  /** Apps by group assigned to them, and groups by app (the last run's, and those assigned since). */
  const appsOfGroup = new Map<string, Set<string>>();
  const groupsOfApp = new Map<string, Set<string>>();
  const assign = (appId: string, groupId: string) => {
    const apps = appsOfGroup.get(groupId) ?? new Set<string>();
    apps.add(appId);
    appsOfGroup.set(groupId, apps);
    const groups = groupsOfApp.get(appId) ?? new Set<string>();
    groups.add(groupId);
    groupsOfApp.set(appId, groups);
  };
  /** (app, group) assignments whose members' rows may have changed: assigned, unassigned, deleted. */
  const groupChanges: [string, string][] = [];
  for await (const lines of base.lines('app_groups')) {
    for (const line of lines) {
      const [appId, groupId] = idsOfLine(line, ['appId', 'groupId']) as [string, string];
      assign(appId, groupId);
      // A deleted group takes its GROUP-scoped assignments with it.
      if (feed.deletedGroups.has(groupId)) groupChanges.push([appId, groupId]);
    }
  }
  for (const [appId, groups] of feed.groupAssignments)
    for (const groupId of groups) {
      assign(appId, groupId);
      if (!feed.deletedGroups.has(groupId)) groupChanges.push([appId, groupId]);
    }
  const regroupedApps = new Set(
    [...listedInFull, ...groupChanges.map(([appId]) => appId)].filter((id) => current.has(id)),
  );

  const dependencies = new AppUserDependencies();
  for (const app of input.apps) dependencies.addApp(app);
  const changed = input.changedUsers;
  const droppedUsers = new Set(feed.deletedUsers);
  const refreshUsers = new Set<string>();
  const droppedPairs = new Set<string>();
  if (changed === undefined || changed.size > MAX_CHANGED_USERS) {
    return {
      rereadApps: current,
      listedApps: current,
      refreshUsers: new Set(),
      droppedUsers,
      droppedPairs,
      mappingsRead: false,
    };
  }

  /** Per user, the apps in which their rows may have changed. */
  const needs = new Map<string, Set<string>>();
  const need = (userId: string, appId: string) => {
    if (!current.has(appId) || droppedPairs.has(pairKey(appId, userId))) return;
    const apps = needs.get(userId) ?? new Set<string>();
    apps.add(appId);
    needs.set(userId, apps);
  };

  // Profile attributes changed per user; a user without an earlier row is new (or was deleted and
  // recreated): every row of theirs is read.
  const before = new Map<string, Row>();
  for await (const lines of base.lines('users'))
    for (const line of lines) {
      const [userId] = idsOfLine(line, ['id']) as [string];
      if (changed.has(userId)) before.set(userId, parseBaseLine('users.ndjson', line));
    }
  /** Users whose profile or status changed, with what changed: their apps are matched below. */
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

  const members = await readMemberships(base, feed, {
    current,
    listedInFull,
    groupsOfApp,
    groupChanges,
    droppedUsers,
  });
  for (const pair of members.certainRemovals) droppedPairs.add(pair);
  for (const [userId, apps] of feed.appUsers) {
    if (apps === ALL_APPS) refreshUsers.add(userId);
    else for (const appId of apps) need(userId, appId);
  }
  if (pending.size > 0 || feed.membershipUsers.size > 0) {
    await dependencies.readMappings(input.client, input.fanOut, input.label);
  }
  // A membership moves the user's GROUP-scoped assignments in the apps the group is assigned to (and
  // any app profile whose expressions read group memberships: matched against the user's apps below).
  const beyondProfile = dependencies.anyBeyondProfile;
  for (const [userId, groups] of feed.membershipUsers)
    for (const groupId of groups) for (const appId of appsOfGroup.get(groupId) ?? []) need(userId, appId);

  // The last run's rows: each app's size (what listing it costs), and the apps of the users whose
  // profile or memberships changed.
  const rowsOfApp = new Map<string, number>();
  const pagesOf = (appId: string) => Math.max(1, Math.ceil((rowsOfApp.get(appId) ?? 0) / APP_USERS_PAGE));
  const matchRows = pending.size > 0 || (beyondProfile && feed.membershipUsers.size > 0);
  if (matchRows || needs.size > 0 || groupChanges.length > 0)
    for await (const lines of base.lines('app_users')) {
      for (const line of lines) {
        const [appId, userId] = idsOfLine(line, ['appId', 'userId']) as [string, string];
        rowsOfApp.set(appId, (rowsOfApp.get(appId) ?? 0) + 1);
        const attributes = pending.get(userId);
        if (attributes && (attributes.has('status') || dependencies.affects(appId, attributes)))
          need(userId, appId);
        if (beyondProfile && feed.membershipUsers.has(userId) && dependencies.readsBeyondProfile(appId))
          need(userId, appId);
      }
    }
  // A group (un)assigned or deleted: its members' rows in the app, or the app's whole list if cheaper.
  for (const [appId, groupId] of groupChanges) {
    const groupMembers = members.ofGroup.get(groupId) ?? new Set<string>();
    if (groupMembers.size >= pagesOf(appId)) listedInFull.add(appId);
    else for (const userId of groupMembers) need(userId, appId);
  }

  for (const userId of droppedUsers) {
    refreshUsers.delete(userId);
    needs.delete(userId);
  }
  for (const userId of refreshUsers) needs.delete(userId);
  for (const [userId, apps] of needs) {
    for (const appId of listedInFull) apps.delete(appId);
    if (apps.size === 0) needs.delete(userId);
  }
  const chosen = chooseAppListings(needs, pagesOf);
  for (const [userId, apps] of needs)
    if ([...apps].some((appId) => !chosen.has(appId))) refreshUsers.add(userId);
  return {
    rereadApps: regroupedApps,
    listedApps: new Set([...listedInFull, ...chosen]),
    refreshUsers,
    droppedUsers,
    droppedPairs,
    mappingsRead: dependencies.mappingsRead,
  };
}

interface MembershipContext {
  current: ReadonlySet<string>;
  listedInFull: ReadonlySet<string>;
  groupsOfApp: ReadonlyMap<string, ReadonlySet<string>>;
  groupChanges: readonly [string, string][];
  droppedUsers: ReadonlySet<string>;
}

/**
 * What the plan needs of the last run's memberships, read in one pass and only for the groups and
 * users concerned:
 * - the members of each group in `groupChanges` (and those added since, by the System Log);
 * - the (app, user) rows gone for certain: every event of the pair was a successful
 *   `application.user_membership.remove` (nothing assigned it again), and no group assigned to the
 *   app can still give it to the user: the user was in none of them at the last run, or was removed
 *   from it since with nothing putting them back (Okta keeps a group-held assignment after a direct
 *   one is removed, and adds a group member's app user again).
 */
async function readMemberships(
  base: BaseRows,
  feed: ChangeFeed,
  context: MembershipContext,
): Promise<{ ofGroup: Map<string, Set<string>>; certainRemovals: Set<string> }> {
  const candidates: [string, string][] = [];
  for (const pair of feed.removedOnly) {
    const [appId, userId] = pair.split(' ') as [string, string];
    if (context.current.has(appId) && !context.listedInFull.has(appId) && !context.droppedUsers.has(userId))
      candidates.push([appId, userId]);
  }
  const usersWithGroupApps = new Set(
    candidates
      .filter(([appId]) => (context.groupsOfApp.get(appId)?.size ?? 0) > 0)
      .map(([, userId]) => userId),
  );
  const ofGroup = new Map<string, Set<string>>(
    context.groupChanges.map(([, groupId]) => [groupId, new Set()]),
  );
  /** The candidates' memberships at the last run. */
  const memberships = new Set<string>();
  if (usersWithGroupApps.size > 0 || ofGroup.size > 0)
    for await (const lines of base.lines('group_members'))
      for (const line of lines) {
        const [groupId, userId] = idsOfLine(line, ['groupId', 'userId']) as [string, string];
        ofGroup.get(groupId)?.add(userId);
        if (usersWithGroupApps.has(userId)) memberships.add(pairKey(groupId, userId));
      }
  for (const [userId, groups] of feed.membershipUsers)
    for (const groupId of groups)
      if (!feed.membershipRemovedOnly.has(pairKey(groupId, userId))) ofGroup.get(groupId)?.add(userId);
  const certainRemovals = new Set<string>();
  for (const [appId, userId] of candidates) {
    const stillHeld = [...(context.groupsOfApp.get(appId) ?? [])].some((groupId) => {
      const pair = pairKey(groupId, userId);
      if (feed.membershipRemovedOnly.has(pair)) return false;
      // A membership event other than a removal (an add) may hold it again; so may the last run's.
      return memberships.has(pair) || feed.membershipUsers.get(userId)?.has(groupId) === true;
    });
    if (!stillHeld) certainRemovals.add(pairKey(appId, userId));
  }
  return { ofGroup, certainRemovals };
}
