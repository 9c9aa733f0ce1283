import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OktaClient, type RequestEvent } from '../../src/okta/client.js';
import { NetworkError } from '../../src/okta/errors.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { TOKEN } from './support/fake-okta.js';
import { createVirtualClock } from './support/virtual-clock.js';

// Real sockets on 127.0.0.1: msw cannot produce Node's own network error codes.

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.on('connection', (socket: Socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function clientFor(origin: string, maxRetries = 2) {
  const clock = createVirtualClock();
  const requests: RequestEvent[] = [];
  const client = new OktaClient({
    orgUrl: parseOrgUrl(origin),
    credentials: { kind: 'ssws', token: TOKEN },
    timeoutMs: 2000,
    onRequest: (event) => requests.push(event),
    scheduler: { now: clock.now, sleep: clock.sleep, random: () => 0, maxRetries },
  });
  return { client, requests };
}

async function caught(promise: Promise<unknown>): Promise<NetworkError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(NetworkError);
  expect(JSON.stringify(error)).not.toContain(TOKEN);
  expect(String(error)).not.toContain(TOKEN);
  return error as NetworkError;
}

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('network errors', () => {
  it('fails fast on a refused connection', async () => {
    const port = await listen(createServer());
    await new Promise((resolve) => servers.pop()?.close(resolve));
    const { client, requests } = clientFor(`http://127.0.0.1:${port}`);
    const error = await caught(client.get('/api/v1/users'));
    expect(error.networkCode).toBe('ECONNREFUSED');
    expect(error.message).toBe(`127.0.0.1:${port} refused the connection (ECONNREFUSED).`);
    expect(error.hint).toMatch(/proxy/);
    expect(requests).toMatchObject([{ error: 'ECONNREFUSED', attempt: 1 }]);
  });

  it('retries a connection the server resets, then names the reset', async () => {
    let connections = 0;
    const port = await listen(
      createServer((socket: Socket) => {
        connections++;
        socket.resetAndDestroy();
      }),
    );
    const { client, requests } = clientFor(`http://127.0.0.1:${port}`, 2);
    const error = await caught(client.get('/api/v1/users'));
    expect(error.networkCode).toBe('ECONNRESET');
    expect(error.message).toContain('after 3 attempts');
    expect(connections).toBe(3);
    expect(requests.map((request) => request.error)).toEqual(['ECONNRESET', 'ECONNRESET', 'ECONNRESET']);
  });

  it('explains a server that does not speak TLS', async () => {
    const port = await listen(
      createServer((socket: Socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')),
    );
    const { client } = clientFor(`https://127.0.0.1:${port}`);
    const error = await caught(client.get('/api/v1/users'));
    expect(error.message).toMatch(/TLS handshake with 127\.0\.0\.1:\d+ failed/);
  });

  it.skipIf(!hasOpenssl())('fails fast on a certificate it cannot verify, and says what to do', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'okta-connector-tls-'));
    try {
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'].concat([
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          join(directory, 'key.pem'),
          '-out',
          join(directory, 'cert.pem'),
        ]),
        { stdio: 'ignore' },
      );
      let requestsServed = 0;
      const port = await listen(
        createHttpsServer(
          { key: readFileSync(join(directory, 'key.pem')), cert: readFileSync(join(directory, 'cert.pem')) },
          (_request, response) => {
            requestsServed++;
            response.end('[]');
          },
        ),
      );
      const { client, requests } = clientFor(`https://127.0.0.1:${port}`);
      const error = await caught(client.get('/api/v1/users'));
      expect(error.networkCode).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      expect(error.message).toContain('TLS certificate');
      expect(error.hint).toContain('NODE_EXTRA_CA_CERTS');
      expect(requests).toHaveLength(1);
      expect(requestsServed).toBe(0);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
