import type { OpenedSnapshot } from './open-snapshot.js';
import { readEntityRows } from './read-entity-rows.js';
import { numberOf, objectOf, ownString, ownTextOf, textOf } from './values.js';

/** What the views show about an app. */
export interface AppDetails {
  id: string;
  label: string | null;
  status: string | null;
  signOnMode: string | null;
  /** `licensing.seatCount`: seats bought, when Okta knows it. */
  seatCount: number | null;
}

/** The apps of a snapshot (a few hundred at most), in file order, indexed by id. */
export class AppTable {
  readonly #index = new Map<string, number>();
  readonly apps: AppDetails[] = [];

  get size(): number {
    return this.apps.length;
  }

  indexOf(id: string): number | undefined {
    return this.#index.get(id);
  }

  /** The index of `id`, adding an app with nothing known (not in the apps file) when missing. */
  ensure(id: string): number {
    const known = this.#index.get(id);
    if (known !== undefined) return known;
    const own = ownString(id);
    this.#index.set(own, this.apps.length);
    this.apps.push({ id: own, label: null, status: null, signOnMode: null, seatCount: null });
    return this.apps.length - 1;
  }

  add(row: Record<string, unknown>): void {
    const id = textOf(row.id);
    if (id === null || this.#index.has(id)) return;
    const own = ownString(id);
    this.#index.set(own, this.apps.length);
    this.apps.push({
      id: own,
      label: ownTextOf(row.label),
      status: ownTextOf(row.status),
      signOnMode: ownTextOf(row.signOnMode),
      seatCount: numberOf(objectOf(row.licensing)?.seatCount),
    });
  }
}

export async function loadAppTable(snapshot: OpenedSnapshot): Promise<AppTable> {
  const table = new AppTable();
  for await (const row of readEntityRows(snapshot, 'apps')) table.add(row);
  return table;
}
