import { z } from 'zod';
import type { OktaClient } from './client.js';
import { ResponseShapeError } from './errors.js';
import type { Page, PaginateOptions } from './paginate.js';

/**
 * One function per Okta resource the inventory reads. Each returns an async iterable of records
 * validated at the edge: the fields we rely on are checked, every other field passes through
 * untouched (Okta adds fields, and values are written byte for byte as Okta sent them).
 */

/** Largest useful page size per endpoint (../shared/okta-api.md §3). */
export const PAGE_SIZE = {
  users: 200,
  groups: 200,
  groupMembers: 200,
  apps: 200,
  appUsers: 500,
  appGroups: 200,
  logs: 1000,
  devices: 200,
  roleAssignees: 100,
  mappings: 200,
} as const;

const id = z.string().min(1);
const timestamp = z.string().nullable().optional();

export const userSchema = z
  .object({
    id,
    status: z.string(),
    created: timestamp,
    lastUpdated: timestamp,
    profile: z.record(z.string(), z.unknown()),
  })
  .loose();
export type OktaUser = z.infer<typeof userSchema>;

export const groupSchema = z
  .object({ id, type: z.string().optional(), profile: z.record(z.string(), z.unknown()).optional() })
  .loose();
export type OktaGroup = z.infer<typeof groupSchema>;

/** Group members are full user objects; only the id is kept (the rest is stripped, not copied). */
const memberSchema = z.object({ id });

export const appSchema = z
  .object({ id, label: z.string().optional(), status: z.string().optional() })
  .loose();
export type OktaApp = z.infer<typeof appSchema>;

export const appUserSchema = z.object({ id, scope: z.string().optional() }).loose();
export type OktaAppUser = z.infer<typeof appUserSchema>;

export const appGroupSchema = z.object({ id, priority: z.number().nullable().optional() }).loose();
export type OktaAppGroup = z.infer<typeof appGroupSchema>;

const roleAssigneeSchema = z.object({ id }).loose();

export const roleAssignmentSchema = z.object({ id, type: z.string() }).loose();
export type OktaRoleAssignment = z.infer<typeof roleAssignmentSchema>;

export const deviceSchema = z.object({ id, status: z.string().optional() }).loose();
export type OktaDevice = z.infer<typeof deviceSchema>;

/**
 * The fields of a System Log event that usage and the change feed read. Events are not written
 * out, so everything else is stripped rather than copied: the log is the largest thing sync reads.
 */
export const logEventSchema = z.object({
  published: z.string(),
  eventType: z.string(),
  actor: z.object({ id: z.string().optional(), type: z.string().optional() }).nullable().optional(),
  target: z
    .array(z.object({ id: z.string().optional(), type: z.string().optional() }))
    .nullable()
    .optional(),
  outcome: z.object({ result: z.string().nullable().optional() }).nullable().optional(),
});
export type OktaLogEvent = z.infer<typeof logEventSchema>;

