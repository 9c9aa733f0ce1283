import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SampleLogEvent, type SampleOrg, startSampleOrg } from '../../src/demo/index.js';
import { expectSameRecords, get, json, manualClock, type Page, walk } from './helpers.js';

const DAY = 86_400_000;
const clock = manualClock();
let org: SampleOrg;
let events: SampleLogEvent[];
const at = (ms: number) => new Date(ms).toISOString();
const q = (expression: string) => encodeURIComponent(expression);

beforeAll(async () => {
  org = await startSampleOrg({ size: 'small', now: clock.now, rateLimits: { enabled: false } });
  events = json([...org.truth.logEvents()]);
});
afterAll(() => org.stop());

describe('the generated System Log', () => {
  it('spans the last 90 days, oldest first, with unique uuids', () => {
    expect(events).toHaveLength(20_000);
    const published = events.map((event) => Date.parse(event.published));
    expect(published.every((ms, k) => k === 0 || ms >= (published[k - 1] as number))).toBe(true);
    expect(published[0]).toBeGreaterThan(clock.now() - 90 * DAY);
    expect(published.at(-1)).toBeLessThan(clock.now());
    expect(new Set(events.map((event) => event.uuid)).size).toBe(events.length);
  });

  it('has sign-ins to apps with the AppInstance target anywhere in target[]', () => {
    const apps = new Map([...org.truth.apps()].map((app) => [app.id, app]));
    const sso = events.filter((event) => event.eventType === 'user.authentication.sso');
    expect(sso.length).toBeGreaterThan(events.length / 3);
    const positions = new Set<number>();
    for (const event of sso) {
      const index = event.target.findIndex((target) => target.type === 'AppInstance');
      positions.add(index);
      const target = event.target[index];
      expect(apps.get(target?.id ?? '')?.label).toBe(target?.displayName);
      expect(event.actor.type).toBe('User');
    }
    expect(positions.has(-1)).toBe(false);
    expect([...positions].some((position) => position > 0)).toBe(true);
    expect(positions.has(0)).toBe(true);
  });

  it('has app.oauth2 grants for OIDC apps and user.session.start', () => {
    const oidc = new Set(
      [...org.truth.apps()].filter((app) => app.signOnMode === 'OPENID_CONNECT').map((app) => app.id),
    );
    const grants = events.filter((event) => event.eventType.startsWith('app.oauth2.'));
    expect(grants.length).toBeGreaterThan(0);
    for (const grant of grants) {
      expect(oidc.has(grant.target.find((target) => target.type === 'AppInstance')?.id ?? '')).toBe(true);
    }
    expect(events.some((event) => event.eventType === 'user.session.start')).toBe(true);
  });
});

describe('GET /api/v1/logs', () => {
  it('a bounded query is finite, ordered by published, and ends without next', async () => {
    const since = clock.now() - 30 * DAY;
    const until = clock.now() - 20 * DAY;
    const { records, pages } = await walk<SampleLogEvent>(
      org,
      `/api/v1/logs?since=${at(since)}&until=${at(until)}&limit=1000`,
    );
    const expected = events.filter(
      (event) => Date.parse(event.published) >= since && Date.parse(event.published) < until,
    );
    expectSameRecords(records, expected);
    expect(pages.at(-1)?.next).toBeUndefined();
  });

  it('DESCENDING reverses a bounded query', async () => {
    const since = clock.now() - 3 * DAY;
    const until = clock.now();
    const { records } = await walk<SampleLogEvent>(
      org,
      `/api/v1/logs?since=${at(since)}&until=${at(until)}&sortOrder=DESCENDING&limit=77`,
    );
    const expected = events.filter((event) => Date.parse(event.published) >= since).reverse();
    expect(records.map((event) => event.uuid)).toEqual(expected.map((event) => event.uuid));
  });

  it('a polling query always links to the next poll, even from an empty page, and sees new events', async () => {
    const since = clock.now() - 2 * DAY;
    let next: string | undefined = `/api/v1/logs?since=${at(since)}&limit=1000&sortOrder=ASCENDING`;
    const seen: SampleLogEvent[] = [];
    for (;;) {
      const page: Page<SampleLogEvent[]> = await get<SampleLogEvent[]>(org, next as string);
      expect(page.next).toBeDefined();
      next = page.next;
      seen.push(...page.body);
      if (page.body.length === 0) break;
    }
    expectSameRecords(
      seen,
      events.filter((event) => Date.parse(event.published) >= since),
    );
    const empty = await get<SampleLogEvent[]>(org, next as string);
    expect(empty.body).toEqual([]);
    expect(empty.next).toBe(next);

    clock.advance(60_000);
    const change = org.mutate({ signIns: 3 });
    const fresh = await get<SampleLogEvent[]>(org, next as string);
    expect(fresh.body).toHaveLength(change.logEvents);
    expect(fresh.body.every((event) => event.published === at(clock.now()))).toBe(true);
    expect(fresh.body.filter((event) => event.eventType === 'user.authentication.sso')).toHaveLength(
      change.signInEvents + change.failedSignInEvents,
    );
    expect(fresh.next).toBeDefined();
    expect((await get<SampleLogEvent[]>(org, fresh.next as string)).body).toEqual([]);
  });

  it('filters by eventType with or, and by published', async () => {
    const expression =
      'eventType eq "user.authentication.sso" or eventType eq "app.oauth2.as.authorize.code"';
    const since = clock.now() - 10 * DAY;
    const { records } = await walk<SampleLogEvent>(
      org,
      `/api/v1/logs?since=${at(since)}&until=${at(clock.now())}&filter=${q(expression)}&limit=1000`,
    );
    const wanted = new Set(['user.authentication.sso', 'app.oauth2.as.authorize.code']);
    // Events appended by mutate() are published at now(), outside [since, until).
    expectSameRecords(
      records,
      events.filter((event) => wanted.has(event.eventType) && Date.parse(event.published) >= since),
    );
    const pivot = events[19_000]?.published as string;
    const later = await walk<SampleLogEvent>(
      org,
      `/api/v1/logs?since=${at(clock.now() - 89 * DAY)}&until=${at(clock.now())}&filter=${q(`published gt "${pivot}"`)}&limit=1000`,
    );
    expect(later.records.every((event) => event.published > pivot)).toBe(true);
    expect(later.records.length).toBeGreaterThan(900);
  });

  it('defaults to 100 events, caps limit at 1000', async () => {
    expect(
      (await get<unknown[]>(org, `/api/v1/logs?since=${at(clock.now() - 80 * DAY)}&until=${at(clock.now())}`))
        .body,
    ).toHaveLength(100);
    const capped = await get<unknown[]>(
      org,
      `/api/v1/logs?since=${at(clock.now() - 80 * DAY)}&until=${at(clock.now())}&limit=5000`,
    );
    expect(capped.body).toHaveLength(1000);
  });

  it('refuses a since more than 180 days back with 400 E0000053', async () => {
    const page = await get<{ errorCode: string }>(org, `/api/v1/logs?since=${at(clock.now() - 181 * DAY)}`);
    expect(page.status).toBe(400);
    expect(page.body.errorCode).toBe('E0000053');
    expect((await get(org, `/api/v1/logs?since=${at(clock.now() - 179 * DAY)}`)).status).toBe(200);
    expect((await get(org, '/api/v1/logs?since=yesterday')).status).toBe(400);
  });
});
