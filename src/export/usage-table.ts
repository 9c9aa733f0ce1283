import type { AppTable } from './app-table.js';
import type { OpenedSnapshot } from './open-snapshot.js';
import { readEntityRows, writtenEntity } from './read-entity-rows.js';
import type { UserTable } from './user-table.js';
import { instantOf, numberOf, textOf } from './values.js';

/** One user × app line of app_usage. */
export interface Usage {
  /** Latest sign-in to the app in the usage window, ms since the epoch. */
  lastSignIn: number;
  signIns30d: number;
  signIns90d: number;
}

/**
 * app_usage as sorted typed arrays: the key (user index × app count + app index) of every user × app
 * pair with a sign-in, in ascending order, and beside it the last sign-in and the two counts. 24 bytes
 * per pair and no JavaScript object (a Map would cost about 40 more); a lookup is a binary search.
 * Rows of users or apps that are not in the snapshot are dropped: they belong to no assignment.
 */
export class UsageTable {
  readonly #appCount: number;
  #keys: Float64Array;
  #lastSignIn: Float64Array;
  #signIns30d: Uint32Array;
  #signIns90d: Uint32Array;
  #size = 0;
  #sorted = true;
  #maxKey = 0;

  constructor(appCount: number, capacity: number) {
    this.#appCount = Math.max(1, appCount);
    const size = Math.max(16, capacity);
    this.#keys = new Float64Array(size);
    this.#lastSignIn = new Float64Array(size);
    this.#signIns30d = new Uint32Array(size);
    this.#signIns90d = new Uint32Array(size);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds a pair; call `finish` once all are added. */
  add(user: number, app: number, usage: Usage): void {
    if (app >= this.#appCount) return;
    const key = user * this.#appCount + app;
    if (this.#size === this.#keys.length) this.#grow();
    const slot = this.#size++;
    if (slot > 0 && key <= this.#keys[slot - 1]!) this.#sorted = false;
    this.#keys[slot] = key;
    if (key > this.#maxKey) this.#maxKey = key;
    this.#lastSignIn[slot] = usage.lastSignIn;
    this.#signIns30d[slot] = usage.signIns30d;
    this.#signIns90d[slot] = usage.signIns90d;
  }

  /** Sorts the pairs by key, in place (the file usually lists them in another order). */
  finish(): this {
    if (this.#sorted) return this;
    const size = this.#size;
    const keys = this.#keys;
    let order: Uint32Array;
    if (this.#maxKey < 2 ** 30 && size < 2 ** 23) {
      // Key and position packed into one number: a native numeric sort, no comparator calls.
      const packed = new Float64Array(size);
      for (let slot = 0; slot < size; slot++) packed[slot] = keys[slot]! * 2 ** 23 + slot;
      packed.sort();
      order = new Uint32Array(size);
      for (let slot = 0; slot < size; slot++) order[slot] = packed[slot]! % 2 ** 23;
    } else {
      order = new Uint32Array(size);
      for (let slot = 0; slot < size; slot++) order[slot] = slot;
      order.sort((a, b) => keys[a]! - keys[b]!);
    }
    // Apply the permutation cycle by cycle, so no second set of arrays is needed.
    const last = this.#lastSignIn;
    const count30 = this.#signIns30d;
    const count90 = this.#signIns90d;
    for (let start = 0; start < size; start++) {
      if (order[start] === start) continue;
      const saved = [keys[start]!, last[start]!, count30[start]!, count90[start]!] as const;
      let slot = start;
      for (;;) {
        const from = order[slot]!;
        order[slot] = slot;
        if (from === start) {
          [keys[slot], last[slot], count30[slot], count90[slot]] = saved;
          break;
        }
        keys[slot] = keys[from]!;
        last[slot] = last[from]!;
        count30[slot] = count30[from]!;
        count90[slot] = count90[from]!;
        slot = from;
      }
    }
    this.#sorted = true;
    return this;
  }

  get(user: number, app: number): Usage | undefined {
    const slot = this.slotOf(user, app);
    if (slot === -1) return undefined;
    return {
      lastSignIn: this.#lastSignIn[slot]!,
      signIns30d: this.#signIns30d[slot]!,
      signIns90d: this.#signIns90d[slot]!,
    };
  }

  /** Where the pair's usage is (for the `…At` readers, no object per lookup), or -1 when it has none. */
  slotOf(user: number, app: number): number {
    // An app added after loading (not in the apps file) has no usage, and its key would collide.
    if (app >= this.#appCount) return -1;
    const key = user * this.#appCount + app;
    const keys = this.#keys;
    let low = 0;
    let high = this.#size - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = keys[middle]!;
      if (value === key) return middle;
      if (value < key) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  lastSignInAt(slot: number): number {
    return this.#lastSignIn[slot]!;
  }

  signIns30dAt(slot: number): number {
    return this.#signIns30d[slot]!;
  }

  signIns90dAt(slot: number): number {
    return this.#signIns90d[slot]!;
  }

  #grow(): void {
    const capacity = this.#keys.length * 2;
    const grow = <T extends Float64Array | Uint32Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.#keys = grow(this.#keys, new Float64Array(capacity));
    this.#lastSignIn = grow(this.#lastSignIn, new Float64Array(capacity));
    this.#signIns30d = grow(this.#signIns30d, new Uint32Array(capacity));
    this.#signIns90d = grow(this.#signIns90d, new Uint32Array(capacity));
  }
}

/** Streams app_usage into a UsageTable keyed by the given users' and apps' indexes. */
export async function loadUsageTable(
  snapshot: OpenedSnapshot,
  users: UserTable,
  apps: AppTable,
): Promise<UsageTable> {
  const table = new UsageTable(apps.size, writtenEntity(snapshot, 'app_usage')?.count ?? 1024);
  for await (const row of readEntityRows(snapshot, 'app_usage')) {
    const userId = textOf(row.userId);
    const appId = textOf(row.appId);
    const user = userId === null ? undefined : users.indexOf(userId);
    const app = appId === null ? undefined : apps.indexOf(appId);
    if (user === undefined || app === undefined) continue;
    table.add(user, app, {
      lastSignIn: instantOf(row.lastSignIn),
      signIns30d: numberOf(row.signIns30d) ?? 0,
      signIns90d: numberOf(row.signIns90d) ?? 0,
    });
  }
  return table.finish();
}
