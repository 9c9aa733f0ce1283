/**
 * Drops records repeated within a page or from the page before: what a cursor list can repeat, as
 * Okta pages by id (`after` = the last id), so a record already passed cannot come back later. Holds
 * two pages of ids, not the list: an app's or a group's members can be the whole org.
 */
export function pageRepeats<T>(keyOf: (record: T) => string): (page: readonly T[]) => T[] {
  let previous = new Set<string>();
  return (page) => {
    const current = new Set<string>();
    const fresh = page.filter((record) => {
      const key = keyOf(record);
      if (previous.has(key) || current.has(key)) return false;
      current.add(key);
      return true;
    });
    previous = current;
    return fresh;
  };
}
