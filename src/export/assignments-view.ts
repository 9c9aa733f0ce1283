import { loadAppTable } from './app-table.js';
import { GroupAccess } from './group-access.js';
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
    async *rows() {
      const { users, apps, groups, usage } = await loadAssignmentLookups(context);
      for await (const row of readEntityRows(snapshot, 'app_users')) {
        const appId = textOf(row.appId);
        const userId = textOf(row.userId);
        if (appId === null || userId === null) continue;
        const user = users.ensure(userId);
        const app = apps.ensure(appId);
        const person = users.details(user);
        const details = apps.apps[app]!;
        const used = usage?.get(user, app);
        const assignment: Row = {
          'user.id': person.id,
          'user.login': person.login,
          'user.email': person.email,
          'user.name': person.name,
          'user.status': person.status,
          'user.department': person.department,
          'user.lastLogin': person.lastLogin,
          'app.id': details.id,
          'app.label': details.label,
          'app.status': details.status,
          'app.signOnMode': details.signOnMode,
          scope: scopeName(row.scope),
          groups: groups ? groups.groupsGranting(user, app) : [],
          assignmentStatus: textOf(row.status),
          lastSignIn: used && !Number.isNaN(used.lastSignIn) ? new Date(used.lastSignIn).toISOString() : null,
          signIns30d: usage ? (used?.signIns30d ?? 0) : null,
          signIns90d: usage ? (used?.signIns90d ?? 0) : null,
        };
        yield assignment;
      }
    },
  };
}
