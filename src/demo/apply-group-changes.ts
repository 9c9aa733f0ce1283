import type { SampleOrgLog } from './log-events.js';
import type { LogTarget } from './okta-records.js';
import type { Random } from './random.js';
import type { SampleOrgStore } from './sample-org-store.js';

/** A group assigned to an app, or unassigned from it. */
export interface AppGroupChange {
  appId: string;
  groupId: string;
}

/** A standard admin role assigned to a group: every member holds it. */
export interface GroupRoleGrant {
  groupId: string;
  type: string;
}

/** What `applyGroupChanges` adds to the change set's summary. */
export interface GroupChangeSummary {
  addedAppGroups: AppGroupChange[];
  /** Unassigned from an app; a deleted group's assignments go with it (in `deletedGroups` only). */
  removedAppGroups: AppGroupChange[];
  groupRoleGrants: GroupRoleGrant[];
  /** Deleted with their memberships and app assignments (the users who lose an app by it are listed). */
  deletedGroups: string[];
}

export interface GroupChangeCounts {
  assignGroupsToApps: number;
  unassignGroupsFromApps: number;
  grantGroupRoles: number;
  deleteGroups: number;
}

/** What the change set shares with its group changes. */
export interface GroupChangeContext {
  store: SampleOrgStore;
  log: SampleOrgLog;
  now: number;
  random: Random;
  admin: number;
  /** OKTA_GROUP groups the change set may edit. */
  editableGroups: number[];
  /** ACTIVE apps the change set may edit; a group assigned to another app is never deleted. */
  editableApps: number[];
  groupTarget(group: number): LogTarget;
  appTarget(app: number): LogTarget;
  /** Records (summary and System Log) that a user gained or lost the app. */
  appAccessChanged(app: number, user: number, gained: boolean): void;
}

/** Role types a change set grants to a group (read-only ones, as an auditor group would get). */
const GRANTED_ROLE_TYPES = ['READ_ONLY_ADMIN', 'REPORT_ADMIN'] as const;

/** Sorted `a` minus sorted `b`. */
function minus(a: Uint32Array, b: Uint32Array): number[] {
  const out: number[] = [];
  let k = 0;
  for (const value of a) {
    while (k < b.length && (b[k] as number) < value) k++;
    if (k >= b.length || b[k] !== value) out.push(value);
  }
  return out;
}

/** Runs a change to the app's groups and records who gained or lost the app through it. */
function trackGroupAccess(context: GroupChangeContext, app: number, change: () => void): void {
  const { store, now } = context;
  const before = store.assignments.effectiveUsers(app).users;
  change();
  const after = store.assignments.effectiveUsers(app).users;
  for (const user of minus(after, before)) {
    store.assignments.assignmentCreated.set(`${app}:${user}`, now);
    context.appAccessChanged(app, user, true);
  }
  for (const user of minus(before, after)) context.appAccessChanged(app, user, false);
}

/**
 * Deletes groups (before the change set's other changes, so none of them names a deleted group):
 * OKTA_GROUP groups that hold no role and no assignment to an app outside `editableApps`. Okta
 * removes a deleted group's app assignments and memberships with it.
 */
export function deleteGroups(context: GroupChangeContext, count: number): string[] {
  const { store, log, now, random, admin, editableGroups } = context;
  const editableApps = new Set(context.editableApps);
  const deleted: string[] = [];
  const appsOf = (group: number) => {
    const apps: number[] = [];
    for (let app = 0; app < store.apps.count; app++)
      if (store.assignments.groups[app]?.includes(group)) apps.push(app);
    return apps;
  };
  for (let k = 0; k < count; k++) {
    const choices = editableGroups.filter(
      (group) =>
        store.groups.exists(group) &&
        !store.roles.groupHoldsRoles(group) &&
        appsOf(group).every((app) => editableApps.has(app)),
    );
    if (choices.length === 0) break;
    const group = random.pick(choices);
    log.append({
      published: now,
      eventType: 'group.lifecycle.delete',
      displayMessage: 'Delete Okta group',
      actorUser: admin,
      target: [context.groupTarget(group)],
    });
    for (const app of appsOf(group))
      trackGroupAccess(context, app, () => store.assignments.unassignGroup(app, group));
    store.groups.delete(group);
    deleted.push(store.groups.ids.at(group));
  }
  return deleted;
}

