import { type IndexList, listOf, lowerBound, rangeList } from './index-list.js';
import type { SampleOrgLog } from './log-events.js';
import { DAY_MS } from './sample-org-core.js';
import { getMapping, listMappings } from './sample-org-mappings.js';
import type { SampleOrgStore } from './sample-org-store.js';
import { compileFilter, FilterSyntaxError, type RecordPredicate } from './scim-filter.js';
import { buildUserSchema } from './user-schema.js';

/** A request as the routes see it: already authenticated and allowed. */
export interface RouteRequest {
  method: string;
  path: string;
  query: URLSearchParams;
}

/** An answer: a JSON body, and for lists the `self`/`next` URLs sent as `link` headers. */
export interface RouteResult {
  status: number;
  /** JSON body; undefined for an empty one (Okta's 403 for a missing scope). */
  body: unknown;
  links?: { self: string; next?: string };
  /** Extra response headers (`WWW-Authenticate`, `DPoP-Nonce`). */
  headers?: Record<string, string>;
}

export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: { errorSummary: string }[];
}

/** Builds an Okta error answer; the server fills in `errorId`. */
export function oktaError(
  status: number,
  errorCode: string,
  errorSummary: string,
  causes: string[] = [],
): RouteResult {
  return {
    status,
    body: {
      errorCode,
      errorSummary,
      errorLink: errorCode,
      errorId: '',
      errorCauses: causes.map((cause) => ({ errorSummary: cause })),
    } satisfies OktaErrorBody,
  };
}

export const notFound = (): RouteResult =>
  oktaError(404, 'E0000007', 'Not found: Resource not found: (Object)', []);

class BadRequest extends Error {
  constructor(readonly result: RouteResult) {
    super(String((result.body as OktaErrorBody).errorSummary));
  }
}

function parseLimit(query: URLSearchParams, fallback: number, max: number): number {
  const raw = query.get('limit');
  if (raw === null || raw === '') return fallback;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new BadRequest(
      oktaError(400, 'E0000001', 'Api validation failed: limit', [`limit: must be between 1 and ${max}`]),
    );
  }
  return Math.min(limit, max);
}

function parseExpression(expression: string, errorCode = 'E0000031'): RecordPredicate {
  try {
    return compileFilter(expression);
  } catch (error) {
    if (!(error instanceof FilterSyntaxError)) throw error;
    throw new BadRequest(oktaError(400, errorCode, 'Invalid search criteria.', [error.message]));
  }
}

/** The predicate of `filter` and `search` together (Okta takes one; both must hold if both are given). */
function predicateOf(query: URLSearchParams): RecordPredicate | undefined {
  const parts = ['filter', 'search']
    .map((name) => query.get(name))
    .filter((value): value is string => value !== null && value.trim() !== '')
    .map((expression) => parseExpression(expression));
  if (parts.length === 0) return undefined;
  return (read) => parts.every((part) => part(read));
}

/** `path?after=…&…` with `after` first, like Okta's links, every value percent-encoded (%20, not +). */
function nextUrl(origin: string, path: string, query: URLSearchParams, after: string, limit: number): string {
  const pairs: string[] = [`after=${encodeURIComponent(after)}`];
  let hasLimit = false;
  for (const [key, value] of query) {
    if (key === 'after') continue;
    if (key === 'limit') {
      hasLimit = true;
      pairs.push(`limit=${limit}`);
      continue;
    }
    pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  }
  if (!hasLimit) pairs.push(`limit=${limit}`);
  return `${origin}${path}?${pairs.join('&')}`;
}

function selfUrl(origin: string, path: string, query: URLSearchParams): string {
  const pairs = [...query].map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  return pairs.length > 0 ? `${origin}${path}?${pairs.join('&')}` : `${origin}${path}`;
}

/**
 * One page of a list ordered by index: from `start`, the first `limit` records that `accept` keeps.
 * Like Okta, a full page always carries a `next` link, so a list that is an exact multiple of the
 * page size ends with an empty page.
 */
