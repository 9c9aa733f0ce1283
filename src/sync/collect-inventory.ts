import type { ColumnPlan } from '../formats/column-plan.js';
import type { EntityFileResult, EntityWriter } from '../formats/entity-writer.js';
import {
  adminRoleRow,
  appGroupRow,
  appRow,
  appUserRow,
  columnPlanFor,
  deviceRow,
  type EntityName,
  groupRow,
  userRow,
  userSchemaRows,
} from '../inventory/entities.js';
import type { OktaClient } from '../okta/client.js';
import { NotFoundError, type OktaError, PermissionError } from '../okta/errors.js';
import {
  CHANGE_FILTER,
  getUserProfileSchema,
  listAppGroups,
  listApps,
  listAppUsers,
  listAppUsersOfUser,
  listDeprovisionedUsers,
  listDevices,
  listGroupMemberIds,
  listGroupRoles,
  listGroups,
  listGroupsChangedSince,
  listRoleAssigneeUserIds,
  listUserRoles,
  listUsers,
  listUsersUpdatedSince,
  type OktaAppWithAppUser,
  type OktaLogEvent,
  type OktaRoleAssignment,
  pollLogEvents,
  USAGE_AND_CHANGE_FILTER,
} from '../okta/resources.js';
import { AppUsageAggregator, signInOf } from './app-usage.js';
import {
  type AppUserRefreshPlan,
  keepsAppUserRow,
  MAX_CHANGED_USERS,
  planAppUserRefresh,
} from './app-user-refresh.js';
import { ChangeFeed } from './change-feed.js';
import { isSkippableFailure, OPTIONAL_ENTITIES, skippedBecause } from './entity-failure.js';
import { IdTable } from './id-table.js';
import { runPool } from './run-pool.js';

type Row = Record<string, unknown>;

/** Why an entity has no file in the snapshot. */
export interface SkippedEntity {
  entity: EntityName;
  reason: string;
  /** True when the data exists but could not be read (the run is then partial). */
  partial: boolean;
}

export interface CollectProgress {
  entity: EntityName;
  count: number;
  state: 'running' | 'done' | 'skipped';
}

/** The previous complete run, for an incremental run. */
export interface IncrementalBase {
  /** The rows of an entity as the previous complete run wrote them (`usage_events`: its sign-ins), in batches. */
  rows(name: EntityName | 'usage_events'): AsyncIterable<Row[]>;
  /** Server time (ISO) from which changes are read; the caller has already subtracted an overlap. */
  changedSince: string;
  /** The System Log `next` URL the previous run ended on. */
  logCheckpoint: string;
}

export interface CollectOptions {
  client: OktaClient;
  entities: ReadonlySet<EntityName>;
  /** Opens a writer for an entity's file inside the snapshot being written. */
  openWriter: (entity: EntityName, columns: ColumnPlan) => EntityWriter;
  /** Opens a writer for the sign-in events kept for the next incremental run. */
  openUsageEventsWriter?: () => EntityWriter;
  /** Present for an incremental run: what the previous run wrote, and where to read changes from. */
  incremental?: IncrementalBase | undefined;
  /** The moment usage windows end (ms); defaults to now. */
  now?: number;
  /** How many group-member or app-user listings run side by side. */
  fanOut?: number;
  /** Okta pipeline from /.well-known/okta-organization: devices exist only on Identity Engine (`idx`). */
  pipeline?: string | undefined;
  onProgress?: (progress: CollectProgress) => void;
}

export interface CollectResult {
  files: EntityFileResult[];
  skipped: SkippedEntity[];
  /** What the person should know, each tied to the entity it is about. */
  warnings: EntityWarning[];
  /** Where the next incremental run resumes the System Log; undefined when it was not read. */
  logCheckpoint: string | undefined;
}

export interface EntityWarning {
  entity: EntityName;
  message: string;
}

