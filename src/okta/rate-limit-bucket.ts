/**
 * Okta's rate-limit buckets, as keys for the request scheduler.
 *
 * Okta counts requests per endpoint group ("bucket") and reports each bucket's limit, remaining
 * requests and reset time on every response. This module only names the bucket a request falls
 * into; the limits themselves are always learnt from the `X-Rate-Limit-*` headers, never hard-coded
 * (Okta stopped publishing the table in December 2025 and orgs can have custom limits).
 * https://developer.okta.com/docs/reference/rl-global-mgmt/
 */

/** A bucket name: one of the constants below, or `other` for anything outside `/api/v1` and `/.well-known`. */
export type RateLimitBucket =
  | 'users'
  | 'users/id'
  | 'groups'
  | 'groups/id'
  | 'apps'
  | 'apps/id'
  | 'logs'
  | 'devices'
  | 'well-known'
  | 'api-v1-other'
  | 'other';

/** Group and app sub-collections that Okta counts against the list bucket, not the per-id bucket. */
const GROUP_LIST_CHILDREN = new Set(['users', 'roles']);
const APP_LIST_CHILDREN = new Set(['users', 'groups']);

/**
 * Names the Okta rate-limit bucket a request counts against.
 *
 * Okta's Workforce buckets are keyed by path: the methods on a path share its bucket, so `method`
 * does not change the answer today (okta-connector only reads); it is part of the signature because
 * Okta's table is per method and path. `path` may carry a query string or be an absolute URL.
 *
 * @example rateLimitBucketFor('GET', '/api/v1/users?search=status eq "ACTIVE"') // 'users'
 * @example rateLimitBucketFor('GET', '/api/v1/users/me') // 'users/id': `me` stands for the caller's id
 * @example rateLimitBucketFor('GET', '/api/v1/apps/0oa1/users') // 'apps': app users share the apps list bucket
 */
export function rateLimitBucketFor(_method: string, path: string): RateLimitBucket {
  const segments = pathOf(path)
    .split('/')
    .filter((segment) => segment !== '');

  if (segments[0] === '.well-known') return 'well-known';
  if (segments[0] !== 'api' || segments[1] !== 'v1') return 'other';

  const [, , resource, id, child] = segments;
  switch (resource) {
    case 'users':
      // `/api/v1/users/me` is `/api/v1/users/{id}` with the caller's id, so it shares that bucket.
      return id === undefined ? 'users' : 'users/id';
    case 'groups':
      if (id === undefined) return 'groups';
      // Group rules are not a group: Okta counts them with the other /api/v1 endpoints.
      if (id === 'rules') return 'api-v1-other';
      return child !== undefined && GROUP_LIST_CHILDREN.has(child) ? 'groups' : 'groups/id';
    case 'apps':
      if (id === undefined) return 'apps';
      return child !== undefined && APP_LIST_CHILDREN.has(child) ? 'apps' : 'apps/id';
    case 'logs':
      return 'logs';
    case 'devices':
      return 'devices';
    default:
      return 'api-v1-other';
  }
}

function pathOf(pathOrUrl: string): string {
  const withoutOrigin = /^[a-z][a-z0-9+.-]*:\/\//i.test(pathOrUrl) ? new URL(pathOrUrl).pathname : pathOrUrl;
  const end = withoutOrigin.search(/[?#]/);
  return end === -1 ? withoutOrigin : withoutOrigin.slice(0, end);
}
