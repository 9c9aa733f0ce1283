import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PaginationError, ResponseShapeError } from '../../src/okta/errors.js';
import { createTestClient, ORIGIN, TOKEN } from './support/fake-okta.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Serves `pages[n]` for `?after=n` (or the first page without `after`), recording each URL asked for. */
function serveUsers(
  pages: { items: unknown[]; links?: string[]; linkHeader?: string }[],
  path = '/api/v1/users',
) {
  const seen: string[] = [];
  server.use(
    http.get(`${ORIGIN}${path}`, ({ request }) => {
      seen.push(request.url);
      expect(request.headers.get('authorization')).toBe(`SSWS ${TOKEN}`);
      const after = new URL(request.url).searchParams.get('after');
      const page = pages[after === null ? 0 : Number(after)];
      if (!page) return HttpResponse.json({ errorCode: 'E0000007' }, { status: 404 });
      const headers = new Headers({ 'content-type': 'application/json' });
      for (const link of page.links ?? []) headers.append('link', link);
      if (page.linkHeader) headers.set('link', page.linkHeader);
      return new HttpResponse(JSON.stringify(page.items), { headers });
    }),
  );
  return seen;
}

const next = (after: number, extra = '&limit=2') =>
  `<${ORIGIN}/api/v1/users?after=${after}${extra}>; rel="next"`;
