import type { IdTable } from './id-table.js';

/**
 * The records not seen before, remembering them. Okta's lists are eventually consistent: while a list
 * changes, a record can come twice (in one page or across pages); a snapshot holds it once.
 */
export function firstSeen<T>(seen: IdTable, records: readonly T[], keyOf: (record: T) => string): T[] {
  return records.filter((record) => {
    const before = seen.size;
    seen.add(keyOf(record));
    return seen.size > before;
  });
}
