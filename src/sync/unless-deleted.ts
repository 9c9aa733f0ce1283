import { NotFoundError } from '../okta/errors.js';

/**
 * Reads something listed a moment ago (a group's members, an app's users): if it was deleted since,
 * Okta answers 404 and there is simply nothing to read. A long run on a big org meets this.
 */
export async function unlessDeleted(read: () => Promise<void>): Promise<void> {
  try {
    await read();
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
}