const self = `<${ORIGIN}/api/v1/users?limit=2>; rel="self"`;

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('paginate', () => {
  it('follows repeated Link headers, sending pageSize and searchParams on the first request only', async () => {
    const seen = serveUsers([
      { items: [{ id: 'u1' }, { id: 'u2' }], links: [self, next(1)] },
      { items: [{ id: 'u3' }, { id: 'u4' }], links: [next(1), next(2)].slice(1) },
      { items: [{ id: 'u5' }], links: [`<${ORIGIN}/api/v1/users?after=2&limit=2>; rel="self"`] },
    ]);
    const { client } = createTestClient();
    const users = await collect(
      client.paginate<{ id: string }>('/api/v1/users', {
        pageSize: 2,
        searchParams: { search: 'status eq "ACTIVE"' },
      }),
    );
    expect(users.map((user) => user.id)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    expect(seen).toEqual([
      `${ORIGIN}/api/v1/users?search=status+eq+%22ACTIVE%22&limit=2`,
      `${ORIGIN}/api/v1/users?after=1&limit=2`,
      `${ORIGIN}/api/v1/users?after=2&limit=2`,
    ]);
  });

  it('follows one comma-joined Link header whose URLs hold commas and semicolons', async () => {
    const filter = 'profile.department%20eq%20%22R%26D,%20Ops;%20EU%22';
    const seen = serveUsers([
      {
        items: [{ id: 'u1' }],
        linkHeader: `<${ORIGIN}/api/v1/users?filter=${filter}>; rel="self", <${ORIGIN}/api/v1/users?after=1&filter=${filter}>; rel="next"`,
      },
      { items: [{ id: 'u2' }] },
    ]);
    const { client } = createTestClient();
    expect(await collect(client.paginate('/api/v1/users'))).toEqual([{ id: 'u1' }, { id: 'u2' }]);
    expect(seen[1]).toBe(`${ORIGIN}/api/v1/users?after=1&filter=${filter}`);
  });

  it('reads IAM body links and items under itemsKey', async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${ORIGIN}/api/v1/iam/assignees/users`, ({ request }) => {
        seen.push(request.url);
        const second = new URL(request.url).searchParams.has('after');
        return HttpResponse.json({
          value: second ? [{ id: 'u3' }] : [{ id: 'u1' }, { id: 'u2' }],
          _links: second ? {} : { next: { href: `${ORIGIN}/api/v1/iam/assignees/users?after=u2&limit=2` } },
        });
      }),
    );
    const { client } = createTestClient();
    const ids = (
      await collect(
        client.paginate<{ id: string }>('/api/v1/iam/assignees/users', { itemsKey: 'value', pageSize: 2 }),
      )
    ).map((item) => item.id);
    expect(ids).toEqual(['u1', 'u2', 'u3']);
    expect(seen).toHaveLength(2);
  });

  it('yields nothing for an empty list', async () => {
    const seen = serveUsers([{ items: [], links: [self] }]);
    const { client } = createTestClient();
    expect(await collect(client.paginate('/api/v1/users'))).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it('stops after exactly one page without a next link', async () => {
    const seen = serveUsers([{ items: [{ id: 'u1' }, { id: 'u2' }], links: [self] }]);
    const { client } = createTestClient();
    const pages = await collect(client.pages('/api/v1/users', { pageSize: 2 }));
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({
      items: [{ id: 'u1' }, { id: 'u2' }],
      nextUrl: undefined,
      response: { status: 200 },
    });
    expect(seen).toHaveLength(1);
  });

  it('handles a full last page followed by an empty page', async () => {
    const seen = serveUsers([
      { items: [{ id: 'u1' }, { id: 'u2' }], links: [self, next(1)] },
      { items: [], links: [`<${ORIGIN}/api/v1/users?after=1&limit=2>; rel="self"`] },
    ]);
    const { client } = createTestClient();
    expect(await collect(client.paginate('/api/v1/users', { pageSize: 2 }))).toHaveLength(2);
    expect(seen).toHaveLength(2);
  });

  it('refuses a next link on another origin without sending anything there', async () => {
    let evilHits = 0;
    server.use(
      http.get('https://evil.example/*', () => {
        evilHits++;
        return HttpResponse.json([]);
      }),
      http.get('https://acme.okta.com.evil.example/*', () => {
        evilHits++;
        return HttpResponse.json([]);
      }),
    );
    for (const target of [
      'https://evil.example/api/v1/users?after=1',
      'https://acme.okta.com.evil.example/api/v1/users',
      `http://acme.okta.com/api/v1/users?after=1`,
      `https://user@acme.okta.com/api/v1/users?after=1`,
    ]) {
      serveUsers([{ items: [{ id: 'u1' }], links: [`<${target}>; rel="next"`] }]);
      const { client } = createTestClient();
      const error = await collect(client.paginate('/api/v1/users')).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PaginationError);
      // Another host, another scheme, or credentials in the link: each named for what it is.
      expect((error as PaginationError).message).toMatch(
        /points to [^ ]+, not acme\.okta\.com|is not an absolute https URL on acme\.okta\.com|carries a user name or password/,
      );
      expect(JSON.stringify(error)).not.toContain(TOKEN);
    }
    expect(evilHits).toBe(0);
  });

  it('detects a repeated cursor', async () => {
    const seen = serveUsers([
      { items: [{ id: 'u1' }], links: [next(1, '')] },
      { items: [{ id: 'u2' }], links: [next(2, '')] },
      { items: [{ id: 'u3' }], links: [next(1, '')] },
    ]);
    const { client } = createTestClient();
    const ids: unknown[] = [];
    const error = await (async () => {
      for await (const user of client.paginate('/api/v1/users')) ids.push(user);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as Error).message).toMatch(/same "next" link/);
    expect(seen).toHaveLength(3);
    expect(ids).toHaveLength(2);
  });

  it('detects a next link pointing at the page itself', async () => {
    const seen = serveUsers([{ items: [{ id: 'u1' }], links: [`<${ORIGIN}/api/v1/users>; rel="next"`] }]);
    const { client } = createTestClient();
    await expect(collect(client.paginate('/api/v1/users'))).rejects.toBeInstanceOf(PaginationError);
    expect(seen).toHaveLength(1);
  });

  it('stops an endless list at maxPages', async () => {
    let requests = 0;
    server.use(
      http.get(`${ORIGIN}/api/v1/groups`, ({ request }) => {
        requests++;
        const after = Number(new URL(request.url).searchParams.get('after') ?? 0);
        return HttpResponse.json([{ id: `g${after}` }], {
          headers: { link: `<${ORIGIN}/api/v1/groups?after=${after + 1}>; rel="next"` },
        });
      }),
    );
    const { client } = createTestClient();
    const error = await collect(client.paginate('/api/v1/groups', { maxPages: 5 })).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(PaginationError);
    expect((error as Error).message).toContain('after 5 pages');
    expect(requests).toBe(5);
  });

  it('stops System Log polling at the first empty page and returns its next link as the checkpoint', async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${ORIGIN}/api/v1/logs`, ({ request }) => {
        seen.push(request.url);
        const after = new URL(request.url).searchParams.get('after');
        // The polling query always has a next link; on an empty page it points at the same cursor.
        const cursor = after === null ? 'c1' : after === 'c1' ? 'c2' : after;
        const items =
          after === null ? [{ uuid: 'e1' }, { uuid: 'e2' }] : after === 'c1' ? [{ uuid: 'e3' }] : [];
        return HttpResponse.json(items, {
          headers: { link: `<${ORIGIN}/api/v1/logs?after=${cursor}&sortOrder=ASCENDING>; rel="next"` },
        });
      }),
    );
    const { client } = createTestClient();
    const pages = await collect(
      client.pages<{ uuid: string }>('/api/v1/logs', {
        searchParams: { since: '2030-01-01T00:00:00Z', sortOrder: 'ASCENDING' },
        stopOnEmptyPage: true,
      }),
    );
    expect(pages.map((page) => page.items.length)).toEqual([2, 1, 0]);
    expect(pages.at(-1)?.nextUrl).toBe(`${ORIGIN}/api/v1/logs?after=c2&sortOrder=ASCENDING`);
    expect(seen).toHaveLength(3);
  });

  it('validates each record, keeps unknown fields, and names the failing record by index only', async () => {
    serveUsers([
      {
        items: [{ id: 'u1', status: 'ACTIVE', profile: { login: 'ann@example.com', costCenter: 'X1' } }],
        links: [next(1, '')],
      },
      {
        items: [
          { id: 'u2', status: 'ACTIVE', profile: { login: 'cy@example.com' } },
          { id: 'u3', status: 42, profile: { login: 'bob.secret@example.com' } },
        ],
      },
    ]);
    const schema = z
      .object({ id: z.string(), status: z.string(), profile: z.object({ login: z.string() }).loose() })
      .loose();
    const { client } = createTestClient();
    const records: unknown[] = [];
    const error = await (async () => {
      for await (const user of client.paginate('/api/v1/users', { schema })) records.push(user);
    })().catch((caught: unknown) => caught);
    // A page is validated whole before any of its records is yielded.
    expect(records).toEqual([
      { id: 'u1', status: 'ACTIVE', profile: { login: 'ann@example.com', costCenter: 'X1' } },
    ]);
    expect(error).toBeInstanceOf(ResponseShapeError);
    const message = (error as Error).message;
    expect(message).toContain('GET /api/v1/users');
    expect(message).toContain('page 2, record index 1');
    expect(message).toContain('status');
    expect(message).not.toContain('bob.secret');
    expect(message).not.toContain('42');
  });

  it('rejects a body that is not a list', async () => {
    server.use(http.get(`${ORIGIN}/api/v1/apps`, () => HttpResponse.json({ id: 'not-a-list' })));
    const { client } = createTestClient();
    await expect(collect(client.paginate('/api/v1/apps'))).rejects.toThrow(ResponseShapeError);
    await expect(collect(client.paginate('/api/v1/apps', { itemsKey: 'value' }))).rejects.toThrow(
      /under "value"/,
    );
  });
});
