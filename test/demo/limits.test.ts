import { describe, expect, it } from 'vitest';
import { startSampleOrg } from '../../src/demo/index.js';
import { get, manualClock } from './helpers.js';

interface ErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: unknown[];
}

const rateHeaders = (headers: Headers) => ({
  limit: Number(headers.get('x-rate-limit-limit')),
  remaining: Number(headers.get('x-rate-limit-remaining')),
  reset: Number(headers.get('x-rate-limit-reset')),
});

describe('authentication and authorisation', () => {
  it('401 E0000011 for a missing or wrong token; the well-known document needs none', async () => {
    const org = await startSampleOrg();
    try {
      const wrong = await get<ErrorBody>(org, '/api/v1/users', 'not-the-token');
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ errorCode: 'E0000011', errorLink: 'E0000011', errorCauses: [] });
      expect(wrong.body.errorId).toMatch(/^oae/);
      const missing = await fetch(`${org.url}/api/v1/users/me`);
      expect(missing.status).toBe(401);
      const bearer = await fetch(`${org.url}/api/v1/users/me`, {
        headers: { Authorization: `Bearer ${org.token}` },
      });
      expect(bearer.status).toBe(401);
      const wellKnown = await fetch(`${org.url}/.well-known/okta-organization`);
      expect(wellKnown.status).toBe(200);
      expect(await wellKnown.json()).toMatchObject({
        pipeline: 'idx',
        _links: { organization: { href: org.url } },
      });
    } finally {
      await org.stop();
    }
  });

  it('a custom token, 403 E0000006 on denied prefixes, 404 E0000007 elsewhere', async () => {
    const org = await startSampleOrg({
      token: 'custom-token',
      permissions: { deny: ['/api/v1/iam', '/api/v1/users/me/roles'] },
    });
    try {
      expect(org.token).toBe('custom-token');
      const denied = await get<ErrorBody>(org, '/api/v1/iam/assignees/users');
      expect(denied.status).toBe(403);
      expect(denied.body.errorCode).toBe('E0000006');
      expect((await get(org, '/api/v1/users/me/roles')).status).toBe(403);
      expect((await get(org, '/api/v1/users/me')).status).toBe(200);
      for (const path of [
        '/api/v1/nothing',
        '/api/v1/users/00uDoesNotExist000000',
        '/api/v1/apps/x/users',
        '/api/v2/users',
      ]) {
        const missing = await get<ErrorBody>(org, path);
        expect(missing.status, path).toBe(404);
        expect(missing.body.errorCode).toBe('E0000007');
      }
    } finally {
      await org.stop();
    }
  });

  it('a Classic org reports pipeline v1 and has no Devices API', async () => {
    const org = await startSampleOrg({ pipeline: 'v1' });
    try {
      expect((await get<{ pipeline: string }>(org, '/.well-known/okta-organization')).body.pipeline).toBe(
        'v1',
      );
      const devices = await get<ErrorBody>(org, '/api/v1/devices?expand=user');
      expect(devices.status).toBe(404);
      expect(devices.body.errorCode).toBe('E0000007');
      expect([...org.truth.devices()]).toEqual([]);
    } finally {
      await org.stop();
    }
  });
});

