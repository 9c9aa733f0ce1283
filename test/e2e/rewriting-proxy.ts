import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy answers instead of the upstream for one request. */
export interface ProxyAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface ProxyRequest {
  /** Path and query, as requested. */
  path: string;
  /** The upstream's answer, when the proxy asked it (see `intercept`'s second argument). */
  upstream?: { status: number; body: string };
}

export interface RewritingProxy {
  url: string;
  /** Every path requested, in order. */
  requests: string[];
  /** The paths of requests that carried an Authorization header (the token). */
  authorized: string[];
  close(): Promise<void>;
}

export interface RewritingProxyOptions {
  /** The sample org to pass requests on to; without it every request gets `intercept`'s answer or a 404 page. */
  upstream?: string;
  /**
   * Replaces the answer to a request: return undefined to pass the upstream's answer on. Called
   * with the upstream's answer when `peek(path)` is true (to alter it), before asking it otherwise.
   */
  intercept?: (request: ProxyRequest) => ProxyAnswer | undefined;
  peek?: (path: string) => boolean;
}

const NOT_FOUND_PAGE = '<!DOCTYPE html><html><body><h1>Not Found</h1></body></html>';

/**
 * A loopback server in front of a sample org (or of nothing), for hostile answers the sample org does
 * not give: a host that is not Okta, one endpoint answering 404, HTML or an odd `next` link. The
 * upstream's origin is rewritten to the proxy's in `link` headers, so pagination stays on the proxy.
 */
export async function startRewritingProxy(options: RewritingProxyOptions = {}): Promise<RewritingProxy> {
  const { upstream, intercept, peek } = options;
  const requests: string[] = [];
  const authorized: string[] = [];
  let origin = '';
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    requests.push(path);
    if (request.headers.authorization) authorized.push(path);
    const early = peek?.(path) ? undefined : intercept?.({ path });
    if (early || !upstream) {
      const answer = early ?? { status: 404, headers: { 'content-type': 'text/html' }, body: NOT_FOUND_PAGE };
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(answer.body);
      return;
    }
    const answer = await fetch(`${upstream}${path}`, {
      headers: { authorization: request.headers.authorization ?? '' },
    });
    const body = await answer.text();
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(name)) {
        headers[name] = value.replaceAll(upstream, origin);
      }
    });
    const links = answer.headers.get('link');
    if (links) headers.link = links.replaceAll(upstream, origin);
    const late = peek?.(path) ? intercept?.({ path, upstream: { status: answer.status, body } }) : undefined;
    if (late) {
      response.writeHead(late.status, { ...headers, ...late.headers });
      response.end(late.body);
      return;
    }
    response.writeHead(answer.status, headers);
    response.end(body);
  };
  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    requests,
    authorized,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
