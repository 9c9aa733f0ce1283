import { HttpResponse, http } from 'msw';

/** A loopback origin that msw answers (no server listens there): DNS is instant and TLS is skipped. */
export const ORIGIN = 'http://127.0.0.1:47001';

/** A distinctive token, so any leak into an output or a file is easy to find. */
export const TOKEN = '00LeakCanary-TestConnection_0123456789abcd';

export type Endpoint =
  | 'well-known'
  | 'me'
  | 'users'
  | 'groups'
  | 'apps'
  | 'app-users'
  | 'logs'
  | 'admin-roles'
  | 'devices'
  | 'user-schema';

export interface SeenRequest {
  endpoint: Endpoint;
  path: string;
  authorization: string | null;
}

export interface FakeOktaOptions {
  origin?: string;
  token?: string;
  pipeline?: 'idx' | 'v1';
  /** Replaces the answer of an endpoint (authentication is still checked first, except on well-known). */
  answers?: Partial<Record<Endpoint, () => Response>>;
  /** Per-bucket `X-Rate-Limit-Remaining`, default limit - 1. */
  remaining?: Partial<Record<Endpoint, number>>;
  /** Every request, for assertions. */
  seen?: SeenRequest[];
}

const LIMITS: Record<Endpoint, number> = {
  'well-known': 1200,
  me: 2000,
  users: 600,
  groups: 500,
  apps: 100,
  'app-users': 100,
  logs: 120,
  'admin-roles': 1200,
  devices: 100,
  'user-schema': 1200,
};

export function headers(endpoint: Endpoint, remaining?: number): Record<string, string> {
  const limit = LIMITS[endpoint];
  return {
    'x-rate-limit-limit': String(limit),
    'x-rate-limit-remaining': String(remaining ?? limit - 1),
    'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 60),
    'x-okta-request-id': `req-${endpoint}`,
    date: new Date().toUTCString(),
  };
}

/** An Okta error answer: `{errorCode, errorSummary, errorId, …}`. */
export function oktaError(
  endpoint: Endpoint,
  status: number,
  errorCode: string,
  errorSummary: string,
): () => Response {
  return () =>
    HttpResponse.json(
      { errorCode, errorSummary, errorLink: errorCode, errorId: `oae-${endpoint}`, errorCauses: [] },
      { status, headers: headers(endpoint) },
    );
}

export const forbidden = (endpoint: Endpoint) =>
  oktaError(endpoint, 403, 'E0000006', 'You do not have permission to perform the requested action');

const BODIES: Record<Endpoint, (options: FakeOktaOptions, origin: string) => unknown> = {
  'well-known': (options, origin) => ({
    id: '00o1acme',
    pipeline: options.pipeline ?? 'idx',
    _links: { organization: { href: origin } },
  }),
  me: () => ({ id: '00u1svc', status: 'ACTIVE', profile: { login: 'svc-inventory@acme.example' } }),
  users: () => [{ id: '00u1svc', status: 'ACTIVE' }],
  groups: () => [{ id: '00g1', type: 'OKTA_GROUP' }],
  apps: () => [{ id: '0oa1slack', status: 'ACTIVE' }],
  'app-users': () => [{ id: '00u1svc', scope: 'USER' }],
  logs: () => [],
  'admin-roles': () => ({ value: [], _links: {} }),
  devices: () => [],
  'user-schema': () => ({ definitions: { base: { properties: {} }, custom: { properties: {} } } }),
};

const PATHS: Record<Endpoint, string> = {
  'well-known': '/.well-known/okta-organization',
  me: '/api/v1/users/me',
  users: '/api/v1/users',
  groups: '/api/v1/groups',
  apps: '/api/v1/apps',
  'app-users': '/api/v1/apps/:appId/users',
  logs: '/api/v1/logs',
  'admin-roles': '/api/v1/iam/assignees/users',
  devices: '/api/v1/devices',
  'user-schema': '/api/v1/meta/schemas/user/default',
};

/** msw handlers for the endpoints test-connection reads, behaving like a healthy Identity Engine org. */
export function fakeOkta(options: FakeOktaOptions = {}) {
  const origin = options.origin ?? ORIGIN;
  const token = options.token ?? TOKEN;
  return (Object.keys(PATHS) as Endpoint[]).map((endpoint) =>
    http.get(`${origin}${PATHS[endpoint]}`, ({ request }) => {
      const authorization = request.headers.get('authorization');
      options.seen?.push({ endpoint, path: new URL(request.url).pathname, authorization });
      if (endpoint !== 'well-known' && authorization !== `SSWS ${token}`) {
        return oktaError(endpoint, 401, 'E0000011', 'Invalid token provided')();
      }
      const answer = options.answers?.[endpoint];
      if (answer) return answer();
      return HttpResponse.json(BODIES[endpoint](options, origin) as object, {
        headers: headers(endpoint, options.remaining?.[endpoint]),
      });
    }),
  );
}
