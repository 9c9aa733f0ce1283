import type { EntityName } from '../inventory/entities.js';

/**
 * The OAuth scope each entity reads with (an API Services app needs them granted). `users` also
 * reads the user schema for its CSV columns (without `okta.schemas.read` the columns follow the data).
 * https://developer.okta.com/docs/api/oauth2/
 */
export const ENTITY_SCOPES: Readonly<Record<EntityName, readonly string[]>> = {
  users: ['okta.users.read', 'okta.schemas.read'],
  user_schema: ['okta.schemas.read'],
  groups: ['okta.groups.read'],
  group_members: ['okta.groups.read'],
  apps: ['okta.apps.read'],
  app_users: ['okta.apps.read'],
  app_groups: ['okta.apps.read'],
  admin_roles: ['okta.roles.read'],
  devices: ['okta.devices.read'],
  app_usage: ['okta.logs.read'],
};

/**
 * Exactly the scopes a sync of `entities` needs. An incremental run also reads the System Log (its
 * change feed) and, for app assignments, the users changed since the last run.
 */
export function scopesForEntities(
  entities: Iterable<EntityName>,
  options: { incremental?: boolean } = {},
): string[] {
  const scopes = new Set<string>();
  const selected = [...entities];
  for (const entity of selected) for (const scope of ENTITY_SCOPES[entity]) scopes.add(scope);
  if (options.incremental) {
    scopes.add('okta.logs.read');
    if (selected.includes('app_users')) scopes.add('okta.users.read');
  }
  return [...scopes];
}
