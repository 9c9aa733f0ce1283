import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import path from 'node:path';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OktaClient } from '../../src/okta/client.js';
import {
  checkDns,
  checkTls,
  checkWritableDirectory,
  clockSkewSeconds,
  endpointOf,
  fetchOktaOrganization,
  fetchTokenOwner,
  type LookupFunction,
  probeEndpoint,
} from '../../src/okta/diagnostics.js';
import { ResponseShapeError } from '../../src/okta/errors.js';
import { parseOrgUrl } from '../../src/okta/org-url.js';
import { selfSignedCertificate, tempDir } from '../cli/harness.js';

describe('endpointOf', () => {
  it('splits host and port, without IPv6 brackets', () => {
    expect(endpointOf(parseOrgUrl('acme.okta.com'))).toEqual({
      hostname: 'acme.okta.com',
      port: 443,
      tls: true,
    });
    expect(endpointOf(parseOrgUrl('http://[::1]:8080'))).toEqual({ hostname: '::1', port: 8080, tls: false });
    expect(endpointOf(parseOrgUrl('http://localhost'))).toEqual({
      hostname: 'localhost',
      port: 80,
      tls: false,
    });
  });
});

describe('checkDns', () => {
  it('returns the addresses', async () => {
    const lookup: LookupFunction = (_host, _options, callback) =>
      callback(null, [
        { address: '203.0.113.7', family: 4 },
        { address: '2001:db8::7', family: 6 },
      ]);
    expect(await checkDns('acme.okta.com', { lookup })).toEqual({
      ok: true,
      addresses: ['203.0.113.7', '2001:db8::7'],
    });
  });

  it('does not look up an IP address', async () => {
    const lookup: LookupFunction = () => {
      throw new Error('must not be called');
    };
    expect(await checkDns('127.0.0.1', { lookup })).toEqual({ ok: true, addresses: ['127.0.0.1'] });
  });

  it('reports the resolver code (a real lookup of a .invalid name)', async () => {
    const result = await checkDns('okta-connector-test.invalid');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(result.code);
  });

  it('gives up after the timeout', async () => {
    const lookup: LookupFunction = () => {};
    expect(await checkDns('slow.example.com', { lookup, timeoutMs: 20 })).toMatchObject({
      ok: false,
      code: 'ETIMEOUT',
    });
  });
});

describe('checkTls', () => {
  let https: Server | undefined;
  let port = 0;
  let certificate: ReturnType<typeof selfSignedCertificate>;
  let certDir: { dir: string; remove: () => Promise<void> };

  beforeAll(async () => {
    certDir = await tempDir('okta-connector-cert-');
    certificate = selfSignedCertificate(certDir.dir, '/CN=Zscaler Root CA/O=Zscaler Inc.');
    if (!certificate) return;
    https = createHttpsServer({ key: certificate.key, cert: certificate.cert }, (_request, response) =>
      response.end(),
    );
    await new Promise<void>((resolve) => https!.listen(0, '127.0.0.1', resolve));
    port = (https.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => (https ? https.close(resolve) : resolve(undefined)));
    await certDir.remove();
  });

  it('names the issuer of an untrusted certificate', async (context) => {
    if (!certificate) context.skip('openssl is not available to make a self-signed certificate');
    const result = await checkTls('127.0.0.1', port);
    expect(result).toMatchObject({
      ok: false,
      errorCode: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      issuer: 'CN=Zscaler Root CA, O=Zscaler Inc.',
      subject: 'CN=Zscaler Root CA, O=Zscaler Inc.',
    });
  });

  it('trusts a certificate from a trusted CA, and checks the host name', async (context) => {
    if (!certificate) context.skip('openssl is not available to make a self-signed certificate');
    const connect = (options: ConnectionOptions) => tlsConnect({ ...options, ca: certificate!.cert });
    expect(await checkTls('127.0.0.1', port, { connect })).toMatchObject({ ok: true, protocol: 'TLSv1.3' });
    // The name checked is the one connected to (the servername); the certificate only covers 127.0.0.1.
    const wrongName = await checkTls('127.0.0.1', port, {
      connect: (options) => tlsConnect({ ...options, ca: certificate!.cert, servername: 'acme.okta.com' }),
    });
    expect(wrongName).toMatchObject({ ok: false, errorCode: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(wrongName.altNames).toContain('127.0.0.1');
  });

  it('reports a refused connection', async () => {
    const closed = createNetServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await checkTls('127.0.0.1', freePort)).toEqual({ ok: false, errorCode: 'ECONNREFUSED' });
  });

  it('times out on a server that never answers the handshake', async () => {
    const sockets: Socket[] = [];
    // Accepts the connection and never answers (nobody reads, so it also never sees the client leave).
    const silent = createNetServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as AddressInfo).port;
    expect(await checkTls('127.0.0.1', silentPort, { timeoutMs: 100 })).toEqual({
      ok: false,
      errorCode: 'ETIMEDOUT',
    });
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });
});

