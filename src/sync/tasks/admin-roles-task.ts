import { adminRoleRow } from '../../inventory/entities.js';
import { PermissionError } from '../../okta/errors.js';
import {
  listGroupMemberIds,
  listGroups,
  listGroupsChangedSince,
  listRoleAssigneeUserIds,
  listUserRoles,
  type OktaRoleAssignment,
} from '../../okta/resources.js';
import type { ChangeFeed } from '../change-feed.js';
import type { CollectContext } from '../collect-context.js';
import { firstSeen } from '../first-seen.js';
import { IdTable } from '../id-table.js';
import { parseBaseLine } from '../incremental-base.js';
import { runPool } from '../run-pool.js';
import { unlessDeleted } from '../unless-deleted.js';
import type { GroupRolesHandoff } from './group-roles-handoff.js';

type Row = Record<string, unknown>;

/**
 * Admin roles, held directly or through a group. Okta does not promise that the IAM assignee list
 * names users who hold a role only through a group, so the two are read apart: roles assigned to
 * users from the assignee list and each one's roles (its GROUP entries left to the second part),
 * and roles assigned to groups from every group's roles, given to each member of a group that has
 * any. A row is one (user, role assignment): written once, whichever part meets it first.
 * Cost: the assignee pages and one request per admin (/api/v1/users/{id}); the group pages, one
 * request per group and the member pages of the groups holding roles (/api/v1/groups).
 * Incremental: roles assigned to users are read in full as above (no change filter, and not the
 * binding bucket); roles held through groups are the last run's rows, except for the groups the
 * System Log names with a role granted or revoked (`group.privilege.*`) or a membership changed
 * (`group.user_membership.*`), and those whose `lastUpdated` or `lastMembershipUpdated` moved: their
 * roles and members are read again. Deleted users and groups
 * lose their rows. Any `iam.*` event (roles, resource sets, bindings changed) reads every group's
 * roles again, as a full run does.
 */
export function adminRolesTask(
  context: CollectContext,
  handoff: GroupRolesHandoff,
  feed: ChangeFeed,
): Promise<void> {
  const { client, fanOut, incremental } = context;
  return context.entityTask(['admin_roles'], async () => {
    const writer = context.open('admin_roles');
    const written = new IdTable();
    const writeRoles = (userId: string, assignments: OktaRoleAssignment[], groupId: string | null) =>
      writer.writeMany(
        firstSeen(written, assignments, (assignment) => `${userId} ${assignment.id}`).map((assignment) =>
          adminRoleRow(userId, assignment, groupId),
        ),
      );
    handoff.writeGroupRoles = (userIds, roles, groupId) =>
      writer.writeMany(
        userIds.flatMap((userId) =>
          firstSeen(written, roles, (role) => `${userId} ${role.id}`).map((role) =>
            adminRoleRow(userId, role, groupId),
          ),
        ),
      );
    const assignedToUsers = runPool(
      listRoleAssigneeUserIds(client, context.label('admin_roles')),
      fanOut,
      async (userId) => {
        await unlessDeleted(async () => {
          const assignments = await listUserRoles(client, userId, context.label('admin_roles'));
          const direct = assignments.filter((assignment) => assignment.assignmentType !== 'GROUP');
          await writeRoles(userId, direct, null);
        });
      },
    );
    let groupsRefused: PermissionError | undefined;
    /** Writes the roles of each group for its members, as Okta lists them now. */
    const readGroupsRoles = async (groupIds: readonly string[]) => {
      await runPool(groupIds, fanOut, async (groupId) => {
        const roles = await handoff.rolesOfGroup(groupId);
        if (roles.length === 0) return;
        await unlessDeleted(async () => {
          const seen = new IdTable();
          for await (const userIds of listGroupMemberIds(client, groupId, context.label('admin_roles')))
            await handoff.writeGroupRoles?.(
              firstSeen(seen, userIds, (userId) => userId),
              roles,
              groupId,
            );
        });
      });
    };
    const assignedToGroups = (async () => {
      if (incremental && !feed.allGroupRoles) {
        // The groups whose members may have changed: the groups task's (both signals), or, when it
        // does not run, the same `lastUpdated`/`lastMembershipUpdated` filter read here.
        let changedGroups: ReadonlySet<string>;
        try {
          changedGroups = handoff.groupsListed
            ? await handoff.changedGroups.promise
            : await groupsChangedSince(context, incremental.changedSince);
        } catch (error) {
          if (!(error instanceof PermissionError)) throw error;
          groupsRefused = error;
          return;
        }
        const reread = new Set(
          [...feed.privilegeGroups, ...feed.membershipGroups, ...changedGroups].filter(
            (id) => !feed.deletedGroups.has(id),
          ),
        );
        // After the roles assigned to users, as a full run mostly writes them: a night without
        // changes then gives the same file, byte for byte.
        await Promise.allSettled([assignedToUsers]);
        for await (const lines of incremental.lines('admin_roles')) {
          const kept: Row[] = [];
          for (const line of lines) {
            const row = parseBaseLine('admin_roles.ndjson', line);
            const groupId = row.groupId;
            // Roles assigned to users are read again above; those of groups read again come anew.
            if (typeof groupId !== 'string' || reread.has(groupId) || feed.deletedGroups.has(groupId))
              continue;
            if (feed.deletedUsers.has(String(row.userId))) continue;
            kept.push(row);
          }
          await writer.writeMany(
            firstSeen(written, kept, (row) => `${String(row.userId)} ${String(row.roleAssignmentId)}`),
          );
        }
        await readGroupsRoles([...reread]);
        return;
      }
      let groupIds: string[] = [];
      try {
        if (handoff.fullGroupListing) groupIds = await handoff.groupIdList.promise;
        else {
          const seen = new IdTable();
          for await (const groups of listGroups(client, context.label('admin_roles')))
            for (const group of firstSeen(seen, groups, (entry) => entry.id)) groupIds.push(group.id);
        }
      } catch (error) {
        if (!(error instanceof PermissionError)) throw error;
        groupsRefused = error;
        return;
      }
      await runPool(groupIds, fanOut, (groupId) => handoff.rolesOfGroup(groupId).then(() => undefined));
      // group_members read every group's members and handed those of role-holding groups over.
      if (handoff.membersShared && (await handoff.sharedMembersRead.promise)) return;
      await readGroupsRoles(groupIds);
    })();
    const [users, groups] = await Promise.allSettled([assignedToUsers, assignedToGroups]);
    for (const outcome of [users, groups]) if (outcome.status === 'rejected') throw outcome.reason;
    if (groupsRefused) {
      // Without the groups, the roles held through them are unknown: no file rather than half of one.
      context.skipForbidden('admin_roles', groupsRefused, 'groups');
      await writer.writer.abort();
      return [];
    }
    return [writer];
  });
}

/** The ids of the groups whose `lastUpdated` or `lastMembershipUpdated` moved since `since`. */
async function groupsChangedSince(context: CollectContext, since: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const groups of listGroupsChangedSince(context.client, since, context.label('admin_roles')))
    for (const group of groups) ids.add(group.id);
  return ids;
}
