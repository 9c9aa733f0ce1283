import { randomBytes } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { EventEmitter } from 'node:events';
import { mkdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import type { ClientRequest } from 'node:http';
import { isIP } from 'node:net';
import path from 'node:path';
import {
  type ConnectionOptions,
  type DetailedPeerCertificate,
  type PeerCertificate,
  type TLSSocket,
  connect as tlsConnect,
} from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { z } from 'zod';
import type { OktaClient, OktaResponse } from './client.js';
import { ResponseShapeError } from './errors.js';
import type { OrgUrl } from './org-url.js';

/**
 * The low-level checks behind `test-connection` (DNS, TLS, the org's well-known document, the
 * token's owner, permission probes, clock skew, a writable folder). They report facts; the command
 * turns them into advice. Nothing here prints.
 */

/** Host name (no port, no IPv6 brackets) and port of an org URL. */
export function endpointOf(orgUrl: OrgUrl): { hostname: string; port: number; tls: boolean } {
  const url = new URL(orgUrl.origin);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const tls = url.protocol === 'https:';
  return { hostname, port: url.port ? Number(url.port) : tls ? 443 : 80, tls };
}

export type DnsResult = { ok: true; addresses: string[] } | { ok: false; code: string; message: string };

/** Same shape as `dns.lookup` with `{ all: true }`, so a test can replace name resolution. */
export type LookupFunction = (
  hostname: string,
  options: { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

export interface DnsOptions {
  /** @default node:dns lookup (the system resolver, as every HTTP request uses) */
  lookup?: LookupFunction;
  /** @default 10_000 */
  timeoutMs?: number;
}

/** Resolves a host name the way Node's HTTP stack does (getaddrinfo). ENOTFOUND: no such name. */
export function checkDns(hostname: string, options: DnsOptions = {}): Promise<DnsResult> {
  const lookup = options.lookup ?? (dnsLookup as unknown as LookupFunction);
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (isIP(hostname) !== 0) return Promise.resolve({ ok: true, addresses: [hostname] });
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => resolve({ ok: false, code: 'ETIMEOUT', message: `no answer within ${timeoutMs / 1000} s` }),
      timeoutMs,
    );
    timer.unref();
    lookup(hostname, { all: true }, (error, addresses) => {
      clearTimeout(timer);
      if (error) resolve({ ok: false, code: error.code ?? 'EDNS', message: error.message });
      else resolve({ ok: true, addresses: addresses.map((entry) => entry.address) });
    });
  });
}

export interface TlsResult {
  /** The connection succeeded and the certificate is trusted and valid for the host. */
  ok: boolean;
  /** The proxy's answer to CONNECT when it refused the tunnel (407, 403, 502…). */
  proxyStatus?: number;
  /** The issuer at the top of the chain presented: the root CA whose certificate would make it trusted. */
  rootIssuer?: string;
  /** Why not: Node's verification code (DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID…) or a socket error code (ECONNREFUSED, ETIMEDOUT…). */
  errorCode?: string;
  /** `CN=…, O=…` of the certificate's subject and issuer, when one was presented. */
  subject?: string;
  issuer?: string;
  /** Names the certificate is valid for (`DNS:acme.okta.com, DNS:*.okta.com`). */
  altNames?: string;
  validFrom?: string;
  validTo?: string;
  protocol?: string;
}

export interface TlsOptions {
  /** @default 10_000 */
  timeoutMs?: number;
  /** @default node:tls connect */
  connect?: (options: ConnectionOptions) => TLSSocket;
  /** Tunnel through this proxy (CONNECT), as every request does. */
  proxy?: URL | undefined;
  /** Every CA to trust (see trustedCertificates); undefined: Node's own. */
  ca?: string[] | undefined;
}

