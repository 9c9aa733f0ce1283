/**
 * The fewest requests a complete inventory pull of the sample org can make, per rate-limit bucket,
 * for given page sizes. Derived from the sample org's own data (the same generator, size and seed
 * the server uses), not from any run, so "requests made" can be compared with it.
 *
 * A list of n records read p at a time takes floor(n / p) + 1 requests: like Okta, the sample org
 * puts a `next` link on every full page, so a list that is an exact multiple of p ends with an
 * empty page, and a client cannot know the list ended without asking for it.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Pages needed to read `count` records `pageSize` at a time (see the module comment). */
export const pagesFor = (count, pageSize) => Math.floor(count / pageSize) + 1;

/**
 * Okta's maximum page size per list, which the sample org enforces (shared/okta-api.md §3): the
 * absolute minimum number of requests.
 */
export const MAX_PAGE_SIZE = {
  users: 200,
  groups: 10_000,
  groupMembers: 10_000,
  apps: 200,
  appUsers: 500,
  appGroups: 200,
  logs: 1000,
  devices: 200,
  roleAssignees: 100,
};

/** What Okta (and the sample org) uses when a request sends no `limit`: what a script that never sets one gets. */
export const DEFAULT_PAGE_SIZE = {
  users: 200,
  groups: 10_000,
  groupMembers: 1000,
  apps: 20,
  appUsers: 50,
  appGroups: 20,
  logs: 100,
  devices: 200,
  roleAssignees: 100,
};

/** The event types of a `eventType eq "…" or …` filter, or undefined for any other filter. */
function eventTypesOf(filter) {
  const types = [...filter.matchAll(/eventType eq "([^"]+)"/g)].map((match) => match[1]);
  const rest = filter.replaceAll(/eventType eq "[^"]+"/g, '').replaceAll(/\s+or\s+/g, '');
  return types.length > 0 && rest.trim() === '' ? new Set(types) : undefined;
}

/**
 * Record counts of the sample org that decide how many pages each list has. `root` is the checkout
 * whose `dist/` is measured (the bench imports the built sample org, like `serve.js` does).
 */
export async function sampleOrgShape(root, size, seed = 1) {
  const load = (path) => import(pathToFileURL(join(root, 'dist', path)).href);
  const { createSampleOrgInternals } = await load('demo/sample-org-data.js');
  const { compileFilter } = await load('demo/scim-filter.js');
  const resources = await load('okta/resources.js');
  const { store, log } = createSampleOrgInternals(size, seed, {});

  let deprovisioned = 0;
  for (let user = 0; user < store.users.count; user++) {
    if (store.users.exists(user) && store.users.status(user) === 'DEPROVISIONED') deprovisioned++;
  }
  const users = store.users.count - store.users.deleted.size;
  const groupMembers = [];
  for (let group = 0; group < store.groups.count; group++) groupMembers.push(store.groups.memberCount(group));
  const appUsers = [];
  const appGroups = [];
  for (let app = 0; app < store.apps.count; app++) {
    appUsers.push(store.assignments.effectiveUsers(app).users.length);
    appGroups.push(store.assignments.groups[app]?.length ?? 0);
  }

  // The System Log query sync makes: app sign-ins over the last 90 days. Generated history lies
  // within [t0 − 90 d + 1 min, t0 − 1 min], so a sync that starts within a minute of the server
  // reads all of it.
  const filter = resources.APP_SIGN_IN_FILTER;
  const types = typeof filter === 'string' ? eventTypesOf(filter) : undefined;
  const predicate = types ? undefined : compileFilter(filter);
  let signIns = 0;
  for (let index = 0; index < log.count(); index++) {
    if (types ? types.has(log.eventType(index)) : predicate(log.reader(index))) signIns++;
  }

  return {
    size,
    seed,
    users,
    deprovisioned,
    groups: store.groups.count,
    groupMembers,
    apps: store.apps.count,
    appUsers,
    appGroups,
    // The IAM assignee list names only users with a role assigned to them (the sample org's default).
    admins: store.roles.directAdminUsers().length,
    devices: store.pipeline === 'idx' ? store.devices.count : 0,
    signIns,
    logFilter: filter,
    pageSize: resources.PAGE_SIZE,
  };
}

