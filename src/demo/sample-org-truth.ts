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
  /** Every group; deleted groups are gone. */
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
      for (let user = 0; user < store.users.count; user++) {
        if (!store.users.deleted.has(user)) yield store.users.build(user);
      }
    },
    *groups() {
      for (let group = 0; group < store.groups.count; group++)
        if (!store.groups.deleted.has(group)) yield store.groups.build(group);
    },
    *groupMembers() {
      for (let group = 0; group < store.groups.count; group++) {
        const groupId = store.groups.ids.at(group);
        const list = store.groups.membersOf(group);
        for (let position = 0; position < list.size; position++) {
          const user = list.at(position);
          if (!store.users.deleted.has(user)) yield { groupId, userId: store.users.ids.at(user) };
        }
      }
    },
    *apps() {
      for (let app = 0; app < store.apps.count; app++) yield store.apps.build(app);
    },
    *appUsers() {
      for (let app = 0; app < store.apps.count; app++) {
        const appId = store.apps.ids.at(app);
        const effective = store.assignments.effectiveUsers(app);
        for (let position = 0; position < effective.users.length; position++) {
          yield { ...store.assignments.buildAppUser(app, effective, position), appId };
        }
      }
    },
    *appGroups() {
      for (let app = 0; app < store.apps.count; app++) {
        const appId = store.apps.ids.at(app);
        const groups = store.assignments.groups[app] ?? [];
        for (let priority = 0; priority < groups.length; priority++) {
          yield { ...store.assignments.buildAppGroup(app, groups[priority] as number, priority), appId };
        }
      }
    },
    *adminRoles() {
      for (const user of store.roles.adminUsers())
        yield { userId: store.users.ids.at(user), roles: store.roles.ofUser(user) };
    },
    *devices() {
      if (store.pipeline !== 'idx') return;
      for (let device = 0; device < store.devices.count; device++) yield store.devices.build(device, true);
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
        users: ids(UserFixture, (index) => store.users.ids.at(index)),
        groups: ids(GroupFixture, (index) => store.groups.ids.at(index)),
        apps: ids(AppFixture, (index) => store.apps.ids.at(index)),
      };
    },
    counts() {
      let deprovisionedUsers = 0;
      for (let user = 0; user < store.users.count; user++) {
        if (store.users.exists(user) && store.users.status(user) === 'DEPROVISIONED') deprovisionedUsers++;
      }
      let groupMemberships = 0;
      for (let group = 0; group < store.groups.count; group++)
        groupMemberships += store.groups.memberCount(group);
      let appUsers = 0;
      let appGroups = 0;
      for (let app = 0; app < store.apps.count; app++) {
        appUsers += store.assignments.effectiveUsers(app).users.length;
        appGroups += store.assignments.groups[app]?.length ?? 0;
      }
      return {
        users: store.users.count - store.users.deleted.size,
        deprovisionedUsers,
        groups: store.groups.count - store.groups.deleted.size,
        groupMemberships,
        apps: store.apps.count,
        appUsers,
        appGroups,
        admins: store.roles.adminUsers().length,
        devices: store.pipeline === 'idx' ? store.devices.count : 0,
        logEvents: log.count(),
      };
    },
  };
}
