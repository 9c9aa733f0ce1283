/**
 * Chooses which apps' users an incremental run lists in full, given for each user the apps in which
 * that user's rows may have changed. A user is then read either by one request of their own (all their
 * apps at once) or not at all, when every app of theirs is listed; listing an app costs its pages.
 * Returns the apps whose listing lowers the total (pages listed + users still read one by one).
 *
 * Greedy on a fractional value (a user counts 1/k toward each of the k apps still missing), then a
 * pass that drops any chosen app the total does not need; never dearer than listing nothing.
 */
export function chooseAppListings(
  needs: ReadonlyMap<string, ReadonlySet<string>>,
  pagesOf: (appId: string) => number,
): Set<string> {
  const usersOf = new Map<string, string[]>();
  for (const [userId, apps] of needs)
    for (const appId of apps) {
      const users = usersOf.get(appId) ?? [];
      users.push(userId);
      usersOf.set(appId, users);
    }
  const missing = new Map<string, number>();
  for (const [userId, apps] of needs) missing.set(userId, apps.size);
  const chosen = new Set<string>();
  for (;;) {
    let best: string | undefined;
    let bestGain = 0;
    for (const [appId, users] of usersOf) {
      if (chosen.has(appId)) continue;
      let value = 0;
      for (const userId of users) value += 1 / (missing.get(userId) as number);
      const gain = value - pagesOf(appId);
      if (gain > bestGain + 1e-9) {
        best = appId;
        bestGain = gain;
      }
    }
    if (best === undefined) break;
    chosen.add(best);
    for (const userId of usersOf.get(best) ?? []) missing.set(userId, (missing.get(userId) as number) - 1);
  }
  // Drop what does not pay for itself: an app whose users still need a request of their own.
  const total = (apps: ReadonlySet<string>) => {
    let cost = 0;
    for (const appId of apps) cost += pagesOf(appId);
    for (const needed of needs.values()) if ([...needed].some((appId) => !apps.has(appId))) cost++;
    return cost;
  };
  for (let dropped = true; dropped; ) {
    dropped = false;
    for (const appId of [...chosen].sort((a, b) => pagesOf(b) - pagesOf(a))) {
      const without = new Set(chosen);
      without.delete(appId);
      if (total(without) <= total(chosen)) {
        chosen.delete(appId);
        dropped = true;
      }
    }
  }
  // Listings that only pay off together with others no longer chosen: reading every user alone wins.
  return total(chosen) < needs.size ? chosen : new Set();
}
