import type { OktaLogEvent } from '../okta/resources.js';

/** What the System Log says changed since the last run, where Okta has no change filter. */
export class ChangeFeed {
  readonly deletedUsers = new Set<string>();
  readonly deletedGroups = new Set<string>();
  /** Groups whose members changed. */
  readonly membershipGroups = new Set<string>();
  /** Apps whose assignments (users or groups) or lifecycle changed. */
  readonly changedApps = new Set<string>();

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
    } else if (type.startsWith('application.') || type.startsWith('group.application_assignment.')) {
      for (const id of idsOf('AppInstance')) this.changedApps.add(id);
    } else {
      return false;
    }
    return true;
  }
}
