import type { OktaClient } from '../okta/client.js';
import { NotFoundError, PermissionError } from '../okta/errors.js';
import {
  APP_SIGN_IN_FILTER,
  getUserProfileSchema,
  listAppGroups,
  listApps,
  listAppUsers,
  listDeprovisionedUsers,
  listDevices,
  listGroupMemberIds,
  listGroups,
  listLogEvents,
  listRoleAssigneeUserIds,
  listUserRoles,
  listUsers,
} from '../okta/resources.js';
import { AppUsageAggregator } from './app-usage.js';
import type { CsvOptions } from './column-plan.js';
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
} from './entities.js';
import type { EntityFileResult, EntityWriter, OutputFormat } from './entity-writer.js';
import { runPool } from './run-pool.js';

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

export interface CollectOptions {
  client: OktaClient;
  entities: ReadonlySet<EntityName>;
  format: OutputFormat;
  csv?: CsvOptions;
  /** Opens a writer for an entity's file inside the snapshot being written. */
  openWriter: (
    entity: EntityName,
    format: OutputFormat,
    columns: ReturnType<typeof columnPlanFor>,
  ) => EntityWriter;
  /** The moment usage windows end (ms); defaults to now. */
  now?: number;
  /** How many group-member or app-user listings run side by side. */
  fanOut?: number;
  /** Okta pipeline from /.well-known/okta-organization: devices exist only on Identity Engine (`idx`). */
  pipeline?: string | undefined;
  onProgress?: (progress: CollectProgress) => void;
  signal?: AbortSignal;
}

export interface CollectResult {
  files: EntityFileResult[];
  skipped: SkippedEntity[];
  warnings: string[];
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

/** A writer that several concurrent producers can share: writes are queued in call order. */
class SharedWriter {
  #tail: Promise<void> = Promise.resolve();
  count = 0;
  constructor(
    readonly entity: EntityName,
    readonly writer: EntityWriter,
    readonly onWrite: (entity: EntityName, count: number) => void,
  ) {}

  write(row: Record<string, unknown>): Promise<void> {
    this.count++;
    const count = this.count;
    this.#tail = this.#tail.then(async () => {
      await this.writer.write(row);
      if (count % 500 === 0) this.onWrite(this.entity, count);
    });
    return this.#tail;
  }
}

/**
 * Reads every selected entity from Okta and streams it into the snapshot's writers. Entities run
 * side by side so the run is bound by the slowest rate-limit bucket, not by the sum of them; the
 * client's scheduler keeps every bucket within its share.
 */
