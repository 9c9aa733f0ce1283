import type { ColumnPlan } from '../formats/column-plan.js';

/**
 * The entities of a snapshot, in the order they are listed in the manifest and the summary table.
 * Each becomes one file (`<entity>.json`, `.ndjson` or `.csv`).
 */
export const ENTITY_NAMES = [
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
export type EntityName = (typeof ENTITY_NAMES)[number];

export function isEntityName(value: string): value is EntityName {
  return (ENTITY_NAMES as readonly string[]).includes(value);
}

type Row = Record<string, unknown>;

/** Okta's HAL `_links` only repeat URLs of the org; they are dropped from every row. */
function withoutLinks(record: Row): Row {
  const { _links, ...rest } = record;
  return rest;
}

/**
 * Left out of every entity's CSV (and its json rows): Okta's HAL links only repeat URLs of the org.
 * Everything else Okta sends reaches the CSV, as a documented column or through `rest`.
 */
const REST = { omit: ['_links'] };

/** The CSV columns of each entity. `profile` attributes come from the user schema, then any extra met. */
export function columnPlanFor(entity: EntityName, userProfileAttributes: readonly string[] = []): ColumnPlan {
  switch (entity) {
    case 'users':
      return {
        fixed: [
          'id',
          'status',
          'created',
          'activated',
          'statusChanged',
          'lastLogin',
          'lastUpdated',
          'passwordChanged',
          'type.id',
          'transitioningToStatus',
          'realmId',
          'credentials.provider.type',
          'credentials.provider.name',
        ],
        expand: [{ prefix: 'profile', known: [...userProfileAttributes] }],
        rest: REST,
      };
    case 'user_schema':
      return {
        fixed: [
          'name',
          'scope',
          'type',
          'title',
          'description',
          'required',
          'unique',
          'itemsType',
          'enum',
          'attributeScope',
          'mutability',
          'permissions',
          'master',
          'minLength',
          'maxLength',
          'format',
          'pattern',
          'oneOf',
          'items.enum',
          'items.oneOf',
          'externalName',
          'externalNamespace',
        ],
        rest: { omit: [...REST.omit, 'items.type'], json: ['master'] },
      };
    case 'groups':
      return {
        fixed: ['id', 'type', 'created', 'lastUpdated', 'lastMembershipUpdated', 'objectClass'],
        expand: [{ prefix: 'profile', known: ['name', 'description'] }],
        rest: REST,
      };
    case 'group_members':
      return { fixed: ['groupId', 'userId'] };
    case 'apps':
      return {
        fixed: [
          'id',
          'name',
          'label',
          'status',
          'signOnMode',
          'created',
          'lastUpdated',
          'features',
          'licensing.seatCount',
          'orn',
          'accessibility.selfService',
          'accessibility.errorRedirectUrl',
          'accessibility.loginRedirectUrl',
          'visibility.autoSubmitToolbar',
          'visibility.autoLaunch',
          'visibility.hide.iOS',
          'visibility.hide.web',
          'visibility.appLinks',
          'credentials.scheme',
          'credentials.userNameTemplate.template',
          'credentials.userNameTemplate.type',
          'credentials.userNameTemplate.suffix',
          'credentials.userNameTemplate.pushStatus',
          'credentials.revealPassword',
          'credentials.signing.kid',
          'credentials.oauthClient.client_id',
          'credentials.oauthClient.autoKeyRotation',
          'credentials.oauthClient.token_endpoint_auth_method',
          'settings',
        ],
        expand: [{ prefix: 'profile', known: [] }],
        // `settings` and the app links have keys of their own per app type: one JSON cell each.
        rest: { ...REST, json: ['settings', 'visibility.appLinks'] },
      };
    case 'app_users':
      return {
        fixed: [
          'appId',
          'userId',
          'scope',
          'status',
          'syncState',
          'externalId',
          'credentials.userName',
          'created',
          'lastUpdated',
          'statusChanged',
          'passwordChanged',
          'lastSync',
        ],
        expand: [{ prefix: 'profile', known: [] }],
        rest: REST,
      };
    case 'app_groups':
      return {
        fixed: ['appId', 'groupId', 'priority', 'lastUpdated'],
        expand: [{ prefix: 'profile', known: [] }],
        rest: REST,
      };
    case 'admin_roles':
      return {
        fixed: [
          'userId',
          'roleAssignmentId',
          'type',
          'label',
          'status',
          'assignmentType',
          'groupId',
          'role',
          'resource-set',
          'created',
          'lastUpdated',
        ],
        rest: REST,
      };
    case 'devices':
      return {
        fixed: [
          'id',
          'status',
          'created',
          'lastUpdated',
          'resourceType',
          'resourceId',
          'resourceDisplayName.value',
          'resourceDisplayName.sensitive',
          'resourceAlternateId',
          'userIds',
          'deviceUsers',
        ],
        expand: [
          {
            prefix: 'profile',
            known: [
              'displayName',
              'platform',
              'manufacturer',
              'model',
              'osVersion',
              'serialNumber',
              'registered',
              'secureHardwarePresent',
            ],
          },
        ],
        // Each embedded user object is that user's row in `users`; deviceUsers keeps what is the device's.
        rest: { omit: [...REST.omit, 'users'] },
      };
    case 'app_usage':
      return { fixed: ['userId', 'appId', 'lastSignIn', 'signIns30d', 'signIns90d'] };
  }
}

export function userRow(user: Row): Row {
  return withoutLinks(user);
}

export function groupRow(group: Row): Row {
  return withoutLinks(group);
}

export function appRow(app: Row): Row {
  return withoutLinks(app);
}

/** An app user's `id` is the user's id; the row names both sides of the assignment. */
export function appUserRow(appId: string, appUser: Row): Row {
  const { id, _links, ...rest } = appUser;
  return { appId, userId: id, ...rest };
}

export function appGroupRow(appId: string, appGroup: Row): Row {
  const { id, _links, ...rest } = appGroup;
  return { appId, groupId: id, ...rest };
}

/**
 * One admin role a user holds. `groupId` names the group it comes through (assignmentType GROUP),
 * null when the role is assigned to the user.
 */
export function adminRoleRow(userId: string, assignment: Row, groupId: string | null = null): Row {
  const { id, _links, _embedded, ...rest } = assignment;
  return { userId, roleAssignmentId: id, ...rest, groupId };
}

interface EmbeddedDeviceUser {
  user?: { id?: unknown };
}

/**
 * Devices keep their embedded users as `users`, plus `userIds` for a quick join and `deviceUsers`,
 * what each embedded entry says about the device (its user's id, `created`, `managementStatus`,
 * `screenLockType`, …) without the user object, which is that user's row in `users`. Whatever else
 * Okta embeds (`originatedFrom`, …) stays under `_embedded`.
 */
export function deviceRow(device: Row): Row {
  const { _links, _embedded, ...rest } = device;
  const { users, ...otherEmbedded } = (_embedded ?? {}) as { users?: EmbeddedDeviceUser[] } & Row;
  const embedded = users ?? [];
  const userIds = embedded
    .map((entry) => entry.user?.id)
    .filter((id): id is string => typeof id === 'string');
  const deviceUsers = embedded.map((entry) => {
    const { user, ...perDevice } = entry as EmbeddedDeviceUser & Row;
    return { userId: typeof user?.id === 'string' ? user.id : null, ...perDevice };
  });
  const row: Row = { ...rest, userIds, deviceUsers, users: embedded };
  if (Object.keys(otherEmbedded).length > 0) row._embedded = otherEmbedded;
  return row;
}

interface SchemaAttribute {
  type?: unknown;
  title?: unknown;
  description?: unknown;
  required?: unknown;
  unique?: unknown;
  items?: { type?: unknown };
  enum?: unknown;
  scope?: unknown;
  [property: string]: unknown;
}

/**
 * One row per attribute of the user profile schema, base attributes first, in Okta's order: the
 * attribute's own properties as Okta gives them (`mutability`, `permissions`, `master`, `items`, …),
 * with `name`, `scope` (which part of the schema: `base` or `custom`), `itemsType` and `enum` always
 * present, and Okta's own per-attribute `scope` (`NONE`, `SELF`) as `attributeScope`.
 */
export function userSchemaRows(schema: {
  definitions?: {
    base?: { properties?: Record<string, unknown> };
    custom?: { properties?: Record<string, unknown> };
  };
}): Row[] {
  const rows: Row[] = [];
  for (const scope of ['base', 'custom'] as const) {
    const properties = schema.definitions?.[scope]?.properties ?? {};
    for (const [name, value] of Object.entries(properties)) {
      const { scope: attributeScope, ...attribute } = (value ?? {}) as SchemaAttribute;
      rows.push({
        ...attribute,
        name,
        scope,
        attributeScope: attributeScope ?? null,
        type: attribute.type ?? null,
        title: attribute.title ?? null,
        description: attribute.description ?? null,
        required: attribute.required ?? null,
        unique: attribute.unique ?? null,
        itemsType: attribute.items?.type ?? null,
        enum: attribute.enum ?? null,
      });
    }
  }
  return rows;
}
