/** The entities `diff` compares, and how a change row of each reads. */

/** A user, group or app looked up by id, for the human fields of relationship rows. */
export type LookupKind = 'user' | 'group' | 'app';

/** A human field of a change row: read from the record itself, or looked up by one of its ids. */
export type HumanField =
  | { name: string; paths: readonly string[] }
  | { name: string; lookup: LookupKind; idField: string };

export interface DiffEntitySpec {
  /** The columns that name one record, under the snapshot's own names. */
  ids: readonly string[];
  /** A few fields so that a row reads on its own (login, group name, app label, role type). */
  human: readonly HumanField[];
  /** Which lookup this entity fills, and the dot path of the value kept per id. */
  provides?: { kind: LookupKind; path: string };
  /** Reshapes a JSON record before it is compared (never a CSV one: its columns are compared). */
  project?: (record: Record<string, unknown>) => Record<string, unknown>;
}

/**
 * A device's embedded users are compared by their id and their per-device fields only: the whole
 * user object Okta embeds is the `users` entity's business (a user's status change would otherwise
 * show up again as a change of each of their devices).
 */
function projectDevice(record: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(record.users)) return record;
  return {
    ...record,
    users: record.users.map((entry: unknown) => {
      if (typeof entry !== 'object' || entry === null) return entry;
      const { user, ...rest } = entry as Record<string, unknown>;
      const id = typeof user === 'object' && user !== null ? (user as { id?: unknown }).id : undefined;
      return { ...rest, userId: id ?? null };
    }),
  };
}

const login = (idField = 'userId'): HumanField => ({ name: 'login', lookup: 'user', idField });
const groupName = (idField = 'groupId'): HumanField => ({ name: 'groupName', lookup: 'group', idField });
const appLabel = (idField = 'appId'): HumanField => ({ name: 'appLabel', lookup: 'app', idField });

/**
 * Entities in the order they are compared and written: users, groups and apps come before the
 * relationships that name them, so their lookups are complete by then.
 */
export const DIFF_ENTITIES = {
  users: {
    ids: ['id'],
    human: [{ name: 'login', paths: ['profile.login'] }],
    provides: { kind: 'user', path: 'profile.login' },
  },
  user_schema: { ids: ['name'], human: [{ name: 'title', paths: ['title'] }] },
  groups: {
    ids: ['id'],
    human: [{ name: 'groupName', paths: ['profile.name'] }],
    provides: { kind: 'group', path: 'profile.name' },
  },
  group_members: { ids: ['groupId', 'userId'], human: [groupName(), login()] },
  apps: {
    ids: ['id'],
    human: [{ name: 'appLabel', paths: ['label'] }],
    provides: { kind: 'app', path: 'label' },
  },
  app_users: {
    ids: ['appId', 'userId'],
    human: [appLabel(), login(), { name: 'scope', paths: ['scope'] }],
  },
  app_groups: { ids: ['appId', 'groupId'], human: [appLabel(), groupName()] },
  admin_roles: {
    ids: ['userId', 'roleAssignmentId'],
    human: [
      login(),
      { name: 'roleType', paths: ['type'] },
      { name: 'roleLabel', paths: ['label'] },
      { name: 'assignmentType', paths: ['assignmentType'] },
    ],
  },
  devices: {
    ids: ['id'],
    human: [{ name: 'deviceName', paths: ['profile.displayName', 'resourceDisplayName.value'] }],
    project: projectDevice,
  },
  app_usage: { ids: ['userId', 'appId'], human: [login(), appLabel()] },
} as const satisfies Record<string, DiffEntitySpec>;

export type DiffEntity = keyof typeof DIFF_ENTITIES;
export const DIFF_ENTITY_NAMES = Object.keys(DIFF_ENTITIES) as DiffEntity[];

/**
 * Compared unless `--only` says otherwise: every entity but `app_usage`, whose sign-in counts and
 * 90-day window move every night by construction (name it in `--only` to compare it anyway).
 */
export const DEFAULT_DIFF_ENTITIES: readonly DiffEntity[] = DIFF_ENTITY_NAMES.filter(
  (entity) => entity !== 'app_usage',
);

/**
 * Fields that move every night without anyone deciding anything: not changes unless
 * `--include-volatile`. Matched by name at any depth (a device's embedded users' `lastLogin` too).
 */
export const VOLATILE_FIELDS: ReadonlySet<string> = new Set([
  'lastLogin',
  'lastUpdated',
  'lastMembershipUpdated',
  'passwordChanged',
  'statusChanged',
  'lastSync',
  'lastSignIn',
  'signIns30d',
  'signIns90d',
]);

/** Every id column of every entity, in a fixed order (the CSV output's id columns). */
export const ID_COLUMNS: readonly string[] = unique(
  DIFF_ENTITY_NAMES.flatMap((entity) => DIFF_ENTITIES[entity].ids as readonly string[]),
);

/** Every human field of every entity, in a fixed order (the CSV output's human columns). */
export const HUMAN_COLUMNS: readonly string[] = unique(
  DIFF_ENTITY_NAMES.flatMap((entity) =>
    (DIFF_ENTITIES[entity].human as readonly HumanField[]).map((field) => field.name),
  ),
).filter((name) => !ID_COLUMNS.includes(name));

function unique(names: string[]): string[] {
  return [...new Set(names)];
}
