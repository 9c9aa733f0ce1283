import { describe, expect, it } from 'vitest';
import { rateLimitBucketFor } from '../../src/okta/rate-limit-bucket.js';

describe('rateLimitBucketFor', () => {
  it.each([
    ['/api/v1/users', 'users'],
    ['/api/v1/users?limit=200', 'users'],
    ['/api/v1/users?search=status eq "DEPROVISIONED"', 'users'],
    ['/api/v1/users/', 'users'],
    ['/api/v1/users/00u1abc', 'users/id'],
    ['/api/v1/users/me', 'users/id'],
    ['/api/v1/users/00u1abc/roles', 'users/id'],
    ['/api/v1/groups', 'groups'],
    ['/api/v1/groups?expand=stats', 'groups'],
    ['/api/v1/groups/00g1/users', 'groups'],
    ['/api/v1/groups/00g1/roles', 'groups'],
    ['/api/v1/groups/00g1', 'groups/id'],
    ['/api/v1/groups/rules', 'api-v1-other'],
    ['/api/v1/apps', 'apps'],
    ['/api/v1/apps/0oa1/users', 'apps'],
    ['/api/v1/apps/0oa1/groups', 'apps'],
    ['/api/v1/apps/0oa1', 'apps/id'],
    ['/api/v1/logs?since=2024-01-01T00:00:00Z', 'logs'],
    ['/api/v1/devices?expand=user', 'devices'],
    ['/api/v1/devices/guo1/users', 'devices'],
    ['/.well-known/okta-organization', 'well-known'],
    ['/api/v1/meta/schemas/user/default', 'api-v1-other'],
    ['/api/v1/iam/assignees/users', 'api-v1-other'],
    ['/oauth2/v1/token', 'other'],
    ['https://acme.okta.com/api/v1/apps/0oa1/users?after=x', 'apps'],
  ])('%s → %s', (path, bucket) => {
    expect(rateLimitBucketFor('GET', path)).toBe(bucket);
  });
});
