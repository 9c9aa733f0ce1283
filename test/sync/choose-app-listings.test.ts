import { describe, expect, it } from 'vitest';
import { chooseAppListings } from '../../src/sync/choose-app-listings.js';

const needsOf = (entries: Record<string, string[]>) =>
  new Map(Object.entries(entries).map(([user, apps]) => [user, new Set(apps)]));

/** Pages listed plus users still read one by one: what the choice is meant to keep low. */
const cost = (needs: Map<string, Set<string>>, chosen: Set<string>, pages: (app: string) => number) =>
  [...chosen].reduce((sum, app) => sum + pages(app), 0) +
  [...needs.values()].filter((apps) => [...apps].some((app) => !chosen.has(app))).length;

describe('which apps an incremental run lists in full', () => {
  it('lists a one-page app that several changed users need, and no app that one user needs', () => {
    const needs = needsOf({ u1: ['small'], u2: ['small'], u3: ['small'], u4: ['big'] });
    const pages = (app: string) => (app === 'small' ? 1 : 30);
    expect(chooseAppListings(needs, pages)).toEqual(new Set(['small']));
  });

  it('lists nothing when every user is cheaper read alone', () => {
    const needs = needsOf({ u1: ['a'], u2: ['b'], u3: ['c', 'a'] });
    expect(chooseAppListings(needs, () => 2)).toEqual(new Set());
  });

  it('does not keep a listing whose users still need a request for another app', () => {
    // Listing "small" spares nobody: each of its users also needs the 40-page app.
    const needs = needsOf({ u1: ['small', 'big'], u2: ['small', 'big'], u3: ['small', 'big'] });
    const pages = (app: string) => (app === 'small' ? 1 : 40);
    expect(chooseAppListings(needs, pages)).toEqual(new Set());
  });

  it('lists two apps together when only both spare their users', () => {
    const needs = needsOf({ u1: ['a', 'b'], u2: ['a', 'b'], u3: ['a', 'b'], u4: ['a', 'b'] });
    expect(chooseAppListings(needs, () => 1)).toEqual(new Set(['a', 'b']));
  });

  it('is never dearer than reading every user alone, on random needs', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 50; round++) {
      const needs = new Map<string, Set<string>>();
      for (let user = 0; user < 40; user++) {
        const apps = new Set<string>();
        const count = 1 + Math.floor(random() * 3);
        while (apps.size < count) apps.add(`app${Math.floor(random() * 12)}`);
        needs.set(`u${user}`, apps);
      }
      const pages = (app: string) => 1 + (Number(app.slice(3)) % 4) * 3;
      const chosen = chooseAppListings(needs, pages);
      expect(cost(needs, chosen, pages)).toBeLessThanOrEqual(needs.size);
    }
  });
});
