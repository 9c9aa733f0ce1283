import type { SampleOrgLog } from './log-events.js';
import type { LogTarget } from './okta-records.js';
import { createRandom, hash, type Random } from './random.js';
import type { SampleOrgStore } from './sample-org-store.js';
import { AppFixture, FIXTURE_USER_COUNT, GroupFixture, UserFixture } from './tricky-values.js';

/** How many of each change one `mutate()` makes (fewer when the org has no candidates left). */
export interface ChangeSetOptions {
  /** Mixed into the change set's randomness; the same org, call number and seed give the same changes. @default 0 */
  seed?: number;
  /** New ACTIVE users, each added to Everyone and to one group. @default 3 */
  addUsers?: number;
  /** Profile updates (title, department, a custom attribute). @default 5 */
  updateUsers?: number;
  /** ACTIVE users deactivated: DEPROVISIONED, off every app. @default 2 */
  deprovisionUsers?: number;
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
  /** New `user.authentication.sso` events. @default 10 */
  signIns?: number;
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
export interface ChangeSetSummary {
  /** The server clock when the change set was applied (ISO 8601): every new timestamp equals it. */
  at: string;
  addedUsers: string[];
  updatedUsers: string[];
  deprovisionedUsers: string[];
  deletedUsers: string[];
  addedMemberships: MembershipChange[];
  removedMemberships: MembershipChange[];
  /** Direct assignments made or removed; also users who gained or lost an app through a group change. */
  addedAppAssignments: AssignmentChange[];
  removedAppAssignments: AssignmentChange[];
  appStatusChanges: { appId: string; status: 'ACTIVE' | 'INACTIVE' }[];
  signInEvents: number;
  /** System Log events appended, sign-ins included. */
  logEvents: number;
}

const DEFAULTS: Required<Omit<ChangeSetOptions, 'seed'>> = {
  addUsers: 3,
  updateUsers: 5,
  deprovisionUsers: 2,
  deleteUsers: 1,
  addMemberships: 4,
  removeMemberships: 2,
  addAppAssignments: 3,
  removeAppAssignments: 2,
  appLifecycleChanges: 1,
  signIns: 10,
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
  const summary: ChangeSetSummary = {
    at: new Date(now).toISOString(),
    addedUsers: [],
    updatedUsers: [],
    deprovisionedUsers: [],
    deletedUsers: [],
    addedMemberships: [],
    removedMemberships: [],
    addedAppAssignments: [],
    removedAppAssignments: [],
    appStatusChanges: [],
    signInEvents: 0,
    logEvents: 0,
  };
  const eventsBefore = log.count();
  const admin = UserFixture.admin;
  const userTarget = (user: number): LogTarget => {
    const profile = store.userProfile(user);
    return {
      id: store.userIds.at(user),
      type: 'User',
      alternateId: String(profile.login),
      displayName: String(profile.displayName ?? profile.login),
    };
  };
  const groupTarget = (group: number): LogTarget => ({
    id: store.groupIds.at(group),
    type: 'UserGroup',
    alternateId: 'unknown',
    displayName: String(store.buildGroup(group).profile.name),
  });
  const appTarget = (app: number): LogTarget => ({
    id: store.appIds.at(app),
    type: 'AppInstance',
    alternateId: store.appLabel(app),
    displayName: store.appLabel(app),
  });
  const isAppUser = (app: number, user: number): boolean => {
    const users = store.effectiveAppUsers(app).users;
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
    for (let app = 0; app < store.appCount; app++) if (store.appGroups[app]?.includes(group)) apps.push(app);
    return apps;
  };
  /** Runs a membership or assignment change and logs app access gained or lost because of it. */
  const trackAppAccess = (apps: number[], user: number, change: () => void) => {
    const before = apps.map((app) => isAppUser(app, user));
    change();
    apps.forEach((app, k) => {
      const after = isAppUser(app, user);
      if (after === before[k]) return;
      const entry = { appId: store.appIds.at(app), userId: store.userIds.at(user) };
      (after ? summary.addedAppAssignments : summary.removedAppAssignments).push(entry);
      log.append({
        published: now,
        eventType: after ? 'application.user_membership.add' : 'application.user_membership.remove',
        displayMessage: after
          ? 'Add user to application membership'
          : 'Remove user from application membership',
        actorUser: admin,
        target: [{ ...userTarget(user), type: 'AppUser' }, appTarget(app), userTarget(user)],
      });
    });
  };
  const candidates = (count: number, accept: (user: number) => boolean, rng: Random): number[] => {
    const chosen = new Set<number>();
    const span = store.userCount - FIXTURE_USER_COUNT;
    for (let attempt = 0; chosen.size < count && attempt < count * 200 && span > 0; attempt++) {
      const user = FIXTURE_USER_COUNT + rng.int(span);
      if (!chosen.has(user) && store.userExists(user) && accept(user)) chosen.add(user);
    }
    return [...chosen];
  };
  const editableGroups: number[] = [];
  for (let group = 0; group < store.groupCount; group++) {
    if (!PROTECTED_GROUPS.has(group) && store.groupType(group) === 'OKTA_GROUP') editableGroups.push(group);
  }
  const addMember = (group: number, user: number) => {
    trackAppAccess(appsOfGroup(group), user, () => {
      store.setGroupMembers(group, insertSorted(store.groupMembers[group] as Uint32Array, user));
      store.groupMembershipUpdated.set(group, now);
    });
    summary.addedMemberships.push({ groupId: store.groupIds.at(group), userId: store.userIds.at(user) });
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
    const user = store.userCount;
    trackAppAccess(appsOfGroup(GroupFixture.everyone), user, () => {
      store.userCount++;
      store.overrideUser(user, {
        status: 'ACTIVE',
        created: now,
        activated: now,
        statusChanged: now,
        lastUpdated: now,
        passwordChanged: now,
        lastLogin: null,
      });
    });
    store.groupMembershipUpdated.set(GroupFixture.everyone, now);
    summary.addedUsers.push(store.userIds.at(user));
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

  for (const user of candidates(wanted.updateUsers, (u) => store.userStatus(u) !== 'DEPROVISIONED', random)) {
    const title = random.pick([
      'Staff Engineer',
      'Director, "Platform"',
      '=Principal',
      'Engineer\nII',
      '主任',
    ]);
    store.overrideUser(user, {
      lastUpdated: now,
      profile: {
        title,
        department: random.pick(['Engineering', 'Finance', 'Ventes']),
        seatNumber: random.int(9_999),
      },
    });
    summary.updatedUsers.push(store.userIds.at(user));
    log.append({
      published: now,
      eventType: 'user.account.update_profile',
      displayMessage: 'Update user profile for Okta',
      actorUser: admin,
      target: [userTarget(user)],
    });
  }

  for (const user of candidates(wanted.deprovisionUsers, (u) => store.userStatus(u) === 'ACTIVE', random)) {
    const apps: number[] = [];
    for (let app = 0; app < store.appCount; app++) if (isAppUser(app, user)) apps.push(app);
    trackAppAccess(apps, user, () => {
      store.overrideUser(user, { status: 'DEPROVISIONED', statusChanged: now, lastUpdated: now });
    });
    summary.deprovisionedUsers.push(store.userIds.at(user));
    log.append({
      published: now,
      eventType: 'user.lifecycle.deactivate',
      displayMessage: 'Deactivate Okta user',
      actorUser: admin,
      target: [userTarget(user)],
    });
  }

  // Okta deletes only deactivated users; the deprovisioned fixture goes first.
  const deletable = (u: number) =>
    store.userStatus(u) === 'DEPROVISIONED' && !summary.deprovisionedUsers.includes(store.userIds.at(u));
  const toDelete: number[] =
    store.userExists(UserFixture.deprovisionedToDelete) && wanted.deleteUsers > 0
      ? [UserFixture.deprovisionedToDelete]
      : [];
  toDelete.push(...candidates(wanted.deleteUsers - toDelete.length, deletable, random));
  for (const user of toDelete) {
    const target = [userTarget(user)];
    store.deletedUsers.add(user);
    store.invalidate();
    summary.deletedUsers.push(store.userIds.at(user));
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
    const [user] = candidates(1, (u) => !store.isMember(group, u), random);
    if (user !== undefined) addMember(group, user);
  }

  for (let k = 0; k < wanted.removeMemberships && editableGroups.length > 0; k++) {
    const group = random.pick(editableGroups);
    const members = (store.groupMembers[group] as Uint32Array).filter(
      (u) => u >= FIXTURE_USER_COUNT && store.userExists(u),
    );
    if (members.length === 0) continue;
    const user = members[random.int(members.length)] as number;
    trackAppAccess(appsOfGroup(group), user, () => {
      store.setGroupMembers(group, removeValue(store.groupMembers[group] as Uint32Array, user));
      store.groupMembershipUpdated.set(group, now);
    });
    summary.removedMemberships.push({ groupId: store.groupIds.at(group), userId: store.userIds.at(user) });
    log.append({
      published: now,
      eventType: 'group.user_membership.remove',
      displayMessage: 'Remove user from group membership',
      actorUser: admin,
      target: [userTarget(user), groupTarget(group)],
    });
  }

  const editableApps: number[] = [];
  for (let app = 0; app < store.appCount; app++) {
    if (!PROTECTED_APPS.has(app) && store.appStatus(app) === 'ACTIVE') editableApps.push(app);
  }
  for (let k = 0; k < wanted.addAppAssignments && editableApps.length > 0; k++) {
    const app = random.pick(editableApps);
    const [user] = candidates(
      1,
      (u) => store.userStatus(u) !== 'DEPROVISIONED' && !isAppUser(app, u),
      random,
    );
    if (user === undefined) continue;
    trackAppAccess([app], user, () => {
      store.assignmentCreated.set(`${app}:${user}`, now);
      store.setAppDirect(app, insertSorted(store.appDirect[app] as Uint32Array, user));
    });
  }

  for (let k = 0; k < wanted.removeAppAssignments && editableApps.length > 0; k++) {
    const app = random.pick(editableApps);
    const effective = store.effectiveAppUsers(app);
    const directOnly: number[] = [];
    effective.users.forEach((user, position) => {
      if (effective.direct[position] === 1 && effective.viaGroup[position] === -1) directOnly.push(user);
    });
    if (directOnly.length === 0) continue;
    const user = directOnly[random.int(directOnly.length)] as number;
    trackAppAccess([app], user, () => {
      store.setAppDirect(app, removeValue(store.appDirect[app] as Uint32Array, user));
    });
  }

  for (let k = 0; k < wanted.appLifecycleChanges && editableApps.length > 0; k++) {
    const app = random.pick(editableApps);
    const status = store.appStatus(app) === 'ACTIVE' ? 'INACTIVE' : 'ACTIVE';
    store.appStatusOverride.set(app, { status, lastUpdated: now });
    summary.appStatusChanges.push({ appId: store.appIds.at(app), status });
    log.append({
      published: now,
      eventType: status === 'ACTIVE' ? 'application.lifecycle.activate' : 'application.lifecycle.deactivate',
      displayMessage: status === 'ACTIVE' ? 'Activate application' : 'Deactivate application',
      actorUser: admin,
      target: [appTarget(app)],
    });
  }

  const activeApps = editableApps.filter((app) => store.appStatus(app) === 'ACTIVE');
  for (let k = 0; k < wanted.signIns && activeApps.length > 0; k++) {
    const app = random.pick(activeApps);
    const users = store.effectiveAppUsers(app).users;
    if (users.length === 0) continue;
    const user = users[random.int(users.length)] as number;
    if (store.userStatus(user) !== 'ACTIVE') continue;
    const profile = store.userProfile(user);
    log.append({
      published: now,
      eventType: 'user.authentication.sso',
      displayMessage: 'User single sign on to app',
      actorUser: user,
      target: [
        {
          id: store.userIds.at(user),
          type: 'AppUser',
          alternateId: String(profile.login),
          displayName: String(profile.login),
        },
        { ...appTarget(app), detailEntry: { signOnModeType: store.signOnMode(app) } },
      ],
    });
    store.overrideUser(user, { lastLogin: now });
    summary.signInEvents++;
  }

  summary.logEvents = log.count() - eventsBefore;
  return summary;
}