/** Admin roles that grant read access, named in warnings when Okta answers 403. */
const ROLE_HINT: Record<EntityName, string> = {
  users: 'Read-Only Administrator (or okta.users.read)',
  user_schema: 'Read-Only Administrator (or okta.schemas.read)',
  groups: 'Read-Only Administrator (or okta.groups.read)',
  group_members: 'Read-Only Administrator (or okta.groups.read)',
  apps: 'Read-Only Administrator (or okta.apps.read)',
  app_users: 'Read-Only Administrator (or okta.apps.read)',
  app_groups: 'Read-Only Administrator (or okta.apps.read)',
  admin_roles: 'Read-Only Administrator (or okta.roles.read)',
  devices: 'Read-Only Administrator (or okta.devices.read)',
  app_usage: 'Read-Only Administrator or Report Administrator (or okta.logs.read)',
};

const DAY_MS = 86_400_000;

/**
 * The core of the inventory: a 403 on these fails the run (exit 5, as test-connection says). The
 * others (schema, admin roles, devices, sign-in usage) are skipped with a warning: a partial run.
 */
const REQUIRED_ENTITIES: ReadonlySet<EntityName> = new Set([
  'users',
  'groups',
  'group_members',
  'apps',
  'app_users',
  'app_groups',
]);

/** A writer that several concurrent producers can share: writes are queued in call order. */
class SharedWriter {
  #tail: Promise<void> = Promise.resolve();
  count = 0;
  constructor(
    readonly entity: EntityName,
    readonly writer: EntityWriter,
    readonly onWrite: (entity: EntityName, count: number) => void,
  ) {}

  write(row: Row): Promise<void> {
    return this.writeMany([row]);
  }

  /** Writes a page of rows as one batch. */
  writeMany(rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return this.#tail;
    this.count += rows.length;
    const count = this.count;
    this.#tail = this.#tail.then(async () => {
      await this.writer.writeMany(rows);
      this.onWrite(this.entity, count);
    });
    return this.#tail;
  }
}

const idOf = (row: Row, key = 'id') => String(row[key]);

/**
 * The records not seen before, remembering them. Okta's lists are eventually consistent: while a list
 * changes, a record can come twice (in one page or across pages); a snapshot holds it once.
 */
function firstSeen<T>(seen: IdTable, records: readonly T[], keyOf: (record: T) => string): T[] {
  return records.filter((record) => {
    const before = seen.size;
    seen.add(keyOf(record));
    return seen.size > before;
  });
}

/**
 * Reads something listed a moment ago (a group's members, an app's users): if it was deleted since,
 * Okta answers 404 and there is simply nothing to read. A long run on a big org meets this.
 */
