import type { EntityName } from '../inventory/entities.js';
import { AuthError, OktaError } from '../okta/errors.js';

/**
 * Entities no other entity needs: when Okta fails them for any reason but authentication, the
 * run skips them, names them and ends partial (exit 9) with everything else written.
 */
export const OPTIONAL_ENTITIES: ReadonlySet<EntityName> = new Set([
  'user_schema',
  'admin_roles',
  'devices',
  'app_usage',
]);

/**
 * True for a failure of Okta's answers that skips an optional entity: a 404, a refused `next` link,
 * an answer of the wrong shape, retries exhausted (5xx, 429, timeouts). A rejected token fails the
 * whole run (every entity would fail the same way); so do an interruption and a local disk error.
 */
export function isSkippableFailure(error: unknown): error is OktaError {
  return error instanceof OktaError && !(error instanceof AuthError);
}

/** The warning and manifest reason of an optional entity skipped for `error`. */
export function skippedBecause(entity: EntityName, error: OktaError): string {
  const what = entity.replaceAll('_', ' ');
  const message = error.message.replace(/\.$/, '');
  return `${what} not read, the rest of the inventory is written: ${message}.${error.hint ? ` ${error.hint}` : ''}`;
}