const sum = (values) => values.reduce((total, value) => total + value, 0);

/**
 * Requests per bucket (named as the sample org's counters name them) for a full `sync` with the given
 * page sizes: users (plain list + DEPROVISIONED filter), user schema, groups and their members,
 * apps with their users and groups, admin roles (IAM assignees, then one roles request per admin,
 * and one roles request per group: the members of role-holding groups come with group_members),
 * devices, the System Log sign-ins, and the `/.well-known` probe.
 */
export function syncRequestsNeeded(shape, pageSize) {
  return {
    '/api/v1/users':
      pagesFor(shape.users - shape.deprovisioned, pageSize.users) +
      pagesFor(shape.deprovisioned, pageSize.users),
    '/api/v1/users/{id}': shape.admins,
    '/api/v1/groups':
      pagesFor(shape.groups, pageSize.groups) +
      sum(shape.groupMembers.map((count) => pagesFor(count, pageSize.groupMembers))) +
      shape.groups,
    '/api/v1/apps':
      pagesFor(shape.apps, pageSize.apps) +
      sum(shape.appUsers.map((count) => pagesFor(count, pageSize.appUsers))) +
      sum(shape.appGroups.map((count) => pagesFor(count, pageSize.appGroups))),
    '/api/v1/logs': pagesFor(shape.signIns, pageSize.logs),
    '/api/v1/devices': shape.devices === 0 ? 0 : pagesFor(shape.devices, pageSize.devices),
    // /.well-known/okta-organization, the user schema, and the IAM role assignees.
    '/api/v1': 2 + pagesFor(shape.admins, pageSize.roleAssignees),
  };
}

/**
 * Requests per bucket for the SDK baseline, which reads less than sync: users (plain + DEPROVISIONED),
 * groups and members, apps with users and groups, and the System Log sign-ins; no schema, admin
 * roles or devices.
 */
export function baselineRequestsNeeded(shape, pageSize) {
  const all = syncRequestsNeeded(shape, pageSize);
  return {
    '/api/v1/users': all['/api/v1/users'],
    // No group roles: the baseline reads no admin roles.
    '/api/v1/groups': all['/api/v1/groups'] - shape.groups,
    '/api/v1/apps': all['/api/v1/apps'],
    '/api/v1/logs': all['/api/v1/logs'],
  };
}

/**
 * The floor: for each bucket, requests ÷ (share × limit per window) × window; the largest is the
 * binding bucket. Fractional windows count as fractions (the last window is usually partly used).
 */
export function floorOf(needed, limits, share, windowMs) {
  let binding = { bucket: undefined, floorMs: 0, requests: 0, perWindow: 0 };
  const buckets = {};
  for (const [bucket, requests] of Object.entries(needed)) {
    const perWindow = share * (limits[bucket] ?? limits['/api/v1']);
    const floorMs = (requests / perWindow) * windowMs;
    buckets[bucket] = { requests, perWindow, floorMs };
    if (floorMs > binding.floorMs) binding = { bucket, floorMs, requests, perWindow };
  }
  // For context (not the floor): the last window's requests go out at its start, so an ideal client
  // finishes after ceil(requests ÷ per window) − 1 whole windows; and Okta's one-second reset
  // resolution adds up to a second to each of those windows.
  const windows =
    binding.perWindow > 0 ? Math.max(0, Math.ceil(binding.requests / binding.perWindow) - 1) : 0;
  return {
    ...binding,
    wholeWindowsMs: windows * windowMs,
    withResetRoundingMs: windows * (windowMs + 1000),
    buckets,
  };
}