const schemaAttributeSchema = z.object({ type: z.string().optional(), title: z.string().optional() }).loose();
export const userProfileSchemaSchema = z
  .object({
    definitions: z
      .object({
        base: z
          .object({ properties: z.record(z.string(), schemaAttributeSchema).optional() })
          .loose()
          .optional(),
        custom: z
          .object({ properties: z.record(z.string(), schemaAttributeSchema).optional() })
          .loose()
          .optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
export type OktaUserProfileSchema = z.infer<typeof userProfileSchemaSchema>;

type Options<T> = Omit<PaginateOptions<T>, 'schema' | 'pageSize'>;

/** Validates a single-object answer; a mismatch is a typed error naming the request, not a crash. */
function parseBody<T>(schema: z.ZodType<T>, body: unknown, request: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new ResponseShapeError(`Okta's answer to ${request} does not have the expected shape.`, {
    request,
    hint: 'Okta may have changed this API. Run again with --verbose and report the request id.',
  });
}

/** Tags every request of a call (e.g. with the inventory entity it serves), for per-entity counts. */
export interface Labelled {
  label?: string;
}

const labelOf = (options: Labelled) => (options.label === undefined ? {} : { label: options.label });

/**
 * The records of a list, one page (one array) at a time: callers write a page as one batch, so
 * its records are garbage as soon as they are written rather than living on record by record.
 */
async function* pagesOf<T>(
  client: OktaClient,
  path: string,
  options: PaginateOptions<T>,
): AsyncGenerator<T[]> {
  for await (const page of client.pages(path, options)) {
    if (page.items.length > 0) yield page.items;
  }
}

/**
 * Users in every status except DEPROVISIONED: a plain list omits deprovisioned users.
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/listUsers
 */
export function listUsers(client: OktaClient, options: Options<OktaUser> = {}): AsyncGenerator<OktaUser[]> {
  return pagesOf(client, '/api/v1/users', { ...options, schema: userSchema, pageSize: PAGE_SIZE.users });
}

/** Deprovisioned users only: they need an explicit filter (see listUsers). */
export function listDeprovisionedUsers(
  client: OktaClient,
  options: Labelled = {},
): AsyncGenerator<OktaUser[]> {
  return listUsers(client, { ...labelOf(options), searchParams: { filter: 'status eq "DEPROVISIONED"' } });
}

/**
 * Users of every status changed after `since`. Search reads an eventually consistent index:
 * callers overlap the window. https://developer.okta.com/docs/reference/user-query/
 */
/**
 * Users whose `lastUpdated` is after `since`, every status included. `filter`, not `search`: Okta's
 * `search` results "are sourced from an eventually consistent datasource", while `filter` "filters
 * against the most up-to-date data".
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/listUsers
 */
export function listUsersUpdatedSince(
  client: OktaClient,
  since: string,
  options: Labelled = {},
): AsyncGenerator<OktaUser[]> {
  return listUsers(client, { ...labelOf(options), searchParams: { filter: `lastUpdated gt "${since}"` } });
}

export async function getUserProfileSchema(
  client: OktaClient,
  options: Labelled = {},
): Promise<OktaUserProfileSchema> {
  const path = '/api/v1/meta/schemas/user/default';
  const response = await client.get<unknown>(path, labelOf(options));
  return parseBody(userProfileSchemaSchema, response.body, `GET ${path}`);
}

export function listGroups(
  client: OktaClient,
  options: Options<OktaGroup> = {},
): AsyncGenerator<OktaGroup[]> {
  return pagesOf(client, '/api/v1/groups', { ...options, schema: groupSchema, pageSize: PAGE_SIZE.groups });
}

/** Groups whose profile or membership changed after `since`. */
export function listGroupsChangedSince(
  client: OktaClient,
  since: string,
  options: Labelled = {},
): AsyncGenerator<OktaGroup[]> {
  return listGroups(client, {
    ...labelOf(options),
    searchParams: { filter: `lastUpdated gt "${since}" or lastMembershipUpdated gt "${since}"` },
  });
}

/** Group members come as full user objects; only their ids are kept. */
export async function* listGroupMemberIds(
  client: OktaClient,
  groupId: string,
  options: Labelled = {},
): AsyncGenerator<string[]> {
  const pages = pagesOf(client, `/api/v1/groups/${encodeURIComponent(groupId)}/users`, {
    ...labelOf(options),
    schema: memberSchema,
    pageSize: PAGE_SIZE.groupMembers,
  });
  for await (const members of pages) yield members.map((member) => member.id);
}

export function listApps(client: OktaClient, options: Labelled = {}): AsyncGenerator<OktaApp[]> {
  return pagesOf(client, '/api/v1/apps', {
    ...labelOf(options),
    schema: appSchema,
    pageSize: PAGE_SIZE.apps,
  });
}

/** Every assignment of an app: `scope` USER is direct, GROUP is through a group. */
export function listAppUsers(
  client: OktaClient,
  appId: string,
  options: Labelled = {},
): AsyncGenerator<OktaAppUser[]> {
  return pagesOf(client, `/api/v1/apps/${encodeURIComponent(appId)}/users`, {
    ...labelOf(options),
    schema: appUserSchema,
    pageSize: PAGE_SIZE.appUsers,
  });
}

export function listAppGroups(
  client: OktaClient,
  appId: string,
  options: Labelled = {},
): AsyncGenerator<OktaAppGroup[]> {
  return pagesOf(client, `/api/v1/apps/${encodeURIComponent(appId)}/groups`, {
    ...labelOf(options),
    schema: appGroupSchema,
    pageSize: PAGE_SIZE.appGroups,
  });
}

/**
 * Users with role assignments. Okta's docs do not say that this includes users who hold a role only
 * through a group, so callers read group roles as well (listGroupRoles). The IAM endpoints page
 * through `_links.next.href` in the body, not the Link header.
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/RoleAssignmentAUser/#tag/RoleAssignmentAUser/operation/listUsersWithRoleAssignments
 */
export async function* listRoleAssigneeUserIds(
  client: OktaClient,
  options: Labelled = {},
): AsyncGenerator<string> {
  const assignees = client.paginate('/api/v1/iam/assignees/users', {
    ...labelOf(options),
    schema: roleAssigneeSchema,
    itemsKey: 'value',
    pageSize: PAGE_SIZE.roleAssignees,
  });
  for await (const assignee of assignees) yield assignee.id;
}

/** A user's role assignments; `assignmentType` tells USER (direct) from GROUP. */
export async function listUserRoles(
  client: OktaClient,
  userId: string,
  options: Labelled = {},
): Promise<OktaRoleAssignment[]> {
  const response = await client.get<unknown>(
    `/api/v1/users/${encodeURIComponent(userId)}/roles`,
    labelOf(options),
  );
  return z.array(roleAssignmentSchema).parse(response.body);
}

/**
 * The roles assigned to a group (`assignmentType` GROUP); every member of the group holds them. Not
 * paginated. Counts against the `/api/v1/groups` bucket.
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/RoleAssignmentBGroup/#tag/RoleAssignmentBGroup/operation/listGroupAssignedRoles
 */
export async function listGroupRoles(
  client: OktaClient,
  groupId: string,
  options: Labelled = {},
): Promise<OktaRoleAssignment[]> {
  const path = `/api/v1/groups/${encodeURIComponent(groupId)}/roles`;
  const response = await client.get<unknown>(path, labelOf(options));
  return parseBody(z.array(roleAssignmentSchema), response.body, `GET ${path}`);
}

/** Devices with their users embedded. Identity Engine only. */
export function listDevices(client: OktaClient, options: Labelled = {}): AsyncGenerator<OktaDevice[]> {
  return pagesOf(client, '/api/v1/devices', {
    ...labelOf(options),
    searchParams: { expand: 'user' },
    schema: deviceSchema,
    pageSize: PAGE_SIZE.devices,
  });
}

/**
 * Polls the System Log: from `since` on the first run, or from the checkpoint (`next` URL) a previous
 * poll ended on. A polling query (no `until`, ascending) always has a `next` link, so it stops at the
 * first empty page, whose `nextUrl` is the checkpoint to resume from. Paging by hand with
 * since/until would skip or repeat events that Okta records late.
 * https://developer.okta.com/docs/reference/system-log-query/#polling-requests
 */
export function pollLogEvents(
  client: OktaClient,
  from: { since: string; filter: string } | { checkpoint: string },
  options: Labelled = {},
): AsyncGenerator<Page<OktaLogEvent>> {
  const common = { ...labelOf(options), schema: logEventSchema, stopOnEmptyPage: true };
  if ('checkpoint' in from) return client.pages(from.checkpoint, common);
  return client.pages('/api/v1/logs', {
    ...common,
    searchParams: { since: from.since, filter: from.filter, sortOrder: 'ASCENDING' },
    pageSize: PAGE_SIZE.logs,
  });
}

/**
 * The System Log events that mean "this user signed in to this app": SSO into SAML/SWA/bookmark apps,
 * and the authorization-code flow of OIDC apps through the org or a custom authorization server.
 * Only events whose actor is a User and whose targets include an AppInstance count.
 * https://developer.okta.com/docs/reference/api/event-types/
 */
export const APP_SIGN_IN_EVENT_TYPES = [
  'user.authentication.sso',
  'app.oauth2.authorize.code',
  'app.oauth2.as.authorize.code',
] as const;

export const APP_SIGN_IN_FILTER = APP_SIGN_IN_EVENT_TYPES.map((type) => `eventType eq "${type}"`).join(
  ' or ',
);

/**
 * System Log events that tell an incremental sync what changed where no change filter exists:
 * deletions (gone from every list), everything that moves an app's users or groups (assignment,
 * provisioning, import, lifecycle), admin roles granted to or revoked from groups
 * (`group.privilege.grant|revoke`) and changes to roles and resource sets (`iam.*`). Matched by
 * prefix, so event types Okta adds in these families count too.
 * https://developer.okta.com/docs/reference/api/event-types/
 */
export const CHANGE_EVENT_TYPES = ['user.lifecycle.delete.initiated', 'group.lifecycle.delete'] as const;
export const CHANGE_EVENT_PREFIXES = [
  'group.user_membership.',
  'application.',
  'group.application_assignment.',
  'group.privilege.',
  'iam.',
] as const;

/** The change feed alone. */
export const CHANGE_FILTER = [
  ...CHANGE_EVENT_TYPES.map((type) => `eventType eq "${type}"`),
  ...CHANGE_EVENT_PREFIXES.map((prefix) => `eventType sw "${prefix}"`),
].join(' or ');

/** One polling query serves both app usage and the change feed, so they share a checkpoint. */
export const USAGE_AND_CHANGE_FILTER = [APP_SIGN_IN_FILTER, CHANGE_FILTER].join(' or ');

/**
 * One app user: the user's assignment to the app (direct or through a group), or 404 when the user
 * is not assigned. Okta counts it in the `/api/v1/apps` bucket with the app users list ("all other
 * endpoints of the form /api/v1/apps/*"): one request per (app, user) pair, against a page of 500.
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationUsers/#tag/ApplicationUsers/operation/getApplicationUser
 */
export async function getAppUser(
  client: OktaClient,
  appId: string,
  userId: string,
  options: Labelled = {},
): Promise<OktaAppUser> {
  const path = `/api/v1/apps/${encodeURIComponent(appId)}/users/${encodeURIComponent(userId)}`;
  const response = await client.get<unknown>(path, labelOf(options));
  return parseBody(appUserSchema, response.body, `GET ${path}`);
}

const mappingSideSchema = z.object({ id, type: z.string() }).loose();
export const profileMappingSchema = z
  .object({
    id,
    source: mappingSideSchema,
    target: mappingSideSchema,
    properties: z.record(z.string(), z.object({ expression: z.string().optional() }).loose()).optional(),
  })
  .loose();
export type OktaProfileMapping = z.infer<typeof profileMappingSchema>;

/**
 * Profile mappings (both directions; `source.type`/`target.type` are `user` or `appuser`), without
 * their properties, which only the single mapping has. Needs `okta.profileMappings.read`.
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ProfileMapping/#tag/ProfileMapping/operation/listProfileMappings
 */
export function listProfileMappings(
  client: OktaClient,
  options: Labelled = {},
): AsyncGenerator<OktaProfileMapping[]> {
  return pagesOf(client, '/api/v1/mappings', {
    ...labelOf(options),
    schema: profileMappingSchema,
    pageSize: PAGE_SIZE.mappings,
  });
}

/** One mapping with its `properties`: each target attribute's Okta Expression Language expression. */
export async function getProfileMapping(
  client: OktaClient,
  mappingId: string,
  options: Labelled = {},
): Promise<OktaProfileMapping> {
  const path = `/api/v1/mappings/${encodeURIComponent(mappingId)}`;
  const response = await client.get<unknown>(path, labelOf(options));
  return parseBody(profileMappingSchema, response.body, `GET ${path}`);
}

const appWithAppUserSchema = appSchema.extend({
  _embedded: z.object({ user: appUserSchema }).loose(),
});
export type OktaAppWithAppUser = z.infer<typeof appWithAppUserSchema>;

/**
 * The apps a user is assigned to (directly or through a group), each embedding that user's app user
 * (`filter=user.id eq "…"` with `expand=user/{userId}`): every app-user row of one user in one
 * request per 200 apps, where reading them pair by pair would take one request per app. Counts
 * against the `/api/v1/apps` bucket.
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Application/#tag/Application/operation/listApplications
 */
export function listAppUsersOfUser(
  client: OktaClient,
  userId: string,
  options: Labelled = {},
): AsyncGenerator<OktaAppWithAppUser[]> {
  return pagesOf(client, '/api/v1/apps', {
    ...labelOf(options),
    // includeNonDeleted: inactive apps too, as the plain app list has them.
    searchParams: { filter: `user.id eq "${userId}"`, expand: `user/${userId}`, includeNonDeleted: 'true' },
    schema: appWithAppUserSchema,
    pageSize: PAGE_SIZE.apps,
  });
}
