import { describe, expect, it } from 'vitest';
import { type FaultOptions, type SampleOrg, startSampleOrg } from '../../src/demo/index.js';

const auth = (org: SampleOrg) => ({ headers: { Authorization: `SSWS ${org.token}` } });

/** What one request got: a status, or 'reset' when the socket was destroyed. */
async function outcome(org: SampleOrg, path: string): Promise<string> {
  try {
    const response = await fetch(`${org.url}${path}`, auth(org));
    const text = await response.text();
    if (response.status !== 200) return String(response.status);
    try {
      JSON.parse(text);
      return '200';
    } catch {
      return 'truncated';
    }
  } catch {
    return 'reset';
  }
}

async function run(faults: FaultOptions, requests = 60): Promise<string[]> {
  const org = await startSampleOrg({ faults, rateLimits: { enabled: false } });
  try {
    const out: string[] = [];
    for (let k = 0; k < requests; k++) out.push(await outcome(org, `/api/v1/users?limit=${1 + (k % 20)}`));
    return out;
  } finally {
    await org.stop();
  }
}

const mixed: FaultOptions = { seed: 7, rate429: 0.1, rate5xx: 0.1, rateReset: 0.05, rateTruncated: 0.1 };

describe('injected faults', () => {
  it('are deterministic for a seed, and change with it', async () => {
    const first = await run(mixed);
    expect(await run(mixed)).toEqual(first);
    expect(await run({ ...mixed, seed: 8 })).not.toEqual(first);
    for (const kind of ['200', '429', 'reset', 'truncated']) expect(first, kind).toContain(kind);
    expect(first.some((status) => ['500', '502', '503', '504'].includes(status))).toBe(true);
  });

  it('do not depend on how concurrent requests interleave', async () => {
    const paths = Array.from({ length: 40 }, (_, k) => `/api/v1/groups?limit=${k + 1}`);
    const results: string[][] = [];
    for (const reverse of [false, true]) {
      const org = await startSampleOrg({ faults: mixed, rateLimits: { enabled: false } });
      try {
        const order = reverse ? [...paths].reverse() : paths;
        const outcomes = await Promise.all(order.map((path) => outcome(org, path)));
        const byPath = new Map(order.map((path, k) => [path, outcomes[k] as string]));
        results.push(paths.map((path) => byPath.get(path) as string));
      } finally {
        await org.stop();
      }
    }
    expect(results[1]).toEqual(results[0]);
  });

  it('502 and 503 are HTML without rate-limit headers; 500 and 504 are Okta JSON with them', async () => {
    const org = await startSampleOrg({ faults: { rate5xx: 1 }, rateLimits: { enabled: false } });
    try {
      const seen = new Set<number>();
      for (let k = 0; k < 40 && seen.size < 4; k++) {
        const response = await fetch(`${org.url}/api/v1/apps?limit=${k + 1}`, auth(org));
        seen.add(response.status);
        const body = await response.text();
        if (response.status === 502 || response.status === 503) {
          expect(response.headers.get('content-type')).toBe('text/html');
          expect(body).toMatch(/^<!DOCTYPE html>/);
          expect(response.headers.get('x-rate-limit-limit')).toBeNull();
        } else {
          expect(JSON.parse(body)).toMatchObject({ errorCode: 'E0000009' });
          expect(response.headers.get('x-rate-limit-limit')).toBe('100');
        }
        expect(response.headers.get('x-okta-request-id')).toBeTruthy();
      }
      expect([...seen].sort()).toEqual([500, 502, 503, 504]);
      const faults = org.counters.faults;
      expect(faults.status500 + faults.status502 + faults.status503 + faults.status504).toBe(
        org.counters.requests,
      );
    } finally {
      await org.stop();
    }
  });

  it('a truncated body is a 200 whose Content-Length matches the cut JSON', async () => {
    const org = await startSampleOrg({ faults: { rateTruncated: 1 } });
    try {
      const response = await fetch(`${org.url}/api/v1/users?limit=3`, auth(org));
      const body = await response.text();
      expect(response.status).toBe(200);
      expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(body));
      expect(() => JSON.parse(body)).toThrow();
      expect(org.counters.faults.truncated).toBe(1);
    } finally {
      await org.stop();
    }
  });

  it('a reset destroys the connection; an injected 429 looks like a spent bucket', async () => {
    const reset = await startSampleOrg({ faults: { rateReset: 1 } });
    const limited = await startSampleOrg({ faults: { rate429: 1 } });
    try {
      await expect(fetch(`${reset.url}/api/v1/users`, auth(reset))).rejects.toThrow();
      expect(reset.counters.faults.reset).toBe(1);
      const response = await fetch(`${limited.url}/api/v1/users`, auth(limited));
      expect(response.status).toBe(429);
      expect(response.headers.get('x-rate-limit-remaining')).toBe('0');
      expect(await response.json()).toMatchObject({ errorCode: 'E0000047' });
    } finally {
      await reset.stop();
      await limited.stop();
    }
  });

  it('a storm answers 429 to a run of requests, then recovers', async () => {
    expect(await run({ storm429: { afterRequests: 2, count: 3 } }, 7)).toEqual([
      '200',
      '200',
      '429',
      '429',
      '429',
      '200',
      '200',
    ]);
  });

  it('slow answers are delayed, not failed, and counted', async () => {
    const org = await startSampleOrg({ faults: { slowRate: 1, slowMs: 20 } });
    try {
      expect(await outcome(org, '/api/v1/users/me')).toBe('200');
      expect(org.counters.faults.slow).toBe(1);
      expect(org.counters.urls.get('/api/v1/users/me')).toEqual({ requests: 1, faulted: 0, throttled: 0 });
    } finally {
      await org.stop();
    }
  });

  it('counters tell retries from repeated requests', async () => {
    const org = await startSampleOrg({
      faults: { seed: 3, rate429: 0.2, rate5xx: 0.2 },
      rateLimits: { enabled: false },
    });
    try {
      let next: string | undefined = `${org.url}/api/v1/users?limit=5`;
      while (next) {
        const response = await fetch(next, auth(org));
        if (response.status !== 200) continue; // retry the same URL
        const links = response.headers.get('link') ?? '';
        next = /<([^>]+)>; rel="next"/.exec(links)?.[1];
        await response.arrayBuffer();
      }
      let faulted = 0;
      for (const counts of org.counters.urls.values()) {
        expect(counts.requests - counts.faulted - counts.throttled).toBe(1);
        faulted += counts.faulted;
      }
      expect(faulted).toBeGreaterThan(0);
      expect(faulted).toBe(
        org.counters.faults.rate429 +
          org.counters.faults.status500 +
          org.counters.faults.status502 +
          org.counters.faults.status503 +
          org.counters.faults.status504,
      );
    } finally {
      await org.stop();
    }
  });
});