function page<T>(
  store: SampleOrgStore,
  request: RouteRequest,
  list: IndexList,
  start: number,
  limit: number,
  accept: (index: number) => boolean,
  build: (index: number, position: number) => T,
  cursorOf: (index: number) => string,
): RouteResult {
  const items: T[] = [];
  let last = -1;
  for (let position = start; position < list.size && items.length < limit; position++) {
    const index = list.at(position);
    if (!accept(index)) continue;
    items.push(build(index, position));
    last = index;
  }
  const self = selfUrl(store.origin, request.path, request.query);
  const next =
    items.length === limit
      ? nextUrl(store.origin, request.path, request.query, cursorOf(last), limit)
      : undefined;
  if (store.repeatRecords && items.length > 0) {
    items.splice(1, 0, items[0] as T);
    // The previous page's last record again (the one the cursor names).
    for (let position = start - 1; position >= 0 && request.query.has('after'); position--) {
      const index = list.at(position);
      if (!accept(index)) continue;
      items.unshift(build(index, position));
      break;
    }
  }
  return { status: 200, body: items, links: next ? { self, next } : { self } };
}

/** Decodes a path segment; a malformed escape is simply an id that does not exist. */
function segment(value: string | undefined): string {
  try {
    return decodeURIComponent(value ?? '');
  } catch {
    return '';
  }
}

export class SampleOrgRoutes {
  constructor(
    private readonly store: SampleOrgStore,
    private readonly log: SampleOrgLog,
  ) {}

  /** Answers a GET; returns undefined for paths that do not exist. */
  handle(request: RouteRequest): RouteResult | undefined {
    try {
      return this.dispatch(request);
    } catch (error) {
      if (error instanceof BadRequest) return error.result;
      throw error;
    }
  }

  /** Whether a path (any method) is one the sample org serves, to tell 405 from 404. */
  knows(path: string): boolean {
    return this.route(path) !== undefined;
  }

  private route(path: string): ((request: RouteRequest) => RouteResult) | undefined {
    if (path === '/.well-known/okta-organization') return () => this.wellKnown();
    if (path === '/api/v1/meta/schemas/user/default')
      return () => ({ status: 200, body: buildUserSchema(this.store) });
    const parts = path.split('/');
    if (parts[1] !== 'api' || parts[2] !== 'v1') return undefined;
    const [, , , resource, rawId, sub, extra, more] = parts;
    // The one path four segments deep: a single app user, /api/v1/apps/{appId}/users/{userId}.
    if (more !== undefined || (extra !== undefined && (resource !== 'apps' || sub !== 'users')))
      return undefined;
    const id = segment(rawId);
    switch (resource) {
      case 'users':
        if (rawId === undefined) return (request) => this.listUsers(request);
        if (id === '') return undefined;
        if (sub === undefined) return () => this.getUser(id);
        if (sub === 'roles') return () => this.userRoles(id);
        return undefined;
      case 'groups':
        if (rawId === undefined) return (request) => this.listGroups(request);
        if (id === '') return undefined;
        if (sub === undefined) return () => this.getGroup(id);
        if (sub === 'users') return (request) => this.groupUsers(request, id);
        if (sub === 'roles') return () => this.groupRoles(id);
        return undefined;
      case 'apps':
        if (rawId === undefined) return (request) => this.listApps(request);
        if (id === '') return undefined;
        if (sub === undefined) return () => this.getApp(id);
        if (sub === 'users' && extra !== undefined) {
          const userId = segment(extra);
          return userId === '' ? undefined : () => this.getAppUser(id, userId);
        }
        if (sub === 'users') return (request) => this.appUsers(request, id);
        if (sub === 'groups') return (request) => this.appGroups(request, id);
        return undefined;
      case 'devices':
        if (rawId === undefined) return (request) => this.listDevices(request);
        return undefined;
      case 'mappings':
        if (rawId === undefined) return (request) => this.listMappings(request);
        if (id === '' || sub !== undefined) return undefined;
        return () => this.getMapping(id);
      case 'logs':
        return rawId === undefined ? (request) => this.listLogs(request) : undefined;
      case 'iam':
        return rawId === 'assignees' && sub === 'users'
          ? (request) => this.roleAssignees(request)
          : undefined;
      default:
        return undefined;
    }
  }

