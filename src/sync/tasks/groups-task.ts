import { groupRow } from '../../inventory/entities.js';
import { NotFoundError } from '../../okta/errors.js';
import { listGroupMemberIds, listGroups, listGroupsChangedSince } from '../../okta/resources.js';
import type { ChangeFeed } from '../change-feed.js';
import type { CollectContext } from '../collect-context.js';
import { firstSeen } from '../first-seen.js';
import { IdTable } from '../id-table.js';
import { idsOfLine } from '../leading-ids.js';
import { pageRepeats } from '../page-repeats.js';
import { runPool } from '../run-pool.js';
import type { GroupRolesHandoff } from './group-roles-handoff.js';

type Row = Record<string, unknown>;

/**
 * groups and group_members. Incremental: groups from their `lastUpdated` filter merged into the last
 * run's, and the members of the groups that changed (or whose membership the System Log names) read
 * again; the other members are the last run's rows.
 */
export function groupsTask(
  context: CollectContext,
  feed: ChangeFeed,
  handoff: GroupRolesHandoff,
): Promise<void> {
  const { client, incremental } = context;
  return context.entityTask(
    ['groups', 'group_members'],
    async () => {
      const groupsWriter = context.wanted('groups') ? context.open('groups') : undefined;
      const membersWriter = context.wanted('group_members') ? context.open('group_members') : undefined;
      /** Groups whose members are (re)read now: all of them, or those that changed. */
      const memberGroups: string[] = [];
      if (incremental) {
        const changed = new Map<string, Row>();
        try {
          for await (const groups of listGroupsChangedSince(
            client,
            incremental.changedSince,
            context.label('groups'),
          )) {
            // A map by id: a group listed twice is kept once.
            for (const group of groups) changed.set(group.id, groupRow(group));
          }
        } catch (error) {
          handoff.changedGroups.reject(error);
          throw error;
        }
        const gone = feed.deletedGroups;
        const reread = new Set([...changed.keys(), ...feed.membershipGroups].filter((id) => !gone.has(id)));
        handoff.changedGroups.resolve(reread);
        memberGroups.push(...reread);
        if (groupsWriter) {
          for await (const lines of incremental.lines('groups')) {
            const merged: string[] = [];
            for (const line of lines) {
              const [id] = idsOfLine(line, ['id']) as [string];
              if (gone.has(id)) continue;
              const now = changed.get(id);
              merged.push(now ? JSON.stringify(now) : line);
              changed.delete(id);
            }
            await groupsWriter.writeJsonLines(merged);
          }
          await groupsWriter.writeMany([...changed.values()]);
        }
        if (membersWriter) {
          const keep = (line: string) => {
            const [groupId, userId] = idsOfLine(line, ['groupId', 'userId']) as [string, string];
            return !reread.has(groupId) && !gone.has(groupId) && !feed.deletedUsers.has(userId);
          };
          for await (const lines of incremental.lines('group_members'))
            await membersWriter.writeJsonLines(lines.filter(keep));
        }
      } else {
        const seen = new IdTable();
        try {
          for await (const page of listGroups(client, context.label('groups'))) {
            const groups = firstSeen(seen, page, (group) => group.id);
            for (const group of groups) memberGroups.push(group.id);
            await groupsWriter?.writeMany(groups.map(groupRow));
          }
        } catch (error) {
          handoff.groupIdList.reject(error);
          throw error;
        }
        handoff.groupIdList.resolve(memberGroups);
      }
      const members = await context
        .dependentPart(membersWriter, async (writer) => {
          await runPool(memberGroups, context.fanOut, async (groupId) => {
            try {
              const unrepeated = pageRepeats((userId: string) => userId);
              for await (const userIds of listGroupMemberIds(
                client,
                groupId,
                context.label('group_members'),
              )) {
                const fresh = unrepeated(userIds);
                await writer.writeMany(fresh.map((userId) => ({ groupId, userId })));
                await handoff.shareMembers(groupId, fresh);
              }
            } catch (error) {
              // A group deleted since it was listed has no members to read.
              if (!(error instanceof NotFoundError)) throw error;
            }
          });
          handoff.sharedMembersRead.resolve(true);
        })
        .finally(() => handoff.sharedMembersRead.resolve(false));
      return [groupsWriter, members];
    },
    'groups',
  );
}
