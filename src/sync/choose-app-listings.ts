/**
 * Chooses which apps' users an incremental run lists in full, given for each user the apps in which
 * that user's rows may have changed. A user is then read either by one request of their own (all their
 * apps at once) or not at all, when every app of theirs is listed; listing an app costs its pages.
 * Returns the apps whose listing lowers the total (pages listed + users still read one by one).
 *
 * Greedy on a fractional value (a user counts 1/k toward each of the k apps still missing), then
 * single moves while one lowers the total: drop a listing, add one, or swap one for another. Never
 * dearer than listing nothing.
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
  /** Per user, how many of their apps are not chosen. */
  const missing = new Map<string, number>();
  for (const [userId, apps] of needs) missing.set(userId, apps.size);
  const chosen = new Set<string>();
  const choose = (appId: string) => {
    chosen.add(appId);
    for (const userId of usersOf.get(appId) ?? []) missing.set(userId, (missing.get(userId) as number) - 1);
  };
  const unchoose = (appId: string) => {
    chosen.delete(appId);
    for (const userId of usersOf.get(appId) ?? []) missing.set(userId, (missing.get(userId) as number) + 1);
  };
  /** How the total changes when `appId` is chosen: its pages, less the users it completes. */
  const addDelta = (appId: string) => {
    let completed = 0;
    for (const userId of usersOf.get(appId) ?? []) if (missing.get(userId) === 1) completed++;
    return pagesOf(appId) - completed;
  };
  /** How the total changes when `appId` is no longer chosen. */
  const dropDelta = (appId: string) => {
    let uncovered = 0;
    for (const userId of usersOf.get(appId) ?? []) if (missing.get(userId) === 0) uncovered++;
    return uncovered - pagesOf(appId);
  };

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
    choose(best);
  }

  for (let round = 0, improved = true; improved && round < 50; round++) {
    improved = false;
    for (const appId of [...chosen]) {
      if (dropDelta(appId) <= 0) {
        unchoose(appId);
        improved = true;
      }
    }
    for (const appId of usersOf.keys()) {
      if (chosen.has(appId)) continue;
      const added = addDelta(appId);
      if (added < 0) {
        choose(appId);
        improved = true;
        continue;
      }
      // A swap: with this one listed, another may no longer be worth its pages.
      choose(appId);
      let swapped = false;
      for (const other of chosen) {
        if (other !== appId && added + dropDelta(other) < 0) {
          unchoose(other);
          swapped = true;
          improved = true;
          break;
        }
      }
      if (!swapped) unchoose(appId);
    }
  }
  let cost = 0;
  for (const appId of chosen) cost += pagesOf(appId);
  for (const count of missing.values()) if (count > 0) cost++;
  // Listings that only pay off together with others no longer chosen: reading every user alone wins.
  return cost < needs.size ? chosen : new Set();
}
