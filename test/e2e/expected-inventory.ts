import type { SampleLogEvent, SampleOrgTruth } from '../../src/demo/index.js';

/**
 * What a snapshot of the sample org must hold, derived from the sample org's ground truth and the
 * rules in docs/output-formats.md, independently of src/inventory (which is what is being tested).
 */

export type Row = Record<string, unknown>;

/** The entities, in the documented order (docs/output-formats.md, "Entities"). */
export const ENTITIES = [
  'users',
  'user_schema',
  'groups',
  'group_members',
  'apps',
  'app_users',
  'app_groups',
  'admin_roles',
  'devices',
  'app_usage',
] as const;
export type Entity = (typeof ENTITIES)[number];

/** The fields that name one record of an entity: each must appear exactly once in a snapshot. */
export const KEY_FIELDS: Record<Entity, string[]> = {
  users: ['id'],
  user_schema: ['scope', 'name'],
  groups: ['id'],
  group_members: ['groupId', 'userId'],
  apps: ['id'],
  app_users: ['appId', 'userId'],
  app_groups: ['appId', 'groupId'],
  admin_roles: ['userId', 'roleAssignmentId'],
  devices: ['id'],
  app_usage: ['userId', 'appId'],
};

/** The System Log event types that count as an app sign-in (docs/output-formats.md, app_usage). */
export const SIGN_IN_EVENT_TYPES = new Set([
  'user.authentication.sso',
  'app.oauth2.authorize.code',
  'app.oauth2.as.authorize.code',
]);

const DAY_MS = 86_400_000;

/** A JSON round trip: what a record looks like once written and read back (undefined fields gone). */
export function json<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function without(record: object, ...keys: string[]): Row {
  const copy: Row = { ...(record as Row) };
  for (const key of keys) delete copy[key];
  return copy;
}

/**
 * Every entity's rows as the json and ndjson formats must hold them (order aside). `usageFromMs` is
 * the moment the run's usage windows end (see expectedAppUsage).
 */
export function expectedInventory(truth: SampleOrgTruth, usageFromMs: number): Record<Entity, Row[]> {
  // Several snapshots of one org are checked against the same truth: derive its rows once (again
  // after a mutate(): every change set appends System Log events, so the counts change).
  const version = JSON.stringify(truth.counts());
  let cached = derived.get(truth);
  if (cached?.version !== version) {
    cached = { version, rows: deriveRows(truth) };
    derived.set(truth, cached);
  }
  return { ...cached.rows, app_usage: json(expectedAppUsage(truth.logEvents(), usageFromMs)) };
}

const derived = new WeakMap<
  SampleOrgTruth,
  { version: string; rows: Omit<Record<Entity, Row[]>, 'app_usage'> }
>();

