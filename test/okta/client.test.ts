import { inspect } from 'node:util';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import {
  AuthError,
  NetworkError,
  NotFoundError,
  OktaApiError,
  PermissionError,
  RateLimitError,
  ResponseShapeError,
} from '../../src/okta/errors.js';
import { USER_AGENT } from '../../src/version.js';
import { createTestClient, errorBody, ORIGIN, TOKEN } from './support/fake-okta.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const DATE = 'Tue, 01 Jan 2030 12:00:00 GMT';
const okHeaders = {
  'x-okta-request-id': 'req-123',
  'x-rate-limit-limit': '600',
  'x-rate-limit-remaining': '599',
  'x-rate-limit-reset': String(Date.parse(DATE) / 1000 + 60),
  date: DATE,
};

/** Answers with `responses` in turn (the last one repeats), counting requests. */
function serveSequence(path: string, responses: (() => Response)[]) {
  const calls = { count: 0 };
  server.use(
    http.get(`${ORIGIN}${path}`, () => {
      const respond = responses[Math.min(calls.count, responses.length - 1)]!;
      calls.count++;
      return respond();
    }),
  );
  return calls;
}

const json =
  (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  () =>
    HttpResponse.json(body as Record<string, unknown>, { status, headers: { ...okHeaders, ...headers } });
const text =
  (body: string, status: number, contentType = 'application/json') =>
  () =>
    new HttpResponse(body, { status, headers: { 'content-type': contentType } });

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('OktaClient.get', () => {
  it('sends the token, Accept and User-Agent, and returns body, status, request id and server date', async () => {
    let seen: Headers | undefined;
    server.use(
      http.get(`${ORIGIN}/api/v1/users/me`, ({ request }) => {
        seen = request.headers;
        return HttpResponse.json({ id: '00u1' }, { headers: okHeaders });
      }),
    );
    const { client, requests } = createTestClient();
    const response = await client.get<{ id: string }>('/api/v1/users/me', { searchParams: { expand: 'x' } });
    expect(response).toMatchObject({
      status: 200,
      body: { id: '00u1' },
      url: `${ORIGIN}/api/v1/users/me?expand=x`,
      requestId: 'req-123',
      serverDate: new Date(DATE),
    });
    expect(seen?.get('authorization')).toBe(`SSWS ${TOKEN}`);
    expect(seen?.get('accept')).toBe('application/json');
    expect(seen?.get('user-agent')).toBe(USER_AGENT);
    expect(requests).toEqual([
      {
        method: 'GET',
        path: '/api/v1/users/me?expand=x',
        status: 200,
        durationMs: 0,
        requestId: 'req-123',
        bucket: 'users/id',
        attempt: 1,
        waitedMs: 0,
        rateLimit: { limit: 600, remaining: 599, reset: Date.parse(DATE) / 1000 + 60 },
      },
    ]);
    expect(client.stats()).toMatchObject({
      requests: 1,
      retries: 0,
      buckets: { 'users/id': { requests: 1 } },
    });
  });

  it('sends no token when authenticated is false', async () => {
    let authorization: string | null = 'unset';
    server.use(
      http.get(`${ORIGIN}/.well-known/okta-organization`, ({ request }) => {
        authorization = request.headers.get('authorization');
        return HttpResponse.json({ id: '00o1', pipeline: 'idx' });
      }),
    );
    const { client, requests } = createTestClient();
    const response = await client.get('/.well-known/okta-organization', { authenticated: false });
    expect(response.body).toEqual({ id: '00o1', pipeline: 'idx' });
    expect(authorization).toBeNull();
    expect(requests[0]?.bucket).toBe('well-known');
  });

  it('accepts an empty 204', async () => {
    serveSequence('/api/v1/users/00u1', [() => new HttpResponse(null, { status: 204 })]);
    const { client } = createTestClient();
    await expect(client.get('/api/v1/users/00u1')).resolves.toMatchObject({ status: 204, body: undefined });
  });

  it('refuses an absolute URL on another origin before sending anything', async () => {
    let hits = 0;
    server.use(
      http.get('https://evil.example/*', () => {
        hits++;
        return HttpResponse.json([]);
      }),
    );
    const { client, requests } = createTestClient();
    for (const url of [
      'https://evil.example/api/v1/users',
      '//evil.example/api/v1/users',
      `https://x:${TOKEN}@acme.okta.com/api/v1/users`,
    ]) {
      const error = await caught(client.get(url));
      expect(error).toBeInstanceOf(OktaApiError);
      expect(error.message).toMatch(/only talks to acme\.okta\.com/);
    }
    expect(hits).toBe(0);
    expect(requests).toEqual([]);
  });

  it('does not follow a redirect, and names only the host it pointed to', async () => {
    let hits = 0;
    server.use(
      http.get('https://evil.example/*', () => {
        hits++;
        return HttpResponse.json([]);
      }),
    );
    const calls = serveSequence('/api/v1/users', [
      () =>
        new HttpResponse(null, {
          status: 302,
          headers: { location: 'https://evil.example/steal?token=abc' },
        }),
    ]);
    const { client } = createTestClient();
    const error = await caught(client.get('/api/v1/users'));
    expect(error).toBeInstanceOf(OktaApiError);
    expect(error.message).toContain('HTTP 302');
    expect(error.message).toContain('evil.example');
    expect(error.message).not.toContain('steal');
    expect(hits).toBe(0);
    expect(calls.count).toBe(1);
  });
});

describe('OktaClient errors', () => {
  it('fails fast on 401 with an AuthError that explains the token', async () => {
    const calls = serveSequence('/api/v1/users', [
      json(errorBody('E0000011', 'Invalid token provided', 'oae401'), 401, {
        'x-okta-request-id': 'req-401',
      }),
    ]);
    const { client, events } = createTestClient();
    const error = await caught(
      client.get('/api/v1/users', { searchParams: { search: 'profile.email eq "a@b"' } }),
    );
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({
      status: 401,
      errorCode: 'E0000011',
      errorSummary: 'Invalid token provided',
      errorId: 'oae401',
      requestId: 'req-401',
      request: 'GET /api/v1/users',
      exitCode: ExitCode.Auth,
    });
    expect(error.message).toMatch(/expired after 30 days without use, was revoked, or the admin/);
    expect(error.message).not.toContain('a@b');
    expect(calls.count).toBe(1);
    expect(events).toEqual([]);
  });

  it('fails fast on 403 insufficient_scope and names the scope', async () => {
    const calls = serveSequence('/api/v1/groups', [
      () =>
        new HttpResponse(null, {
          status: 403,
          headers: {
            'www-authenticate':
              'Bearer authorization_uri="https://acme.okta.com/oauth2/v1/authorize", realm="IdpError", scope="okta.groups.read", error="insufficient_scope", error_description="The access token provided does not contain the required scopes."',
          },
        }),
    ]);
    const { client } = createTestClient();
    const error = await caught(client.get('/api/v1/groups'));
    expect(error).toBeInstanceOf(PermissionError);
    expect(error).toMatchObject({
      status: 403,
      exitCode: ExitCode.Permission,
      challenge: { scheme: 'Bearer', scope: 'okta.groups.read', error: 'insufficient_scope' },
    });
    expect(error.message).toContain('okta.groups.read');
    expect(calls.count).toBe(1);
  });

  it('fails fast on 403 E0000006 with a PermissionError', async () => {
    const calls = serveSequence('/api/v1/iam/assignees/users', [
      json(errorBody('E0000006', 'You do not have permission to perform the requested action'), 403),
    ]);
    const { client } = createTestClient();
    const error = await caught(client.get('/api/v1/iam/assignees/users'));
    expect(error).toBeInstanceOf(PermissionError);
    expect(error).toMatchObject({ errorCode: 'E0000006', request: 'GET /api/v1/iam/assignees/users' });
    expect(calls.count).toBe(1);
  });

  it('fails fast on 404 with a NotFoundError', async () => {
    const calls = serveSequence('/api/v1/apps/0oa404', [
      json(errorBody('E0000007', 'Not found: Resource not found: 0oa404 (AppInstance)'), 404),
    ]);
    const { client } = createTestClient();
    const error = await caught(client.get('/api/v1/apps/0oa404'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, errorCode: 'E0000007', exitCode: ExitCode.OktaApi });
    expect(calls.count).toBe(1);
  });

  it('fails fast on 400 with the summary and causes', async () => {
    const calls = serveSequence('/api/v1/logs', [
      json(
        {
          ...errorBody('E0000001', 'Api validation failed: since'),
          errorCauses: [{ errorSummary: 'Since must not be more than 180 days ago.' }],
        },
        400,
      ),
    ]);
    const { client } = createTestClient();
    const error = await caught(client.get('/api/v1/logs'));
    expect(error).toBeInstanceOf(OktaApiError);
    expect(error.message).toBe(
      'Okta rejected GET /api/v1/logs (HTTP 400, E0000001): Api validation failed: since; Since must not be more than 180 days ago.',
    );
    expect(error).toMatchObject({ errorSummary: 'Api validation failed: since' });
    expect(calls.count).toBe(1);
  });

  it.each([500, 502, 503, 504])('retries HTTP %i', async (status) => {
    const calls = serveSequence('/api/v1/users', [
      status === 502
        ? text('<html><body>Bad Gateway</body></html>', 502, 'text/html')
        : json(errorBody('E0000009', 'Internal Server Error'), status),
      json([{ id: '00u1' }]),
    ]);
    const { client, events } = createTestClient();
    await expect(client.get('/api/v1/users')).resolves.toMatchObject({ body: [{ id: '00u1' }] });
    expect(calls.count).toBe(2);
    expect(events).toEqual([
      { type: 'retry', bucket: 'users', attempt: 2, delayMs: 500, reason: `HTTP ${status}` },
    ]);
    expect(client.stats()).toMatchObject({ requests: 2, retries: 1 });
  });

  it('gives up on a 5xx after maxRetries with an OktaApiError', async () => {
    const calls = serveSequence('/api/v1/users', [json(errorBody('E0000009', 'Internal Server Error'), 503)]);
    const { client } = createTestClient({ scheduler: { maxRetries: 2 } });
    const error = await caught(client.get('/api/v1/users'));
    expect(error).toBeInstanceOf(OktaApiError);
    expect(error.message).toBe(
      'Okta kept failing GET /api/v1/users with HTTP 503, E0000009 after 3 attempts: Internal Server Error.',
    );
    expect(calls.count).toBe(3);
  });

  it('retries a connection reset', async () => {
    const calls = serveSequence('/api/v1/users', [() => HttpResponse.error(), json([])]);
    const { client, events, requests } = createTestClient();
    await expect(client.get('/api/v1/users')).resolves.toMatchObject({ status: 200 });
    expect(calls.count).toBe(2);
    expect(events).toMatchObject([{ type: 'retry', reason: 'network error' }]);
    expect(requests[0]).toMatchObject({ attempt: 1, error: 'network error' });
    expect(requests[0]).not.toHaveProperty('status');
  });

  it('gives up on connection resets with a NetworkError', async () => {
    serveSequence('/api/v1/users', [() => HttpResponse.error()]);
    const { client } = createTestClient({ scheduler: { maxRetries: 1 } });
    const error = await caught(client.get('/api/v1/users'));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ exitCode: ExitCode.Network, request: 'GET /api/v1/users' });
    expect(error.message).toContain('after 2 attempts');
  });

  it('retries an attempt that timed out', async () => {
    let count = 0;
    server.use(
      http.get(`${ORIGIN}/api/v1/apps`, async () => {
        if (count++ === 0) await new Promise((resolve) => setTimeout(resolve, 300));
        return HttpResponse.json([]);
      }),
    );
    const { client, requests, events } = createTestClient({ timeoutMs: 50 });
    await expect(client.get('/api/v1/apps')).resolves.toMatchObject({ status: 200 });
    expect(requests[0]).toMatchObject({ error: 'ETIMEDOUT' });
    expect(events).toMatchObject([{ type: 'retry', reason: 'ETIMEDOUT' }]);
  });

  it.each([
    ['truncated body', '[{"id":"00u1","profile":{"login":"a'],
    ['non-JSON body', '<html><body>Service Unavailable</body></html>'],
    ['empty body', ''],
  ])('retries a 200 with a %s, then fails with a ResponseShapeError', async (reason, body) => {
    const calls = serveSequence('/api/v1/users', [text(body, 200), json([{ id: '00u1' }])]);
    const { client, events } = createTestClient();
    await expect(client.get('/api/v1/users')).resolves.toMatchObject({ body: [{ id: '00u1' }] });
    expect(events).toMatchObject([{ type: 'retry', reason }]);
    expect(calls.count).toBe(2);

    server.resetHandlers();
    serveSequence('/api/v1/users', [text(body, 200)]);
    const error = await caught(
      createTestClient({ scheduler: { maxRetries: 1 } }).client.get('/api/v1/users'),
    );
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect(error.message).toContain(reason);
  });

  it.each([
    ['cut inside a string', '[{"id":"00u1","profile":{"login":"a'],
    ['cut between records', '[{"id":"00u1"},'],
    ['cut before the closing bracket', '[{"id":"00u1"}'],
    ['non-JSON body', '<html><body>Service Unavailable</body></html>'],
  ])(
    'retries a list page %s, read record by record, and yields the records of the whole page',
    async (_, body) => {
      const calls = serveSequence('/api/v1/users', [
        text(body, 200),
        json([{ id: '00u1', note: 'a "quoted", [bracketed] value' }, { id: '00u2' }]),
      ]);
      const { client, events } = createTestClient();
      const records = [];
      for await (const user of client.paginate('/api/v1/users')) records.push(user);
      expect(records).toEqual([{ id: '00u1', note: 'a "quoted", [bracketed] value' }, { id: '00u2' }]);
      expect(events).toMatchObject([{ type: 'retry' }]);
      expect(calls.count).toBe(2);
    },
  );

  it('fails a list page whose brackets balance but whose record is not JSON, naming the record, not its values', async () => {
    serveSequence('/api/v1/users', [text('[{"id":"00u1"},{"id":"00u2","secret":tru}]', 200)]);
    const { client } = createTestClient();
    const records: unknown[] = [];
    const error = await caught(
      (async () => {
        for await (const user of client.paginate('/api/v1/users')) records.push(user);
      })(),
    );
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect(error.message).toContain('record index 1');
    expect(error.message).not.toContain('secret');
    // Nothing of a page is handed out before the whole page is read.
    expect(records).toEqual([]);
  });

  it('labels every attempt of a list and reports how long each waited in the scheduler', async () => {
    const reset = String(Date.parse(DATE) / 1000 + 5);
    serveSequence('/api/v1/groups', [
      json(errorBody('E0000047', 'API call exceeded rate limit due to too many requests.'), 429, {
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': reset,
      }),
      json([{ id: '00g1' }]),
    ]);
    const { client, requests } = createTestClient();
    const records = [];
    for await (const group of client.paginate('/api/v1/groups', { label: 'groups' })) records.push(group);
    expect(records).toEqual([{ id: '00g1' }]);
    expect(requests.map((event) => [event.label, event.attempt, event.status])).toEqual([
      ['groups', 1, 429],
      ['groups', 2, 200],
    ]);
    // The retry waited for the reset (5 s after the server's Date) plus the 1 s margin.
    expect(requests[0]?.waitedMs).toBe(0);
    expect(requests[1]?.waitedMs).toBeGreaterThanOrEqual(6000);
  });

  it('gives up on 429s with a RateLimitError', async () => {
    const calls = serveSequence('/api/v1/apps', [
      json(errorBody('E0000047', 'API call exceeded rate limit due to too many requests.'), 429, {
        'x-rate-limit-remaining': '0',
      }),
    ]);
    const { client } = createTestClient({ scheduler: { maxRetries: 2 } });
    const error = await caught(client.get('/api/v1/apps'));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, errorCode: 'E0000047', exitCode: ExitCode.RateLimit });
    expect(error.message).toContain('after 3 attempts');
    expect(calls.count).toBe(3);
    expect(client.stats()).toMatchObject({ rateLimited: 3, retries: 2 });
  });

  it('stops retrying when the run-wide retry budget is spent', async () => {
    const users = serveSequence('/api/v1/users', [json(errorBody('E0000009', 'Internal Server Error'), 500)]);
    const groups = serveSequence('/api/v1/groups', [() => HttpResponse.error()]);
    const { client } = createTestClient({ scheduler: { retryBudget: 3, maxRetries: 6 } });
    const first = await caught(client.get('/api/v1/users'));
    expect(first).toBeInstanceOf(OktaApiError);
    expect(first.message).toContain('retry budget of the run (3) ran out');
    expect(users.count).toBe(4);
    const second = await caught(client.get('/api/v1/groups'));
    expect(second).toBeInstanceOf(NetworkError);
    expect(groups.count).toBe(1);
  });
});

