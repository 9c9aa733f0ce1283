import type { RequestEvent } from '../../../okta/client.js';
import type { CheckList } from './check-list.js';

/** Share of a rate-limit bucket below which the check warns. */
const LOW_HEADROOM = 0.2;

/**
 * Rate-limit headroom: the latest X-Rate-Limit-* of each bucket the checks used (concurrency
 * 429s have limit 0). `sent` is false when no request reached Okta.
 */
export function checkRateLimitHeadroom(
  list: CheckList,
  sent: boolean,
  events: readonly RequestEvent[],
): void {
  const latest = new Map<string, { limit: number; remaining: number }>();
  for (const event of events) {
    if (event.rateLimit && event.rateLimit.limit > 0) latest.set(event.bucket, event.rateLimit);
  }
  if (!sent) {
    list.skip('rate-limit', 'Rate-limit headroom', 'no request reached Okta');
    return;
  }
  if (latest.size === 0) {
    list.skip('rate-limit', 'Rate-limit headroom', 'Okta sent no X-Rate-Limit headers');
    return;
  }
  const buckets = [...latest].map(([bucket, { limit, remaining }]) => ({
    bucket,
    limit,
    remaining,
    low: remaining < limit * LOW_HEADROOM,
  }));
  const listed = buckets.map(({ bucket, limit, remaining }) => `${bucket} ${remaining}/${limit}`).join(', ');
  const low = buckets.filter((bucket) => bucket.low);
  if (low.length === 0) {
    list.add({
      id: 'rate-limit',
      title: 'Rate-limit headroom',
      status: 'pass',
      detail: `Requests left in this minute: ${listed}.`,
    });
  } else {
    list.add({
      id: 'rate-limit',
      title: 'Rate-limit headroom',
      status: 'warn',
      detail: `Under ${LOW_HEADROOM * 100}% left in ${low.map((bucket) => bucket.bucket).join(', ')} (requests left in this minute: ${listed}).`,
      fix: 'Other integrations of this org are using most of these rate limits right now; sync will pace itself and take longer. An admin can see who uses them in Reports > Rate Limits.',
    });
  }
}