function deriveRows(truth: SampleOrgTruth): Omit<Record<Entity, Row[]>, 'app_usage'> {
  const schema = truth.userSchema() as {
    definitions: Record<'base' | 'custom', { properties?: Record<string, Record<string, unknown>> }>;
  };
  const userSchema: Row[] = [];
  for (const scope of ['base', 'custom'] as const) {
    for (const [name, { scope: attributeScope, ...attribute }] of Object.entries(
      schema.definitions[scope].properties ?? {},
    )) {
      // Every property of the attribute, Okta's own `scope` as attributeScope (documented rows).
      userSchema.push({
        ...attribute,
        name,
        scope,
        attributeScope: attributeScope ?? null,
        type: attribute.type ?? null,
        title: attribute.title ?? null,
        description: attribute.description ?? null,
        required: attribute.required ?? null,
        unique: attribute.unique ?? null,
        itemsType: (attribute.items as { type?: unknown } | undefined)?.type ?? null,
        enum: attribute.enum ?? null,
      });
    }
  }
  const rows: Omit<Record<Entity, Row[]>, 'app_usage'> = {
    users: [...truth.users()].map((user) => without(user, '_links')),
    user_schema: userSchema,
    groups: [...truth.groups()].map((group) => without(group, '_links')),
    group_members: [...truth.groupMembers()].map(({ groupId, userId }) => ({ groupId, userId })),
    apps: [...truth.apps()].map((app) => without(app, '_links')),
    app_users: [...truth.appUsers()].map(({ appId, id, ...rest }) => ({
      appId,
      userId: id,
      ...without(rest, '_links'),
    })),
    app_groups: [...truth.appGroups()].map(({ appId, id, ...rest }) => ({
      appId,
      groupId: id,
      ...without(rest, '_links'),
    })),
    // Every role a user holds, directly or through a group: a group's role names the group.
    admin_roles: [...truth.adminRoles()].flatMap(({ userId, roles }) =>
      roles.map(({ id, ...rest }) => ({
        userId,
        roleAssignmentId: id,
        ...without(rest, '_links', '_embedded'),
        groupId:
          rest.assignmentType === 'GROUP'
            ? (String(rest._links.assignee?.href).split('/groups/')[1] ?? 'the group')
            : null,
      })),
    ),
    devices: [...truth.devices()].map((device) => {
      const users = device._embedded?.users ?? [];
      const { users: _users, ...embedded } = device._embedded ?? {};
      return {
        ...without(device, '_links', '_embedded'),
        userIds: users.map((entry) => entry.user.id),
        deviceUsers: users.map(({ user, ...perDevice }) => ({ userId: user.id, ...perDevice })),
        users,
        ...(Object.keys(embedded).length > 0 && { _embedded: embedded }),
      };
    }),
  };
  return json(rows);
}

/**
 * Sign-ins per user × app, by the documented rule: the event type is one of SIGN_IN_EVENT_TYPES,
 * the outcome is not a failure, the actor is a User, the app is the target of type AppInstance (wherever it is in `target`), and the
 * event was published at most 90 (30) days before `startMs`, the run's start on Okta's clock, or
 * later (the System Log is read up to the moment of reading). Rows are ordered by user id, then app id.
 */
export function expectedAppUsage(events: Iterable<SampleLogEvent>, startMs: number): Row[] {
  const pairs = new Map<
    string,
    { userId: string; appId: string; last: number; lastSignIn: string; d30: number; d90: number }
  >();
  for (const event of events) {
    if (!SIGN_IN_EVENT_TYPES.has(event.eventType) || event.actor?.type !== 'User') continue;
    // A failed attempt is not usage; the sample org's events are SUCCESS or FAILURE.
    if (event.outcome.result !== 'SUCCESS') continue;
    const app = event.target?.find((target) => target.type === 'AppInstance');
    if (!app) continue;
    const at = Date.parse(event.published);
    if (at < startMs - 90 * DAY_MS) continue;
    const key = `${event.actor.id}\u0000${app.id}`;
    let pair = pairs.get(key);
    if (!pair) {
      pair = { userId: event.actor.id, appId: app.id, last: at, lastSignIn: event.published, d30: 0, d90: 0 };
      pairs.set(key, pair);
    }
    if (at > pair.last) {
      pair.last = at;
      pair.lastSignIn = event.published;
    }
    pair.d90++;
    if (at >= startMs - 30 * DAY_MS) pair.d30++;
  }
  const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...pairs.values()]
    .sort((a, b) => byCodeUnits(a.userId, b.userId) || byCodeUnits(a.appId, b.appId))
    .map(({ userId, appId, lastSignIn, d30, d90 }) => ({
      userId,
      appId,
      lastSignIn,
      signIns30d: d30,
      signIns90d: d90,
    }));
}

/** JSON text with every object's keys sorted: equal for equal records whatever their key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, current: unknown) =>
    current !== null && typeof current === 'object' && !Array.isArray(current)
      ? Object.fromEntries(Object.entries(current).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : current,
  );
}
