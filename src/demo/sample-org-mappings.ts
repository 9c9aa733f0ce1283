import { opaqueId } from './okta-ids.js';
import type { SampleOrgStore } from './sample-org-store.js';

/**
 * Okta's profile mappings (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ProfileMapping/):
 * which user attributes Okta copies into an app's app user profiles. The app user records of
 * `SampleAppAssignments.buildAppUser` take exactly these attributes from the user, so a user's profile
 * change changes those app user rows without any assignment event: the path an incremental run must
 * not miss. Provisioning apps push six attributes; SAML and auto-login apps carry three; apps whose
 * app user profile is empty have no user-to-app mapping. Provisioning apps also have the reverse
 * mapping (app user to user, for imports), which a reader must tell apart by `source.type`.
 */

const MAPPING_SALT = 0x6d70;

export interface SampleMappingSide {
  id: string;
  name: string;
  type: 'user' | 'appuser';
}

export interface SampleMapping {
  id: string;
  source: SampleMappingSide;
  target: SampleMappingSide;
  properties?: Record<string, { expression: string; pushStatus: 'PUSH' | 'DONT_PUSH' }>;
  _links: Record<string, { href: string }>;
}

const PUSHED: Record<string, string> = {
  email: 'user.email',
  firstName: 'user.firstName',
  lastName: 'user.lastName',
  title: 'user.title',
  department: 'user.department',
  employeeId: 'user.employeeNumber',
};
const SSO_ONLY: Record<string, string> = {
  email: 'user.email',
  firstName: 'user.firstName',
  lastName: 'user.lastName',
};

/** The user attributes (by app user attribute) an app's app user profile takes from the user, if any. */
export function mappedAttributes(store: SampleOrgStore, app: number): Record<string, string> | undefined {
  const shape = store.apps.shape(app);
  if (shape.provisioning) return PUSHED;
  if (shape.mode === 'SAML_2_0' || shape.mode === 'AUTO_LOGIN') return SSO_ONLY;
  return undefined;
}

/** Every mapping of the org in id order: two per provisioning app, one per other mapped app. */
export function listMappings(store: SampleOrgStore): SampleMapping[] {
  const userType: SampleMappingSide = {
    id: store.userTypeId,
    name: 'user',
    type: 'user',
  };
  const mappings: SampleMapping[] = [];
  for (let app = 0; app < store.apps.count; app++) {
    const attributes = mappedAttributes(store, app);
    if (!attributes) continue;
    const appSide: SampleMappingSide = {
      id: store.apps.ids.at(app),
      name: store.apps.shape(app).name,
      type: 'appuser',
    };
    const make = (k: number, source: SampleMappingSide, target: SampleMappingSide): SampleMapping => {
      const id = `prm${String(app).padStart(6, '0')}${k}${opaqueId(store.seed, MAPPING_SALT, app * 2 + k, 10)}`;
      return { id, source, target, _links: { self: { href: store.url(`/api/v1/mappings/${id}`) } } };
    };
    mappings.push(make(0, userType, appSide));
    if (store.apps.shape(app).provisioning) mappings.push(make(1, appSide, userType));
  }
  return mappings;
}

/** One mapping with its properties, as `GET /api/v1/mappings/{id}` answers; undefined when unknown. */
export function getMapping(store: SampleOrgStore, id: string): SampleMapping | undefined {
  const mapping = listMappings(store).find((entry) => entry.id === id);
  if (!mapping) return undefined;
  const toApp = mapping.target.type === 'appuser';
  const app = store.apps.indexOf(toApp ? mapping.target.id : mapping.source.id);
  const attributes = mappedAttributes(store, app) ?? {};
  const properties: NonNullable<SampleMapping['properties']> = {};
  for (const [appAttribute, expression] of Object.entries(attributes)) {
    if (toApp) properties[appAttribute] = { expression, pushStatus: 'PUSH' };
    else
      properties[expression.slice('user.'.length)] = {
        expression: `appuser.${appAttribute}`,
        pushStatus: 'DONT_PUSH',
      };
  }
  return { ...mapping, properties };
}
