import type { SampleOrgLog } from './log-events.js';
import type {
  SampleApp,
  SampleAppGroup,
  SampleAppUser,
  SampleDevice,
  SampleGroup,
  SampleLogEvent,
  SampleRole,
  SampleUser,
} from './okta-records.js';
import type { SampleOrgStore } from './sample-org-store.js';
import { AppFixture, GroupFixture, UserFixture } from './tricky-values.js';
import { buildUserSchema, type UserSchemaDocument } from './user-schema.js';

/** The ids of the fixture records (the tricky cases), by name; see tricky-values.ts for what each holds. */
export interface SampleOrgFixtureIds {
  users: Record<keyof typeof UserFixture, string>;
  groups: Record<keyof typeof GroupFixture, string>;
  apps: Record<keyof typeof AppFixture, string>;
}

/**
 * What a correct inventory of the sample org contains, read straight from the generator's state
 * (no HTTP, no paging, no filters), so it can catch bugs in both the server and the client.
 * Iterables, not arrays: `large` holds a million log events. Each call starts a fresh pass and
 * reflects every `mutate()` so far.
 */
export interface SampleOrgTruth {
  /** Every user, every status (DEPROVISIONED included), ordered by id; deleted users are gone. */
  users(): Iterable<SampleUser>;
  groups(): Iterable<SampleGroup>;
  /** Every membership, Everyone included, ordered by group then user id. */
  groupMembers(): Iterable<{ groupId: string; userId: string }>;
  apps(): Iterable<SampleApp>;
  /** App users as `/api/v1/apps/{id}/users` serves them, plus `appId`. */
  appUsers(): Iterable<SampleAppUser & { appId: string }>;
  appGroups(): Iterable<SampleAppGroup & { appId: string }>;
  /** One entry per user holding at least one role (USER or GROUP assignment). */
  adminRoles(): Iterable<{ userId: string; roles: SampleRole[] }>;
  /** Devices as `/api/v1/devices?expand=user` serves them (none for a Classic org). */
  devices(): Iterable<SampleDevice>;
  /** Every System Log event, oldest first. */
  logEvents(): Iterable<SampleLogEvent>;
  userSchema(): UserSchemaDocument;
  /** Ids of the tricky-case records (they depend on the seed). A deleted fixture keeps its id. */
  fixtures(): SampleOrgFixtureIds;
  /** How many records each of the above yields, computed from compact indexes (cheap even for `large`). */
  counts(): SampleOrgCounts;
}

/** Record counts of the truth; they change with `mutate()`. */
export interface SampleOrgCounts {
  /** Every status, DEPROVISIONED included; deleted users excluded. */
  users: number;
  deprovisionedUsers: number;
  groups: number;
  /** Memberships, Everyone included. */
  groupMemberships: number;
  apps: number;
  appUsers: number;
  appGroups: number;
  /** Users holding at least one admin role. */
  admins: number;
  devices: number;
  logEvents: number;
}

export function createTruth(store: SampleOrgStore, log: SampleOrgLog): SampleOrgTruth {
  return {
    *users() {
      for (let user = 0; user < store.userCount; user++) {
        if (!store.deletedUsers.has(user)) yield store.buildUser(user);
      }
    },
    *groups() {
      for (let group = 0; group < store.groupCount; group++) yield store.buildGroup(group);
    },
    *groupMembers() {
      for (let group = 0; group < store.groupCount; group++) {
        const groupId = store.groupIds.at(group);
        const list = store.membersOf(group);
        for (let position = 0; position < list.size; position++) {
          const user = list.at(position);
          if (!store.deletedUsers.has(user)) yield { groupId, userId: store.userIds.at(user) };
        }
      }
    },
    *apps() {
      for (let app = 0; app < store.appCount; app++) yield store.buildApp(app);
    },
    *appUsers() {
      for (let app = 0; app < store.appCount; app++) {
        const appId = store.appIds.at(app);
        const effective = store.effectiveAppUsers(app);
        for (let position = 0; position < effective.users.length; position++) {
          yield { ...store.buildAppUser(app, effective, position), appId };
        }
      }
    },
    *appGroups() {
      for (let app = 0; app < store.appCount; app++) {
        const appId = store.appIds.at(app);
        const groups = store.appGroups[app] ?? [];
        for (let priority = 0; priority < groups.length; priority++) {
          yield { ...store.buildAppGroup(app, groups[priority] as number, priority), appId };
        }
      }
    },
    *adminRoles() {
      for (const user of store.adminUsers())
        yield { userId: store.userIds.at(user), roles: store.userRoles(user) };
    },
    *devices() {
      if (store.pipeline !== 'idx') return;
      for (let device = 0; device < store.deviceCount; device++) yield store.buildDevice(device, true);
    },
    *logEvents() {
      for (let index = 0; index < log.count(); index++) yield log.event(index);
    },
    userSchema: () => buildUserSchema(store),
    fixtures() {
      const ids = <K extends string>(table: Record<K, number>, at: (index: number) => string) =>
        Object.fromEntries(Object.entries<number>(table).map(([name, index]) => [name, at(index)])) as Record<
          K,
          string
        >;
      return {
        users: ids(UserFixture, (index) => store.userIds.at(index)),
        groups: ids(GroupFixture, (index) => store.groupIds.at(index)),
        apps: ids(AppFixture, (index) => store.appIds.at(index)),
      };
    },
    counts() {
      let deprovisionedUsers = 0;
      for (let user = 0; user < store.userCount; user++) {
        if (store.userExists(user) && store.userStatus(user) === 'DEPROVISIONED') deprovisionedUsers++;
      }
      let groupMemberships = 0;
      for (let group = 0; group < store.groupCount; group++) groupMemberships += store.memberCount(group);
      let appUsers = 0;
      let appGroups = 0;
      for (let app = 0; app < store.appCount; app++) {
        appUsers += store.effectiveAppUsers(app).users.length;
        appGroups += store.appGroups[app]?.length ?? 0;
      }
      return {
        users: store.userCount - store.deletedUsers.size,
        deprovisionedUsers,
        groups: store.groupCount,
        groupMemberships,
        apps: store.appCount,
        appUsers,
        appGroups,
        admins: store.adminUsers().length,
        devices: store.pipeline === 'idx' ? store.deviceCount : 0,
        logEvents: log.count(),
      };
    },
  };
}
