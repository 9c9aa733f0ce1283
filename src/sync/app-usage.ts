import { IdTable } from './id-table.js';

const DAY_MS = 86_400_000;

export interface AppUsageRow {
  userId: string;
  appId: string;
  /** ISO timestamp of the latest sign-in seen in the System Log window. */
  lastSignIn: string;
  signIns30d: number;
  signIns90d: number;
}

export interface AppSignInEvent {
  published: string;
  eventType: string;
  actor?: { id?: string | undefined; type?: string | undefined } | null | undefined;
  target?: { id?: string | undefined; type?: string | undefined }[] | null | undefined;
  outcome?: { result?: string | null | undefined } | null | undefined;
}

/**
 * Outcomes that mean the user got in. A FAILURE (wrong password, MFA failed), DENY (a sign-on
 * policy refused) or CHALLENGE (still proving who they are) is an attempt, not usage. An event
 * without an outcome counts: Okta's schema does not promise one, and the event type says sign-in.
 * https://developer.okta.com/docs/reference/api/system-log/#outcome-object
 */
const SIGNED_IN_OUTCOMES: ReadonlySet<string> = new Set(['SUCCESS', 'ALLOW']);

/**
 * The user and app of a sign-in event, or undefined when it is not one a licence manager counts
 * (not a user, no app, or an attempt that did not get the user in).
 * The app is found by its target `type`, never by position: Okta lists targets in no fixed order.
 * https://developer.okta.com/docs/reference/api/system-log/#target-object
 */
export function signInOf(event: AppSignInEvent): { userId: string; appId: string; at: number } | undefined {
  if (event.actor?.type !== 'User' || !event.actor.id) return undefined;
  const result = event.outcome?.result;
  if (result !== undefined && result !== null && !SIGNED_IN_OUTCOMES.has(result)) return undefined;
  const app = event.target?.find((target) => target.type === 'AppInstance');
  if (!app?.id) return undefined;
  const at = Date.parse(event.published);
  if (Number.isNaN(at)) return undefined;
  return { userId: event.actor.id, appId: app.id, at };
}

/**
 * Counts sign-ins per user × app in compact typed arrays (ids interned once), so a million
 * events over hundreds of thousands of pairs stay within a few tens of megabytes.
 *
 * Pairs are found through an open-addressing table of slot numbers (4 bytes a cell, at most half
 * full) rather than a `Map` keyed by user × app: on the `large` sample org's 395,000 pairs that is
 * ~4 MB instead of ~15 MB of heap, all of it in one typed array the garbage collector never scans.
 */
export class AppUsageAggregator {
  readonly #users = new IdTable();
  readonly #apps = new IdTable();
  /** Slot + 1 of the pair hashed to each cell; 0 for an empty cell. Length is a power of two. */
  #table = new Int32Array(2048);
  readonly #pairUser = new Column(Uint32Array);
  readonly #pairApp = new Column(Uint32Array);
  readonly #lastSignIn = new Column(Float64Array);
  readonly #count30 = new Column(Uint32Array);
  readonly #count90 = new Column(Uint32Array);
  #pairs = 0;
  readonly #since30: number;
  readonly #since90: number;

  /** @param now the moment the 30- and 90-day windows end (ms since epoch). */
  constructor(now: number) {
    this.#since30 = now - 30 * DAY_MS;
    this.#since90 = now - 90 * DAY_MS;
  }

  get size(): number {
    return this.#pairs;
  }

  /** Adds one event; returns whether it counted as an app sign-in. */
  add(event: AppSignInEvent): boolean {
    const signIn = signInOf(event);
    return signIn === undefined ? false : this.addSignIn(signIn);
  }

