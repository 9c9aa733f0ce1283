import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { PaginationError, ResponseShapeError } from './errors.js';
import { JsonArrayBody } from './json-array-body.js';
import { nextLinkOf } from './link-header.js';
import type { OktaResponse } from './okta-response.js';
import type { OrgUrl } from './org-url.js';

export interface PaginateOptions<T> {
  /** Query of the first request. Later pages follow `next` exactly as Okta gives it. */
  searchParams?: Record<string, string | number>;
  /** Sent as `limit` on the first request only (Okta carries it into its `next` links). */
  pageSize?: number;
  /**
   * Validates each record; a failure is a ResponseShapeError naming the path and the record's
   * index, never its values. Use loose objects: Okta adds fields.
   */
  schema?: z.ZodType<T>;
  /**
   * For `/api/v1/iam/*`: the records are under `body[itemsKey]` and the next page is
   * `body._links.next.href` instead of a `Link` header.
   */
  itemsKey?: string;
  /**
   * Stop with a PaginationError after this many pages: a guard against an endless list.
   * @default 100_000
   */
  maxPages?: number;
  /**
   * System Log polling: the query always has a `next` link, so stop at the first empty page. That
   * last page (no items) is yielded too; its `nextUrl` is the checkpoint to poll from next time.
   * @default false
   */
  stopOnEmptyPage?: boolean;
  /** Passed to every request of the list (see GetOptions.label). */
  label?: string;
  /**
   * Stop with a PaginationError when this many pages in a row, each with a new `next` link,
   * brought no record the list had not already sent (a server that hands out cursors forever).
   * @default 3
   */
  maxStalePages?: number;
}

export interface Page<T> {
  items: T[];
  /** The absolute URL of the next page, or undefined on the last page. */
  nextUrl: string | undefined;
  response: OktaResponse<unknown>;
}

/** What the paginator needs from the client: its org and a GET that throws typed errors. */
export interface PageSource {
  readonly orgUrl: OrgUrl;
  get<T = unknown>(
    pathOrUrl: string,
    options?: { searchParams?: Record<string, string | number>; label?: string; elementWise?: boolean },
  ): Promise<OktaResponse<T>>;
}

export const DEFAULT_MAX_PAGES = 100_000;

export const DEFAULT_MAX_STALE_PAGES = 3;

/**
 * Yields the pages of an Okta list, following `Link: <…>; rel="next"` (or the IAM body's
 * `_links.next.href`) and nothing else: it never builds a cursor.
 * https://developer.okta.com/docs/api/#pagination
 *
 * Refuses a `next` link on another origin before any request (the token rides on every page) and
 * a `next` link it has already followed (a cursor loop).
 */
export async function* paginatePages<T>(
  source: PageSource,
  path: string,
  options: PaginateOptions<T> = {},
): AsyncGenerator<Page<T>> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const firstParams = { ...options.searchParams };
  if (options.pageSize !== undefined) firstParams.limit = options.pageSize;

  const followed = new Set<string>();
  const stale = staleTracker(options.maxStalePages ?? DEFAULT_MAX_STALE_PAGES);
  let url = path;
  for (let pageNumber = 1; ; pageNumber++) {
    if (pageNumber > maxPages) {
      throw new PaginationError(
        `Stopped reading ${describe(path)} after ${maxPages} pages: the list did not end. Okta may be returning the same data over and over.`,
        { request: describe(path) },
      );
    }
    const perPage = {
      ...(options.label === undefined ? {} : { label: options.label }),
      // A top-level array is read record by record; IAM lists wrap theirs in an object.
      elementWise: options.itemsKey === undefined,
    };
    const response = await source.get<unknown>(
      url,
      pageNumber === 1 ? { searchParams: firstParams, ...perPage } : perPage,
    );
    followed.add(response.url);

    const list = itemsOf(response, path, options.itemsKey);
    const items = validateItems(list, response, path, pageNumber, options);
    if (list instanceof JsonArrayBody) list.release();
    const given =
      options.itemsKey === undefined ? nextLinkOf(response.headers.link) : bodyNextLink(response.body);
    const nextUrl = given === undefined ? undefined : checkNextUrl(given, source.orgUrl, path);

    const page: Page<T> = { items, nextUrl, response };
    if (nextUrl === undefined || (options.stopOnEmptyPage && items.length === 0)) {
      yield page;
      return;
    }
    if (followed.has(nextUrl)) {
      throw new PaginationError(
        `Okta sent the same "next" link twice while listing ${describe(path)}; stopped to avoid an endless loop.`,
        { request: describe(path), requestId: response.requestId },
      );
    }
    if (stale.isStale(items)) {
      throw new PaginationError(
        `Stopped reading ${describe(path)}: its last ${stale.limit} pages brought no record it had not already sent, though each had a new "next" link. The server keeps returning the same data.`,
        {
          request: describe(path),
          requestId: response.requestId,
          hint: 'Okta never does this; a proxy or a server that is not Okta may be answering. Run again, and check what answers at the Okta domain if it keeps happening.',
        },
      );
    }
    yield page;
    url = nextUrl;
  }
}

/**
 * Counts pages in a row that bring nothing new: empty, or a page whose records (by id) were
 * all sent on one page before. One 20-byte digest per page is kept, never the records.
 */
