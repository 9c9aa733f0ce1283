import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import path from 'node:path';

/** A private CA and a certificate it issued for 127.0.0.1/localhost, as a TLS-inspecting proxy has. */
export interface TestCertificates {
  /** PEM file of the CA certificate (what --ca-file takes). */
  caPath: string;
  caPem: string;
  /** Key and certificate of the server (the sample org). */
  key: string;
  cert: string;
  caName: string;
}

/** Creates the CA and the server certificate with openssl; undefined when openssl is missing. */
export function createTestCertificates(
  dir: string,
  caName = 'Corp Inspection Root CA',
): TestCertificates | undefined {
  const file = (name: string) => path.join(dir, name);
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  try {
    openssl(['version']);
  } catch {
    return undefined;
  }
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-subj',
    `/CN=${caName}/O=Example Corp`,
  ]);
  openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
    '-subj',
    '/CN=127.0.0.1',
  ]);
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl([
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    file('server.pem'),
    '-extfile',
    file('server.ext'),
  ]);
  return {
    caPath: file('ca.pem'),
    caPem: readFileSync(file('ca.pem'), 'utf8'),
    key: readFileSync(file('server.key'), 'utf8'),
    cert: readFileSync(file('server.pem'), 'utf8'),
    caName,
  };
}

export interface ConnectProxy {
  /** `http://127.0.0.1:<port>` (no credentials). */
  origin: string;
  /** The proxy URL with its credentials, percent-encoded. */
  url: string;
  /** `host:port` of every tunnel it opened. */
  tunnels: string[];
  /** CONNECTs refused for missing or wrong credentials. */
  refused: number;
  /** Requests that were not CONNECT (a plain forward request would leak headers to the proxy). */
  plainRequests: number;
  stop(): Promise<void>;
}

/**
 * A small forward proxy that only tunnels (CONNECT) and wants Basic credentials, like a corporate
 * proxy. It sees nothing of what goes through a tunnel.
 */
export async function startConnectProxy(credentials: {
  user: string;
  password: string;
}): Promise<ConnectProxy> {
  const expected = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
  const sockets = new Set<Socket>();
  const state = { tunnels: [] as string[], refused: 0, plainRequests: 0 };
  const server = createServer((_request, response) => {
    state.plainRequests++;
    response.statusCode = 405;
    response.end();
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    if (request.headers['proxy-authorization'] !== expected) {
      state.refused++;
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
      );
      return;
    }
    const target = request.url ?? '';
    const separator = target.lastIndexOf(':');
    const host = target.slice(0, separator).replace(/^\[|\]$/g, '');
    const port = Number(target.slice(separator + 1));
    const upstream = connect(port, host, () => {
      state.tunnels.push(target);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: `http://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}`,
    get tunnels() {
      return state.tunnels;
    },
    get refused() {
      return state.refused;
    },
    get plainRequests() {
      return state.plainRequests;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
