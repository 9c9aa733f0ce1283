import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PaginationError } from '../../src/okta/errors.js';
import { createTestClient, ORIGIN, TOKEN } from './support/fake-okta.js';

// Answers a hostile or broken server gives that Okta never does (issue 15).

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

async function failure(iterable: AsyncIterable<unknown>): Promise<PaginationError> {
  const error = await (async () => {
    for await (const _ of iterable) {
      // drain
    }
  })().catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(PaginationError);
  expect(JSON.stringify(error)).not.toContain(TOKEN);
  return error as PaginationError;
}

describe('next links that are not absolute URLs on the org', () => {
  it('refuses a relative Link header instead of following it', async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${ORIGIN}/api/v1/users`, ({ request }) => {
        seen.push(request.url);
        return HttpResponse.json([{ id: 'u1' }], {
          headers: { link: '</api/v1/users?after=1>; rel="next"' },
        });
      }),
    );
    const { client } = createTestClient();
    const error = await failure(client.paginate('/api/v1/users'));
    expect(error.message).toBe(
      'Okta\'s "next" link while listing GET /api/v1/users is not an absolute https URL on acme.okta.com ("/api/v1/users?after=1"); stopped instead of guessing where it points.',
    );
    expect(seen).toHaveLength(1);
  });

  it("refuses an IAM body's _links.next.href that is prose, naming the endpoint", async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${ORIGIN}/api/v1/iam/assignees/users`, ({ request }) => {
        seen.push(request.url);
        return HttpResponse.json({
          value: [{ id: 'u1' }],
          _links: { next: { href: 'esse deserunt dolor' } },
        });
      }),
    );
    const { client } = createTestClient();
    const error = await failure(client.paginate('/api/v1/iam/assignees/users', { itemsKey: 'value' }));
    expect(error.message).toContain(
      'while listing GET /api/v1/iam/assignees/users is not an absolute https URL',
    );
    expect(seen).toHaveLength(1);
  });

  it('refuses a next link with another scheme', async () => {
    server.use(
      http.get(`${ORIGIN}/api/v1/users`, () =>
        HttpResponse.json([{ id: 'u1' }], {
          headers: { link: '<ftp://acme.okta.com/api/v1/users>; rel="next"' },
        }),
      ),
    );
    const { client } = createTestClient();
    const error = await failure(client.paginate('/api/v1/users'));
    expect(error.message).toContain('is not an absolute https URL');
  });

  it('says a next link carries credentials instead of "points to X, not X"', async () => {
    server.use(
      http.get(`${ORIGIN}/api/v1/users`, () =>
        HttpResponse.json([{ id: 'u1' }], {
          headers: { link: `<https://user:pw@acme.okta.com/api/v1/users?after=1>; rel="next"` },
        }),
      ),
    );
    const { client } = createTestClient();
    const error = await failure(client.paginate('/api/v1/users'));
    expect(error.message).toBe(
      'Okta\'s "next" link while listing GET /api/v1/users carries a user name or password; stopped so the API token is not sent with them.',
    );
    expect(error.message).not.toContain('pw');
  });
});

describe('lists that never end', () => {
  it('stops after a few pages in a row that bring no new record, naming the endpoint', async () => {
    let requests = 0;
    server.use(
      http.get(`${ORIGIN}/api/v1/groups`, ({ request }) => {
        requests++;
        const after = Number(new URL(request.url).searchParams.get('after') ?? 0);
        // A fresh cursor every time, the same two records every time.
        return HttpResponse.json([{ id: 'g1' }, { id: 'g2' }], {
          headers: { link: `<${ORIGIN}/api/v1/groups?after=${after + 1}>; rel="next"` },
        });
      }),
    );
    const { client } = createTestClient();
    const error = await failure(client.paginate('/api/v1/groups'));
    expect(error.message).toBe(
      'Stopped reading GET /api/v1/groups: its last 3 pages brought no record it had not already sent, though each had a new "next" link. The server keeps returning the same data.',
    );
    expect(requests).toBe(4);
  });

  it('stops endless empty pages with new cursors the same way', async () => {
    let requests = 0;
    server.use(
      http.get(`${ORIGIN}/api/v1/apps`, ({ request }) => {
        requests++;
        const after = Number(new URL(request.url).searchParams.get('after') ?? 0);
        return HttpResponse.json(after === 0 ? [{ id: 'a1' }] : [], {
          headers: { link: `<${ORIGIN}/api/v1/apps?after=${after + 1}>; rel="next"` },
        });
      }),
    );
    const { client } = createTestClient();
    const error = await failure(client.paginate('/api/v1/apps'));
    expect(error.message).toContain('GET /api/v1/apps');
    expect(requests).toBe(4);
  });

  it('keeps reading when records repeat across pages but each page brings new ones', async () => {
    server.use(
      http.get(`${ORIGIN}/api/v1/users`, ({ request }) => {
        const after = Number(new URL(request.url).searchParams.get('after') ?? 0);
        // Overlapping pages (a record that moved during the listing shows twice), ten pages in all.
        const items = [{ id: `u${after}` }, { id: `u${after + 1}` }];
        const link = after < 9 ? `<${ORIGIN}/api/v1/users?after=${after + 1}>; rel="next"` : undefined;
        return HttpResponse.json(items, link ? { headers: { link } } : {});
      }),
    );
    const { client } = createTestClient();
    let count = 0;
    for await (const _ of client.paginate('/api/v1/users')) count++;
    expect(count).toBe(20);
  });
});
