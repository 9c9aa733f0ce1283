import { userRow } from '../../inventory/entities.js';
import { listUsersUpdatedSince } from '../../okta/resources.js';
import { MAX_CHANGED_USERS } from '../app-user-refresh.js';
import type { CollectContext } from '../collect-context.js';

type Row = Record<string, unknown>;

/**
 * The users whose status or profile changed since the last run, which moves app assignments: as
 * rows, held only up to MAX_CHANGED_USERS (past that, `undefined`: every app's users are read again).
 * Without app_users (app_groups alone) no user's rows are written: no one needs to be read again.
 * A full run has none. (The users file itself is listed in full: users-task.ts says why.)
 */
export async function readChangedUsers(context: CollectContext): Promise<Map<string, Row> | undefined> {
  const { incremental } = context;
  let changedUsers: Map<string, Row> | undefined = incremental ? new Map() : undefined;
  if (incremental && context.wanted('app_users')) {
    changedUsers = new Map();
    for await (const users of listUsersUpdatedSince(
      context.client,
      incremental.changedSince,
      context.label('users'),
    )) {
      for (const user of users)
        if (changedUsers && changedUsers.size <= MAX_CHANGED_USERS) changedUsers.set(user.id, userRow(user));
      if (changedUsers.size > MAX_CHANGED_USERS) changedUsers = undefined;
      if (!changedUsers) break;
    }
  }
  return changedUsers;
}
