import { ConfigError } from '../errors.js';
import { MAX_ACTIVE_DAYS } from './active-days.js';
import { loadAppTable } from './app-table.js';
import { loadAssignmentLookups, scopeName } from './assignments-view.js';
import { missingReason, readEntityRows, writtenEntity } from './read-entity-rows.js';
import { loadUsageTable } from './usage-table.js';
import { loadUserTable } from './user-table.js';
import { textOf } from './values.js';
import { DAY_MS, type Row, type ViewContext, type ViewData } from './view.js';

/** The columns of `licence-usage` (one row per app), in order; documented in docs/export.md. */
export const LICENCE_USAGE_COLUMNS = [
  'app.id',
  'app.label',
  'app.status',
  'app.signOnMode',
  'seatCount',
  'assignedUsers',
  'seatsOverAllocated',
  'seatsUnassigned',
  'activeUsers',
  'active30d',
  'active90d',
  'inactiveUsers',
  'neverSignedIn',
  'unusedUsers',
  'deprovisionedUsers',
  'suspendedUsers',
  'seatBasis',
  'seatsUsedPercent',
  'activeDays',
] as const;

/** The columns of `licence-usage --by user` (one row per user × unused app), in order. */
export const UNUSED_ASSIGNMENT_COLUMNS = [
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
  'scope',
  'groups',
  'lastSignIn',
  'daysSinceSignIn',
  'reason',
] as const;

export { MAX_ACTIVE_DAYS };

function requireEntities(context: ViewContext, entities: string[]): void {
  for (const entity of entities) {
    if (writtenEntity(context.snapshot, entity)) continue;
    throw new ConfigError(
      `Snapshot ${context.snapshot.id} has no ${entity} (${missingReason(context.snapshot, entity)}), which the licence-usage view needs.`,
      {
        hint:
          entity === 'app_usage'
            ? 'Sign-in usage comes from the System Log: run sync with a token whose admin may read it, or export another snapshot.'
            : 'Export another snapshot, or run sync again.',
      },
    );
  }
}

/**
 * `licence-usage`: per app, seats bought against users assigned (over-allocated: more assigned than
 * bought; unassigned: bought, nobody has them) and how many assigned users use it, so a licence
 * manager sees the seats to buy and the assignments to reclaim. "Active" means a sign-in to the app within `activeDays` days before the snapshot started
 * (`lastSignIn >= startedAt - activeDays`); app_usage covers the 90 days before the snapshot, so a user
 * with no app_usage row has not signed in to the app for at least 90 days ("never signed in" here).
 *
 * `by: 'user'`: one row per user × app the user is assigned but does not use, grouped by user (users
 * file order) then app (apps file order).
 *
 * Memory (by app): user statuses (one byte per user plus the id map), the apps with one counter row
 * each, and app_usage; app_users streams through. By user, additionally the assignment lookups and one
 * 8-byte number per unused assignment (user, app and scope packed), sorted at the end.
 */
export function licenceUsageView(context: ViewContext): ViewData {
  requireEntities(context, ['users', 'apps', 'app_users', 'app_usage']);
  return context.by === 'user' ? unusedAssignmentsView(context) : perAppView(context);
}

