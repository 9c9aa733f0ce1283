import { describe, expect, it } from 'vitest';
import { AppUsageAggregator, type AppUsageRow, signInOf } from '../../src/sync/app-usage.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-29T12:00:00.000Z');

/** A small deterministic generator, so a failure is reproducible. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The same counts computed the plain way, to compare with. */
function expectedRows(signIns: { userId: string; appId: string; at: number }[]): AppUsageRow[] {
  const pairs = new Map<string, AppUsageRow & { last: number }>();
  for (const { userId, appId, at } of signIns) {
    if (at < NOW - 90 * DAY) continue;
    const key = `${userId} ${appId}`;
    const row = pairs.get(key) ?? { userId, appId, lastSignIn: '', signIns30d: 0, signIns90d: 0, last: 0 };
    row.last = Math.max(row.last, at);
    row.signIns90d++;
    if (at >= NOW - 30 * DAY) row.signIns30d++;
    pairs.set(key, row);
  }
  return [...pairs.values()]
    .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.appId < b.appId ? -1 : 1))
    .map(({ last, ...row }) => ({ ...row, lastSignIn: new Date(last).toISOString() }));
}

describe('AppUsageAggregator', () => {
  it('counts every user × app pair exactly as a plain map would, through many table resizes', () => {
    const next = random(7);
    const signIns = Array.from({ length: 60_000 }, () => ({
      userId: `00u${Math.floor(next() * 5_000)}`,
      appId: `0oa${Math.floor(next() * 60)}`,
      at: NOW - Math.floor(next() * 120 * DAY),
    }));
    const aggregator = new AppUsageAggregator(NOW);
    let counted = 0;
    for (const signIn of signIns) if (aggregator.addSignIn(signIn)) counted++;
    const expected = expectedRows(signIns);
    expect(counted).toBe(signIns.filter((signIn) => signIn.at >= NOW - 90 * DAY).length);
    expect(aggregator.size).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(10_000);
    expect([...aggregator.rows()]).toEqual(expected);
  });

  it('keeps the latest sign-in whatever the order events arrive in, and the window edges', () => {
    const aggregator = new AppUsageAggregator(NOW);
    const at = (days: number) => NOW - days * DAY;
    aggregator.addSignIn({ userId: 'u1', appId: 'a1', at: at(10) });
    aggregator.addSignIn({ userId: 'u1', appId: 'a1', at: at(2) });
    aggregator.addSignIn({ userId: 'u1', appId: 'a1', at: at(30) });
    aggregator.addSignIn({ userId: 'u1', appId: 'a1', at: at(31) });
    expect(aggregator.addSignIn({ userId: 'u1', appId: 'a1', at: at(90) })).toBe(true);
    expect(aggregator.addSignIn({ userId: 'u1', appId: 'a1', at: at(90) - 1 })).toBe(false);
    aggregator.addSignIn({ userId: 'u0', appId: 'a2', at: at(45) });
    expect([...aggregator.rows()]).toEqual([
      { userId: 'u0', appId: 'a2', lastSignIn: new Date(at(45)).toISOString(), signIns30d: 0, signIns90d: 1 },
      { userId: 'u1', appId: 'a1', lastSignIn: new Date(at(2)).toISOString(), signIns30d: 3, signIns90d: 5 },
    ]);
  });
});

describe('signInOf', () => {
  it('finds the app by target type, not by position, and ignores events without a user or an app', () => {
    const published = '2026-11-28T08:00:00.000Z';
    const event = {
      published,
      eventType: 'user.authentication.sso',
      actor: { id: '00u1', type: 'User' },
      target: [
        { id: '00u1', type: 'AppUser' },
        { id: '0oa9', type: 'AppInstance' },
      ],
    };
    expect(signInOf(event)).toEqual({ userId: '00u1', appId: '0oa9', at: Date.parse(published) });
    expect(signInOf({ ...event, actor: { id: 'spt1', type: 'SystemPrincipal' } })).toBeUndefined();
    expect(signInOf({ ...event, target: [{ id: '00u1', type: 'AppUser' }] })).toBeUndefined();
    expect(signInOf({ ...event, published: 'not a date' })).toBeUndefined();
  });

  it('counts a sign-in that got the user in, never a failed, denied or challenged attempt', () => {
    const event = {
      published: '2026-11-28T08:00:00.000Z',
      eventType: 'user.authentication.sso',
      actor: { id: '00u1', type: 'User' },
      target: [{ id: '0oa9', type: 'AppInstance' }],
    };
    const at = Date.parse(event.published);
    const counted = { userId: '00u1', appId: '0oa9', at };
    for (const result of ['SUCCESS', 'ALLOW'])
      expect(signInOf({ ...event, outcome: { result } }), result).toEqual(counted);
    for (const result of ['FAILURE', 'DENY', 'CHALLENGE', 'SKIPPED', 'UNKNOWN'])
      expect(signInOf({ ...event, outcome: { result } }), result).toBeUndefined();
    // No outcome at all (the schema does not promise one): the event type says it is a sign-in.
    expect(signInOf(event)).toEqual(counted);
    expect(signInOf({ ...event, outcome: null })).toEqual(counted);
    const aggregator = new AppUsageAggregator(at + 1);
    expect(aggregator.add({ ...event, outcome: { result: 'FAILURE' } })).toBe(false);
    expect(aggregator.size).toBe(0);
  });
});
