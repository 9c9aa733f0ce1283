import { userSchemaRows } from '../../inventory/entities.js';
import { PermissionError } from '../../okta/errors.js';
import { getUserProfileSchema } from '../../okta/resources.js';
import type { CollectContext } from '../collect-context.js';
import { isSkippableFailure } from '../entity-failure.js';
import type { SharedWriter } from '../shared-writer.js';

export interface UserSchemaRead {
  /** The profile attributes the schema names: the users file's profile columns. */
  attributes: string[];
  /** The user_schema file, when selected and read. */
  schemaWriter: SharedWriter | undefined;
}

/**
 * Reads the user profile schema, for its own file and for the users file's columns. Without it,
 * users still export (their profile columns then come from the data alone): a warning, not a failure.
 */
export async function readUserSchema(context: CollectContext): Promise<UserSchemaRead> {
  let attributes: string[] = [];
  let schemaWriter: SharedWriter | undefined;
  try {
    const rows = userSchemaRows(await getUserProfileSchema(context.client, context.label('user_schema')));
    attributes = rows.map((row) => String(row.name));
    if (context.wanted('user_schema')) {
      schemaWriter = context.open('user_schema');
      for (const row of rows) await schemaWriter.write(row);
    }
  } catch (error) {
    if (!isSkippableFailure(error) || !context.wanted('users')) throw error;
    const scope =
      error instanceof PermissionError && error.challenge?.error === 'insufficient_scope'
        ? error.challenge.scope
        : undefined;
    const reason =
      error instanceof PermissionError
        ? `Okta refused to read the user schema (403${scope ? `: the access token lacks the scope ${scope}` : ''}): profile columns follow the data instead.`
        : `user schema not read, profile columns follow the data instead: ${error.message.replace(/\.$/, '')}.`;
    schemaWriter = undefined;
    if (context.wanted('user_schema')) context.skipped.push({ entity: 'user_schema', reason, partial: true });
    context.warnings.push({
      entity: context.wanted('user_schema') ? 'user_schema' : 'users',
      message: reason,
    });
  }
  return { attributes, schemaWriter };
}
