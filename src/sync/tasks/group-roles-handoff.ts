import { NotFoundError } from '../../okta/errors.js';
import { listGroupRoles, type OktaRoleAssignment } from '../../okta/resources.js';
import type { CollectContext } from '../collect-context.js';
import { settleLater } from '../settle-later.js';

type WriteGroupRoles = (
  userIds: readonly string[],
  roles: OktaRoleAssignment[],
  groupId: string,
) => Promise<void>;

/**
 * What the groups task hands the admin-roles task. Roles held by groups reach every member
 * (admin_roles). A full run that reads every group's members anyway hands them to admin_roles rather
 * than reading them twice, and shares the group list: no URL is requested twice for the two entities.
 */
export class GroupRolesHandoff {
  /** A full run lists the groups once, in the groups task. */
  readonly fullGroupListing: boolean;
  /** group_members hands the members of role-holding groups to admin_roles. */
  readonly membersShared: boolean;
  /** The group ids the groups task listed (full runs). */
  readonly groupIdList = settleLater<string[]>();
  /**
   * Incremental runs: the groups the groups task reads members of again (their `lastUpdated` or
   * `lastMembershipUpdated` moved, or the System Log names a membership), for admin roles to read
   * those groups' roles again too. Settled only when the groups task runs (`groupsListed`).
   */
  readonly changedGroups = settleLater<ReadonlySet<string>>();
  /** Whether the groups task runs (groups or group_members selected) and so settles `changedGroups`. */
  readonly groupsListed: boolean;
  /** Whether group_members read every group's members (and so handed them all over). */
  readonly sharedMembersRead = settleLater<boolean>();
  /** Set by the admin-roles task: writes a group's roles for its members. */
  writeGroupRoles: WriteGroupRoles | undefined;
  readonly #roleRequests = new Map<string, Promise<OktaRoleAssignment[]>>();
  readonly #context: CollectContext;

  constructor(context: CollectContext) {
    this.#context = context;
    this.fullGroupListing =
      !context.incremental && (context.wanted('groups') || context.wanted('group_members'));
    this.groupsListed = context.wanted('groups') || context.wanted('group_members');
    this.membersShared =
      this.fullGroupListing && context.wanted('group_members') && context.wanted('admin_roles');
  }

  /** A group's roles, read once however many ask. A group deleted since it was listed has none. */
  rolesOfGroup(groupId: string): Promise<OktaRoleAssignment[]> {
    let request = this.#roleRequests.get(groupId);
    if (!request) {
      request = listGroupRoles(this.#context.client, groupId, this.#context.label('admin_roles')).catch(
        (error: unknown) => {
          if (error instanceof NotFoundError) return [];
          throw error;
        },
      );
      this.#roleRequests.set(groupId, request);
    }
    return request;
  }

  /** Members met by group_members, handed to admin_roles when their group holds roles. */
  async shareMembers(groupId: string, userIds: readonly string[]): Promise<void> {
    if (!this.membersShared || userIds.length === 0) return;
    // A refusal is admin_roles' to report (it reads the same request): group_members goes on.
    const roles = await this.rolesOfGroup(groupId).catch(() => []);
    if (roles.length > 0) await this.writeGroupRoles?.(userIds, roles, groupId);
  }
}