function distinguishedName(name: PeerCertificate['subject'] | undefined): string | undefined {
  if (!name) return undefined;
  const parts = (['CN', 'O', 'OU', 'C'] as const).flatMap((key) => {
    const value = name[key];
    return value === undefined ? [] : [`${key}=${Array.isArray(value) ? value.join('+') : value}`];
  });
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/**
 * Opens a TLS connection to the org and inspects the certificate, trusting what Node trusts
 * (its CA store plus `NODE_EXTRA_CA_CERTS`). The connection is made without rejecting so that the
 * issuer of an untrusted certificate (often a TLS-inspecting proxy) can be named; trust is then
 * judged from `socket.authorized`, which includes the host-name check.
 */
export function checkTls(hostname: string, port: number, options: TlsOptions = {}): Promise<TlsResult> {
  const connect = options.connect ?? tlsConnect;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let socket: TLSSocket | undefined;
    const finish = (result: TlsResult, socket?: TLSSocket): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve(result);
    };
    const target: ConnectionOptions = {
      host: hostname,
      port,
      // SNI must be a name, never an IP address.
      ...(isIP(hostname) === 0 ? { servername: hostname } : {}),
      ...(options.ca ? { ca: options.ca } : {}),
      rejectUnauthorized: false,
    };
    // Covers the TCP connect (to the proxy too) and the handshake; an inspecting proxy may accept and then stall.
    timer = setTimeout(() => finish({ ok: false, errorCode: 'ETIMEDOUT' }, socket), timeoutMs);
    if (!options.proxy) {
      socket = connect(target);
      inspect(socket);
      return;
    }
    tunnelTls(options.proxy, target).then(
      (tunnel) => {
        if ('proxyStatus' in tunnel) {
          finish({ ok: false, errorCode: `PROXY_${tunnel.proxyStatus}`, proxyStatus: tunnel.proxyStatus });
          return;
        }
        socket = tunnel.socket;
        if (settled) socket.destroy();
        else inspect(socket);
      },
      (error: NodeJS.ErrnoException) => finish({ ok: false, errorCode: error.code ?? 'EPROXY' }),
    );

    function inspect(socket: TLSSocket): void {
      socket.once('secureConnect', () => {
        const certificate = socket.getPeerCertificate();
        const hasCertificate = certificate && Object.keys(certificate).length > 0;
        const result: TlsResult = { ok: socket.authorized };
        if (!socket.authorized) {
          const reason = socket.authorizationError as unknown;
          result.errorCode =
            typeof reason === 'string' ? reason : ((reason as NodeJS.ErrnoException)?.code ?? 'UNTRUSTED');
        }
        if (hasCertificate) {
          const subject = distinguishedName(certificate.subject);
          const issuer = distinguishedName(certificate.issuer);
          if (subject) result.subject = subject;
          if (issuer) result.issuer = issuer;
          if (certificate.subjectaltname) result.altNames = certificate.subjectaltname;
          if (certificate.valid_from) result.validFrom = certificate.valid_from;
          if (certificate.valid_to) result.validTo = certificate.valid_to;
          const root = distinguishedName(rootOf(socket.getPeerCertificate(true)).issuer);
          if (root) result.rootIssuer = root;
        }
        const protocol = socket.getProtocol();
        if (protocol) result.protocol = protocol;
        finish(result, socket);
      });
      socket.once('error', (error: NodeJS.ErrnoException) =>
        finish({ ok: false, errorCode: error.code ?? 'ETLS' }, socket),
      );
    }
  });
}

/** The last certificate of the chain the server presented (it names the root CA as its issuer). */
function rootOf(certificate: DetailedPeerCertificate): DetailedPeerCertificate {
  let current = certificate;
  for (
    let depth = 0;
    depth < 10 && current.issuerCertificate && current.issuerCertificate !== current;
    depth++
  ) {
    current = current.issuerCertificate;
  }
  return current;
}

/**
 * A TLS connection to `target` through the proxy's CONNECT tunnel, made by the same agent as
 * every request (https-proxy-agent), or the proxy's refusal.
 */
async function tunnelTls(
  proxy: URL,
  target: ConnectionOptions,
): Promise<{ socket: TLSSocket } | { proxyStatus: number }> {
  const agent = new HttpsProxyAgent(proxy, { keepAlive: false });
  // The agent reports the proxy's answer on the request it serves; a bare emitter stands in for one.
  const request = new EventEmitter();
  let proxyStatus: number | undefined;
  request.once('proxyConnect', (connect: { statusCode?: number }) => {
    proxyStatus = connect.statusCode;
  });
  const socket = await agent.connect(request as unknown as ClientRequest, {
    ...target,
    host: String(target.host),
    port: Number(target.port),
    secureEndpoint: true,
  });
  if (proxyStatus !== undefined && proxyStatus !== 200) {
    socket.destroy();
    return { proxyStatus };
  }
  return { socket: socket as TLSSocket };
}

