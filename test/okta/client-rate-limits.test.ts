import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, errorBody, FakeRateLimits, InFlightCounter, ORIGIN } from './support/fake-okta.js';
import { createVirtualClock } from './support/virtual-clock.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Serves the apps bucket (`/api/v1/apps/{id}/users`) with honest limits and 100 ms of latency. */
function serveApps(
  limits: FakeRateLimits,
  clock: ReturnType<typeof createVirtualClock>,
  limit: number,
  others = 0,
) {
  const inFlight = new InFlightCounter();
  server.use(
    http.get(`${ORIGIN}/api/v1/apps/:id/users`, () =>
      inFlight.around(async () => {
        await clock.sleep(100);
        return limits.respond('apps', limit, [], others);
      }),
    ),
  );
  return inFlight;
}

describe('rate limits against an honest server', () => {
  it.each([
    ['no other integration', 0, 0],
    ['others using 6 of 20', 6, 0],
    ['a server clock 7 minutes ahead', 0, 7 * 60_000],
    ['a server clock 7 minutes behind', 3, -7 * 60_000],
  ])('never uses more than its share of a bucket, with %s', async (_name, others, skewMs) => {
    const clock = createVirtualClock();
    const limits = new FakeRateLimits(clock, { skewMs });
    const inFlight = serveApps(limits, clock, 20, others);
    const { client, events } = createTestClient({}, clock);
    const startedAt = clock.now();

    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, index) => client.get(`/api/v1/apps/0oa${index}/users`)),
    );

    expect(responses).toHaveLength(60);
    const windows = limits.windows.get('apps') ?? [];
    for (const window of windows) {
      expect(window.rejected).toBe(0);
      expect(window.ours).toBeLessThanOrEqual(10 - others);
      // At least limit × (1 − share) = 10 is always left for everyone else.
      expect(window.minRemaining).toBeGreaterThanOrEqual(10);
    }
    expect(windows.reduce((sum, window) => sum + window.ours, 0)).toBe(60);
    // The budget is used, not wasted: each window is filled up to the share (61 s apart at most).
    expect(windows.length).toBeLessThanOrEqual(Math.ceil(60 / (10 - others)) + 1);
    expect(clock.now() - startedAt).toBeLessThan(windows.length * 62_000);
    expect(inFlight.max).toBeLessThanOrEqual(8);
    expect(events.some((event) => event.type === 'rate-limit-wait' && event.reason === 'budget')).toBe(true);
    expect(client.stats().buckets.apps).toMatchObject({ requests: 60, rateLimited: 0 });
  });

  it('never has more requests in flight than the concurrency', async () => {
    const clock = createVirtualClock();
    const limits = new FakeRateLimits(clock);
    const inFlight = new InFlightCounter();
    server.use(
      http.get(`${ORIGIN}/api/v1/users/:id`, () =>
        inFlight.around(async () => {
          await clock.sleep(50);
          return limits.respond('users/id', 10_000, {});
        }),
      ),
    );
    const { client } = createTestClient({ scheduler: { concurrency: 3 } }, clock);
    await Promise.all(Array.from({ length: 40 }, (_, index) => client.get(`/api/v1/users/00u${index}`)));
    expect(inFlight.max).toBe(3);
  });

  it('waits out a 429 until Reset − Date + 1 s on the server clock, not the local one', async () => {
    const clock = createVirtualClock();
    const limits = new FakeRateLimits(clock, { skewMs: 5 * 60_000 });
    let reset = 0;
    const arrivals: number[] = [];
    server.use(
      http.get(`${ORIGIN}/api/v1/apps`, () => {
        arrivals.push(limits.serverNow());
        if (arrivals.length > 1) return HttpResponse.json([]);
        reset = Math.floor(limits.serverNow() / 1000) + 30;
        return HttpResponse.json(
          errorBody('E0000047', 'API call exceeded rate limit due to too many requests.'),
          {
            status: 429,
            headers: {
              'x-rate-limit-limit': '100',
              'x-rate-limit-remaining': '0',
              'x-rate-limit-reset': String(reset),
              date: limits.dateHeader(),
            },
          },
        );
      }),
    );
    const { client, events } = createTestClient({}, clock);
    await client.get('/api/v1/apps');
    expect(events).toEqual([
      { type: 'rate-limit-wait', bucket: 'apps', waitMs: 31_000, reason: '429' },
      { type: 'retry', bucket: 'apps', attempt: 2, delayMs: 31_000, reason: 'HTTP 429' },
    ]);
    expect(arrivals[1]).toBeGreaterThanOrEqual(reset * 1000);
    expect(client.stats()).toMatchObject({
      rateLimited: 1,
      retries: 1,
      buckets: { apps: { waitMs: 31_000 } },
    });
  });

  it('backs off briefly after a 429 whose reset is already past', async () => {
    const clock = createVirtualClock();
    const limits = new FakeRateLimits(clock);
    let count = 0;
    server.use(
      http.get(`${ORIGIN}/api/v1/apps`, () => {
        if (count++ > 0) return HttpResponse.json([]);
        return HttpResponse.json(
          errorBody('E0000047', 'API call exceeded rate limit due to too many requests.'),
          {
            status: 429,
            headers: {
              'x-rate-limit-limit': '100',
              'x-rate-limit-remaining': '0',
              'x-rate-limit-reset': String(Math.floor(limits.serverNow() / 1000) - 10),
              date: limits.dateHeader(),
            },
          },
        );
      }),
    );
    const { client, events } = createTestClient({}, clock);
    await client.get('/api/v1/apps');
    expect(events).toContainEqual({
      type: 'retry',
      bucket: 'apps',
      attempt: 2,
      delayMs: 500,
      reason: 'HTTP 429',
    });
  });

  it('halves its concurrency on a concurrency 429 and stops hitting the limit', async () => {
    const clock = createVirtualClock();
    const limits = new FakeRateLimits(clock);
    const inFlight = new InFlightCounter();
    let concurrency429s = 0;
    server.use(
      http.get(`${ORIGIN}/api/v1/users/:id`, () =>
        inFlight.around(async () => {
          if (inFlight.current > 4) {
            concurrency429s++;
            return HttpResponse.json(
              errorBody('E0000047', 'API call exceeded rate limit due to too many requests.'),
              {
                status: 429,
                headers: {
                  'x-rate-limit-limit': '0',
                  'x-rate-limit-remaining': '0',
                  'x-rate-limit-reset': String(Math.floor(limits.serverNow() / 1000) + 60),
                  date: limits.dateHeader(),
                },
              },
            );
          }
          await clock.sleep(100);
          return limits.respond('users/id', 10_000, {});
        }),
      ),
    );
    const { client, events } = createTestClient({ scheduler: { concurrency: 8 } }, clock);
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, index) => client.get(`/api/v1/users/00u${index}`)),
    );
    expect(responses).toHaveLength(40);
    expect(events).toContainEqual({ type: 'concurrency-limited', bucket: 'users/id', newConcurrency: 4 });
    expect(events.filter((event) => event.type === 'concurrency-limited')).toHaveLength(1);
    expect(concurrency429s).toBeGreaterThan(0);
    expect(concurrency429s).toBeLessThanOrEqual(4);
    expect(client.stats()).toMatchObject({
      concurrencyLimited: concurrency429s,
      rateLimited: concurrency429s,
    });
  });

  it('runs buckets concurrently: a slow bucket does not hold up another', async () => {
    const clock = createVirtualClock();
    const limits = new FakeRateLimits(clock);
    let releaseLogs: () => void = () => {};
    const logsGate = new Promise<void>((resolve) => {
      releaseLogs = resolve;
    });
    server.use(
      http.get(`${ORIGIN}/api/v1/logs`, async () => {
        await logsGate;
        return limits.respond('logs', 120, []);
      }),
    );
    serveApps(limits, clock, 100);
    const { client } = createTestClient({}, clock);
    const logs = client.get('/api/v1/logs');
    const apps = Promise.all(
      Array.from({ length: 20 }, (_, index) => client.get(`/api/v1/apps/0oa${index}/users`)),
    );
    const timeout = new Promise((_, reject) =>
      setTimeout(() => reject(new Error('apps waited for logs')), 2000),
    );
    await expect(Promise.race([apps, timeout])).resolves.toHaveLength(20);
    releaseLogs();
    await expect(logs).resolves.toMatchObject({ status: 200 });
  });

  it('pages through two buckets side by side', async () => {
    const clock = createVirtualClock();
    const limits = new FakeRateLimits(clock);
    const order: string[] = [];
    for (const resource of ['users', 'groups']) {
      server.use(
        http.get(`${ORIGIN}/api/v1/${resource}`, async ({ request }) => {
          const page = Number(new URL(request.url).searchParams.get('after') ?? 0);
          order.push(`${resource}${page}`);
          await clock.sleep(resource === 'users' ? 100 : 30);
          const response = limits.respond(resource, 600, [{ id: `${resource}${page}` }]);
          if (page < 4)
            response.headers.set('link', `<${ORIGIN}/api/v1/${resource}?after=${page + 1}>; rel="next"`);
          return response;
        }),
      );
    }
    const { client } = createTestClient({}, clock);
    const collect = async (path: string) => {
      const ids: unknown[] = [];
      for await (const item of client.paginate(path)) ids.push(item);
      return ids;
    };
    const [users, groups] = await Promise.all([collect('/api/v1/users'), collect('/api/v1/groups')]);
    expect(users).toHaveLength(5);
    expect(groups).toHaveLength(5);
    // The faster bucket finishes long before the slower one: they were not serialised.
    expect(order.indexOf('groups4')).toBeLessThan(order.indexOf('users3'));
  });
});
