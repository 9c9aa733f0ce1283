import { loadAppTable } from './app-table.js';
import { GroupAccess } from './group-access.js';
import { deferRows, mapRows } from './map-rows.js';
import { missingReason, readEntityRows, writtenEntity } from './read-entity-rows.js';
import { loadUsageTable, type UsageTable } from './usage-table.js';
import { loadUserTable } from './user-table.js';
import { textOf } from './values.js';
import type { Row, ViewContext, ViewData } from './view.js';

/** The columns of `assignments`, in order; documented in docs/export.md. */
export const ASSIGNMENT_COLUMNS = [
  'user.id',
  'user.login',
  'user.email',
  'user.name',
  'user.status',
  'user.department',
  'user.lastLogin',
  'app.id',
  'app.label',
  'app.status',
  'app.signOnMode',
  'scope',
  'groups',
  'assignmentStatus',
  'lastSignIn',
  'signIns30d',
  'signIns90d',
] as const;

/** The entity files `assignments` reads (each once, when the snapshot has it), in reading order. */
export const ASSIGNMENT_ENTITIES = [
  'users',
  'apps',
  'app_groups',
  'groups',
  'group_members',
  'app_usage',
  'app_users',
] as const;

/** `USER` → `direct`, `GROUP` → `group` (Okta's app user `scope`). */
export function scopeName(scope: unknown): string | null {
  const text = textOf(scope);
  if (text === 'USER') return 'direct';
  if (text === 'GROUP') return 'group';
  return text === null ? null : text.toLowerCase();
}

/** The lookups every assignment join needs, loaded once per pass of a view. */
export async function loadAssignmentLookups(context: ViewContext) {
  const { snapshot } = context;
  const users = await loadUserTable(snapshot, true);
  const apps = await loadAppTable(snapshot);
  const groupEntities = ['app_groups', 'groups', 'group_members'].filter(
    (entity) => !writtenEntity(snapshot, entity),
  );
  let groups: GroupAccess | undefined;
  if (groupEntities.length === 0) {
    groups = await GroupAccess.load(snapshot, users, apps);
  } else {
    context.warn(
      `The "groups" column is empty: snapshot ${snapshot.id} has no ${groupEntities.map((entity) => `${entity} (${missingReason(snapshot, entity)})`).join(', ')}.`,
    );
  }
  let usage: UsageTable | undefined;
  if (writtenEntity(snapshot, 'app_usage')) {
    usage = await loadUsageTable(snapshot, users, apps);
  } else {
    context.warn(
      `The sign-in columns are empty: snapshot ${snapshot.id} has no app_usage (${missingReason(snapshot, 'app_usage')}).`,
    );
  }
  return { users, apps, groups, usage };
}

/**
 * `assignments`: one row per app_users row (user × app), in the app_users file's order (app by app),
 * joined with the user, the app, the groups the access comes through and the app's sign-in usage.
 *
 * Memory: the lookups of `loadAssignmentLookups` (compact user columns, the apps, assigned groups'
 * memberships, usage); app_users itself streams through, one row at a time.
 */
export function assignmentsView(context: ViewContext): ViewData {
  const { snapshot } = context;
  return {
    fixedColumns: true,
    columns: async () => [...ASSIGNMENT_COLUMNS],
    rows: () =>
      deferRows(async () => {
        const { users, apps, groups, usage } = await loadAssignmentLookups(context);
        const appUsers = readEntityRows(snapshot, 'app_users', {
          fields: ['appId', 'userId', 'scope', 'status'],
        });
        return mapRows(appUsers, (row): Row | undefined => {
          const appId = textOf(row.appId);
          const userId = textOf(row.userId);
          if (appId === null || userId === null) return undefined;
          const user = users.ensure(userId);
          const app = apps.ensure(appId);
          const details = apps.apps[app]!;
          const slot = usage ? usage.slotOf(user, app) : -1;
          const lastSignIn = slot === -1 ? Number.NaN : usage!.lastSignInAt(slot);
          return {
            'user.id': users.ids[user]!,
            'user.login': users.login(user),
            'user.email': users.email(user),
            'user.name': users.name(user),
            'user.status': users.status(user),
            'user.department': users.department(user),
            'user.lastLogin': users.lastLogin(user),
            'app.id': details.id,
            'app.label': details.label,
            'app.status': details.status,
            'app.signOnMode': details.signOnMode,
            scope: scopeName(row.scope),
            groups: groups ? groups.groupsGranting(user, app) : [],
            assignmentStatus: textOf(row.status),
            lastSignIn: Number.isNaN(lastSignIn) ? null : new Date(lastSignIn).toISOString(),
            signIns30d: usage ? (slot === -1 ? 0 : usage.signIns30dAt(slot)) : null,
            signIns90d: usage ? (slot === -1 ? 0 : usage.signIns90dAt(slot)) : null,
          };
        });
      }),
  };
}
