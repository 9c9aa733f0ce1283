import {
  applyGroupChanges,
  deleteGroups,
  type GroupChangeCounts,
  type GroupChangeSummary,
} from './apply-group-changes.js';
import type { SampleOrgLog } from './log-events.js';
import type { LogTarget } from './okta-records.js';
import { createRandom, hash, type Random } from './random.js';
import type { SampleOrgStore } from './sample-org-store.js';
import { AppFixture, FIXTURE_USER_COUNT, GroupFixture, UserFixture } from './tricky-values.js';

/** How many of each change one `mutate()` makes (fewer when the org has no candidates left). */
export interface ChangeSetOptions extends Partial<GroupChangeCounts> {
  /** Mixed into the change set's randomness; the same org, call number and seed give the same changes. @default 0 */
  seed?: number;
  /** New ACTIVE users, each added to Everyone and to one group. @default 3 */
  addUsers?: number;
  /** Profile updates (title, department, a custom attribute). @default 5 */
  updateUsers?: number;
  /** ACTIVE users deactivated: DEPROVISIONED, off every app. @default 2 */
  deprovisionUsers?: number;
  /**
   * DEPROVISIONED users (not this change set's) activated again: ACTIVE, back on their apps.
   * @default 0 (this and the group kinds are opt-in, see `EVERY_CHANGE_KIND`)
   */
  reactivateUsers?: number;
  /** DEPROVISIONED users deleted: gone from every list. @default 1 */
  deleteUsers?: number;
  /** @default 4 */
  addMemberships?: number;
  /** @default 2 */
  removeMemberships?: number;
  /** Direct app assignments of users who had no access to the app. @default 3 */
  addAppAssignments?: number;
  /** Direct app assignments removed from users no group gives the app. @default 2 */
  removeAppAssignments?: number;
  /** Apps toggled between ACTIVE and INACTIVE. @default 1 */
  appLifecycleChanges?: number;
  /*
   * From GroupChangeCounts: `assignGroupsToApps` (a group becomes an app's lowest-priority group),
   * `unassignGroupsFromApps` (an app's lowest-priority group removed), `grantGroupRoles` (a standard
   * role assigned to a small group), `deleteGroups` (a group no app or role uses, not otherwise
   * changed by this change set): each @default 0.
   */
  /** New `user.authentication.sso` events. @default 10 */
  signIns?: number;
  /**
   * Failed `user.authentication.sso` events (`outcome.result` FAILURE), which are not usage: the first
   * by a user just unassigned from the app, the next by a user just deleted, then anyone. @default 3
   */
  failedSignIns?: number;
}

export interface MembershipChange {
  groupId: string;
  userId: string;
}

export interface AssignmentChange {
  appId: string;
  userId: string;
}

/** What one `mutate()` changed, by id. */
export interface ChangeSetSummary extends GroupChangeSummary {
  /** The server clock when the change set was applied (ISO 8601): every new timestamp equals it. */
  at: string;
  addedUsers: string[];
  updatedUsers: string[];
  deprovisionedUsers: string[];
  reactivatedUsers: string[];
  deletedUsers: string[];
  addedMemberships: MembershipChange[];
  removedMemberships: MembershipChange[];
  /**
   * Direct assignments made or removed; also users who gained or lost an app through a membership
   * change, a group (un)assigned to the app, or a deprovisioning or reactivation.
   */
  addedAppAssignments: AssignmentChange[];
  removedAppAssignments: AssignmentChange[];
  appStatusChanges: { appId: string; status: 'ACTIVE' | 'INACTIVE' }[];
  signInEvents: number;
  failedSignInEvents: number;
  /** System Log events appended, sign-ins included. */
  logEvents: number;
}

/**
 * Turns on the kinds a default change set leaves out (added after the incremental tests and bench
 * were tuned to the defaults): a reactivated user, a group assigned to an app and one removed, a role
 * granted to a group, a group deleted. With the defaults, every kind of issue 18's change set.
 */
export const EVERY_CHANGE_KIND: Readonly<ChangeSetOptions> = {
  reactivateUsers: 1,
  assignGroupsToApps: 1,
  unassignGroupsFromApps: 1,
  grantGroupRoles: 1,
  deleteGroups: 1,
};

