import type { AppTable } from './app-table.js';
import type { OpenedSnapshot } from './open-snapshot.js';
import { readEntityRows, writtenEntity } from './read-entity-rows.js';
import type { UserTable } from './user-table.js';
import { GrowableUint32, numberOf, objectOf, ownString, ownTextOf, textOf } from './values.js';

/**
 * Which of an app's assigned groups a user belongs to: app_groups × group_members, for the
 * `groups` column ("through which groups").
 *
 * Holds: the ids and names of the groups assigned to at least one app (app_groups; a few thousand at
 * most), each app's groups in priority order, and the memberships of those groups only, as a
 * compressed user → groups index (two Uint32Arrays: 4 bytes per membership plus 4 per user). Members
 * of groups no app is assigned to are never kept.
 */
export class GroupAccess {
  readonly #groupIndex = new Map<string, number>();
  readonly #groupIds: string[] = [];
  readonly #groupNames: (string | null)[] = [];
  /** Group indexes of each app, by app index, in priority order. */
  readonly #appGroups: number[][] = [];
  #offsets = new Uint32Array(1);
  #members = new Uint32Array(0);

  /** Group names of the app's groups that the user is a member of, in the app's priority order. */
  groupsGranting(user: number, app: number): string[] {
    const groups = this.#appGroups[app];
    if (!groups || user + 1 >= this.#offsets.length) return [];
    const start = this.#offsets[user]!;
    const end = this.#offsets[user + 1]!;
    if (start === end) return [];
    const names: string[] = [];
    for (const group of groups) {
      if (this.#isMember(start, end, group)) names.push(this.#groupNames[group] ?? this.#groupIds[group]!);
    }
    return names;
  }

  /** Binary search in the user's sorted group list. */
  #isMember(start: number, end: number, group: number): boolean {
    let low = start;
    let high = end - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = this.#members[middle]!;
      if (value === group) return true;
      if (value < group) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }

  static async load(snapshot: OpenedSnapshot, users: UserTable, apps: AppTable): Promise<GroupAccess> {
    const access = new GroupAccess();
    const assigned: { app: number; group: number; priority: number }[] = [];
    for await (const row of readEntityRows(snapshot, 'app_groups')) {
      const appId = textOf(row.appId);
      const groupId = textOf(row.groupId);
      const app = appId === null ? undefined : apps.indexOf(appId);
      if (app === undefined || groupId === null) continue;
      let group = access.#groupIndex.get(groupId);
      if (group === undefined) {
        group = access.#groupIds.length;
        const own = ownString(groupId);
        access.#groupIndex.set(own, group);
        access.#groupIds.push(own);
        access.#groupNames.push(null);
      }
      assigned.push({ app, group, priority: numberOf(row.priority) ?? Number.MAX_SAFE_INTEGER });
    }
    assigned.sort((a, b) => a.priority - b.priority);
    for (const { app, group } of assigned) {
      const list = access.#appGroups[app] ?? [];
      if (!list.includes(group)) list.push(group);
      access.#appGroups[app] = list;
    }
    if (access.#groupIds.length === 0) return access;

    for await (const row of readEntityRows(snapshot, 'groups')) {
      const id = textOf(row.id);
      const group = id === null ? undefined : access.#groupIndex.get(id);
      if (group !== undefined) access.#groupNames[group] = ownTextOf(objectOf(row.profile)?.name);
    }

    // Memberships of assigned groups, as (user, group) pairs, then a counting sort into offsets.
    const members = writtenEntity(snapshot, 'group_members')?.count ?? 1024;
    const pairUsers = new GrowableUint32(members);
    const pairGroups = new GrowableUint32(members);
    for await (const row of readEntityRows(snapshot, 'group_members')) {
      const groupId = textOf(row.groupId);
      const group = groupId === null ? undefined : access.#groupIndex.get(groupId);
      if (group === undefined) continue;
      const userId = textOf(row.userId);
      const user = userId === null ? undefined : users.indexOf(userId);
      if (user === undefined) continue;
      pairUsers.push(user);
      pairGroups.push(group);
    }
    const userCount = users.size;
    const offsets = new Uint32Array(userCount + 1);
    for (let i = 0; i < pairUsers.length; i++) offsets[pairUsers.at(i) + 1]! += 1;
    for (let user = 0; user < userCount; user++) offsets[user + 1]! += offsets[user]!;
    const byUser = new Uint32Array(pairUsers.length);
    const fill = offsets.slice(0, userCount);
    for (let i = 0; i < pairUsers.length; i++) byUser[fill[pairUsers.at(i)]!++] = pairGroups.at(i);
    for (let user = 0; user < userCount; user++) byUser.subarray(offsets[user], offsets[user + 1]).sort();
    access.#offsets = offsets;
    access.#members = byUser;
    return access;
  }
}
