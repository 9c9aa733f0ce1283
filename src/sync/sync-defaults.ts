/** The share of each Okta rate-limit bucket a sync uses unless told (`--rate-limit-share`), in percent. */
export const DEFAULT_RATE_LIMIT_SHARE = 50;

/** Requests in flight at most unless told (`--concurrency`). */
export const DEFAULT_CONCURRENCY = 8;

/** The most `--concurrency` accepts. */
export const MAX_CONCURRENCY = 50;

/** `--full-every` when not given: with --incremental, at least one full run a week. */
export const DEFAULT_FULL_EVERY_DAYS = 7;
