import type { RequestEvent } from '../okta/client.js';

/** What the requests made for one entity cost. */
export interface EntityActivity {
  requests: number;
  retries: number;
  rateLimited: number;
  waitMs: number;
}

/** Counts requests, retries, 429s and waits per request label (the entity a request was made for). */
export class RequestActivity {
  readonly #byLabel = new Map<string, EntityActivity>();

  /** The counts of one label (`other` for requests without one). */
  of(label: string | undefined): EntityActivity {
    const key = label ?? 'other';
    let entry = this.#byLabel.get(key);
    if (!entry) {
      entry = { requests: 0, retries: 0, rateLimited: 0, waitMs: 0 };
      this.#byLabel.set(key, entry);
    }
    return entry;
  }

  /** Counts one request attempt. */
  record(event: RequestEvent): void {
    const entry = this.of(event.label);
    entry.requests++;
    if (event.attempt > 1) entry.retries++;
    if (event.status === 429) entry.rateLimited++;
    entry.waitMs += event.waitedMs ?? 0;
  }
}
