/**
 * The shapes the sample org serves, as plain JSON records (see Okta's OpenAPI for every field).
 * Deliberately loose: these describe what the generator builds, not what a client must accept.
 */

export type UserStatus =
  | 'ACTIVE'
  | 'DEPROVISIONED'
  | 'LOCKED_OUT'
  | 'PASSWORD_EXPIRED'
  | 'PROVISIONED'
  | 'RECOVERY'
  | 'STAGED'
  | 'SUSPENDED';

export interface HrefObject {
  href: string;
  name?: string;
  type?: string;
  hints?: { allow: string[] };
}

export type UserProfile = Record<string, unknown> & { login: string; email: string };

export interface SampleUser {
  id: string;
  status: UserStatus;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
  type: { id: string };
  profile: UserProfile;
  credentials: Record<string, unknown>;
  _links: Record<string, HrefObject>;
}

export type GroupType = 'OKTA_GROUP' | 'APP_GROUP' | 'BUILT_IN';

export interface SampleGroup {
  id: string;
  created: string;
  lastUpdated: string;
  lastMembershipUpdated: string;
  objectClass: string[];
  type: GroupType;
  profile: Record<string, unknown> & { name: string };
  _embedded?: { stats: Record<string, unknown> };
  _links: Record<string, HrefObject | HrefObject[]>;
}

export type SignOnMode = 'SAML_2_0' | 'OPENID_CONNECT' | 'BROWSER_PLUGIN' | 'AUTO_LOGIN' | 'BOOKMARK';

export interface SampleApp {
  id: string;
  orn: string;
  name: string;
  label: string;
  status: 'ACTIVE' | 'INACTIVE';
  created: string;
  lastUpdated: string;
  signOnMode: SignOnMode;
  features: string[];
  licensing?: { seatCount: number };
  [key: string]: unknown;
}

export interface SampleAppUser {
  id: string;
  scope: 'USER' | 'GROUP';
  status: string;
  syncState: string;
  created: string;
  lastUpdated: string;
  statusChanged: string;
  passwordChanged: string | null;
  externalId?: string;
  lastSync?: string;
  credentials: { userName: string };
  profile: Record<string, unknown>;
  _links: Record<string, HrefObject>;
}

export interface SampleAppGroup {
  id: string;
  lastUpdated: string;
  priority: number;
  profile: Record<string, unknown>;
  _links: Record<string, HrefObject>;
}

export interface SampleRole {
  id: string;
  label: string;
  type: string;
  status: 'ACTIVE';
  created: string;
  lastUpdated: string;
  assignmentType: 'USER' | 'GROUP';
  'resource-set'?: string;
  role?: string;
  _links: Record<string, HrefObject>;
}

export interface SampleDevice {
  id: string;
  status: string;
  created: string;
  lastUpdated: string;
  profile: Record<string, unknown>;
  resourceType: 'UDDevice';
  resourceDisplayName: { value: string; sensitive: boolean };
  resourceId: string;
  _embedded?: {
    users: { created: string; managementStatus: string; screenLockType: string; user: SampleUser }[];
  };
  _links: Record<string, HrefObject>;
}

export interface LogTarget {
  id: string;
  type: string;
  alternateId: string;
  displayName: string;
  detailEntry?: Record<string, unknown>;
}

export interface SampleLogEvent {
  uuid: string;
  published: string;
  eventType: string;
  version: string;
  severity: 'INFO' | 'WARN' | 'DEBUG' | 'ERROR';
  legacyEventType?: string;
  displayMessage: string;
  actor: { id: string; type: string; alternateId: string; displayName: string };
  client: Record<string, unknown>;
  outcome: { result: string; reason?: string };
  target: LogTarget[];
  transaction: Record<string, unknown>;
  debugContext: { debugData: Record<string, unknown> };
  authenticationContext: Record<string, unknown>;
  securityContext: Record<string, unknown>;
  request: { ipChain: Record<string, unknown>[] };
}