function staleTracker(limit: number) {
  const seenPages = new Set<string>();
  let inARow = 0;
  return {
    limit,
    isStale(items: readonly unknown[]): boolean {
      const digest = createHash('sha1');
      for (const item of items) digest.update(`${identityOf(item)}\n`);
      const key = digest.digest('base64');
      const known = items.length === 0 || seenPages.has(key);
      seenPages.add(key);
      inARow = known ? inARow + 1 : 0;
      return inARow >= limit;
    },
  };
}

function identityOf(item: unknown): string {
  if (isRecord(item)) {
    if (typeof item.id === 'string') return item.id;
    if (typeof item.uuid === 'string') return item.uuid;
  }
  return JSON.stringify(item) ?? '';
}

/** Yields the records of an Okta list, page after page. */
export async function* paginateRecords<T>(
  source: PageSource,
  path: string,
  options: PaginateOptions<T> = {},
): AsyncGenerator<T> {
  for await (const page of paginatePages(source, path, options)) yield* page.items;
}

function itemsOf(
  response: OktaResponse<unknown>,
  path: string,
  itemsKey: string | undefined,
): unknown[] | JsonArrayBody {
  const { body } = response;
  const items = itemsKey === undefined ? body : isRecord(body) ? body[itemsKey] : undefined;
  if (Array.isArray(items) || items instanceof JsonArrayBody) return items;
  const where = itemsKey === undefined ? 'a JSON array' : `an array under "${itemsKey}"`;
  throw new ResponseShapeError(`Okta's answer to ${describe(path)} is not ${where} of records.`, {
    status: response.status,
    request: describe(path),
    requestId: response.requestId,
  });
}

function validateItems<T>(
  items: unknown[] | JsonArrayBody,
  response: OktaResponse<unknown>,
  path: string,
  pageNumber: number,
  options: PaginateOptions<T>,
): T[] {
  const { schema } = options;
  const itemAt = (index: number): unknown => {
    if (Array.isArray(items)) return items[index];
    try {
      return items.at(index);
    } catch {
      throw new ResponseShapeError(
        `Okta's answer to ${describe(path)} (page ${pageNumber}) holds a record that is not valid JSON (record index ${index}).`,
        { status: response.status, request: describe(path), requestId: response.requestId },
      );
    }
  };
  // One record at a time: each raw record is garbage once its validated copy is made.
  return Array.from({ length: items.length }, (_, index) => {
    const item = itemAt(index);
    if (!schema) return item as T;
    const result = schema.safeParse(item);
    if (result.success) return result.data;
    // Name where and what, never the values: records hold personal data.
    const problems = result.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(record)'}: ${issue.code}`)
      .join('; ');
    throw new ResponseShapeError(
      `Okta returned a record of an unexpected shape from ${describe(path)} (page ${pageNumber}, record index ${index}): ${problems}.`,
      { status: response.status, request: describe(path), requestId: response.requestId },
    );
  });
}

function bodyNextLink(body: unknown): string | undefined {
  if (!isRecord(body) || !isRecord(body._links)) return undefined;
  const next = body._links.next;
  return isRecord(next) && typeof next.href === 'string' ? next.href : undefined;
}

/**
 * A `next` link must be an absolute URL on the org's origin: Okta always sends one, so a relative
 * link, prose or another scheme means something else answered; following it would guess.
 */
function checkNextUrl(given: string, orgUrl: OrgUrl, path: string): string {
  const request = describe(path);
  const scheme = new URL(orgUrl.origin).protocol.slice(0, -1);
  let next: URL | undefined;
  try {
    next = /^https?:\/\//i.test(given.trim()) ? new URL(given.trim()) : undefined;
  } catch {
    next = undefined;
  }
  if (next === undefined || next.protocol !== `${scheme}:`) {
    throw new PaginationError(
      `Okta's "next" link while listing ${request} is not an absolute ${scheme} URL on ${orgUrl.host} (${JSON.stringify(shorten(given))}); stopped instead of guessing where it points.`,
      {
        request,
        hint: 'Okta always sends absolute next links; a proxy or a server that is not Okta may be answering. Check what answers at the Okta domain.',
      },
    );
  }
  if (next.username !== '' || next.password !== '') {
    throw new PaginationError(
      `Okta's "next" link while listing ${request} carries a user name or password; stopped so the API token is not sent with them.`,
      {
        request,
        hint: 'If this keeps happening, a proxy may be rewriting Okta responses. Report it to your Okta admin.',
      },
    );
  }
  if (next.origin !== orgUrl.origin) {
    throw new PaginationError(
      `Okta's "next" link while listing ${request} points to ${next.host}, not ${orgUrl.host}; stopped so the API token is not sent there.`,
      {
        request,
        hint: 'If this keeps happening, a proxy may be rewriting Okta responses. Report it to your Okta admin.',
      },
    );
  }
  next.hash = '';
  return next.href;
}

/** At most 80 characters of an untrusted value, for a message. */
function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** `GET /api/v1/users`: method and path, no query string, no host. */
function describe(path: string): string {
  const end = path.search(/[?#]/);
  let pathname = end === -1 ? path : path.slice(0, end);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(pathname)) pathname = new URL(pathname).pathname;
  return `GET ${pathname}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