describe('the API token', () => {
  it('never appears in an error, its cause chain, or an event', async () => {
    server.use(
      http.get(`${ORIGIN}/api/v1/users`, () =>
        HttpResponse.json(errorBody('E0000011', 'Invalid token provided'), { status: 401 }),
      ),
      http.get(`${ORIGIN}/api/v1/groups`, () => HttpResponse.error()),
      http.get(
        `${ORIGIN}/api/v1/apps`,
        () =>
          new HttpResponse(null, { status: 301, headers: { location: `https://evil.example/?t=${TOKEN}` } }),
      ),
      // A server (or proxy) that echoes the Authorization header back.
      http.get(`${ORIGIN}/api/v1/logs`, ({ request }) =>
        HttpResponse.json(errorBody('E0000001', `Bad header ${request.headers.get('authorization')}`), {
          status: 400,
        }),
      ),
      http.get(`${ORIGIN}/api/v1/devices`, () =>
        HttpResponse.json(errorBody('E0000009', 'oops'), { status: 503 }),
      ),
      http.get(`${ORIGIN}/api/v1/meta/schemas/user/default`, async () => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        return HttpResponse.json({});
      }),
    );
    const { client, events, requests } = createTestClient({ timeoutMs: 20, scheduler: { maxRetries: 1 } });
    const errors = await Promise.all(
      [
        '/api/v1/users',
        '/api/v1/groups',
        '/api/v1/apps',
        '/api/v1/logs',
        '/api/v1/devices',
        '/api/v1/meta/schemas/user/default',
        `https://evil.example/?t=${TOKEN}`,
      ].map((path) => caught(client.get(path))),
    );
    expect(errors.map((error) => error.constructor.name)).toEqual([
      'AuthError',
      'NetworkError',
      'OktaApiError',
      'OktaApiError',
      'OktaApiError',
      'NetworkError',
      'OktaApiError',
    ]);
    for (const error of errors) {
      const renderings = [
        String(error),
        error.stack ?? '',
        JSON.stringify(error),
        inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
      ];
      for (const rendering of renderings) expect(rendering).not.toContain(TOKEN);
    }
    expect(JSON.stringify([events, requests])).not.toContain(TOKEN);
    expect(errors[3]?.message).toContain('[redacted]');
  });
});