const DEFAULTS: Required<Omit<ChangeSetOptions, 'seed'>> = {
  addUsers: 3,
  updateUsers: 5,
  deprovisionUsers: 2,
  reactivateUsers: 0,
  deleteUsers: 1,
  addMemberships: 4,
  removeMemberships: 2,
  addAppAssignments: 3,
  removeAppAssignments: 2,
  appLifecycleChanges: 1,
  assignGroupsToApps: 0,
  unassignGroupsFromApps: 0,
  grantGroupRoles: 0,
  deleteGroups: 0,
  signIns: 10,
  failedSignIns: 3,
};

/** Groups and apps the change set leaves alone, so their documented properties hold. */
const PROTECTED_GROUPS = new Set<number>([
  GroupFixture.everyone,
  GroupFixture.boundary,
  GroupFixture.empty,
  GroupFixture.appGroup,
]);
const PROTECTED_APPS = new Set<number>([AppFixture.boundary, AppFixture.unused, AppFixture.retiredWiki]);

function insertSorted(list: Uint32Array, value: number): Uint32Array {
  const out = new Uint32Array(list.length + 1);
  let k = 0;
  let inserted = false;
  for (const item of list) {
    if (!inserted && value < item) {
      out[k++] = value;
      inserted = true;
    }
    out[k++] = item;
  }
  if (!inserted) out[k] = value;
  return out;
}

function removeValue(list: Uint32Array, value: number): Uint32Array {
  return list.filter((item) => item !== value);
}

/**
 * Applies one deterministic change set to the org and writes the matching System Log events
 * (published at `now()`), the way Okta would record them.
 */