describe('rate limits', () => {
  it('every response has honest headers, a Date from the server clock and a request id', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 15, 12, 0, 0, 300));
    const org = await startSampleOrg({ now: clock.now });
    try {
      const first = await get(org, '/api/v1/users');
      expect(rateHeaders(first.headers)).toEqual({
        limit: 600,
        remaining: 599,
        reset: Math.ceil((clock.now() + 60_000) / 1000),
      });
      expect(first.headers.get('date')).toBe(new Date(clock.now()).toUTCString());
      expect(first.headers.get('x-okta-request-id')).toMatch(/^[0-9A-Za-z]{27}$/);
      clock.advance(10_000);
      // The window started at the bucket's first request, not on the minute.
      expect(rateHeaders((await get(org, '/api/v1/users')).headers)).toEqual({
        limit: 600,
        remaining: 598,
        reset: Math.ceil((clock.now() - 10_000 + 60_000) / 1000),
      });
      expect(rateHeaders((await get(org, '/api/v1/users/me')).headers)).toMatchObject({
        limit: 2000,
        remaining: 1999,
      });
      const appsBucket = [
        await get(org, '/api/v1/apps'),
        await get(org, `/api/v1/apps/${[...org.truth.apps()][1]?.id}/users`),
        await get(org, `/api/v1/apps/${[...org.truth.apps()][1]?.id}/groups`),
      ];
      expect(appsBucket.map((page) => rateHeaders(page.headers).remaining)).toEqual([99, 98, 97]);
      expect(
        rateHeaders((await get(org, `/api/v1/apps/${[...org.truth.apps()][1]?.id}`)).headers).limit,
      ).toBe(500);
      expect(rateHeaders((await get(org, '/api/v1/logs')).headers).limit).toBe(120);
      expect(rateHeaders((await get(org, '/api/v1/devices')).headers).limit).toBe(100);
      expect(rateHeaders((await get(org, '/api/v1/groups')).headers).limit).toBe(500);
      expect(rateHeaders((await get(org, '/api/v1/iam/assignees/users')).headers).limit).toBe(1200);
    } finally {
      await org.stop();
    }
  });

  it('answers 429 E0000047 over the limit until the window ends', async () => {
    const clock = manualClock();
    const org = await startSampleOrg({
      now: clock.now,
      rateLimits: { windowMs: 1_000, limits: { '/api/v1/apps': 3 } },
    });
    try {
      const statuses = [];
      for (let k = 0; k < 5; k++) statuses.push((await get(org, '/api/v1/apps')).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const refused = await get<ErrorBody>(org, '/api/v1/apps');
      expect(refused.body.errorCode).toBe('E0000047');
      expect(rateHeaders(refused.headers)).toEqual({
        limit: 3,
        remaining: 0,
        reset: Math.ceil((clock.now() + 1_000) / 1000),
      });
      clock.advance(1_000);
      expect((await get(org, '/api/v1/apps')).status).toBe(200);
      expect(org.counters.buckets['/api/v1/apps']).toEqual({ requests: 7, throttled: 3, maxUsedInWindow: 3 });
      const url = org.counters.urls.get('/api/v1/apps');
      expect(url).toEqual({ requests: 7, faulted: 0, throttled: 3 });
    } finally {
      await org.stop();
    }
  });

  it('answers a concurrency 429 with limit 0 and remaining 0', async () => {
    const org = await startSampleOrg({ latencyMs: 150, rateLimits: { concurrency: 2 } });
    try {
      const pages = await Promise.all(
        Array.from({ length: 6 }, () => get<ErrorBody>(org, '/api/v1/users/me')),
      );
      const refused = pages.filter((page) => page.status === 429);
      expect(refused).toHaveLength(4);
      for (const page of refused) {
        expect(page.body.errorCode).toBe('E0000047');
        expect(rateHeaders(page.headers)).toMatchObject({ limit: 0, remaining: 0 });
      }
      expect(org.counters.concurrencyRejected).toBe(4);
      expect(org.counters.maxInFlight).toBeGreaterThanOrEqual(3);
      expect(org.counters.buckets['/api/v1/users/{id}']?.throttled).toBe(4);
    } finally {
      await org.stop();
    }
  });

  it('can be switched off (headers still count)', async () => {
    const org = await startSampleOrg({ rateLimits: { enabled: false, limits: { '/api/v1/logs': 1 } } });
    try {
      const pages = [await get(org, '/api/v1/logs'), await get(org, '/api/v1/logs')];
      expect(pages.map((page) => page.status)).toEqual([200, 200]);
      expect(org.counters.buckets['/api/v1/logs']?.maxUsedInWindow).toBe(2);
    } finally {
      await org.stop();
    }
  });

  it('answers 405 E0000022 to methods it does not serve', async () => {
    const org = await startSampleOrg();
    try {
      const response = await fetch(`${org.url}/api/v1/users`, {
        method: 'DELETE',
        headers: { Authorization: `SSWS ${org.token}` },
      });
      expect(response.status).toBe(405);
      expect(((await response.json()) as ErrorBody).errorCode).toBe('E0000022');
    } finally {
      await org.stop();
    }
  });
});
