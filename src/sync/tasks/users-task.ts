import { userRow } from '../../inventory/entities.js';
import { listDeprovisionedUsers, listUsers } from '../../okta/resources.js';
import type { CollectContext } from '../collect-context.js';
import { firstSeen } from '../first-seen.js';
import { IdTable } from '../id-table.js';
import { readUserSchema } from './read-user-schema.js';

/**
 * users (every status) and user_schema, whose attributes are the users file's profile columns. Users
 * are listed in full in every run, incremental or not: sign-ins move `lastLogin` without moving
 * `lastUpdated`, so a `lastUpdated` filter would miss them, and the users list is not the binding
 * rate limit.
 */
export function usersTask(context: CollectContext): Promise<void> {
  return context.entityTask(['users', 'user_schema'], async () => {
    const { attributes, schemaWriter } = await readUserSchema(context);
    if (!context.wanted('users')) return [schemaWriter];
    const usersWriter = context.open('users', attributes);
    // A plain list omits DEPROVISIONED users; a second, filtered pass adds them. A user
    // deprovisioned between the two passes is written once, as the first pass saw it.
    const seen = new IdTable();
    for await (const users of listUsers(context.client, context.label('users'))) {
      await usersWriter.writeMany(firstSeen(seen, users, (user) => user.id).map(userRow));
    }
    for await (const users of listDeprovisionedUsers(context.client, context.label('users'))) {
      await usersWriter.writeMany(firstSeen(seen, users, (user) => user.id).map(userRow));
    }
    return [schemaWriter, usersWriter];
  });
}