export function applyChangeSet(
  store: SampleOrgStore,
  log: SampleOrgLog,
  options: ChangeSetOptions = {},
): ChangeSetSummary {
  const wanted = { ...DEFAULTS, ...options };
  const random = createRandom(hash(store.seed, 0x4d55, store.mutations, options.seed ?? 0));
  store.mutations++;
  const now = store.now();
  store.users.beginChangeSet(now);
  const summary: ChangeSetSummary = {
    at: new Date(now).toISOString(),
    addedUsers: [],
    updatedUsers: [],
    deprovisionedUsers: [],
    reactivatedUsers: [],
    deletedUsers: [],
    addedMemberships: [],
    removedMemberships: [],
    addedAppAssignments: [],
    removedAppAssignments: [],
    appStatusChanges: [],
    addedAppGroups: [],
    removedAppGroups: [],
    groupRoleGrants: [],
    deletedGroups: [],
    signInEvents: 0,
    failedSignInEvents: 0,
    logEvents: 0,
  };
  const eventsBefore = log.count();
  const admin = UserFixture.admin;
  const userTarget = (user: number): LogTarget => {
    const profile = store.users.profile(user);
    return {
      id: store.users.ids.at(user),
      type: 'User',
      alternateId: String(profile.login),
      displayName: String(profile.displayName ?? profile.login),
    };
  };
  const groupTarget = (group: number): LogTarget => ({
    id: store.groups.ids.at(group),
    type: 'UserGroup',
    alternateId: 'unknown',
    displayName: String(store.groups.build(group).profile.name),
  });
  const appTarget = (app: number): LogTarget => ({
    id: store.apps.ids.at(app),
    type: 'AppInstance',
    alternateId: store.apps.label(app),
    displayName: store.apps.label(app),
  });
  const isAppUser = (app: number, user: number): boolean => {
    const users = store.assignments.effectiveUsers(app).users;
    let low = 0;
    let high = users.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((users[middle] as number) < user) low = middle + 1;
      else high = middle;
    }
    return low < users.length && users[low] === user;
  };
  const appsOfGroup = (group: number): number[] => {
    const apps: number[] = [];
    for (let app = 0; app < store.apps.count; app++)
      if (store.assignments.groups[app]?.includes(group)) apps.push(app);
    return apps;
  };
  const appAccessChanged = (app: number, user: number, gained: boolean) => {
    const entry = { appId: store.apps.ids.at(app), userId: store.users.ids.at(user) };
    (gained ? summary.addedAppAssignments : summary.removedAppAssignments).push(entry);
    log.append({
      published: now,
      eventType: gained ? 'application.user_membership.add' : 'application.user_membership.remove',
      displayMessage: gained
        ? 'Add user to application membership'
        : 'Remove user from application membership',
      actorUser: admin,
      target: [{ ...userTarget(user), type: 'AppUser' }, appTarget(app), userTarget(user)],
    });
  };
  /** Runs a membership or assignment change and logs app access gained or lost because of it. */
  const trackAppAccess = (apps: number[], user: number, change: () => void) => {
    const before = apps.map((app) => isAppUser(app, user));
    change();
    apps.forEach((app, k) => {
      const after = isAppUser(app, user);
      if (after !== before[k]) appAccessChanged(app, user, after);
    });
  };
  const candidates = (count: number, accept: (user: number) => boolean, rng: Random): number[] => {
    const chosen = new Set<number>();
    const span = store.users.count - FIXTURE_USER_COUNT;
    for (let attempt = 0; chosen.size < count && attempt < count * 200 && span > 0; attempt++) {
      const user = FIXTURE_USER_COUNT + rng.int(span);
      if (!chosen.has(user) && store.users.exists(user) && accept(user)) chosen.add(user);
    }
    return [...chosen];
  };
  const editableGroups: number[] = [];
  for (let group = 0; group < store.groups.count; group++) {
    if (
      !PROTECTED_GROUPS.has(group) &&
      store.groups.exists(group) &&
      store.groups.type(group) === 'OKTA_GROUP'
    )
      editableGroups.push(group);
  }
  const editableApps: number[] = [];
  for (let app = 0; app < store.apps.count; app++) {
    if (!PROTECTED_APPS.has(app) && store.apps.status(app) === 'ACTIVE') editableApps.push(app);
  }
  const groupContext = {
    store,
    log,
    now,
    random,
    admin,
    editableGroups,
    editableApps,
    groupTarget,
    appTarget,
    appAccessChanged,
  };
  // First, so that no later change names a deleted group.
  summary.deletedGroups = deleteGroups(groupContext, wanted.deleteGroups);
  if (summary.deletedGroups.length > 0) {
    const kept = editableGroups.filter((group) => store.groups.exists(group));
    editableGroups.splice(0, editableGroups.length, ...kept);
  }
  const addMember = (group: number, user: number) => {
    trackAppAccess(appsOfGroup(group), user, () => {
      store.groups.setMembers(group, insertSorted(store.groups.members[group] as Uint32Array, user));
      store.groups.membershipUpdated.set(group, now);
    });
    summary.addedMemberships.push({ groupId: store.groups.ids.at(group), userId: store.users.ids.at(user) });
    log.append({
      published: now,
      eventType: 'group.user_membership.add',
      displayMessage: 'Add user to group membership',
      actorUser: admin,
      target: [userTarget(user), groupTarget(group)],
    });
  };

  // New users: created and activated now, members of Everyone and of one group.
  for (let k = 0; k < wanted.addUsers; k++) {
    const user = store.users.count;
    trackAppAccess(appsOfGroup(GroupFixture.everyone), user, () => {
      store.users.count++;
      store.users.override(user, {
        status: 'ACTIVE',
        created: now,
        activated: now,
        statusChanged: now,
        lastUpdated: now,
        passwordChanged: now,
        lastLogin: null,
      });
    });
    store.groups.membershipUpdated.set(GroupFixture.everyone, now);
    summary.addedUsers.push(store.users.ids.at(user));
    log.append({
      published: now,
      eventType: 'user.lifecycle.create',
      displayMessage: 'Create Okta user',
      actorUser: admin,
      target: [userTarget(user)],
    });
    log.append({
      published: now,
      eventType: 'user.lifecycle.activate',
      displayMessage: 'Activate Okta user',
      actorUser: admin,
      target: [userTarget(user)],
    });
    if (editableGroups.length > 0) addMember(random.pick(editableGroups), user);
  }

  for (const user of candidates(
    wanted.updateUsers,
    (u) => store.users.status(u) !== 'DEPROVISIONED',
    random,
  )) {
    const title = random.pick([
      'Staff Engineer',
      'Director, "Platform"',
      '=Principal',
      'Engineer\nII',
      '主任',
    ]);
    store.users.override(user, {
      lastUpdated: now,
      profile: {
        title,
        department: random.pick(['Engineering', 'Finance', 'Ventes']),
        seatNumber: random.int(9_999),
      },
    });
    summary.updatedUsers.push(store.users.ids.at(user));
    log.append({
      published: now,
      eventType: 'user.account.update_profile',
      displayMessage: 'Update user profile for Okta',
      actorUser: admin,
      target: [userTarget(user)],
    });
  }

  for (const user of candidates(wanted.deprovisionUsers, (u) => store.users.status(u) === 'ACTIVE', random)) {
    const apps: number[] = [];
    for (let app = 0; app < store.apps.count; app++) if (isAppUser(app, user)) apps.push(app);
    trackAppAccess(apps, user, () => {
      store.users.override(user, { status: 'DEPROVISIONED', statusChanged: now, lastUpdated: now });
    });
    summary.deprovisionedUsers.push(store.users.ids.at(user));
    log.append({
      published: now,
      eventType: 'user.lifecycle.deactivate',
      displayMessage: 'Deactivate Okta user',
      actorUser: admin,
      target: [userTarget(user)],
    });
  }

  // Activating a deactivated user again: group memberships and direct assignments were kept, so the
  // apps come back. https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserLifecycle/
  const reactivatable = (u: number) =>
    store.users.status(u) === 'DEPROVISIONED' && !summary.deprovisionedUsers.includes(store.users.ids.at(u));
  for (const user of candidates(wanted.reactivateUsers, reactivatable, random)) {
    const apps: number[] = [];
    for (let app = 0; app < store.apps.count; app++) apps.push(app);
    trackAppAccess(apps, user, () => {
      store.users.override(user, { status: 'ACTIVE', statusChanged: now, lastUpdated: now });
    });
    summary.reactivatedUsers.push(store.users.ids.at(user));
    log.append({
      published: now,
      eventType: 'user.lifecycle.reactivate',
      displayMessage: 'Reactivate Okta user',
      actorUser: admin,
      target: [userTarget(user)],
    });
  }

  // Okta deletes only deactivated users; the deprovisioned fixture goes first.
  const deletable = (u: number) =>
    store.users.status(u) === 'DEPROVISIONED' && !summary.deprovisionedUsers.includes(store.users.ids.at(u));
  const toDelete: number[] =
    store.users.exists(UserFixture.deprovisionedToDelete) && wanted.deleteUsers > 0
      ? [UserFixture.deprovisionedToDelete]
      : [];
  toDelete.push(...candidates(wanted.deleteUsers - toDelete.length, deletable, random));
  for (const user of toDelete) {
    const target = [userTarget(user)];
    store.users.deleted.add(user);
    store.invalidate();
    summary.deletedUsers.push(store.users.ids.at(user));
    log.append({
      published: now,
      eventType: 'user.lifecycle.delete.initiated',
      displayMessage: 'Delete Okta user',
      actorUser: admin,
      target,
    });
  }

  for (let k = 0; k < wanted.addMemberships && editableGroups.length > 0; k++) {
    const group = random.pick(editableGroups);
    const [user] = candidates(1, (u) => !store.groups.isMember(group, u), random);
    if (user !== undefined) addMember(group, user);
  }

  for (let k = 0; k < wanted.removeMemberships && editableGroups.length > 0; k++) {
    const group = random.pick(editableGroups);
    const members = (store.groups.members[group] as Uint32Array).filter(
      (u) => u >= FIXTURE_USER_COUNT && store.users.exists(u),
    );
    if (members.length === 0) continue;
    const user = members[random.int(members.length)] as number;
    trackAppAccess(appsOfGroup(group), user, () => {
      store.groups.setMembers(group, removeValue(store.groups.members[group] as Uint32Array, user));
      store.groups.membershipUpdated.set(group, now);
    });
    summary.removedMemberships.push({
      groupId: store.groups.ids.at(group),
      userId: store.users.ids.at(user),
    });
    log.append({
      published: now,
      eventType: 'group.user_membership.remove',
      displayMessage: 'Remove user from group membership',
      actorUser: admin,
      target: [userTarget(user), groupTarget(group)],
    });
  }

  for (let k = 0; k < wanted.addAppAssignments && editableApps.length > 0; k++) {
    const app = random.pick(editableApps);
    const [user] = candidates(
      1,
      (u) => store.users.status(u) !== 'DEPROVISIONED' && !isAppUser(app, u),
      random,
    );
    if (user === undefined) continue;
    trackAppAccess([app], user, () => {
      store.assignments.assignmentCreated.set(`${app}:${user}`, now);
      store.assignments.setDirect(app, insertSorted(store.assignments.direct[app] as Uint32Array, user));
    });
  }

  for (let k = 0; k < wanted.removeAppAssignments && editableApps.length > 0; k++) {
    const app = random.pick(editableApps);
    const effective = store.assignments.effectiveUsers(app);
    const directOnly: number[] = [];
    effective.users.forEach((user, position) => {
      if (effective.direct[position] === 1 && effective.viaGroup[position] === -1) directOnly.push(user);
    });
    if (directOnly.length === 0) continue;
    const user = directOnly[random.int(directOnly.length)] as number;
    trackAppAccess([app], user, () => {
      store.assignments.setDirect(app, removeValue(store.assignments.direct[app] as Uint32Array, user));
    });
  }

  for (let k = 0; k < wanted.appLifecycleChanges && editableApps.length > 0; k++) {
    const app = random.pick(editableApps);
    const status = store.apps.status(app) === 'ACTIVE' ? 'INACTIVE' : 'ACTIVE';
    store.apps.statusOverride.set(app, { status, lastUpdated: now });
    summary.appStatusChanges.push({ appId: store.apps.ids.at(app), status });
    log.append({
      published: now,
      eventType: status === 'ACTIVE' ? 'application.lifecycle.activate' : 'application.lifecycle.deactivate',
      displayMessage: status === 'ACTIVE' ? 'Activate application' : 'Deactivate application',
      actorUser: admin,
      target: [appTarget(app)],
    });
  }

  Object.assign(
    summary,
    applyGroupChanges(
      { ...groupContext, editableApps: editableApps.filter((app) => store.apps.status(app) === 'ACTIVE') },
      wanted,
    ),
  );

  const signIn = (user: number, app: number, failure: boolean) => {
    const { login } = store.users.identity(user);
    log.append({
      published: now,
      eventType: 'user.authentication.sso',
      displayMessage: 'User single sign on to app',
      actorUser: user,
      target: [
        { id: store.users.ids.at(user), type: 'AppUser', alternateId: login, displayName: login },
        { ...appTarget(app), detailEntry: { signOnModeType: store.apps.signOnMode(app) } },
      ],
      failure,
    });
  };
  const activeApps = editableApps.filter((app) => store.apps.status(app) === 'ACTIVE');
  for (let k = 0; k < wanted.signIns && activeApps.length > 0; k++) {
    const app = random.pick(activeApps);
    const users = store.assignments.effectiveUsers(app).users;
    if (users.length === 0) continue;
    const user = users[random.int(users.length)] as number;
    if (store.users.status(user) !== 'ACTIVE') continue;
    signIn(user, app, false);
    store.users.override(user, { lastLogin: now });
    summary.signInEvents++;
  }

  // Failed attempts: a full run does not count them, so neither may an incremental one.
  const unassigned = summary.removedAppAssignments.map(({ appId, userId }) => ({
    app: store.apps.indexOf(appId),
    user: store.users.ids.indexOf(userId, store.users.count),
  }));
  for (let k = 0; k < wanted.failedSignIns && activeApps.length > 0; k++) {
    let pair = k === 0 ? unassigned.find(({ app }) => store.apps.status(app) === 'ACTIVE') : undefined;
    if (k === 1 && toDelete.length > 0) pair = { app: random.pick(activeApps), user: toDelete[0] as number };
    if (!pair) {
      const app = random.pick(activeApps);
      const users = store.assignments.effectiveUsers(app).users;
      if (users.length === 0) continue;
      pair = { app, user: users[random.int(users.length)] as number };
    }
    signIn(pair.user, pair.app, true);
    summary.failedSignInEvents++;
  }

  summary.logEvents = log.count() - eventsBefore;
  return summary;
}