/**
 * Group-level changes of a change set, with the System Log events Okta writes for them: groups
 * assigned to apps (lowest priority) and unassigned (the lowest-priority one, so no priority
 * shifts), and a standard role granted to a small group.
 */
export function applyGroupChanges(
  context: GroupChangeContext,
  wanted: Omit<GroupChangeCounts, 'deleteGroups'>,
): Omit<GroupChangeSummary, 'deletedGroups'> {
  const { store, log, now, random, admin, editableApps } = context;
  const editableGroups = context.editableGroups.filter((group) => store.groups.exists(group));
  const editable = new Set(editableGroups);
  const summary: Omit<GroupChangeSummary, 'deletedGroups'> = {
    addedAppGroups: [],
    removedAppGroups: [],
    groupRoleGrants: [],
  };
  const added = new Set<string>();

  for (let k = 0; k < wanted.assignGroupsToApps && editableApps.length > 0; k++) {
    const app = random.pick(editableApps);
    const assigned = store.assignments.groups[app] ?? [];
    const choices = editableGroups.filter(
      (group) => !assigned.includes(group) && store.groups.memberCount(group) > 0,
    );
    if (choices.length === 0) continue;
    const group = random.pick(choices);
    const entry = { appId: store.apps.ids.at(app), groupId: store.groups.ids.at(group) };
    log.append({
      published: now,
      eventType: 'group.application_assignment.add',
      displayMessage: 'Add assigned application to group',
      actorUser: admin,
      target: [context.groupTarget(group), context.appTarget(app)],
    });
    trackGroupAccess(context, app, () => store.assignments.assignGroup(app, group, now));
    summary.addedAppGroups.push(entry);
    added.add(`${app}:${group}`);
  }

  for (let k = 0; k < wanted.unassignGroupsFromApps; k++) {
    const lastGroup = (app: number) => store.assignments.groups[app]?.at(-1);
    const choices = editableApps.filter((app) => {
      const group = lastGroup(app);
      return group !== undefined && editable.has(group) && !added.has(`${app}:${group}`);
    });
    if (choices.length === 0) break;
    const app = random.pick(choices);
    const group = lastGroup(app) as number;
    log.append({
      published: now,
      eventType: 'group.application_assignment.remove',
      displayMessage: 'Remove assigned application from group',
      actorUser: admin,
      target: [context.groupTarget(group), context.appTarget(app)],
    });
    trackGroupAccess(context, app, () => store.assignments.unassignGroup(app, group));
    summary.removedAppGroups.push({ appId: store.apps.ids.at(app), groupId: store.groups.ids.at(group) });
  }

  const largest = Math.max(20, Math.ceil(store.users.count * 0.01));
  for (let k = 0; k < wanted.grantGroupRoles; k++) {
    const choices = editableGroups.filter((group) => {
      const members = store.groups.memberCount(group);
      return !store.roles.groupHoldsRoles(group) && members > 0 && members <= largest;
    });
    if (choices.length === 0) break;
    const group = random.pick(choices);
    const type = random.pick(GRANTED_ROLE_TYPES);
    store.roles.grantToGroup(group, type, now);
    summary.groupRoleGrants.push({ groupId: store.groups.ids.at(group), type });
    log.append({
      published: now,
      eventType: 'group.privilege.grant',
      displayMessage: 'Grant group privilege',
      actorUser: admin,
      target: [context.groupTarget(group)],
    });
  }
  return summary;
}