  private dispatch(request: RouteRequest): RouteResult | undefined {
    const handler = this.route(request.path);
    return handler ? handler(request) : undefined;
  }

  private wellKnown(): RouteResult {
    return {
      status: 200,
      body: {
        id: this.store.orgId,
        pipeline: this.store.pipeline,
        _links: { organization: { href: this.store.origin } },
      },
    };
  }

  // ---------------------------------------------------------------- users

  private listUsers(request: RouteRequest): RouteResult {
    const { store } = this;
    const { query } = request;
    const q = query.get('q');
    if (q !== null) {
      // `q` is a prefix match on first name, last name or email; no paging; DEPROVISIONED omitted.
      const limit = parseLimit(query, 10, 200);
      const needle = q.toLowerCase();
      const items = [];
      for (let user = 0; user < store.users.count && items.length < limit; user++) {
        if (!store.users.exists(user) || store.users.status(user) === 'DEPROVISIONED') continue;
        const profile = store.users.profile(user);
        const matches = [profile.firstName, profile.lastName, profile.email].some(
          (value) => typeof value === 'string' && value.toLowerCase().startsWith(needle),
        );
        if (matches) items.push(store.users.build(user));
      }
      return { status: 200, body: items, links: { self: selfUrl(store.origin, request.path, query) } };
    }
    const limit = parseLimit(query, 200, 200);
    const predicate = predicateOf(query);
    const after = query.get('after');
    const start = after ? store.users.ids.indexAfter(after, store.users.count) : 0;
    // Okta quirk: a plain list omits DEPROVISIONED users; filter and search include every status.
    // `search` is eventually consistent: it matches users as they were before recent changes.
    const searching = (query.get('search') ?? '').trim() !== '';
    const now = store.now();
    const readerOf = (user: number) =>
      searching
        ? store.users.searchReader(user, now)
        : store.users.deleted.has(user)
          ? undefined
          : store.users.reader(user);
    const accept = predicate
      ? (user: number) => {
          const read = readerOf(user);
          return read !== undefined && predicate(read);
        }
      : (user: number) => !store.users.deleted.has(user) && store.users.status(user) !== 'DEPROVISIONED';
    return page(
      store,
      request,
      rangeList(store.users.count),
      start,
      limit,
      accept,
      (user) => store.users.build(user),
      (user) => store.users.ids.at(user),
    );
  }

  private resolveUser(id: string): number {
    return id === 'me' ? 0 : this.store.users.indexOf(id);
  }

  private getUser(id: string): RouteResult {
    const user = this.resolveUser(id);
    return user < 0 ? notFound() : { status: 200, body: this.store.users.build(user) };
  }

  private userRoles(id: string): RouteResult {
    const user = this.resolveUser(id);
    return user < 0 ? notFound() : { status: 200, body: this.store.roles.ofUser(user) };
  }

  /** Body-paginated like every `/api/v1/iam` list: `{value, _links: {next}}`, no `link` header. */
  private roleAssignees(request: RouteRequest): RouteResult {
    const { store } = this;
    const limit = parseLimit(request.query, 100, 100);
    const admins = listOf(
      store.roleAssigneesIncludeGroupHolders ? store.roles.adminUsers() : store.roles.directAdminUsers(),
    );
    const after = request.query.get('after');
    const start = after ? lowerBound(admins, store.users.ids.indexAfter(after, store.users.count)) : 0;
    const value = [];
    for (let position = start; position < admins.size && value.length < limit; position++) {
      const userId = store.users.ids.at(admins.at(position));
      value.push({
        id: userId,
        orn: `orn:okta:directory:${store.orgId}:users:${userId}`,
        _links: {
          self: { href: store.url(`/api/v1/users/${userId}`) },
          roles: { href: store.url(`/api/v1/users/${userId}/roles`) },
        },
      });
    }
    const last = value.at(-1);
    const links =
      value.length === limit && last
        ? { next: { href: nextUrl(store.origin, request.path, request.query, last.id, limit) } }
        : {};
    return { status: 200, body: { value, _links: links } };
  }

