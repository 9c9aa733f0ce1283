import type { OktaLogEvent } from '../okta/resources.js';

/** An app event that names a user but no app: every row of the user's may have changed. */
export const ALL_APPS = 'all';

/** The key of an (app, user) pair. */
export const pairKey = (appId: string, userId: string): string => `${appId} ${userId}`;

/** What the System Log says changed since the last run, where Okta has no change filter. */
export class ChangeFeed {
  readonly deletedUsers = new Set<string>();
  readonly deletedGroups = new Set<string>();
  /** Groups whose members changed. */
  readonly membershipGroups = new Set<string>();
  /** Apps whose users and groups are read again in full: settings, unknown app events. */
  readonly changedApps = new Set<string>();
  /** Groups assigned to or unassigned from an app (`group.application_assignment.*`), by app. */
  readonly groupAssignments = new Map<string, Set<string>>();
  /**
   * Users an app event names (assignment added, removed, changed, provisioned), with the apps the
   * event names: those rows are read again. ALL_APPS when an event names the user but no app.
   */
  readonly appUsers = new Map<string, Set<string> | typeof ALL_APPS>();
  /**
   * (app, user) pairs, as `pairKey`, whose every event was a successful
   * `application.user_membership.remove`: the app user was removed and nothing put it back.
   */
  readonly removedOnly = new Set<string>();
  /** Pairs some other event named (an add, a username change, a failed removal, provisioning). */
  readonly #touchedPairs = new Set<string>();
  /** (group, user) pairs whose every event was a successful `group.user_membership.remove`. */
  readonly membershipRemovedOnly = new Set<string>();
  readonly #membershipPairs = new Set<string>();

  /** Groups granted or revoked an admin role (`group.privilege.grant|revoke`): their roles are read again. */
  readonly privilegeGroups = new Set<string>();
  /**
   * Whether roles themselves may have changed (any `iam.*` event: custom roles, their permissions,
   * resource sets and their bindings), or a privilege event named no group: then every group's roles
   * are read again.
   */
  allGroupRoles = false;

  /** Users whose group memberships changed, with the groups. */
  readonly membershipUsers = new Map<string, Set<string>>();

  /** Files a pair as removed-only, or as touched for good once any other event names it. */
  #file(touched: Set<string>, removedOnly: Set<string>, pair: string, removal: boolean): void {
    if (removal && !touched.has(pair)) removedOnly.add(pair);
    else {
      touched.add(pair);
      removedOnly.delete(pair);
    }
  }

  /** Files one event; returns whether it was a change event (sign-ins are not). */
  add(event: OktaLogEvent): boolean {
    const targets = event.target ?? [];
    const idsOf = (type: string) =>
      targets.filter((target) => target.type === type && target.id).map((target) => target.id as string);
    const type = event.eventType;
    if (type === 'user.lifecycle.delete.initiated') {
      for (const id of idsOf('User')) this.deletedUsers.add(id);
    } else if (type === 'group.lifecycle.delete') {
      for (const id of idsOf('UserGroup')) this.deletedGroups.add(id);
    } else if (type.startsWith('group.user_membership.')) {
      for (const id of idsOf('UserGroup')) this.membershipGroups.add(id);
      const removal =
        type === 'group.user_membership.remove' && (event.outcome?.result ?? 'SUCCESS') === 'SUCCESS';
      for (const id of idsOf('User')) {
        const groups = this.membershipUsers.get(id) ?? new Set<string>();
        for (const groupId of idsOf('UserGroup')) {
          groups.add(groupId);
          this.#file(this.#membershipPairs, this.membershipRemovedOnly, pairKey(groupId, id), removal);
        }
        this.membershipUsers.set(id, groups);
      }
    } else if (type.startsWith('group.privilege.')) {
      const groups = idsOf('UserGroup');
      if (groups.length === 0) this.allGroupRoles = true;
      for (const id of groups) this.privilegeGroups.add(id);
    } else if (type.startsWith('iam.')) {
      this.allGroupRoles = true;
    } else if (type === 'application.lifecycle.activate' || type === 'application.lifecycle.deactivate') {
      // The app's status only, which the full app list reads; its assignments stay as they were.
    } else if (type.startsWith('application.') && idsOf('User').length > 0) {
      // An event about users of an app (application.user_membership.add|remove|change_username,
      // application.provision.user.*): those users' rows, not the app's whole roster.
      const apps = idsOf('AppInstance');
      const removal =
        type === 'application.user_membership.remove' && (event.outcome?.result ?? 'SUCCESS') === 'SUCCESS';
      for (const userId of idsOf('User')) {
        const named = this.appUsers.get(userId) ?? new Set<string>();
        if (apps.length === 0 || named === ALL_APPS) {
          this.appUsers.set(userId, ALL_APPS);
          continue;
        }
        for (const appId of apps) {
          named.add(appId);
          this.#file(this.#touchedPairs, this.removedOnly, pairKey(appId, userId), removal);
        }
        this.appUsers.set(userId, named);
      }
    } else if (type.startsWith('group.application_assignment.') && idsOf('UserGroup').length > 0) {
      // A group assigned to an app, unassigned, or its assignment (priority, profile) changed: the
      // members' rows in that app, and the app's groups.
      for (const appId of idsOf('AppInstance')) {
        const groups = this.groupAssignments.get(appId) ?? new Set<string>();
        for (const groupId of idsOf('UserGroup')) groups.add(groupId);
        this.groupAssignments.set(appId, groups);
      }
    } else if (type.startsWith('application.') || type.startsWith('group.application_assignment.')) {
      for (const id of idsOf('AppInstance')) this.changedApps.add(id);
    } else {
      return false;
    }
    return true;
  }
}
