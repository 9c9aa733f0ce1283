import type { RequestEvent } from '../okta/client.js';
import type { Io } from './io.js';

/**
 * One `--verbose` line per request attempt:
 * `GET /api/v1/users?limit=1 200 84ms req=XYZ bucket=users 599/600 left`.
 * Built only from the event, which never holds headers, the host or the token.
 */
export function formatRequestEvent(event: RequestEvent): string {
  const parts = [
    event.method,
    event.path,
    event.status === undefined ? (event.error ?? 'failed') : String(event.status),
  ];
  parts.push(`${Math.round(event.durationMs)}ms`);
  if (event.attempt > 1) parts.push(`attempt ${event.attempt}`);
  if (event.requestId) parts.push(`req=${event.requestId}`);
  parts.push(`bucket=${event.bucket}`);
  if (event.rateLimit) parts.push(`${event.rateLimit.remaining}/${event.rateLimit.limit} left`);
  return parts.join(' ');
}

/** An `onRequest` callback for OktaClient that writes {@link formatRequestEvent} lines with `--verbose`. */
export function logRequests(io: Io): (event: RequestEvent) => void {
  return (event) => io.logger.verbose(formatRequestEvent(event));
}