  // ---------------------------------------------------------------- groups

  private listGroups(request: RouteRequest): RouteResult {
    const { store } = this;
    const limit = parseLimit(request.query, 10_000, 10_000);
    const predicate = predicateOf(request.query);
    const after = request.query.get('after');
    const start = after ? store.groups.ids.indexAfter(after, store.groups.count) : 0;
    const stats = request.query.get('expand') === 'stats';
    return page(
      store,
      request,
      rangeList(store.groups.count),
      start,
      limit,
      predicate
        ? (group) => !store.groups.deleted.has(group) && predicate(store.groups.reader(group))
        : (group) => !store.groups.deleted.has(group),
      (group) => store.groups.build(group, stats),
      (group) => store.groups.ids.at(group),
    );
  }

  private getGroup(id: string): RouteResult {
    const group = this.store.groups.indexOf(id);
    return group < 0 ? notFound() : { status: 200, body: this.store.groups.build(group) };
  }

  private groupUsers(request: RouteRequest, id: string): RouteResult {
    const { store } = this;
    const group = store.groups.indexOf(id);
    if (group < 0) return notFound();
    const limit = parseLimit(request.query, 1_000, 10_000);
    const members = store.groups.membersOf(group);
    const after = request.query.get('after');
    const start = after ? lowerBound(members, store.users.ids.indexAfter(after, store.users.count)) : 0;
    return page(
      store,
      request,
      members,
      start,
      limit,
      (user) => !store.users.deleted.has(user),
      (user) => store.users.build(user),
      (user) => store.users.ids.at(user),
    );
  }

  private groupRoles(id: string): RouteResult {
    const group = this.store.groups.indexOf(id);
    return group < 0 ? notFound() : { status: 200, body: this.store.roles.ofGroup(group) };
  }

  // ---------------------------------------------------------------- apps

