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
 * app_usage as a map from (user index, app index) to a slot in three typed arrays: one Map entry
 * (a small-integer key) plus 16 bytes per user × app pair with a sign-in. Rows of users or apps that
 * are not in the snapshot are dropped: they can belong to no assignment.
 */
export class UsageTable {
  readonly #slots = new Map<number, number>();
  readonly #appCount: number;
  #lastSignIn: Float64Array;
  #signIns30d: Uint32Array;
  #signIns90d: Uint32Array;
  #size = 0;

  constructor(appCount: number, capacity: number) {
    this.#appCount = Math.max(1, appCount);
    const size = Math.max(16, capacity);
    this.#lastSignIn = new Float64Array(size);
    this.#signIns30d = new Uint32Array(size);
    this.#signIns90d = new Uint32Array(size);
  }

  get size(): number {
    return this.#size;
  }

  set(user: number, app: number, usage: Usage): void {
    if (app >= this.#appCount) return;
    const key = user * this.#appCount + app;
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      slot = this.#size++;
      this.#grow();
      this.#slots.set(key, slot);
    }
    this.#lastSignIn[slot] = usage.lastSignIn;
    this.#signIns30d[slot] = usage.signIns30d;
    this.#signIns90d[slot] = usage.signIns90d;
  }

  get(user: number, app: number): Usage | undefined {
    // An app added after loading (not in the apps file) has no usage, and its key would collide.
    if (app >= this.#appCount) return undefined;
    const slot = this.#slots.get(user * this.#appCount + app);
    if (slot === undefined) return undefined;
    return {
      lastSignIn: this.#lastSignIn[slot]!,
      signIns30d: this.#signIns30d[slot]!,
      signIns90d: this.#signIns90d[slot]!,
    };
  }

  #grow(): void {
    if (this.#size <= this.#lastSignIn.length) return;
    const capacity = this.#lastSignIn.length * 2;
    const lastSignIn = new Float64Array(capacity);
    lastSignIn.set(this.#lastSignIn);
    this.#lastSignIn = lastSignIn;
    const signIns30d = new Uint32Array(capacity);
    signIns30d.set(this.#signIns30d);
    this.#signIns30d = signIns30d;
    const signIns90d = new Uint32Array(capacity);
    signIns90d.set(this.#signIns90d);
    this.#signIns90d = signIns90d;
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
    table.set(user, app, {
      lastSignIn: instantOf(row.lastSignIn),
      signIns30d: numberOf(row.signIns30d) ?? 0,
      signIns90d: numberOf(row.signIns90d) ?? 0,
    });
  }
  return table;
}
