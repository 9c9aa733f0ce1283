/**
 * An independent simulation of Okta's rate limits (not shared with src/okta, so each can check the
 * other): per-bucket request budgets over a window that starts at the bucket's first request, and a
 * global concurrency limit. https://developer.okta.com/docs/reference/rl-global-mgmt/
 */

/**
 * Okta's per-minute Workforce defaults (Okta stopped publishing the table in Dec 2025; these are the
 * last published values). Keys are the buckets' names in `counters.buckets` and `rateLimits.limits`.
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, number>> = {
  '/api/v1/users': 600,
  '/api/v1/users/{id}': 2_000,
  '/api/v1/groups': 500,
  '/api/v1/groups/{id}': 1_000,
  '/api/v1/apps': 100,
  '/api/v1/apps/{id}': 500,
  '/api/v1/logs': 120,
  '/api/v1/devices': 100,
  '/api/v1': 1_200,
};

/**
 * The bucket a request path counts against:
 * - `/api/v1/users` (list) · `/api/v1/users/{id}` (one user, `me`, and its sub-resources such as roles)
 * - `/api/v1/groups` (list, members, group roles) · `/api/v1/groups/{id}` (one group)
 * - `/api/v1/apps` (list, app users, app groups) · `/api/v1/apps/{id}` (one app, other sub-resources)
 * - `/api/v1/logs` · `/api/v1/devices` · `/api/v1` (everything else, `/.well-known` included)
 */
export function bucketFor(path: string): string {
  const parts = path.split('/');
  // ['', 'api', 'v1', resource, id?, sub?]
  if (parts[1] !== 'api' || parts[2] !== 'v1') return '/api/v1';
  const resource = parts[3];
  const hasId = parts.length > 4 && parts[4] !== '';
  const sub = parts[5];
  switch (resource) {
    case 'users':
      return hasId ? '/api/v1/users/{id}' : '/api/v1/users';
    case 'groups':
      return !hasId || sub === 'users' || sub === 'roles' ? '/api/v1/groups' : '/api/v1/groups/{id}';
    case 'apps':
      return !hasId || sub === 'users' || sub === 'groups' ? '/api/v1/apps' : '/api/v1/apps/{id}';
    case 'logs':
      return '/api/v1/logs';
    case 'devices':
      return '/api/v1/devices';
    default:
      return '/api/v1';
  }
}

export interface RateLimitOptions {
  /** Length of a bucket's window. Shrink it for tests and benchmarks. @default 60_000 */
  windowMs?: number;
  /** Per-bucket limits that replace the defaults (keys as in DEFAULT_RATE_LIMITS). */
  limits?: Partial<Record<string, number>>;
  /** Simultaneous requests allowed; one more gets a concurrency 429. @default 75 */
  concurrency?: number;
  /** Off: nothing is ever refused, headers still report usage. @default true */
  enabled?: boolean;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** When the window ends, UTC epoch seconds (X-Rate-Limit-Reset). */
  resetSeconds: number;
  /** Requests served in the current window, this one included when allowed. */
  used: number;
}

interface Window {
  start: number;
  used: number;
}

export class RateLimitSimulator {
  readonly windowMs: number;
  readonly concurrency: number;
  readonly enabled: boolean;
  private readonly limits: Record<string, number>;
  private readonly windows = new Map<string, Window>();

  constructor(
    options: RateLimitOptions,
    private readonly now: () => number,
  ) {
    this.windowMs = options.windowMs ?? 60_000;
    this.concurrency = options.concurrency ?? 75;
    this.enabled = options.enabled ?? true;
    this.limits = { ...DEFAULT_RATE_LIMITS };
    for (const [bucket, limit] of Object.entries(options.limits ?? {}))
      if (limit !== undefined) this.limits[bucket] = limit;
  }

  limitOf(bucket: string): number {
    return this.limits[bucket] ?? (this.limits['/api/v1'] as number);
  }

  /** Counts a request against its bucket, or refuses it when the window's budget is spent. */
  take(bucket: string): RateLimitDecision {
    const now = this.now();
    let window = this.windows.get(bucket);
    if (!window || now >= window.start + this.windowMs) {
      window = { start: now, used: 0 };
      this.windows.set(bucket, window);
    }
    const limit = this.limitOf(bucket);
    const resetSeconds = Math.ceil((window.start + this.windowMs) / 1000);
    if (this.enabled && window.used >= limit)
      return { allowed: false, limit, remaining: 0, resetSeconds, used: window.used };
    window.used++;
    return {
      allowed: true,
      limit,
      remaining: Math.max(0, limit - window.used),
      resetSeconds,
      used: window.used,
    };
  }

  /** The bucket's state without counting a request (for refusals that are not the bucket's fault). */
  peek(bucket: string): RateLimitDecision {
    const now = this.now();
    const window = this.windows.get(bucket);
    const limit = this.limitOf(bucket);
    if (!window || now >= window.start + this.windowMs) {
      return {
        allowed: true,
        limit,
        remaining: limit,
        resetSeconds: Math.ceil((now + this.windowMs) / 1000),
        used: 0,
      };
    }
    return {
      allowed: window.used < limit,
      limit,
      remaining: Math.max(0, limit - window.used),
      resetSeconds: Math.ceil((window.start + this.windowMs) / 1000),
      used: window.used,
    };
  }
}
