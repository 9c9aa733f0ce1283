import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { OktaClient, type RequestEvent } from '../../src/okta/client.js';
import { NetworkError, OktaApiError, ResponseShapeError } from '../../src/okta/errors.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import type { SchedulerEvent } from '../../src/okta/rate-limiter.js';
import { TOKEN } from './support/fake-okta.js';
import { createVirtualClock } from './support/virtual-clock.js';

// Answers no Okta org gives but a broken proxy or a hostile server may (issue 15), served by a
// real HTTP server on 127.0.0.1 so bytes, encodings and sockets are exactly what got sees.

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  server.on('connection', (socket: Socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

function clientFor(origin: string, options: { maxResponseBytes?: number; proxy?: URL } = {}) {
  const clock = createVirtualClock();
  const requests: RequestEvent[] = [];
  const events: SchedulerEvent[] = [];
  const client = new OktaClient({
    orgUrl: parseOrgUrl(origin),
    credentials: { kind: 'ssws', token: TOKEN },
    timeoutMs: 5000,
    ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
    ...(options.proxy ? { network: { proxy: { http: options.proxy, https: options.proxy } } } : {}),
    onRequest: (event) => requests.push(event),
    onSchedulerEvent: (event) => events.push(event),
    scheduler: { now: clock.now, sleep: clock.sleep, random: () => 0, maxRetries: 2 },
  });
  return { client, requests, events, clock };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(Error);
  expect(JSON.stringify(error)).not.toContain(TOKEN);
  return error as Error;
}

const MB = 1024 * 1024;

describe('responses too large to hold', () => {
  it('fails a gzip bomb once it decompresses past the cap, without retrying it', async () => {
    // 16 MB of JSON in about 16 KB of gzip.
    const bomb = gzipSync(Buffer.from(`[${' '.repeat(16 * MB)}]`));
    expect(bomb.length).toBeLessThan(100_000);
    let served = 0;
    const origin = await serve((_request, response) => {
      served++;
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(bomb);
    });
    const { client } = clientFor(origin, { maxResponseBytes: MB });
    const error = await rejection(client.get('/api/v1/users', { elementWise: true }));
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect(error.message).toBe(
      "Okta's answer to GET /api/v1/users (HTTP 200) is larger than 1 MB once decompressed; okta-connector reads at most 1 MB a page (Okta's pages are a few MB at most), so it stopped reading it.",
    );
    expect((error as ResponseShapeError).exitCode).toBe(8);
    expect(served).toBe(1);
  });

  it('fails a page that is too large even uncompressed', async () => {
    const origin = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(`[${'"x",'.repeat(MB / 2)}"x"]`);
    });
    const { client } = clientFor(origin, { maxResponseBytes: MB });
    const error = await rejection(client.get('/api/v1/groups'));
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect(error.message).toContain('is larger than 1 MB');
  });

  it('reads a gzip page of a few MB by default', async () => {
    const items = Array.from({ length: 20_000 }, (_, index) => ({ id: `u${index}`, pad: 'p'.repeat(200) }));
    const body = gzipSync(Buffer.from(JSON.stringify(items)));
    const origin = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(body);
    });
    const { client } = clientFor(origin);
    const answer = await client.get<unknown[]>('/api/v1/users');
    expect(answer.body).toHaveLength(20_000);
  });
});

describe('odd but answerable responses', () => {
  it('calls a corrupt gzip body what it is, not a network error', async () => {
    const origin = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(Buffer.from('this is not gzip at all, just text'));
    });
    const { client } = clientFor(origin);
    const error = await rejection(client.get('/api/v1/users'));
    expect(error).not.toBeInstanceOf(NetworkError);
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect(error.message).toMatch(
      /^Okta's answer to GET \/api\/v1\/users \(HTTP 200\) says it is gzip-compressed but is not valid gzip after 3 attempts\.$/,
    );
    expect((error as ResponseShapeError).hint).toContain('proxy');
  });

  it('waits as long as Retry-After says on a 429 without Okta reset header', async () => {
    let attempts = 0;
    const origin = await serve((_request, response) => {
      attempts++;
      if (attempts === 1) {
        response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '17' });
        response.end('{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit"}');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('[]');
    });
    const { client, events } = clientFor(origin);
    await client.get('/api/v1/users');
    expect(attempts).toBe(2);
    expect(events).toContainEqual({
      type: 'rate-limit-wait',
      bucket: expect.any(String),
      waitMs: 17_000,
      reason: '429',
    });
  });

  it('reads Retry-After as an HTTP date too', async () => {
    let attempts = 0;
    let now = 0;
    const origin = await serve((_request, response) => {
      attempts++;
      if (attempts === 1) {
        const date = new Date(Math.floor(Date.now() / 1000) * 1000);
        now = date.getTime();
        response.writeHead(429, {
          date: date.toUTCString(),
          'retry-after': new Date(now + 42_000).toUTCString(),
        });
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('[]');
    });
    const { client, events } = clientFor(origin);
    await client.get('/api/v1/users');
    expect(events).toContainEqual({
      type: 'rate-limit-wait',
      bucket: expect.any(String),
      waitMs: 42_000,
      reason: '429',
    });
  });

  it('explains HTTP 431 (request headers too large)', async () => {
    const origin = await serve((_request, response) => {
      response.writeHead(431);
      response.end();
    });
    const { client } = clientFor(origin);
    const error = await rejection(client.get('/api/v1/users'));
    expect(error).toBeInstanceOf(OktaApiError);
    expect(error.message).toBe(
      'Okta rejected GET /api/v1/users (HTTP 431): the request headers are too large.',
    );
    expect((error as OktaApiError).hint).toMatch(/proxy.*headers/);
  });
});

describe('a proxy that refuses the connection', () => {
  it('fails at once, as a refused direct connection does', async () => {
    // A port that was just free: nothing listens on it.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const { client, requests } = clientFor('https://acme.okta.com', {
      proxy: new URL(`http://127.0.0.1:${port}`),
    });
    const error = await rejection(client.get('/api/v1/users'));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toContain('Could not reach Okta through the proxy');
    expect(error.message).toContain('ECONNREFUSED');
    expect(requests).toHaveLength(1);
  });
});