const wellKnownSchema = z
  .object({
    id: z.string(),
    pipeline: z.string(),
    _links: z
      .object({
        organization: z.object({ href: z.string() }).loose().optional(),
        alternate: z.object({ href: z.string() }).loose().optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

export interface OktaOrganization {
  id: string;
  /** `v1` = Classic Engine, `idx` = Identity Engine. */
  pipeline: string;
  engine: 'Classic Engine' | 'Identity Engine' | 'unknown engine';
  /** The org's canonical URL (`https://acme.okta.com`), also for a custom domain. */
  organizationUrl: string | undefined;
  /** The other URL of the org (the custom domain, when the canonical URL was asked). */
  alternateUrl: string | undefined;
  serverDate: Date | undefined;
  requestId: string | undefined;
}

const WELL_KNOWN_PATH = '/.well-known/okta-organization';

/**
 * `GET /.well-known/okta-organization` without the token: proves the host is an Okta org, names
 * its canonical URL (for custom domains) and its engine.
 * @throws ResponseShapeError when the answer is not the document an Okta org serves;
 *   NotFoundError, NetworkError… from the client otherwise.
 */
export async function fetchOktaOrganization(client: OktaClient): Promise<OktaOrganization> {
  const response = await client.get<unknown>(WELL_KNOWN_PATH, { authenticated: false });
  const parsed = wellKnownSchema.safeParse(response.body);
  if (!parsed.success) {
    throw new ResponseShapeError(
      `${client.orgUrl.host} answered ${WELL_KNOWN_PATH}, but not with the document an Okta org serves.`,
      { status: response.status, requestId: response.requestId, request: `GET ${WELL_KNOWN_PATH}` },
    );
  }
  const { id, pipeline, _links } = parsed.data;
  return {
    id,
    pipeline,
    engine: pipeline === 'idx' ? 'Identity Engine' : pipeline === 'v1' ? 'Classic Engine' : 'unknown engine',
    organizationUrl: _links?.organization?.href,
    alternateUrl: _links?.alternate?.href,
    serverDate: response.serverDate,
    requestId: response.requestId,
  };
}

const currentUserSchema = z
  .object({
    id: z.string(),
    status: z.string().optional(),
    profile: z.object({ login: z.string().optional(), email: z.string().optional() }).loose().optional(),
  })
  .loose();

export interface TokenOwner {
  id: string;
  login: string | undefined;
  status: string | undefined;
  serverDate: Date | undefined;
}

/** `GET /api/v1/users/me`: the admin the token belongs to (and acts as). */
export async function fetchTokenOwner(client: OktaClient): Promise<TokenOwner> {
  const response = await client.get<unknown>('/api/v1/users/me');
  const parsed = currentUserSchema.safeParse(response.body);
  if (!parsed.success) {
    throw new ResponseShapeError('Okta answered GET /api/v1/users/me, but not with a user.', {
      status: response.status,
      requestId: response.requestId,
      request: 'GET /api/v1/users/me',
    });
  }
  return {
    id: parsed.data.id,
    login: parsed.data.profile?.login ?? parsed.data.profile?.email,
    status: parsed.data.status,
    serverDate: response.serverDate,
  };
}

/** The data `sync` reads, each probed with one small request. */
export type ProbeId =
  | 'users'
  | 'groups'
  | 'apps'
  | 'app-users'
  | 'logs'
  | 'admin-roles'
  | 'devices'
  | 'user-schema';

export interface ProbeContext {
  /** An app id for the app-users probe (the first app of the apps probe). */
  appId?: string | undefined;
  /** Clock for the System Log `since` (one day back). @default Date.now */
  now?: () => number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function probeRequest(
  id: ProbeId,
  context: ProbeContext,
): { path: string; searchParams?: Record<string, string | number> } {
  const now = context.now ?? Date.now;
  switch (id) {
    case 'users':
      return { path: '/api/v1/users', searchParams: { limit: 1 } };
    case 'groups':
      return { path: '/api/v1/groups', searchParams: { limit: 1 } };
    case 'apps':
      return { path: '/api/v1/apps', searchParams: { limit: 1 } };
    case 'app-users':
      if (!context.appId) throw new Error('the app-users probe needs an app id');
      return { path: `/api/v1/apps/${encodeURIComponent(context.appId)}/users`, searchParams: { limit: 1 } };
    case 'logs':
      return {
        path: '/api/v1/logs',
        searchParams: { limit: 1, since: new Date(now() - DAY_MS).toISOString() },
      };
    case 'admin-roles':
      return { path: '/api/v1/iam/assignees/users', searchParams: { limit: 1 } };
    case 'devices':
      return { path: '/api/v1/devices', searchParams: { limit: 1 } };
    case 'user-schema':
      return { path: '/api/v1/meta/schemas/user/default' };
  }
}

export interface ProbeResult {
  /** The id of the first record returned, if any (the first app, for the app-users probe). */
  firstId: string | undefined;
  response: OktaResponse<unknown>;
}

/** The path a probe reads (for messages). */
export function probePath(id: ProbeId, context: ProbeContext = { appId: '{appId}' }): string {
  return probeRequest(id, { ...context, appId: context.appId ?? '{appId}' }).path;
}

/**
 * Reads one record of `id` to learn whether the token may read it.
 * @throws the client's typed errors: PermissionError (403), NotFoundError (404), AuthError (401)…
 */
export async function probeEndpoint(
  client: OktaClient,
  id: ProbeId,
  context: ProbeContext = {},
): Promise<ProbeResult> {
  const { path: requestPath, searchParams } = probeRequest(id, context);
  const response = await client.get<unknown>(requestPath, searchParams ? { searchParams } : {});
  const first: unknown = Array.isArray(response.body) ? response.body[0] : undefined;
  const firstId =
    first !== null && typeof first === 'object' && typeof (first as { id?: unknown }).id === 'string'
      ? (first as { id: string }).id
      : undefined;
  return { firstId, response };
}

/** Seconds this machine's clock is ahead of the server's (negative: behind). Date headers have one-second resolution. */
export function clockSkewSeconds(serverDate: Date, localMs: number): number {
  return Math.round((localMs - serverDate.getTime()) / 1000);
}

export type WritableResult = { ok: true; created: boolean } | { ok: false; code: string; message: string };

/**
 * Creates `dir` if needed, writes and deletes a small temporary file in it, and removes again the
 * folders it created: a check leaves nothing behind.
 * @returns `created: true` when the folder did not exist (and could be created).
 */
export async function checkWritableDirectory(dir: string): Promise<WritableResult> {
  let firstCreated: string | undefined;
  try {
    firstCreated = await createFolders(dir);
    const name = `.okta-connector-write-test-${process.pid}-${randomBytes(4).toString('hex')}`;
    const probe = path.join(dir, name);
    await writeFile(probe, 'okta-connector write test\n', { flag: 'wx' });
    await rm(probe, { force: true });
    return { ok: true, created: firstCreated !== undefined };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return { ok: false, code: code ?? 'EIO', message };
  } finally {
    if (firstCreated !== undefined) await removeEmptyFolders(path.resolve(dir), path.resolve(firstCreated));
  }
}

/**
 * Creates `dir` and its missing parents one level at a time, and returns the first one created:
 * Node's recursive mkdir never returns under /proc (mkdir answers ENOENT for a parent that exists).
 */
async function createFolders(dir: string): Promise<string | undefined> {
  const missing: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const exists = await stat(current).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        return false;
      },
    );
    if (exists) break;
    missing.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const folder of missing) {
    await mkdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
  return missing[0];
}

/** Removes `dir` and its parents up to `top`, each only if empty (rmdir refuses otherwise). */
async function removeEmptyFolders(dir: string, top: string): Promise<void> {
  for (let folder = dir; folder.startsWith(top); folder = path.dirname(folder)) {
    try {
      await rmdir(folder);
    } catch {
      return;
    }
    if (folder === top) return;
  }
}