describe('Okta requests', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  const client = () =>
    new OktaClient({
      orgUrl: parseOrgUrl('id.example.com'),
      credentials: { kind: 'ssws', token: '00DiagnosticsToken-hhhhhhhhhhhhhhhhhhhhh' },
      scheduler: { maxRetries: 0 },
    });

  it('fetchOktaOrganization: engine, canonical URL and server date', async () => {
    server.use(
      http.get('https://id.example.com/.well-known/okta-organization', () =>
        HttpResponse.json(
          {
            id: '00o1',
            pipeline: 'v1',
            _links: {
              organization: { href: 'https://acme.okta.com' },
              alternate: { href: 'https://id.example.com' },
            },
          },
          { headers: { date: 'Sun, 29 Nov 2026 15:00:00 GMT', 'x-okta-request-id': 'r1' } },
        ),
      ),
    );
    expect(await fetchOktaOrganization(client())).toEqual({
      id: '00o1',
      pipeline: 'v1',
      engine: 'Classic Engine',
      organizationUrl: 'https://acme.okta.com',
      alternateUrl: 'https://id.example.com',
      serverDate: new Date('2026-11-29T15:00:00Z'),
      requestId: 'r1',
    });
  });

  it('fetchOktaOrganization: another document is a ResponseShapeError', async () => {
    server.use(
      http.get('https://id.example.com/.well-known/okta-organization', () =>
        HttpResponse.json({ issuer: 'x' }),
      ),
    );
    await expect(fetchOktaOrganization(client())).rejects.toBeInstanceOf(ResponseShapeError);
  });

  it('fetchTokenOwner: login of the admin', async () => {
    server.use(
      http.get('https://id.example.com/api/v1/users/me', () =>
        HttpResponse.json({ id: '00u1', status: 'ACTIVE', profile: { login: 'svc@acme.example' } }),
      ),
    );
    expect(await fetchTokenOwner(client())).toMatchObject({
      id: '00u1',
      login: 'svc@acme.example',
      status: 'ACTIVE',
    });
  });

  it('probeEndpoint: asks for one record, returns the first id', async () => {
    const urls: string[] = [];
    server.use(
      http.get('https://id.example.com/api/v1/logs', ({ request }) => {
        urls.push(request.url);
        return HttpResponse.json([{ id: 'ignored-no' }]);
      }),
      http.get('https://id.example.com/api/v1/apps/:appId/users', ({ request }) => {
        urls.push(request.url);
        return HttpResponse.json([{ id: '00u9' }]);
      }),
    );
    const now = () => Date.UTC(2026, 10, 29, 12, 0, 0);
    await probeEndpoint(client(), 'logs', { now });
    expect(await probeEndpoint(client(), 'app-users', { appId: '0oa 1' })).toMatchObject({ firstId: '00u9' });
    expect(urls).toEqual([
      'https://id.example.com/api/v1/logs?limit=1&since=2026-11-28T12%3A00%3A00.000Z',
      'https://id.example.com/api/v1/apps/0oa%201/users?limit=1',
    ]);
  });
});

describe('clockSkewSeconds', () => {
  it('is positive when this machine is ahead', () => {
    const server = new Date('2026-11-29T15:00:00Z');
    expect(clockSkewSeconds(server, server.getTime() + 90_400)).toBe(90);
    expect(clockSkewSeconds(server, server.getTime() - 61_000)).toBe(-61);
  });
});

describe('checkWritableDirectory', () => {
  it('writes and deletes a temporary file, leaving an existing folder as it was', async () => {
    const { dir, remove } = await tempDir();
    await writeFile(path.join(dir, 'keep'), 'x');
    expect(await checkWritableDirectory(dir)).toEqual({ ok: true, created: false });
    expect(await readdir(dir)).toEqual(['keep']);
    await remove();
  });

  it('says a missing folder can be created, and removes what it created', async () => {
    const { dir, remove } = await tempDir();
    const target = path.join(dir, 'a', 'b', 'c');
    expect(await checkWritableDirectory(target)).toEqual({ ok: true, created: true });
    expect(existsSync(path.join(dir, 'a'))).toBe(false);
    await remove();
  });

  it('reports why it cannot write', async () => {
    const { dir, remove } = await tempDir();
    await mkdir(path.join(dir, 'x'));
    await writeFile(path.join(dir, 'file'), 'x');
    expect(await checkWritableDirectory(path.join(dir, 'file', 'sub'))).toMatchObject({
      ok: false,
      code: 'ENOTDIR',
    });
    await remove();
  });
});
