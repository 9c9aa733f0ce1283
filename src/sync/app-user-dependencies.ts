import type { OktaClient } from '../okta/client.js';
import { PermissionError } from '../okta/errors.js';
import { getProfileMapping, listProfileMappings } from '../okta/resources.js';
import { runPool } from './run-pool.js';

type Row = Record<string, unknown>;

/** Every user attribute (or anything about the user, memberships included) may feed the app user. */
export const ANY_ATTRIBUTE = 'any';
export type Dependencies = ReadonlySet<string> | typeof ANY_ATTRIBUTE;

/**
 * Okta Expression Language that reads more than the user's own profile attributes: the user's groups,
 * manager or assistant, linked objects, internal properties, the app user itself, the org. An app user
 * attribute computed from one of these can change without any change to the user's profile.
 * https://developer.okta.com/docs/reference/okta-expression-language/
 */
const BEYOND_THE_PROFILE =
  /\b(getGroups|isMemberOf\w*|Groups\.|getManager\w*|getAssistant\w*|getLinkedObject|getInternalProperty|findDirectReports|hasWorkdayUser|findWorkdayUser|appuser\.|app\.|org\.|idpuser\.)/;

/**
 * The user profile attributes an expression reads (`user.title`, `source.login` in a username
 * template), or ANY_ATTRIBUTE when it may read anything else.
 */
export function attributesOf(expression: string): Dependencies {
  if (BEYOND_THE_PROFILE.test(expression)) return ANY_ATTRIBUTE;
  const attributes = new Set<string>();
  for (const match of expression.matchAll(/\b(?:user|source)\.([A-Za-z_][A-Za-z0-9_]*)(\s*\()?/g)) {
    // `user.getInternalProperty(...)`-style method calls are not attributes.
    if (match[2]) return ANY_ATTRIBUTE;
    attributes.add(match[1] as string);
  }
  return attributes;
}

function union(
  into: Set<string> | typeof ANY_ATTRIBUTE,
  more: Dependencies,
): Set<string> | typeof ANY_ATTRIBUTE {
  if (into === ANY_ATTRIBUTE || more === ANY_ATTRIBUTE) return ANY_ATTRIBUTE;
  for (const attribute of more) into.add(attribute);
  return into;
}

/**
 * Which user attributes each app's app-user rows take from the user: the app's user-to-app profile
 * mapping (`GET /api/v1/mappings`, then each mapping for its expressions) and its username template
 * (`credentials.userNameTemplate`, Okta's default `${source.login}`). A user whose changed attributes
 * miss an app's set has that app's row unchanged; without the mappings (a 403: the token or app lacks
 * `okta.profileMappings.read`) every app is taken to depend on every attribute, which is exact and
 * merely reads more.
 */
export class AppUserDependencies {
  readonly #byApp = new Map<string, Set<string> | typeof ANY_ATTRIBUTE>();
  /** False when Okta refused the mappings: every app then depends on everything. */
  mappingsRead = true;

  /** Whether a change of these user attributes can change the user's row in the app. */
  affects(appId: string, changed: ReadonlySet<string>): boolean {
    const dependencies = this.mappingsRead ? this.#byApp.get(appId) : ANY_ATTRIBUTE;
    if (dependencies === undefined) return changed.has('login');
    if (dependencies === ANY_ATTRIBUTE) return true;
    for (const attribute of changed) if (dependencies.has(attribute)) return true;
    return false;
  }

  /** Whether this app's rows may depend on more than profile attributes (group memberships). */
  readsBeyondProfile(appId: string): boolean {
    return !this.mappingsRead || this.#byApp.get(appId) === ANY_ATTRIBUTE;
  }

  /** Whether some app's rows may depend on more than profile attributes (group memberships). */
  get anyBeyondProfile(): boolean {
    if (!this.mappingsRead) return true;
    for (const dependencies of this.#byApp.values()) if (dependencies === ANY_ATTRIBUTE) return true;
    return false;
  }

  /** Records an app's username template (from the app list). */
  addApp(app: Row): void {
    const credentials = app.credentials as { userNameTemplate?: { template?: unknown } } | undefined;
    const template = credentials?.userNameTemplate?.template;
    const appId = String(app.id);
    const own = typeof template === 'string' ? attributesOf(template) : new Set(['login']);
    this.#byApp.set(appId, union(this.#byApp.get(appId) ?? new Set(), own));
  }

  /** Reads the user-to-app mappings and their expressions (the `/api/v1` bucket, not `/api/v1/apps`). */
  async readMappings(client: OktaClient, fanOut: number, label: string): Promise<void> {
    const toApps: { id: string; appId: string }[] = [];
    try {
      for await (const page of listProfileMappings(client, { label })) {
        for (const mapping of page)
          if (mapping.source.type === 'user' && mapping.target.type === 'appuser')
            toApps.push({ id: mapping.id, appId: mapping.target.id });
      }
      await runPool(toApps, fanOut, async ({ id, appId }) => {
        const mapping = await getProfileMapping(client, id, { label });
        let dependencies: Set<string> | typeof ANY_ATTRIBUTE = new Set();
        for (const property of Object.values(mapping.properties ?? {})) {
          const expression = property.expression;
          dependencies = union(
            dependencies,
            typeof expression === 'string' ? attributesOf(expression) : ANY_ATTRIBUTE,
          );
        }
        this.#byApp.set(appId, union(this.#byApp.get(appId) ?? new Set(), dependencies));
      });
    } catch (error) {
      if (!(error instanceof PermissionError)) throw error;
      this.mappingsRead = false;
    }
  }
}

/**
 * The attributes in which two versions of a user differ: profile attributes by name (compared as
 * JSON), `status` when it changed. A user without an earlier version differs in everything.
 */
export function changedAttributes(before: Row | undefined, after: Row): Set<string> | typeof ANY_ATTRIBUTE {
  if (!before) return ANY_ATTRIBUTE;
  const changed = new Set<string>();
  const old = (before.profile ?? {}) as Row;
  const now = (after.profile ?? {}) as Row;
  for (const key of new Set([...Object.keys(old), ...Object.keys(now)]))
    if (JSON.stringify(old[key]) !== JSON.stringify(now[key])) changed.add(key);
  if (before.status !== after.status) changed.add('status');
  return changed;
}