  private listApps(request: RouteRequest): RouteResult {
    const { store } = this;
    const limit = parseLimit(request.query, 20, 200);
    const assignedTo = /^user\.id eq "([^"]+)"$/.exec(request.query.get('filter')?.trim() ?? '');
    const expand = request.query.get('expand');
    if (assignedTo) return this.listAppsOfUser(request, assignedTo[1] as string, limit, expand);
    if (expand !== null)
      throw new BadRequest(
        oktaError(400, 'E0000001', 'Api validation failed: expand', [
          'expand=user/{userId} needs the filter user.id eq "{userId}" for the same user',
        ]),
      );
    const predicate = predicateOf(request.query);
    const after = request.query.get('after');
    const start = after ? store.apps.ids.indexAfter(after, store.apps.count) : 0;
    return page(
      store,
      request,
      rangeList(store.apps.count),
      start,
      limit,
      predicate
        ? (app) => predicate((path) => (path === 'status' ? store.apps.status(app) : undefined))
        : () => true,
      (app) => store.apps.build(app),
      (app) => store.apps.ids.at(app),
    );
  }

  /**
   * `filter=user.id eq "{userId}"`: the apps the user is assigned to, directly or through a group;
   * with `expand=user/{userId}` each app embeds that user's app user (`_embedded.user`).
   */
  private listAppsOfUser(
    request: RouteRequest,
    userId: string,
    limit: number,
    expand: string | null,
  ): RouteResult {
    const { store } = this;
    if (expand !== null && expand !== `user/${userId}`)
      throw new BadRequest(
        oktaError(400, 'E0000001', 'Api validation failed: expand', [
          'expand must be user/{the filtered user id}',
        ]),
      );
    const user = store.users.indexOf(userId);
    const after = request.query.get('after');
    const start = after ? store.apps.ids.indexAfter(after, store.apps.count) : 0;
    const positionIn = (app: number) => {
      const { users } = store.assignments.effectiveUsers(app);
      const position = lowerBound(listOf(users), user);
      return users[position] === user ? position : -1;
    };
    return page(
      store,
      request,
      rangeList(store.apps.count),
      start,
      limit,
      (app) => user >= 0 && positionIn(app) >= 0,
      (app) => {
        const record = store.apps.build(app);
        if (expand === null) return record;
        const effective = store.assignments.effectiveUsers(app);
        return {
          ...record,
          _embedded: { user: store.assignments.buildAppUser(app, effective, positionIn(app)) },
        };
      },
      (app) => store.apps.ids.at(app),
    );
  }

  private getApp(id: string): RouteResult {
    const app = this.store.apps.indexOf(id);
    return app < 0 ? notFound() : { status: 200, body: this.store.apps.build(app) };
  }

  private appUsers(request: RouteRequest, id: string): RouteResult {
    const { store } = this;
    const app = store.apps.indexOf(id);
    if (app < 0) return notFound();
    const limit = parseLimit(request.query, 50, 500);
    const effective = store.assignments.effectiveUsers(app);
    const users = listOf(effective.users);
    const after = request.query.get('after');
    const start = after ? lowerBound(users, store.users.ids.indexAfter(after, store.users.count)) : 0;
    return page(
      store,
      request,
      users,
      start,
      limit,
      () => true,
      (_user, position) => store.assignments.buildAppUser(app, effective, position),
      (user) => store.users.ids.at(user),
    );
  }

  /** One app user, whichever way the user is assigned; 404 when the user is not (or no longer) assigned. */
  private getAppUser(appId: string, userId: string): RouteResult {
    const { store } = this;
    const app = store.apps.indexOf(appId);
    const user = store.users.indexOf(userId);
    if (app < 0 || user < 0) return notFound();
    const effective = store.assignments.effectiveUsers(app);
    const position = lowerBound(listOf(effective.users), user);
    if (effective.users[position] !== user) return notFound();
    return { status: 200, body: store.assignments.buildAppUser(app, effective, position) };
  }

  /** Profile mappings, by id, optionally of one `sourceId` or `targetId`, paged by `after` (max 200). */
  private listMappings(request: RouteRequest): RouteResult {
    const { query } = request;
    const limit = parseLimit(query, 20, 200);
    const sourceId = query.get('sourceId');
    const targetId = query.get('targetId');
    const after = query.get('after');
    const all = listMappings(this.store).filter(
      (mapping) =>
        (sourceId === null || mapping.source.id === sourceId) &&
        (targetId === null || mapping.target.id === targetId) &&
        (after === null || mapping.id > after),
    );
    const items = all.slice(0, limit);
    const self = selfUrl(this.store.origin, request.path, query);
    const last = items.at(-1);
    const next =
      items.length === limit && last
        ? nextUrl(this.store.origin, request.path, query, last.id, limit)
        : undefined;
    return { status: 200, body: items, links: next ? { self, next } : { self } };
  }

  private getMapping(id: string): RouteResult {
    const mapping = getMapping(this.store, id);
    return mapping ? { status: 200, body: mapping } : notFound();
  }

  private appGroups(request: RouteRequest, id: string): RouteResult {
    const { store } = this;
    const app = store.apps.indexOf(id);
    if (app < 0) return notFound();
    const limit = parseLimit(request.query, 20, 200);
    const groups = store.assignments.groups[app] ?? [];
    const after = request.query.get('after');
    let start = 0;
    if (after) {
      const position = groups.findIndex((group) => store.groups.ids.at(group) === after);
      start = position < 0 ? groups.length : position + 1;
    }
    // Listed in priority order; positions stand in for indexes here.
    return page(
      store,
      request,
      rangeList(groups.length),
      start,
      limit,
      () => true,
      (position) => store.assignments.buildAppGroup(app, groups[position] as number, position),
      (position) => store.groups.ids.at(groups[position] as number),
    );
  }

  // ---------------------------------------------------------------- devices

  private listDevices(request: RouteRequest): RouteResult {
    const { store } = this;
    // The Devices API exists only in Identity Engine orgs; a Classic org answers 404.
    if (store.pipeline !== 'idx') return notFound();
    const limit = parseLimit(request.query, 200, 200);
    const predicate = predicateOf(request.query);
    const after = request.query.get('after');
    const start = after ? store.devices.ids.indexAfter(after, store.devices.count) : 0;
    const expand = request.query.get('expand') === 'user';
    return page(
      store,
      request,
      rangeList(store.devices.count),
      start,
      limit,
      predicate ? (device) => predicate(store.devices.reader(device)) : () => true,
      (device) => store.devices.build(device, expand),
      (device) => store.devices.ids.at(device),
    );
  }

  // ---------------------------------------------------------------- logs

  private listLogs(request: RouteRequest): RouteResult {
    const { store, log } = this;
    const { query } = request;
    const now = store.now();
    const time = (name: string): number | undefined => {
      const raw = query.get(name);
      if (raw === null || raw === '') return undefined;
      const ms = Date.parse(raw);
      if (Number.isNaN(ms))
        throw new BadRequest(oktaError(400, 'E0000053', `Invalid value for '${name}' parameter.`));
      return ms;
    };
    const limit = parseLimit(query, 100, 1_000);
    const until = time('until');
    const since = time('since') ?? (until ?? now) - 7 * DAY_MS;
    if (since < now - 180 * DAY_MS) {
      throw new BadRequest(
        oktaError(400, 'E0000053', "Invalid value for 'since' parameter. Must be within the last 180 days."),
      );
    }
    if (until !== undefined && until < since) {
      throw new BadRequest(oktaError(400, 'E0000053', "'until' must be after 'since'."));
    }
    const descending = query.get('sortOrder') === 'DESCENDING';
    // Without `until` an ascending query polls: it never ends, and always links to the next poll.
    const polling = until === undefined && !descending;
    const filterText = query.get('filter');
    const predicate = filterText ? parseExpression(filterText, 'E0000053') : undefined;
    const low = log.indexAtOrAfter(since);
    const high = until === undefined ? log.indexAtOrAfter(now + 1) : log.indexAtOrAfter(until);
    const after = query.get('after');
    let position: number;
    if (after) {
      const decoded = decodeLogCursor(after);
      if (decoded === undefined) throw new BadRequest(oktaError(400, 'E0000053', 'Invalid after cursor.'));
      position = decoded;
    } else {
      position = descending ? high - 1 : low;
    }
    const events = [];
    const step = descending ? -1 : 1;
    for (; descending ? position >= low : position < high; position += step) {
      if (events.length >= limit) break;
      if (predicate && !predicate(log.reader(position))) continue;
      events.push(log.event(position));
    }
    const self = selfUrl(store.origin, request.path, query);
    const more = events.length === limit;
    const next =
      polling || more
        ? nextUrl(store.origin, request.path, query, encodeLogCursor(position), limit)
        : undefined;
    return { status: 200, body: events, links: next ? { self, next } : { self } };
  }
}

/** The System Log cursor: opaque to clients, the position of the next event to us. */
function encodeLogCursor(position: number): string {
  return Buffer.from(`log:${position}`).toString('base64url');
}

function decodeLogCursor(cursor: string): number | undefined {
  const text = Buffer.from(cursor, 'base64url').toString();
  const match = /^log:(-?\d+)$/.exec(text);
  return match ? Number(match[1]) : undefined;
}
