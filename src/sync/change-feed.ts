import type { OktaLogEvent } from '../okta/resources.js';

/** What the System Log says changed since the last run, where Okta has no change filter. */
export class ChangeFeed {
  readonly deletedUsers = new Set<string>();
  readonly deletedGroups = new Set<string>();
  /** Groups whose members changed. */
  readonly membershipGroups = new Set<string>();
  /** Apps whose users and groups are read again in full: group assignments, settings, unknown app events. */
  readonly changedApps = new Set<string>();
  /** Users an app event names (assignment added, removed, changed, provisioned): their app rows are read again. */
  readonly appUsers = new Set<string>();
  /** Users whose group memberships changed, with the groups. */
  readonly membershipUsers = new Map<string, Set<string>>();

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
      for (const id of idsOf('User')) {
        const groups = this.membershipUsers.get(id) ?? new Set<string>();
        for (const groupId of idsOf('UserGroup')) groups.add(groupId);
        this.membershipUsers.set(id, groups);
      }
    } else if (type === 'application.lifecycle.activate' || type === 'application.lifecycle.deactivate') {
      // The app's status only, which the full app list reads; its assignments stay as they were.
    } else if (type.startsWith('application.') && idsOf('User').length > 0) {
      // An event about users of an app (application.user_membership.add|remove|change_username,
      // application.provision.user.*): those users' rows, not the app's whole roster.
      for (const id of idsOf('User')) this.appUsers.add(id);
    } else if (type.startsWith('application.') || type.startsWith('group.application_assignment.')) {
      for (const id of idsOf('AppInstance')) this.changedApps.add(id);
    } else {
      return false;
    }
    return true;
  }
}