  /** Adds one sign-in (as `signInOf` returns it); returns whether it falls in the 90-day window. */
  addSignIn(signIn: { userId: string; appId: string; at: number }): boolean {
    if (signIn.at < this.#since90) return false;
    const user = this.#users.add(signIn.userId);
    const app = this.#apps.add(signIn.appId);
    let cell = this.#cellOf(user, app);
    let slot = this.#table[cell]! - 1;
    if (slot === -1) {
      slot = this.#pairs++;
      this.#pairUser.set(slot, user);
      this.#pairApp.set(slot, app);
      this.#lastSignIn.set(slot, signIn.at);
      this.#count30.set(slot, 0);
      this.#count90.set(slot, 0);
      if (this.#pairs * 2 > this.#table.length) {
        this.#rehash(this.#table.length * 2);
        cell = this.#cellOf(user, app);
      }
      this.#table[cell] = slot + 1;
    } else if (signIn.at > this.#lastSignIn.get(slot)) {
      this.#lastSignIn.set(slot, signIn.at);
    }
    this.#count90.set(slot, this.#count90.get(slot) + 1);
    if (signIn.at >= this.#since30) this.#count30.set(slot, this.#count30.get(slot) + 1);
    return true;
  }

  /** Rows ordered by user id, then app id (plain code-unit order), so every run lists them alike. */
  *rows(): Generator<AppUsageRow> {
    const userRank = rankOf(this.#users);
    const appRank = rankOf(this.#apps);
    const order = new Uint32Array(this.#pairs);
    for (let slot = 0; slot < order.length; slot++) order[slot] = slot;
    order.sort(
      (a, b) =>
        userRank[this.#pairUser.get(a)]! - userRank[this.#pairUser.get(b)]! ||
        appRank[this.#pairApp.get(a)]! - appRank[this.#pairApp.get(b)]!,
    );
    for (const slot of order) {
      yield {
        userId: this.#users.idAt(this.#pairUser.get(slot)),
        appId: this.#apps.idAt(this.#pairApp.get(slot)),
        lastSignIn: new Date(this.#lastSignIn.get(slot)).toISOString(),
        signIns30d: this.#count30.get(slot),
        signIns90d: this.#count90.get(slot),
      };
    }
  }

  /** The cell holding the pair, or the empty cell where it belongs (linear probing). */
  #cellOf(user: number, app: number): number {
    const mask = this.#table.length - 1;
    let cell = hashPair(user, app) & mask;
    for (;;) {
      const slot = this.#table[cell]! - 1;
      if (slot === -1 || (this.#pairUser.get(slot) === user && this.#pairApp.get(slot) === app)) return cell;
      cell = (cell + 1) & mask;
    }
  }

  #rehash(size: number): void {
    this.#table = new Int32Array(size);
    const mask = size - 1;
    // Every pair but the newest (its cell is set by the caller).
    for (let slot = 0; slot < this.#pairs - 1; slot++) {
      let cell = hashPair(this.#pairUser.get(slot), this.#pairApp.get(slot)) & mask;
      while (this.#table[cell] !== 0) cell = (cell + 1) & mask;
      this.#table[cell] = slot + 1;
    }
  }
}

const CHUNK_BITS = 14;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;

/**
 * A column of numbers that grows in typed-array chunks of 16,384: growing never copies (a doubled
 * array would briefly hold old and new side by side) and at most one chunk is unused.
 */
class Column {
  readonly #chunks: (Uint32Array | Float64Array)[] = [];
  readonly #make: new (
    length: number,
  ) => Uint32Array | Float64Array;

  constructor(make: new (length: number) => Uint32Array | Float64Array) {
    this.#make = make;
  }

  get(index: number): number {
    return this.#chunks[index >>> CHUNK_BITS]![index & CHUNK_MASK]!;
  }

  set(index: number, value: number): void {
    const chunk = index >>> CHUNK_BITS;
    while (chunk >= this.#chunks.length) this.#chunks.push(new this.#make(CHUNK_MASK + 1));
    this.#chunks[chunk]![index & CHUNK_MASK] = value;
  }
}

/** Mixes two 32-bit ids into a well-spread 32-bit hash (murmur3's finaliser). */
function hashPair(user: number, app: number): number {
  let hash = Math.imul(user, 0x9e3779b1) ^ app;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** The place of each id of the table in code-unit order: rank[number of the id]. */
function rankOf(table: IdTable): Uint32Array {
  const ids = Array.from({ length: table.size }, (_, index) => table.idAt(index));
  const byId = Array.from(ids.keys()).sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
  const rank = new Uint32Array(table.size);
  byId.forEach((index, place) => {
    rank[index] = place;
  });
  return rank;
}
