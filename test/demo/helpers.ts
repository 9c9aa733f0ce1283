import { request } from 'node:http';
import { expect } from 'vitest';
import type { SampleOrg } from '../../src/demo/index.js';

export interface Page<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  self: string | undefined;
  next: string | undefined;
}

/** Parses `link` headers (fetch joins several with `, `). */
export function parseLinks(header: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  for (const match of (header ?? '').matchAll(/<([^>]+)>;\s*rel="([^"]+)"/g))
    links[match[2] as string] = match[1] as string;
  return links;
}

export async function get<T = unknown>(
  org: SampleOrg,
  pathOrUrl: string,
  token = org.token,
): Promise<Page<T>> {
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${org.url}${pathOrUrl}`;
  const response = await fetch(url, { headers: { Authorization: `SSWS ${token}` } });
  const text = await response.text();
  const links = parseLinks(response.headers.get('link'));
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
  return {
    status: response.status,
    headers: response.headers,
    body: body as T,
    self: links.self,
    next: links.next,
  };
}

/** Follows `next` links from `path`; returns every record and the pages seen. */
export async function walk<T = Record<string, unknown>>(
  org: SampleOrg,
  path: string,
): Promise<{ records: T[]; pages: Page<T[]>[] }> {
  const records: T[] = [];
  const pages: Page<T[]>[] = [];
  let next: string | undefined = path;
  while (next) {
    const page: Page<T[]> = await get<T[]>(org, next);
    if (page.status !== 200) throw new Error(`${next} answered ${page.status}: ${JSON.stringify(page.body)}`);
    pages.push(page);
    records.push(...page.body);
    next = page.next;
    if (pages.length > 10_000) throw new Error('too many pages');
  }
  return { records, pages };
}

/** A GET through node:http, to see raw headers exactly as sent (fetch merges repeated ones). */
export function rawGet(
  url: string,
  token: string,
): Promise<{ status: number; rawHeaders: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Authorization: `SSWS ${token}` } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, rawHeaders: response.rawHeaders, body }),
      );
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Values of a header as separate lines (case-insensitive name). */
export function headerLines(rawHeaders: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === name) out.push(rawHeaders[i + 1] as string);
  }
  return out;
}

/** JSON round trip: what a client sees of a record. */
export function json<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A clock tests can move. */
export function manualClock(start = Date.UTC(2026, 0, 15, 12, 0, 0)): {
  now: () => number;
  advance(ms: number): void;
} {
  let current = start;
  return {
    now: () => current,
    advance(ms) {
      current += ms;
    },
  };
}

/**
 * Asserts two record lists are equal as JSON, record by record: much faster than one deep `toEqual`
 * on tens of thousands of records, and a mismatch still shows a readable diff of the first one.
 */
export function expectSameRecords(actual: readonly unknown[], expected: readonly unknown[]): void {
  for (let index = 0; index < Math.min(actual.length, expected.length); index++) {
    if (JSON.stringify(actual[index]) !== JSON.stringify(expected[index])) {
      expect({ index, record: actual[index] }).toEqual({ index, record: json(expected[index]) });
    }
  }
  expect(actual.length).toBe(expected.length);
}