function perAppView(context: ViewContext): ViewData {
  const { snapshot, activeDays } = context;
  const cutoff = snapshot.startedAt - activeDays * DAY_MS;
  return {
    fixedColumns: true,
    columns: async () => [...LICENCE_USAGE_COLUMNS],
    async *rows() {
      const users = await loadUserTable(snapshot, false);
      const apps = await loadAppTable(snapshot);
      const usage = await loadUsageTable(snapshot, users, apps);
      const counters = new Map<number, Uint32Array>();
      const fields = 10;
      const [ASSIGNED, ACTIVE, ACTIVE30, ACTIVE90, INACTIVE, NEVER, DEPROVISIONED, SUSPENDED] = [
        0, 1, 2, 3, 4, 5, 6, 7,
      ] as const;
      for await (const row of readEntityRows(snapshot, 'app_users', {
        fields: ['appId', 'userId', 'scope', 'status'],
      })) {
        const appId = textOf(row.appId);
        const userId = textOf(row.userId);
        if (appId === null || userId === null) continue;
        const app = apps.ensure(appId);
        const user = users.ensure(userId);
        let counts = counters.get(app);
        if (!counts) {
          counts = new Uint32Array(fields);
          counters.set(app, counts);
        }
        counts[ASSIGNED]! += 1;
        const used = usage.get(user, app);
        if (!used) counts[NEVER]! += 1;
        else if (used.lastSignIn >= cutoff) counts[ACTIVE]! += 1;
        else counts[INACTIVE]! += 1;
        if (used && used.signIns30d > 0) counts[ACTIVE30]! += 1;
        if (used && used.signIns90d > 0) counts[ACTIVE90]! += 1;
        const status = users.status(user);
        if (status === 'DEPROVISIONED') counts[DEPROVISIONED]! += 1;
        else if (status === 'SUSPENDED') counts[SUSPENDED]! += 1;
      }
      for (let app = 0; app < apps.size; app++) {
        const details = apps.apps[app]!;
        const counts = counters.get(app) ?? new Uint32Array(fields);
        const assigned = counts[ASSIGNED]!;
        const active = counts[ACTIVE]!;
        const basis = details.seatCount ?? assigned;
        const row: Row = {
          'app.id': details.id,
          'app.label': details.label,
          'app.status': details.status,
          'app.signOnMode': details.signOnMode,
          seatCount: details.seatCount,
          assignedUsers: assigned,
          seatsOverAllocated: details.seatCount === null ? null : Math.max(0, assigned - details.seatCount),
          seatsUnassigned: details.seatCount === null ? null : Math.max(0, details.seatCount - assigned),
          activeUsers: active,
          active30d: counts[ACTIVE30]!,
          active90d: counts[ACTIVE90]!,
          inactiveUsers: counts[INACTIVE]!,
          neverSignedIn: counts[NEVER]!,
          unusedUsers: assigned - active,
          deprovisionedUsers: counts[DEPROVISIONED]!,
          suspendedUsers: counts[SUSPENDED]!,
          seatBasis: details.seatCount === null ? 'assignedUsers' : 'seatCount',
          seatsUsedPercent: basis > 0 ? Math.round((1000 * active) / basis) / 10 : null,
          activeDays,
        };
        yield row;
      }
    },
  };
}

/** Bits of a packed unused assignment: (user × 2^21 + app) × 2 + group scope; exact below 2^53. */
const APP_SLOTS = 2 ** 20;

function unusedAssignmentsView(context: ViewContext): ViewData {
  const { snapshot, activeDays } = context;
  const cutoff = snapshot.startedAt - activeDays * DAY_MS;
  return {
    fixedColumns: true,
    columns: async () => [...UNUSED_ASSIGNMENT_COLUMNS],
    async *rows() {
      const { users, apps, groups, usage } = await loadAssignmentLookups(context);
      let packed = new Float64Array(Math.max(1024, writtenEntity(snapshot, 'app_users')?.count ?? 0));
      let count = 0;
      for await (const row of readEntityRows(snapshot, 'app_users', {
        fields: ['appId', 'userId', 'scope', 'status'],
      })) {
        const appId = textOf(row.appId);
        const userId = textOf(row.userId);
        if (appId === null || userId === null) continue;
        const app = apps.ensure(appId);
        const user = users.ensure(userId);
        const used = usage?.get(user, app);
        if (used && used.lastSignIn >= cutoff) continue;
        if (app >= APP_SLOTS)
          throw new ConfigError(`Snapshot ${snapshot.id} has more than ${APP_SLOTS} apps.`);
        if (count === packed.length) {
          const bigger = new Float64Array(packed.length * 2);
          bigger.set(packed);
          packed = bigger;
        }
        packed[count++] = (user * APP_SLOTS + app) * 2 + (scopeName(row.scope) === 'group' ? 1 : 0);
      }
      const sorted = packed.subarray(0, count).sort();
      for (const key of sorted) {
        const group = key % 2;
        const pair = (key - group) / 2;
        const app = pair % APP_SLOTS;
        const user = (pair - app) / APP_SLOTS;
        const person = users.details(user);
        const details = apps.apps[app]!;
        const used = usage?.get(user, app);
        const lastSignIn = used && !Number.isNaN(used.lastSignIn) ? used.lastSignIn : undefined;
        const unused: Row = {
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
          scope: group === 1 ? 'group' : 'direct',
          groups: groups ? groups.groupsGranting(user, app) : [],
          lastSignIn: lastSignIn === undefined ? null : new Date(lastSignIn).toISOString(),
          daysSinceSignIn:
            lastSignIn === undefined ? null : Math.floor((snapshot.startedAt - lastSignIn) / DAY_MS),
          reason: lastSignIn === undefined ? 'never' : 'inactive',
        };
        yield unused;
      }
    },
  };
}