async function unlessDeleted(read: () => Promise<void>): Promise<void> {
  try {
    await read();
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
}

/**
 * Drops records repeated within a page or from the page before: what a cursor list can repeat, as
 * Okta pages by id (`after` = the last id), so a record already passed cannot come back later. Holds
 * two pages of ids, not the list: an app's or a group's members can be the whole org.
 */
function pageRepeats<T>(keyOf: (record: T) => string): (page: readonly T[]) => T[] {
  let previous = new Set<string>();
  return (page) => {
    const current = new Set<string>();
    const fresh = page.filter((record) => {
      const key = keyOf(record);
      if (previous.has(key) || current.has(key)) return false;
      current.add(key);
      return true;
    });
    previous = current;
    return fresh;
  };
}

/** A promise settled from outside, once (later calls are ignored). */
function settleLater<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  // Nobody may be waiting (admin roles not selected): a rejection must not go unhandled.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/**
 * Reads every selected entity from Okta and streams it into the snapshot's writers. Entities run
 * side by side so the run is bound by the slowest rate-limit bucket, not by the sum of them; the
 * client's scheduler keeps every bucket within its share.
 *
 * Incremental: the System Log (from the last checkpoint) names deletions and changed apps, groups
 * come from their `lastUpdated` filter, users from a full list (cheap, and `lastLogin` has no
 * filter), and every other entity is the previous run's rows with the changes applied, so the
 * result equals what a full run reads at this moment while reading far less of the binding bucket.
 */
export async function collectInventory(options: CollectOptions): Promise<CollectResult> {
  const { client, entities, incremental } = options;
  const fanOut = options.fanOut ?? 4;
  const now = options.now ?? Date.now();
  const files: EntityFileResult[] = [];
  const skipped: SkippedEntity[] = [];
  const warnings: EntityWarning[] = [];
  let logCheckpoint: string | undefined;
  const progress = (entity: EntityName, count: number, state: CollectProgress['state'] = 'running') =>
    options.onProgress?.({ entity, count, state });
  const wanted = (entity: EntityName) => entities.has(entity);
  const label = (entity: EntityName) => ({ label: entity });

  const opened: SharedWriter[] = [];
  const open = (entity: EntityName, userProfileAttributes: readonly string[] = []) => {
    const shared = new SharedWriter(
      entity,
      options.openWriter(entity, columnPlanFor(entity, userProfileAttributes)),
      (name, count) => progress(name, count),
    );
    opened.push(shared);
    progress(entity, 0);
    return shared;
  };

  /**
   * Skips an entity Okta refused (a partial run), or fails the run for a core one. `parent` is the
   * entity whose list was refused when that is not the entity itself: group members are read through
   * the groups list, app users and app groups through the apps list, group-held admin roles through
   * the groups list.
   */
  const skipForbidden = (entity: EntityName, error: PermissionError, parent: EntityName = entity) => {
    if (skipped.some((entry) => entry.entity === entity)) return;
    const code = error.errorCode ? ` ${error.errorCode}` : '';
    // An OAuth token without the scope: Okta names it in WWW-Authenticate (403, empty body).
    const scope = error.challenge?.error === 'insufficient_scope' ? error.challenge.scope : undefined;
    const refused =
      parent === entity
        ? `Okta refused to list ${entity.replaceAll('_', ' ')}`
        : `${entity.replaceAll('_', ' ')} not read: Okta refused to list ${parent.replaceAll('_', ' ')}, which ${entity.replaceAll('_', ' ')} are read through`;
    const reason = scope
      ? `${refused} (403 insufficient_scope): the access token lacks the scope ${scope}; grant it to the app (Admin Console > Applications > the app > Okta API Scopes).`
      : `${refused} (403${code}): the token's admin needs ${ROLE_HINT[parent]}.`;
    if (REQUIRED_ENTITIES.has(entity)) {
      // Without users, groups, apps and assignments there is no inventory worth a snapshot.
      throw new PermissionError(reason, {
        status: error.status,
        errorCode: error.errorCode,
        requestId: error.requestId,
        request: error.request,
        hint: 'okta-connector test-connection lists every permission sync needs.',
      });
    }
    skipped.push({ entity, reason, partial: true });
    warnings.push({ entity, message: reason });
    progress(entity, 0, 'skipped');
  };

  /**
   * Runs one entity's task; a 403 skips the entity (partial run) instead of failing the sync. With a
   * `parent`, a 403 that reaches here came from the parent's list, which the other entities depend on.
   */
  const entityTask = async (
    names: EntityName[],
    task: () => Promise<(SharedWriter | undefined)[]>,
    parent?: EntityName,
  ) => {
    const selected = names.filter(wanted);
    if (selected.length === 0) return;
    try {
      for (const shared of await task()) {
        if (!shared) continue;
        files.push(await shared.writer.close());
        progress(shared.entity, shared.count, 'done');
      }
    } catch (error) {
      if (error instanceof PermissionError) {
        for (const entity of selected) skipForbidden(entity, error, parent ?? entity);
      } else if (isSkippableFailure(error) && selected.every((entity) => OPTIONAL_ENTITIES.has(entity))) {
        for (const entity of selected) skipFailed(entity, error);
      } else throw error;
    }
  };

  /** Skips an optional entity Okta failed for another reason than a 403 (a 404, a refused link, …). */
  const skipFailed = (entity: EntityName, error: OktaError) => {
    if (skipped.some((entry) => entry.entity === entity)) return;
    const reason = skippedBecause(entity, error);
    skipped.push({ entity, reason, partial: true });
    warnings.push({ entity, message: reason });
    progress(entity, 0, 'skipped');
  };

  /** The part of a task that fills one dependent entity; a 403 there skips that entity alone. */
  const dependentPart = async (
    shared: SharedWriter | undefined,
    part: (writer: SharedWriter) => Promise<void>,
  ) => {
    if (!shared) return undefined;
    try {
      await part(shared);
      return shared;
    } catch (error) {
      if (!(error instanceof PermissionError)) throw error;
      skipForbidden(shared.entity, error);
      await shared.writer.abort();
      return undefined;
    }
  };

  // --- System Log: app usage, and for incremental runs the change feed ------------------------
  const feed = new ChangeFeed();
  // Released once app_usage is written: the rest of the run must not carry it.
  let aggregator: AppUsageAggregator | undefined = new AppUsageAggregator(now);
  const usageEvents = options.openUsageEventsWriter?.();
  type SignIn = { userId: string; appId: string; at: number };
  /** Counts the sign-ins of the last 90 days and keeps them for the next incremental run. */
  const keepSignIns = async (signIns: SignIn[]) => {
    const counting = aggregator;
    if (!counting) return;
    const kept = signIns.filter((signIn) => counting.addSignIn(signIn));
    await usageEvents?.writeMany(
      kept.map((signIn) => ({
        userId: signIn.userId,
        appId: signIn.appId,
        at: new Date(signIn.at).toISOString(),
      })),
    );
  };
  /** Reads the System Log once: sign-ins feed app_usage; change events feed the incremental merge. */
  const readSystemLog = async (): Promise<void> => {
    if (incremental) {
      // Changes are read from the previous run's start (less the overlap), not from its checkpoint:
      // the previous run read the log side by side with everything else, so an event it saw after
      // listing an app was never applied to that app. The feed is sets of ids: overlap is harmless.
      const since = { since: incremental.changedSince, filter: CHANGE_FILTER };
      for await (const page of pollLogEvents(client, since, label('app_usage'))) {
        for (const event of page.items as OktaLogEvent[]) feed.add(event);
      }
      for await (const rows of incremental.rows('usage_events')) {
        await keepSignIns(
          rows.map((row) => ({
            userId: String(row.userId),
            appId: String(row.appId),
            at: Date.parse(String(row.at)),
          })),
        );
      }
    }
    const from = incremental
      ? { checkpoint: incremental.logCheckpoint }
      : { since: new Date(now - 90 * DAY_MS).toISOString(), filter: USAGE_AND_CHANGE_FILTER };
    let events = 0;
    for await (const page of pollLogEvents(client, from, label('app_usage'))) {
      const signIns: SignIn[] = [];
      for (const event of page.items as OktaLogEvent[]) {
        if (feed.add(event)) continue;
        const signIn = signInOf(event);
        if (signIn) signIns.push(signIn);
      }
      await keepSignIns(signIns);
      logCheckpoint = page.nextUrl;
      events += page.items.length;
      if (events > 0) progress('app_usage', aggregator?.size ?? 0);
    }
  };
  const usageTask = () =>
    entityTask(['app_usage'], async () => {
      const writer = open('app_usage');
      const counted = aggregator;
      aggregator = undefined;
      let batch: Row[] = [];
      for (const row of counted?.rows() ?? []) {
        batch.push({ ...row });
        if (batch.length === 1000) {
          await writer.writeMany(batch);
          batch = [];
        }
      }
      await writer.writeMany(batch);
      return [writer];
    });

  if (incremental) {
    // The change feed must be known before any entity is merged.
    try {
      await readSystemLog();
    } catch (error) {
      if (!(error instanceof PermissionError)) throw error;
      throw new PermissionError(
        'An incremental sync needs the System Log, which this token may not read. Run a full sync (--full).',
        {
          status: error.status,
          errorCode: error.errorCode,
          requestId: error.requestId,
          request: error.request,
        },
      );
    }
  }

  // --- users and their schema --------------------------------------------------------------
  // Users are listed in full in every run: sign-ins move `lastLogin` without moving `lastUpdated`,
  // so a `lastUpdated` filter would miss them, and the users list is not the binding rate limit.
  // The filter still names the users whose status or profile changed, which moves app assignments.
  // Held only up to MAX_CHANGED_USERS (past that, every app's users are read again).
  // Without app_users (app_groups alone) no user's rows are written: no one needs to be read again.
  let changedUsers: Map<string, Row> | undefined = incremental ? new Map() : undefined;
  if (incremental && wanted('app_users')) {
    changedUsers = new Map();
    for await (const users of listUsersUpdatedSince(client, incremental.changedSince, label('users'))) {
      for (const user of users)
        if (changedUsers && changedUsers.size <= MAX_CHANGED_USERS) changedUsers.set(user.id, userRow(user));
      if (changedUsers.size > MAX_CHANGED_USERS) changedUsers = undefined;
      if (!changedUsers) break;
    }
  }

  const usersTask = () =>
    entityTask(['users', 'user_schema'], async () => {
      let attributes: string[] = [];
      let schemaWriter: SharedWriter | undefined;
      try {
        const rows = userSchemaRows(await getUserProfileSchema(client, label('user_schema')));
        attributes = rows.map((row) => String(row.name));
        if (wanted('user_schema')) {
          schemaWriter = open('user_schema');
          for (const row of rows) await schemaWriter.write(row);
        }
      } catch (error) {
        if (!isSkippableFailure(error) || !wanted('users')) throw error;
        // Without the schema, users still export; their CSV columns come from the data alone.
        const scope =
          error instanceof PermissionError && error.challenge?.error === 'insufficient_scope'
            ? error.challenge.scope
            : undefined;
        const reason =
          error instanceof PermissionError
            ? `Okta refused to read the user schema (403${scope ? `: the access token lacks the scope ${scope}` : ''}): profile columns follow the data instead.`
            : `user schema not read, profile columns follow the data instead: ${error.message.replace(/\.$/, '')}.`;
        schemaWriter = undefined;
        if (wanted('user_schema')) skipped.push({ entity: 'user_schema', reason, partial: true });
        warnings.push({ entity: wanted('user_schema') ? 'user_schema' : 'users', message: reason });
      }
      if (!wanted('users')) return [schemaWriter];
      const usersWriter = open('users', attributes);
      // A plain list omits DEPROVISIONED users; a second, filtered pass adds them. A user
      // deprovisioned between the two passes is written once, as the first pass saw it.
      const seen = new IdTable();
      for await (const users of listUsers(client, label('users'))) {
        await usersWriter.writeMany(firstSeen(seen, users, (user) => user.id).map(userRow));
      }
      for await (const users of listDeprovisionedUsers(client, label('users'))) {
        await usersWriter.writeMany(firstSeen(seen, users, (user) => user.id).map(userRow));
      }
      return [schemaWriter, usersWriter];
    });

  // --- groups and members ----------------------------------------------------------------
  // Roles held by groups reach every member (admin_roles). A full run that reads every group's
  // members anyway hands them to admin_roles rather than reading them twice, and shares the group
  // list: no URL is requested twice for the two entities.
  const fullGroupListing = !incremental && (wanted('groups') || wanted('group_members'));
  const membersShared = fullGroupListing && wanted('group_members') && wanted('admin_roles');
  const groupIdList = settleLater<string[]>();
  const sharedMembersRead = settleLater<boolean>();
  const roleRequests = new Map<string, Promise<OktaRoleAssignment[]>>();
  /** A group's roles, read once however many ask. A group deleted since it was listed has none. */
  const rolesOfGroup = (groupId: string): Promise<OktaRoleAssignment[]> => {
    let request = roleRequests.get(groupId);
    if (!request) {
      request = listGroupRoles(client, groupId, label('admin_roles')).catch((error: unknown) => {
        if (error instanceof NotFoundError) return [];
        throw error;
      });
      roleRequests.set(groupId, request);
    }
    return request;
  };
  let writeGroupRoles:
    | ((userIds: readonly string[], roles: OktaRoleAssignment[], groupId: string) => Promise<void>)
    | undefined;
  /** Members met by group_members, handed to admin_roles when their group holds roles. */
  const shareMembers = async (groupId: string, userIds: readonly string[]) => {
    if (!membersShared || userIds.length === 0) return;
    // A refusal is admin_roles' to report (it reads the same request): group_members goes on.
    const roles = await rolesOfGroup(groupId).catch(() => []);
    if (roles.length > 0) await writeGroupRoles?.(userIds, roles, groupId);
  };

  const groupsTask = () =>
    entityTask(
      ['groups', 'group_members'],
      async () => {
        const groupsWriter = wanted('groups') ? open('groups') : undefined;
        const membersWriter = wanted('group_members') ? open('group_members') : undefined;
        /** Groups whose members are (re)read now: all of them, or those that changed. */
        const memberGroups: string[] = [];
        if (incremental) {
          const changed = new Map<string, Row>();
          for await (const groups of listGroupsChangedSince(
            client,
            incremental.changedSince,
            label('groups'),
          )) {
            // A map by id: a group listed twice is kept once.
            for (const group of groups) changed.set(group.id, groupRow(group));
          }
          const gone = feed.deletedGroups;
          const reread = new Set([...changed.keys(), ...feed.membershipGroups].filter((id) => !gone.has(id)));
          memberGroups.push(...reread);
          if (groupsWriter) {
            for await (const rows of incremental.rows('groups')) {
              const merged: Row[] = [];
              for (const row of rows) {
                const id = idOf(row);
                if (gone.has(id)) continue;
                merged.push(changed.get(id) ?? row);
                changed.delete(id);
              }
              await groupsWriter.writeMany(merged);
            }
            await groupsWriter.writeMany([...changed.values()]);
          }
          if (membersWriter) {
            const keep = (row: Row) => {
              const groupId = idOf(row, 'groupId');
              return (
                !reread.has(groupId) && !gone.has(groupId) && !feed.deletedUsers.has(idOf(row, 'userId'))
              );
            };
            for await (const rows of incremental.rows('group_members'))
              await membersWriter.writeMany(rows.filter(keep));
          }
        } else {
          const seen = new IdTable();
          try {
            for await (const page of listGroups(client, label('groups'))) {
              const groups = firstSeen(seen, page, (group) => group.id);
              for (const group of groups) memberGroups.push(group.id);
              await groupsWriter?.writeMany(groups.map(groupRow));
            }
          } catch (error) {
            groupIdList.reject(error);
            throw error;
          }
          groupIdList.resolve(memberGroups);
        }
        const members = await dependentPart(membersWriter, async (writer) => {
          await runPool(memberGroups, fanOut, async (groupId) => {
            try {
              const unrepeated = pageRepeats((userId: string) => userId);
              for await (const userIds of listGroupMemberIds(client, groupId, label('group_members'))) {
                const fresh = unrepeated(userIds);
                await writer.writeMany(fresh.map((userId) => ({ groupId, userId })));
                await shareMembers(groupId, fresh);
              }
            } catch (error) {
              // A group deleted since it was listed has no members to read.
              if (!(error instanceof NotFoundError)) throw error;
            }
          });
          sharedMembersRead.resolve(true);
        }).finally(() => sharedMembersRead.resolve(false));
        return [groupsWriter, members];
      },
      'groups',
    );

  // --- apps and their assignments ------------------------------------------------------------
  const appsTask = () =>
    entityTask(
      ['apps', 'app_users', 'app_groups'],
      async () => {
        const appsWriter = wanted('apps') ? open('apps') : undefined;
        const appUsersWriter = wanted('app_users') ? open('app_users') : undefined;
        const appGroupsWriter = wanted('app_groups') ? open('app_groups') : undefined;
        // Apps have no change filter; the list is short, so it is read in full every time.
        const appIds: string[] = [];
        /** What the refresh plan needs of each app: its id and username template. */
        const appTemplates: Row[] = [];
        const seenApps = new IdTable();
        for await (const page of listApps(client, label('apps'))) {
          const apps = firstSeen(seenApps, page, (app) => app.id);
          for (const app of apps) {
            appIds.push(app.id);
            if (incremental) appTemplates.push({ id: app.id, credentials: app.credentials });
          }
          await appsWriter?.writeMany(apps.map(appRow));
        }
        /** Apps whose groups are (re)read now, and apps whose users are: all of them, or those that changed. */
        let reread = appIds;
        let listed = appIds;
        let plan: AppUserRefreshPlan | undefined;
        if (incremental) {
          plan = await planAppUserRefresh({
            client,
            base: incremental,
            feed,
            apps: appTemplates,
            changedUsers,
            fanOut,
            label: 'app_users',
          });
          const { rereadApps, listedApps } = plan;
          reread = appIds.filter((id) => rereadApps.has(id));
          listed = appIds.filter((id) => listedApps.has(id));
        }
        const rereadSet = new Set(reread);
        const listedSet = new Set(listed);
        const currentSet = new Set(appIds);
        /** A previous app-group row stays when its app still exists and is not read again. */
        const keep = (row: Row) => !rereadSet.has(idOf(row, 'appId')) && currentSet.has(idOf(row, 'appId'));

        const appUsers = await dependentPart(appUsersWriter, async (writer) => {
          if (incremental && plan) {
            const kept = plan;
            for await (const rows of incremental.rows('app_users'))
              await writer.writeMany(rows.filter((row) => keepsAppUserRow(kept, currentSet, row)));
          }
          await runPool(listed, fanOut, async (appId) => {
            await unlessDeleted(async () => {
              const unrepeated = pageRepeats((appUser: { id: string }) => appUser.id);
              for await (const page of listAppUsers(client, appId, label('app_users'))) {
                const appUsers = unrepeated(page);
                await writer.writeMany(appUsers.map((appUser) => appUserRow(appId, appUser)));
              }
            });
          });
          // A refreshed user's rows in the apps not listed in full: one request per 200 of their apps.
          await runPool(plan?.refreshUsers ?? [], fanOut, async (userId) => {
            await unlessDeleted(async () => {
              const unrepeated = pageRepeats((app: OktaAppWithAppUser) => app.id);
              for await (const page of listAppUsersOfUser(client, userId, label('app_users'))) {
                const apps = unrepeated(page).filter(
                  (app) => currentSet.has(app.id) && !listedSet.has(app.id),
                );
                await writer.writeMany(apps.map((app) => appUserRow(app.id, app._embedded.user)));
              }
            });
          });
        });
        const appGroups = await dependentPart(appGroupsWriter, async (writer) => {
          if (incremental)
            for await (const rows of incremental.rows('app_groups'))
              await writer.writeMany(rows.filter(keep));
          await runPool(reread, fanOut, async (appId) => {
            await unlessDeleted(async () => {
              const seen = new IdTable();
              for await (const page of listAppGroups(client, appId, label('app_groups'))) {
                const appGroups = firstSeen(seen, page, (appGroup) => appGroup.id);
                await writer.writeMany(appGroups.map((appGroup) => appGroupRow(appId, appGroup)));
              }
            });
          });
        });
        return [appsWriter, appUsers, appGroups];
      },
      'apps',
    );

  // --- admin roles and devices: no change filter worth trusting, read in full ----------------
  /**
   * Admin roles, held directly or through a group. Okta does not promise that the IAM assignee list
   * names users who hold a role only through a group, so the two are read apart: roles assigned to
   * users from the assignee list and each one's roles (its GROUP entries left to the second part),
   * and roles assigned to groups from every group's roles, given to each member of a group that has
   * any. A row is one (user, role assignment): written once, whichever part meets it first.
   * Cost: the assignee pages and one request per admin (/api/v1/users/{id}); the group pages, one
   * request per group and the member pages of the groups holding roles (/api/v1/groups).
   */
  const adminRolesTask = () =>
    entityTask(['admin_roles'], async () => {
      const writer = open('admin_roles');
      const written = new IdTable();
      const writeRoles = (userId: string, assignments: OktaRoleAssignment[], groupId: string | null) =>
        writer.writeMany(
          firstSeen(written, assignments, (assignment) => `${userId} ${assignment.id}`).map((assignment) =>
            adminRoleRow(userId, assignment, groupId),
          ),
        );
      writeGroupRoles = (userIds, roles, groupId) =>
        writer.writeMany(
          userIds.flatMap((userId) =>
            firstSeen(written, roles, (role) => `${userId} ${role.id}`).map((role) =>
              adminRoleRow(userId, role, groupId),
            ),
          ),
        );
      const assignedToUsers = runPool(
        listRoleAssigneeUserIds(client, label('admin_roles')),
        fanOut,
        async (userId) => {
          await unlessDeleted(async () => {
            const assignments = await listUserRoles(client, userId, label('admin_roles'));
            const direct = assignments.filter((assignment) => assignment.assignmentType !== 'GROUP');
            await writeRoles(userId, direct, null);
          });
        },
      );
      let groupsRefused: PermissionError | undefined;
      const assignedToGroups = (async () => {
        let groupIds: string[] = [];
        try {
          if (fullGroupListing) groupIds = await groupIdList.promise;
          else {
            const seen = new IdTable();
            for await (const groups of listGroups(client, label('admin_roles')))
              for (const group of firstSeen(seen, groups, (entry) => entry.id)) groupIds.push(group.id);
          }
        } catch (error) {
          if (!(error instanceof PermissionError)) throw error;
          groupsRefused = error;
          return;
        }
        await runPool(groupIds, fanOut, (groupId) => rolesOfGroup(groupId).then(() => undefined));
        // group_members read every group's members and handed those of role-holding groups over.
        if (membersShared && (await sharedMembersRead.promise)) return;
        await runPool(groupIds, fanOut, async (groupId) => {
          const roles = await rolesOfGroup(groupId);
          if (roles.length === 0) return;
          await unlessDeleted(async () => {
            const seen = new IdTable();
            for await (const userIds of listGroupMemberIds(client, groupId, label('admin_roles')))
              await writeGroupRoles?.(
                firstSeen(seen, userIds, (userId) => userId),
                roles,
                groupId,
              );
          });
        });
      })();
      const [users, groups] = await Promise.allSettled([assignedToUsers, assignedToGroups]);
      for (const outcome of [users, groups]) if (outcome.status === 'rejected') throw outcome.reason;
      if (groupsRefused) {
        // Without the groups, the roles held through them are unknown: no file rather than half of one.
        skipForbidden('admin_roles', groupsRefused, 'groups');
        await writer.writer.abort();
        return [];
      }
      return [writer];
    });

  const devicesTask = async () => {
    if (!wanted('devices')) return;
    if (options.pipeline === 'v1') {
      skipped.push({
        entity: 'devices',
        reason: 'Devices exist only on Okta Identity Engine orgs; this org runs Okta Classic.',
        partial: false,
      });
      progress('devices', 0, 'skipped');
      return;
    }
    let classic = false;
    await entityTask(['devices'], async () => {
      const writer = open('devices');
      const unrepeated = pageRepeats((device: { id: string }) => device.id);
      try {
        for await (const page of listDevices(client, label('devices'))) {
          await writer.writeMany(unrepeated(page).map(deviceRow));
        }
      } catch (error) {
        // Classic orgs answer 404 for /api/v1/devices; on Identity Engine a 404 is a failure like any other.
        if (!(error instanceof NotFoundError) || options.pipeline === 'idx') throw error;
        classic = true;
        return [];
      }
      return [writer];
    });
    if (classic) {
      skipped.push({
        entity: 'devices',
        reason: 'This org has no Devices API (Okta Classic).',
        partial: false,
      });
      progress('devices', 0, 'skipped');
    }
  };

  const logTask = async () => {
    if (incremental) return usageTask();
    if (!wanted('app_usage')) return;
    try {
      await readSystemLog();
    } catch (error) {
      if (error instanceof PermissionError) skipForbidden('app_usage', error);
      else if (isSkippableFailure(error)) skipFailed('app_usage', error);
      else throw error;
      return;
    }
    await usageTask();
  };

  try {
    await Promise.all([usersTask(), groupsTask(), appsTask(), adminRolesTask(), devicesTask(), logTask()]);
    if (usageEvents) await usageEvents.close();
  } catch (error) {
    await Promise.allSettled([...opened.map((shared) => shared.writer.abort()), usageEvents?.abort()]);
    throw error;
  }
  for (const shared of opened) {
    if (skipped.some((entry) => entry.entity === shared.entity)) await shared.writer.abort();
  }
  return { files, skipped, warnings, logCheckpoint };
}