export async function collectInventory(options: CollectOptions): Promise<CollectResult> {
  const { client, entities } = options;
  const fanOut = options.fanOut ?? 4;
  const files: EntityFileResult[] = [];
  const skipped: SkippedEntity[] = [];
  const warnings: string[] = [];
  const progress = (entity: EntityName, count: number, state: CollectProgress['state'] = 'running') =>
    options.onProgress?.({ entity, count, state });
  const wanted = (entity: EntityName) => entities.has(entity);

  const open = (entity: EntityName, userProfileAttributes: readonly string[] = []) => {
    const writer = options.openWriter(entity, options.format, columnPlanFor(entity, userProfileAttributes));
    progress(entity, 0);
    return new SharedWriter(entity, writer, (name, count) => progress(name, count));
  };

  /** Runs one entity's task; a 403 skips the entity (partial run) instead of failing the sync. */
  const entityTask = async (names: EntityName[], task: () => Promise<SharedWriter[]>): Promise<void> => {
    const selected = names.filter(wanted);
    if (selected.length === 0) return;
    try {
      const writers = await task();
      for (const shared of writers) {
        files.push(await shared.writer.close());
        progress(shared.entity, shared.count, 'done');
      }
    } catch (error) {
      if (!(error instanceof PermissionError)) throw error;
      for (const entity of selected) skipForbidden(entity, error);
    }
  };

  const skipForbidden = (entity: EntityName, error: PermissionError) => {
    if (skipped.some((entry) => entry.entity === entity)) return;
    const code = error.errorCode ? ` ${error.errorCode}` : '';
    const reason = `Okta refused to list ${entity.replaceAll('_', ' ')} (403${code}): the token's admin needs ${ROLE_HINT[entity]}.`;
    skipped.push({ entity, reason, partial: true });
    warnings.push(reason);
    progress(entity, 0, 'skipped');
  };

  /** Runs the part of a task that fills one dependent entity; a 403 there skips that entity alone. */
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

  const opened: SharedWriter[] = [];
  const track = (shared: SharedWriter) => {
    opened.push(shared);
    return shared;
  };

  const usersTask = () =>
    entityTask(['users', 'user_schema'], async () => {
      const writers: SharedWriter[] = [];
      let attributes: string[] = [];
      if (wanted('user_schema') || wanted('users')) {
        try {
          const rows = userSchemaRows(await getUserProfileSchema(client, { label: 'user_schema' }));
          attributes = rows.map((row) => String(row.name));
          if (wanted('user_schema')) {
            const schemaWriter = track(open('user_schema'));
            for (const row of rows) await schemaWriter.write(row);
            writers.push(schemaWriter);
          }
        } catch (error) {
          if (!(error instanceof PermissionError) || !wanted('users')) throw error;
          // Without the schema, users still export; their CSV columns come from the data alone.
          const reason =
            'Okta refused to read the user schema (403): profile columns follow the data instead.';
          if (wanted('user_schema')) skipped.push({ entity: 'user_schema', reason, partial: true });
          warnings.push(reason);
        }
      }
      if (wanted('users')) {
        const usersWriter = track(open('users', attributes));
        // A plain list omits DEPROVISIONED users; a second, filtered pass adds them. A user
        // deprovisioned between the two passes is written once, as the first pass saw it.
        const seen = new Set<string>();
        for await (const user of listUsers(client, { label: 'users' })) {
          seen.add(user.id);
          await usersWriter.write(userRow(user));
        }
        for await (const user of listDeprovisionedUsers(client, { label: 'users' })) {
          if (!seen.has(user.id)) await usersWriter.write(userRow(user));
        }
        writers.push(usersWriter);
      }
      return writers;
    });

  const groupsTask = () =>
    entityTask(['groups', 'group_members'], async () => {
      const groupsWriter = wanted('groups') ? track(open('groups')) : undefined;
      const membersWriter = wanted('group_members') ? track(open('group_members')) : undefined;
      const groupIds: string[] = [];
      for await (const group of listGroups(client, { label: 'groups' })) {
        groupIds.push(group.id);
        await groupsWriter?.write(groupRow(group));
      }
      const members = await dependentPart(membersWriter, (writer) =>
        runPool(groupIds, fanOut, async (groupId) => {
          for await (const userId of listGroupMemberIds(client, groupId, { label: 'group_members' }))
            await writer.write({ groupId, userId });
        }),
      );
      return [groupsWriter, members].filter((writer) => writer !== undefined);
    });

  const appsTask = () =>
    entityTask(['apps', 'app_users', 'app_groups'], async () => {
      const appsWriter = wanted('apps') ? track(open('apps')) : undefined;
      const appUsersWriter = wanted('app_users') ? track(open('app_users')) : undefined;
      const appGroupsWriter = wanted('app_groups') ? track(open('app_groups')) : undefined;
      const appIds: string[] = [];
      for await (const app of listApps(client, { label: 'apps' })) {
        appIds.push(app.id);
        await appsWriter?.write(appRow(app));
      }
      const appUsers = await dependentPart(appUsersWriter, (writer) =>
        runPool(appIds, fanOut, async (appId) => {
          for await (const appUser of listAppUsers(client, appId, { label: 'app_users' }))
            await writer.write(appUserRow(appId, appUser));
        }),
      );
      const appGroups = await dependentPart(appGroupsWriter, (writer) =>
        runPool(appIds, fanOut, async (appId) => {
          for await (const appGroup of listAppGroups(client, appId, { label: 'app_groups' }))
            await writer.write(appGroupRow(appId, appGroup));
        }),
      );
      return [appsWriter, appUsers, appGroups].filter((writer) => writer !== undefined);
    });

  const adminRolesTask = () =>
    entityTask(['admin_roles'], async () => {
      const writer = track(open('admin_roles'));
      await runPool(listRoleAssigneeUserIds(client, { label: 'admin_roles' }), fanOut, async (userId) => {
        for (const assignment of await listUserRoles(client, userId, { label: 'admin_roles' })) {
          await writer.write(adminRoleRow(userId, assignment));
        }
      });
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
    try {
      await entityTask(['devices'], async () => {
        const writer = track(open('devices'));
        for await (const device of listDevices(client, { label: 'devices' }))
          await writer.write(deviceRow(device));
        return [writer];
      });
    } catch (error) {
      // Classic orgs answer 404 for /api/v1/devices.
      if (!(error instanceof NotFoundError)) throw error;
      skipped.push({
        entity: 'devices',
        reason: 'This org has no Devices API (Okta Classic).',
        partial: false,
      });
      progress('devices', 0, 'skipped');
    }
  };

  const usageTask = () =>
    entityTask(['app_usage'], async () => {
      const now = options.now ?? Date.now();
      const aggregator = new AppUsageAggregator(now);
      const since = new Date(now - 90 * 86_400_000).toISOString();
      let events = 0;
      // Okta keeps 90 days of System Log; a bounded query (since + until) is finite and ordered.
      // https://developer.okta.com/docs/reference/system-log-query/
      const query = {
        since,
        until: new Date(now).toISOString(),
        filter: APP_SIGN_IN_FILTER,
        sortOrder: 'ASCENDING',
      };
      for await (const event of listLogEvents(client, query, { label: 'app_usage' })) {
        aggregator.add(event);
        if (++events % 5000 === 0) progress('app_usage', aggregator.size);
      }
      const writer = track(open('app_usage'));
      for (const row of aggregator.rows()) await writer.write({ ...row });
      return [writer];
    });

  try {
    await Promise.all([usersTask(), groupsTask(), appsTask(), adminRolesTask(), devicesTask(), usageTask()]);
  } catch (error) {
    await Promise.allSettled(opened.map((shared) => shared.writer.abort()));
    throw error;
  }
  for (const shared of opened) {
    if (skipped.some((entry) => entry.entity === shared.entity)) await shared.writer.abort();
  }
  return { files, skipped, warnings };
}
