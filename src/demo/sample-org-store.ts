import { type IndexList, includesIndex, listOf, pickDistinct, rangeList } from './index-list.js';
import { IdPrefix, OktaIdSequence, opaqueId } from './okta-ids.js';
import type {
  SampleApp,
  SampleAppGroup,
  SampleAppUser,
  SampleDevice,
  SampleGroup,
  SampleRole,
  SampleUser,
  SignOnMode,
  UserProfile,
  UserStatus,
} from './okta-records.js';
import { hash, unit } from './random.js';
import { SAMPLE_ORG_DIMENSIONS, type SampleOrgDimensions, type SampleOrgSize } from './sample-org-size.js';
import {
  APP_NAMES,
  AppFixture,
  DEPARTMENTS,
  FIRST_NAMES,
  FIXTURE_APP_COUNT,
  FIXTURE_GROUP_COUNT,
  FIXTURE_USER_COUNT,
  GROUP_NAMES,
  GroupFixture,
  LAST_NAMES,
  LICENSES,
  longText,
  PLACES,
  TITLES,
  USER_FIXTURE_PROFILES,
  UserFixture,
} from './tricky-values.js';

export const DAY_MS = 86_400_000;

/** Salts that keep the hash streams of different attributes independent. */
enum Salt {
  UserStatus = 1,
  UserTime,
  UserName,
  UserProfile,
  GroupSize,
  GroupMembers,
  GroupMeta,
  AppMeta,
  AppGroups,
  AppDirect,
  AppUser,
  Device,
  DeviceUsers,
  Roles,
  Org,
}

const STATUS_FIXTURES: Readonly<Record<number, UserStatus>> = {
  [UserFixture.nulls]: 'PROVISIONED',
  [UserFixture.staged]: 'STAGED',
  [UserFixture.suspended]: 'SUSPENDED',
  [UserFixture.lockedOut]: 'LOCKED_OUT',
  [UserFixture.deprovisioned]: 'DEPROVISIONED',
  [UserFixture.passwordExpired]: 'PASSWORD_EXPIRED',
  [UserFixture.recovery]: 'RECOVERY',
  [UserFixture.deprovisionedToDelete]: 'DEPROVISIONED',
};

const ROLE_LABELS: Readonly<Record<string, string>> = {
  SUPER_ADMIN: 'Super Administrator',
  ORG_ADMIN: 'Organization Administrator',
  APP_ADMIN: 'Application Administrator',
  USER_ADMIN: 'Group Administrator',
  HELP_DESK_ADMIN: 'Help Desk Administrator',
  READ_ONLY_ADMIN: 'Read Only Administrator',
  REPORT_ADMIN: 'Report Administrator',
  GROUP_MEMBERSHIP_ADMIN: 'Group Membership Administrator',
};
const GENERIC_ROLE_TYPES = [
  'ORG_ADMIN',
  'APP_ADMIN',
  'READ_ONLY_ADMIN',
  'USER_ADMIN',
  'REPORT_ADMIN',
] as const;

/** Users who were never activated have no activation, password or sign-in timestamps. */
function neverActivated(status: UserStatus): boolean {
  return status === 'STAGED' || status === 'PROVISIONED';
}

/** An Okta Expression Language placeholder such as `${source.login}` (literal text, not a JS template). */
function oktaExpression(name: string): string {
  return `\${${name}}`;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

export interface UserTimes {
  created: number;
  activated: number | null;
  statusChanged: number | null;
  lastLogin: number | null;
  lastUpdated: number;
  passwordChanged: number | null;
}

/** What `mutate()` changed about a user; generated values fill the rest. */
export interface UserOverride extends Partial<UserTimes> {
  status?: UserStatus;
  profile?: Record<string, unknown>;
}

/** Users of an app after expanding group assignments: sorted by user index. */
export interface EffectiveAppUsers {
  users: Uint32Array;
  /** 1 when the user is assigned directly (scope USER), even if a group also assigns them. */
  direct: Uint8Array;
  /** The highest-priority group that assigns the user, or -1. */
  viaGroup: Int32Array;
}

interface AppShape {
  mode: SignOnMode;
  label: string;
  name: string;
  inactive: boolean;
  provisioning: boolean;
  seatCount: number | undefined;
  adminNotes: string | undefined;
}

export interface SampleOrgDataOptions {
  /** The clock (epoch ms). Generated timestamps lie before its value at creation. @default Date.now */
  now?: () => number;
  /** The origin that `_links` point at. @default 'http://127.0.0.1' */
  origin?: string;
  /** @default 'idx' */
  pipeline?: 'idx' | 'v1';
}

/**
 * The org's state: generated records are pure functions of (seed, index) and are built only when
 * asked for; what is stored is compact (typed arrays of memberships and assignments) plus the
 * overrides `mutate()` made. Shared by the HTTP routes and the ground truth.
 */
export class SampleOrgStore {
  readonly dims: SampleOrgDimensions;
  readonly now: () => number;
  /** The clock at creation: every generated timestamp is before it. */
  readonly t0: number;
  origin: string;
  readonly pipeline: 'idx' | 'v1';
  readonly orgId: string;
  readonly userTypeId: string;

  readonly userIds: OktaIdSequence;
  readonly groupIds: OktaIdSequence;
  readonly appIds: OktaIdSequence;
  readonly deviceIds: OktaIdSequence;

  readonly baseUserCount: number;
  userCount: number;
  readonly userOverrides = new Map<number, UserOverride>();
  readonly deletedUsers = new Set<number>();

  readonly groupCount: number;
  /** Current members per group (sorted user indexes); Everyone is implicit (null). Replaced, never edited. */
  readonly groupMembers: (Uint32Array | null)[];
  /** The members as generated, for history (System Log) that must not change when the org does. */
  readonly baseGroupMembers: readonly (Uint32Array | null)[];
  readonly groupMembershipUpdated = new Map<number, number>();

  readonly appCount: number;
  private readonly appShapes: AppShape[];
  readonly appDirect: Uint32Array[];
  readonly baseAppDirect: readonly Uint32Array[];
  readonly appGroups: readonly number[][];
  readonly appStatusOverride = new Map<number, { status: 'ACTIVE' | 'INACTIVE'; lastUpdated: number }>();
  /** Creation time of assignments made by `mutate()`, keyed `${app}:${user}`. */
  readonly assignmentCreated = new Map<string, number>();

  readonly deviceCount: number;
  private readonly deviceUserOffsets: Uint32Array;
  private readonly deviceUsers: Uint32Array;

  private readonly directRoles = new Map<number, string[]>();
  private readonly customRoleUsers = new Set<number>([UserFixture.japanese]);
  private readonly groupRoles = new Map<number, string[]>([
    [GroupFixture.helpdeskAdmins, ['HELP_DESK_ADMIN']],
  ]);

  private effectiveCache = new Map<number, EffectiveAppUsers>();
  private readonly baseEffectiveCache = new Map<number, EffectiveAppUsers>();
  private adminUsersCache: Uint32Array | undefined;
  private scratchStamp = new Int32Array(0);
  private scratchGeneration = 0;
  /** Number of change sets applied. */
  mutations = 0;

  constructor(
    readonly size: SampleOrgSize,
    readonly seed: number,
    options: SampleOrgDataOptions = {},
  ) {
    this.dims = SAMPLE_ORG_DIMENSIONS[size];
    this.now = options.now ?? Date.now;
    this.t0 = seconds(this.now());
    this.origin = options.origin ?? 'http://127.0.0.1';
    this.pipeline = options.pipeline ?? 'idx';
    this.orgId = `${IdPrefix.org}${opaqueId(seed, Salt.Org, 0, 17)}`;
    this.userTypeId = `${IdPrefix.userType}${opaqueId(seed, Salt.Org, 1, 17)}`;
    this.userIds = new OktaIdSequence(IdPrefix.user, seed, new Set([UserFixture.caseTwinLower]));
    this.groupIds = new OktaIdSequence(IdPrefix.group, seed, new Set([GroupFixture.caseTwinLower]));
    this.appIds = new OktaIdSequence(IdPrefix.app, seed);
    this.deviceIds = new OktaIdSequence(IdPrefix.device, seed);

    this.baseUserCount = this.dims.users;
    this.userCount = this.dims.users;
    this.groupCount = this.dims.groups;
    this.appCount = this.dims.apps;
    this.deviceCount = this.dims.devices;

    this.groupMembers = this.generateGroupMembers();
    this.baseGroupMembers = [...this.groupMembers];
    this.appShapes = Array.from({ length: this.appCount }, (_, app) => this.generateAppShape(app));
    const { direct, groups } = this.generateAppAssignments();
    this.appDirect = direct;
    this.baseAppDirect = [...direct];
    this.appGroups = groups;
    const devices = this.generateDeviceUsers();
    this.deviceUserOffsets = devices.offsets;
    this.deviceUsers = devices.users;
    this.generateRoles();
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  // ---------------------------------------------------------------- users

  baseUserStatus(user: number): UserStatus {
    const fixture = STATUS_FIXTURES[user];
    if (fixture) return fixture;
    if (user < FIXTURE_USER_COUNT || user >= this.baseUserCount) return 'ACTIVE';
    const u = unit(hash(this.seed, Salt.UserStatus, user));
    if (u < 0.05) return 'DEPROVISIONED';
    if (u < 0.07) return 'SUSPENDED';
    if (u < 0.09) return 'LOCKED_OUT';
    if (u < 0.12) return 'STAGED';
    if (u < 0.15) return 'PROVISIONED';
    if (u < 0.17) return 'PASSWORD_EXPIRED';
    if (u < 0.18) return 'RECOVERY';
    return 'ACTIVE';
  }

  userStatus(user: number): UserStatus {
    return this.userOverrides.get(user)?.status ?? this.baseUserStatus(user);
  }

  userExists(user: number): boolean {
    return user >= 0 && user < this.userCount && !this.deletedUsers.has(user);
  }

  /** The user's index, or -1 (also for deleted users). */
  userIndexOf(id: string): number {
    const user = this.userIds.indexOf(id, this.userCount);
    return user >= 0 && this.deletedUsers.has(user) ? -1 : user;
  }

  baseUserTimes(user: number): UserTimes {
    const status = this.baseUserStatus(user);
    const h = (k: number) => unit(hash(this.seed, Salt.UserTime, user, k));
    const created = seconds(this.t0 - 20 * DAY_MS - h(1) * 1_800 * DAY_MS);
    const activated = neverActivated(status) ? null : seconds(created + h(2) * 7_200_000);
    const from = activated ?? created;
    // About one user in eight changed in the last week, so incremental searches find something.
    const lastUpdated =
      h(3) < 0.12 ? seconds(this.t0 - h(4) * 7 * DAY_MS) : seconds(from + h(4) * (this.t0 - from - DAY_MS));
    const updated = Math.max(lastUpdated, from);
    const statusChanged = status === 'STAGED' ? null : status === 'ACTIVE' ? activated : updated;
    let lastLogin: number | null = null;
    if (activated !== null && h(5) >= 0.05) {
      lastLogin =
        status === 'ACTIVE'
          ? seconds(Math.max(activated, this.t0 - h(6) * 60 * DAY_MS))
          : seconds(activated + h(6) * ((statusChanged ?? activated) - activated));
    }
    const passwordChanged = activated === null ? null : seconds(activated + h(7) * (updated - activated));
    return { created, activated, statusChanged, lastLogin, lastUpdated: updated, passwordChanged };
  }

  userTimes(user: number): UserTimes {
    const base = this.baseUserTimes(user);
    const override = this.userOverrides.get(user);
    return override ? { ...base, ...pickTimes(override) } : base;
  }

  userLastUpdated(user: number): number {
    return this.userOverrides.get(user)?.lastUpdated ?? this.baseUserTimes(user).lastUpdated;
  }

  private generatedName(user: number): {
    first: string;
    firstAscii: string;
    last: string;
    lastAscii: string;
  } {
    const [first, firstAscii] = FIRST_NAMES[
      hash(this.seed, Salt.UserName, user, 1) % FIRST_NAMES.length
    ] as readonly [string, string];
    const [last, lastAscii] = LAST_NAMES[
      hash(this.seed, Salt.UserName, user, 2) % LAST_NAMES.length
    ] as readonly [string, string];
    return { first, firstAscii, last, lastAscii };
  }

  /** Login and display name (as the System Log shows a user) without building the whole profile. */
  userIdentity(user: number, current = true): { login: string; displayName: string } {
    if (USER_FIXTURE_PROFILES[user] || (current && this.userOverrides.get(user)?.profile)) {
      const profile = this.userProfile(user, current);
      return { login: String(profile.login), displayName: String(profile.displayName ?? profile.login) };
    }
    const { first, firstAscii, last, lastAscii } = this.generatedName(user);
    return { login: `${firstAscii}.${lastAscii}.${user}@demo.example`, displayName: `${first} ${last}` };
  }

  /** The generated profile; `current` adds what `mutate()` changed. */
  userProfile(user: number, current = true): UserProfile {
    const h = (k: number) => hash(this.seed, Salt.UserName, user, k);
    const { first, firstAscii, last, lastAscii } = this.generatedName(user);
    const [city, countryCode, timezone, locale] = PLACES[h(3) % PLACES.length] as readonly [
      string,
      string,
      string,
      string,
    ];
    const p = (k: number) => unit(hash(this.seed, Salt.UserProfile, user, k));
    const login = `${firstAscii}.${lastAscii}.${user}@demo.example`;
    const contractor = p(1) < 0.15;
    const licenseMask = hash(this.seed, Salt.UserProfile, user, 2);
    const created = (current && this.userOverrides.get(user)?.created) || this.baseUserTimes(user).created;
    const profile: UserProfile = {
      firstName: first,
      lastName: last,
      displayName: `${first} ${last}`,
      nickName: null,
      email: login,
      login,
      secondEmail: p(3) < 0.2 ? `${firstAscii}${user}@personal.example` : null,
      mobilePhone: p(4) < 0.7 ? `+1 555 ${String(1_000_000 + (licenseMask % 9_000_000)).slice(0, 7)}` : null,
      primaryPhone: null,
      title: TITLES[h(4) % TITLES.length] as string,
      department: DEPARTMENTS[h(5) % DEPARTMENTS.length] as string,
      division: p(5) < 0.5 ? `Division ${1 + (h(6) % 5)}` : null,
      organization: 'Demo Org',
      employeeNumber: String(100_000 + user),
      costCenter: `CC-${1_000 + (h(7) % 90)}`,
      managerId: user >= 8 ? this.userIds.at(user >>> 3) : null,
      city,
      countryCode,
      timezone,
      locale,
      preferredLanguage: locale.slice(0, 2),
      userType: contractor ? 'Contractor' : 'Employee',
      seatNumber: p(6) < 0.1 ? null : 1 + (h(8) % 5_000),
      hourlyRate: Math.round((15 + p(7) * 135) * 100) / 100,
      isContractor: contractor,
      licenses: LICENSES.filter((_, bit) => (licenseMask >>> (bit + 3)) & 1),
      startDate: iso(created).slice(0, 10),
      bio: p(8) < 0.1 ? `Joined as ${TITLES[h(9) % TITLES.length]}.` : null,
    };
    const fixture = USER_FIXTURE_PROFILES[user];
    if (fixture) {
      Object.assign(profile, fixture);
      if (fixture.login) profile.email = fixture.login;
    }
    const override = current ? this.userOverrides.get(user)?.profile : undefined;
    if (override) Object.assign(profile, override);
    return profile;
  }

  buildUser(user: number): SampleUser {
    const status = this.userStatus(user);
    const times = this.userTimes(user);
    const id = this.userIds.at(user);
    const provider = { type: 'OKTA', name: 'OKTA' };
    return {
      id,
      status,
      created: iso(times.created),
      activated: times.activated === null ? null : iso(times.activated),
      statusChanged: times.statusChanged === null ? null : iso(times.statusChanged),
      lastLogin: times.lastLogin === null ? null : iso(times.lastLogin),
      lastUpdated: iso(times.lastUpdated),
      passwordChanged: times.passwordChanged === null ? null : iso(times.passwordChanged),
      type: { id: this.userTypeId },
      profile: this.userProfile(user),
      credentials: neverActivated(status) ? { provider } : { password: {}, provider },
      _links: { self: { href: this.url(`/api/v1/users/${id}`) } },
    };
  }

  /** Reads a user attribute for filters without building the whole user when it can. */
  userReader(user: number): (path: string) => unknown {
    let built: SampleUser | undefined;
    return (path) => {
      if (path === 'id') return this.userIds.at(user);
      if (path === 'status') return this.userStatus(user);
      if (path === 'lastUpdated') return iso(this.userLastUpdated(user));
      built ??= this.buildUser(user);
      return readPath(built, path);
    };
  }

  // ---------------------------------------------------------------- groups

  groupType(group: number): 'BUILT_IN' | 'OKTA_GROUP' | 'APP_GROUP' {
    if (group === GroupFixture.everyone) return 'BUILT_IN';
    if (group === GroupFixture.appGroup) return 'APP_GROUP';
    if (group < FIXTURE_GROUP_COUNT) return 'OKTA_GROUP';
    return unit(hash(this.seed, Salt.GroupMeta, group, 1)) < 0.1 ? 'APP_GROUP' : 'OKTA_GROUP';
  }

  groupIndexOf(id: string): number {
    return this.groupIds.indexOf(id, this.groupCount);
  }

  /** Current members, sorted by user index (deleted users are filtered by the callers). */
  membersOf(group: number): IndexList {
    const members = this.groupMembers[group];
    return members ? listOf(members) : rangeList(this.userCount);
  }

  private baseMembersOf(group: number): IndexList {
    const members = this.baseGroupMembers[group];
    return members ? listOf(members) : rangeList(this.baseUserCount);
  }

  isMember(group: number, user: number): boolean {
    return this.userExists(user) && includesIndex(this.membersOf(group), user);
  }

  memberCount(group: number): number {
    const list = this.membersOf(group);
    let count = 0;
    for (let position = 0; position < list.size; position++) {
      if (!this.deletedUsers.has(list.at(position))) count++;
    }
    return count;
  }

  groupTimes(group: number): { created: number; lastUpdated: number; lastMembershipUpdated: number } {
    const h = (k: number) => unit(hash(this.seed, Salt.GroupMeta, group, k));
    const created =
      group === GroupFixture.everyone
        ? seconds(this.t0 - 2_000 * DAY_MS)
        : seconds(this.t0 - (30 + h(2) * 1_900) * DAY_MS);
    const lastUpdated =
      h(3) < 0.1 ? seconds(this.t0 - h(4) * 7 * DAY_MS) : seconds(created + h(4) * (this.t0 - created));
    const base =
      group === GroupFixture.everyone ? this.t0 - 3_600_000 : seconds(this.t0 - h(5) * 30 * DAY_MS);
    const lastMembershipUpdated = this.groupMembershipUpdated.get(group) ?? Math.max(created, base);
    return { created, lastUpdated, lastMembershipUpdated };
  }

  private groupProfile(group: number): SampleGroup['profile'] {
    switch (group) {
      case GroupFixture.everyone:
        return { name: 'Everyone', description: 'All users in your organization' };
      case GroupFixture.boundary:
        return { name: 'Page boundary', description: `Exactly ${this.dims.boundaryGroupMembers} members` };
      case GroupFixture.empty:
        // No description at all, and a custom attribute that is null.
        return { name: 'Empty group', costCenter: null };
      case GroupFixture.caseTwinUpper:
        return {
          name: 'Case twin (upper)',
          description: 'Its id differs from the next group only in letter case',
        };
      case GroupFixture.caseTwinLower:
        return {
          name: 'Case twin (lower)',
          description: 'Its id differs from the previous group only in letter case',
        };
      case GroupFixture.unicode:
        return { name: '営業部 · مبيعات · Продажи · बिक्री 🚀', description: 'Ünïcödé, 中文, עברית, 👩‍👩‍👧' };
      case GroupFixture.formulas:
        return { name: '=Finance, "Ops"\nEMEA', description: longText(5_500, 'description') };
      case GroupFixture.appGroup:
        return {
          name: 'Domain Users',
          description: 'Imported from Active Directory',
          dn: 'CN=Domain Users,CN=Users,DC=corp,DC=example,DC=com',
          externalId: 'e0JhY2tzbGFzaFx9IGFuZCAiY29tbWFzIiwgdG9v',
          samAccountName: 'Domain Users',
          windowsDomainQualifiedName: 'CORP\\Domain Users',
        };
      case GroupFixture.helpdeskAdmins:
        return { name: 'Helpdesk admins', description: 'Holds the Help Desk Administrator role' };
      case GroupFixture.allStaff:
        return { name: '@All staff', description: '-Everyone who is not a contractor' };
    }
    const name = `${GROUP_NAMES[hash(this.seed, Salt.GroupMeta, group, 6) % GROUP_NAMES.length]} ${group}`;
    if (this.groupType(group) === 'APP_GROUP') {
      return {
        name,
        description: 'Imported from Active Directory',
        dn: `CN=${name},OU=Groups,DC=corp,DC=example,DC=com`,
        samAccountName: name.replace(/\s+/g, '_'),
        windowsDomainQualifiedName: `CORP\\${name}`,
        externalId: opaqueId(this.seed, Salt.GroupMeta, group, 24),
      };
    }
    return { name, description: `Team ${group}` };
  }

  buildGroup(group: number, stats = false): SampleGroup {
    const times = this.groupTimes(group);
    const id = this.groupIds.at(group);
    const type = this.groupType(group);
    const result: SampleGroup = {
      id,
      created: iso(times.created),
      lastUpdated: iso(times.lastUpdated),
      lastMembershipUpdated: iso(times.lastMembershipUpdated),
      objectClass: [type === 'APP_GROUP' ? 'okta:windows_security_principal' : 'okta:user_group'],
      type,
      profile: this.groupProfile(group),
      _links: {
        logo: [
          {
            name: 'medium',
            href: this.url('/assets/img/logos/groups/odyssey/okta-medium.png'),
            type: 'image/png',
          },
          {
            name: 'large',
            href: this.url('/assets/img/logos/groups/odyssey/okta-large.png'),
            type: 'image/png',
          },
        ],
        users: { href: this.url(`/api/v1/groups/${id}/users`) },
        apps: { href: this.url(`/api/v1/groups/${id}/apps`) },
      },
    };
    if (stats) {
      let appsCount = 0;
      for (const groups of this.appGroups) if (groups.includes(group)) appsCount++;
      result._embedded = {
        stats: {
          usersCount: this.memberCount(group),
          appsCount,
          groupPushMappingsCount: 0,
          hasAdminPrivilege: this.groupRoles.has(group),
        },
      };
    }
    return result;
  }

  groupReader(group: number): (path: string) => unknown {
    let built: SampleGroup | undefined;
    return (path) => {
      if (path === 'id') return this.groupIds.at(group);
      if (path === 'type') return this.groupType(group);
      built ??= this.buildGroup(group);
      return readPath(built, path);
    };
  }

  private generateGroupMembers(): (Uint32Array | null)[] {
    const { users, groups, boundaryGroupMembers, membershipsPerUser } = this.dims;
    const pick = (group: number, count: number, accept?: (user: number) => boolean) =>
      pickDistinct(Math.min(count, users), users, hash(this.seed, Salt.GroupMembers, group), accept);
    const withFixtures = (members: Uint32Array) => {
      const all = new Set(members);
      for (let user = 1; user < FIXTURE_USER_COUNT; user++) all.add(user);
      return Uint32Array.from(all).sort();
    };
    const fixtures: (Uint32Array | null)[] = [
      null,
      pick(GroupFixture.boundary, boundaryGroupMembers),
      new Uint32Array(0),
      pick(GroupFixture.caseTwinUpper, 3),
      pick(GroupFixture.caseTwinLower, 4),
      withFixtures(pick(GroupFixture.unicode, Math.ceil(users * 0.05))),
      pick(GroupFixture.formulas, Math.ceil(users * 0.03)),
      pick(GroupFixture.appGroup, Math.ceil(users * 0.1)),
      pick(GroupFixture.helpdeskAdmins, Math.max(3, Math.ceil(users * 0.002))),
      pick(GroupFixture.allStaff, Math.ceil(users * 0.6)),
    ];
    const fixtureTotal = fixtures.reduce((sum, members) => sum + (members?.length ?? 0), 0);
    const generic = groups - FIXTURE_GROUP_COUNT;
    const average = generic > 0 ? Math.max(1, (membershipsPerUser * users - fixtureTotal) / generic) : 0;
    const result = fixtures.slice(0, groups);
    for (let group = FIXTURE_GROUP_COUNT; group < groups; group++) {
      const u = unit(hash(this.seed, Salt.GroupSize, group));
      result.push(pick(group, Math.floor(average * 4 * u * u * u) + 1));
    }
    return result;
  }

  // ---------------------------------------------------------------- apps

  private generateAppShape(app: number): AppShape {
    const shape = (
      mode: SignOnMode,
      label: string,
      name: string,
      extra: Partial<AppShape> = {},
    ): AppShape => ({
      mode,
      label,
      name,
      inactive: false,
      provisioning: false,
      seatCount: undefined,
      adminNotes: undefined,
      ...extra,
    });
    switch (app) {
      case AppFixture.intranet:
        return shape('BOOKMARK', 'Company Intranet 🏢', 'bookmark');
      case AppFixture.salesforce:
        return shape('SAML_2_0', 'Salesforce, "Sales Cloud"', 'salesforce', { seatCount: 250 });
      case AppFixture.expenses:
        return shape('OPENID_CONNECT', 'Expense Portal — 経費精算', 'oidc_client');
      case AppFixture.legacyHr:
        return shape('BROWSER_PLUGIN', 'Legacy HR (SWA)', 'template_swa');
      case AppFixture.payroll:
        return shape('AUTO_LOGIN', '+Payroll Plus', 'demoorg_payrollplus_1');
      case AppFixture.retiredWiki:
        return shape('SAML_2_0', 'Retired Wiki', 'demoorg_retiredwiki_1', { inactive: true });
      case AppFixture.unused:
        return shape('SAML_2_0', 'Unused Tool', 'demoorg_unusedtool_1');
      case AppFixture.boundary:
        return shape(
          'SAML_2_0',
          `Page boundary (exactly ${this.dims.boundaryAppUsers} users)`,
          'demoorg_boundary_1',
        );
      case AppFixture.formulas:
        return shape('BOOKMARK', '=Analytics\nDashboard, "BI"', 'bookmark', {
          adminNotes: longText(5_300, 'notes'),
        });
      case AppFixture.rtl:
        return shape('OPENID_CONNECT', 'بوابة الموظفين', 'oidc_client');
      case AppFixture.groupOnly:
        return shape('SAML_2_0', 'Group-only App', 'demoorg_grouponly_1');
      case AppFixture.workday:
        return shape('AUTO_LOGIN', 'Workday 🧾', 'workday', { provisioning: true });
    }
    const h = (k: number) => hash(this.seed, Salt.AppMeta, app, k);
    const [product, oinName] = APP_NAMES[h(1) % APP_NAMES.length] as readonly [string, string | null];
    const label = `${product} ${app}`;
    const slug = `demoorg_${product.toLowerCase().replace(/[^a-z0-9]/g, '')}_${app}`;
    const u = unit(h(2));
    const mode: SignOnMode =
      u < 0.4
        ? 'SAML_2_0'
        : u < 0.6
          ? 'OPENID_CONNECT'
          : u < 0.75
            ? 'BROWSER_PLUGIN'
            : u < 0.85
              ? 'AUTO_LOGIN'
              : 'BOOKMARK';
    const name =
      mode === 'OPENID_CONNECT'
        ? 'oidc_client'
        : mode === 'BOOKMARK'
          ? 'bookmark'
          : mode === 'BROWSER_PLUGIN'
            ? 'template_swa'
            : (oinName ?? slug);
    return shape(mode, label, name, {
      inactive: unit(h(3)) < 0.05,
      provisioning: mode !== 'BOOKMARK' && mode !== 'OPENID_CONNECT' && unit(h(4)) < 0.2,
      seatCount: unit(h(5)) < 0.15 ? 10 * (1 + (h(6) % 100)) : undefined,
    });
  }

  signOnMode(app: number): SignOnMode {
    return (this.appShapes[app] as AppShape).mode;
  }

  appLabel(app: number): string {
    return (this.appShapes[app] as AppShape).label;
  }

  appStatus(app: number): 'ACTIVE' | 'INACTIVE' {
    return this.appStatusOverride.get(app)?.status ?? this.baseAppStatus(app);
  }

  baseAppStatus(app: number): 'ACTIVE' | 'INACTIVE' {
    return (this.appShapes[app] as AppShape).inactive ? 'INACTIVE' : 'ACTIVE';
  }

  appIndexOf(id: string): number {
    return this.appIds.indexOf(id, this.appCount);
  }

  appTimes(app: number): { created: number; lastUpdated: number } {
    const h = (k: number) => unit(hash(this.seed, Salt.AppMeta, app, k));
    const created = seconds(this.t0 - (60 + h(7) * 1_800) * DAY_MS);
    const lastUpdated =
      this.appStatusOverride.get(app)?.lastUpdated ?? seconds(created + h(8) * (this.t0 - created));
    return { created, lastUpdated };
  }

  buildApp(app: number): SampleApp {
    const shape = this.appShapes[app] as AppShape;
    const id = this.appIds.at(app);
    const status = this.appStatus(app);
    const times = this.appTimes(app);
    const linkName =
      shape.mode === 'OPENID_CONNECT'
        ? 'oidc_client_link'
        : shape.mode === 'BOOKMARK'
          ? 'login'
          : shape.name.slice(0, 40);
    const userNameTemplate = { template: oktaExpression('source.login'), type: 'BUILT_IN' };
    const notifications = {
      vpn: { network: { connection: 'DISABLED' }, message: 'Connect to the VPN first' },
    };
    const notes = shape.adminNotes
      ? { admin: shape.adminNotes, enduser: 'Ask IT, "nicely", for access.' }
      : undefined;
    const launchUrl = `https://apps.demo.example/${app}/`;
    const record: SampleApp = {
      id,
      orn: `orn:okta:idp:${this.orgId}:apps:${shape.name}:${id}`,
      name: shape.name,
      label: shape.label,
      status,
      created: iso(times.created),
      lastUpdated: iso(times.lastUpdated),
      accessibility: { selfService: false },
      visibility: {
        autoSubmitToolbar: false,
        autoLaunch: false,
        hide: { iOS: false, web: false },
        appLinks: { [linkName]: true },
      },
      features: shape.provisioning ? ['PUSH_NEW_USERS', 'PUSH_PROFILE_UPDATES', 'IMPORT_NEW_USERS'] : [],
      signOnMode: shape.mode,
    };
    if (shape.seatCount !== undefined) record.licensing = { seatCount: shape.seatCount };
    switch (shape.mode) {
      case 'SAML_2_0':
        record.credentials = {
          userNameTemplate,
          signing: { kid: opaqueId(this.seed, Salt.AppMeta, app, 43) },
        };
        record.settings = {
          app: {},
          notifications,
          ...(notes && { notes }),
          signOn: {
            defaultRelayState: '',
            ssoAcsUrl: `${launchUrl}saml/acs`,
            recipient: `${launchUrl}saml/acs`,
            destination: `${launchUrl}saml/acs`,
            audience: `${launchUrl}saml/metadata`,
            idpIssuer: `http://www.okta.com/${oktaExpression('org.externalKey')}`,
            subjectNameIdTemplate: oktaExpression('user.userName'),
            subjectNameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
            responseSigned: true,
            assertionSigned: true,
            signatureAlgorithm: 'RSA_SHA256',
            digestAlgorithm: 'SHA256',
            honorForceAuthn: true,
            authnContextClassRef: 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
            allowMultipleAcsEndpoints: false,
            requestCompressed: false,
            attributeStatements: [],
          },
        };
        break;
      case 'OPENID_CONNECT':
        record.credentials = {
          userNameTemplate,
          oauthClient: {
            client_id: id,
            autoKeyRotation: true,
            token_endpoint_auth_method: 'client_secret_basic',
          },
        };
        record.settings = {
          app: {},
          notifications,
          ...(notes && { notes }),
          oauthClient: {
            client_uri: launchUrl,
            redirect_uris: [`${launchUrl}callback`],
            response_types: ['code'],
            grant_types: ['authorization_code', 'refresh_token'],
            application_type: 'web',
            consent_method: 'REQUIRED',
            issuer_mode: 'DYNAMIC',
          },
        };
        break;
      case 'BROWSER_PLUGIN':
        record.credentials = {
          scheme: 'EDIT_USERNAME_AND_PASSWORD',
          userNameTemplate,
          revealPassword: false,
          signing: {},
        };
        record.settings = {
          app: {
            url: `${launchUrl}login`,
            usernameField: '#username',
            passwordField: '#password',
            buttonField: '#submit',
            loginUrlRegex: `^${launchUrl.replace(/[.]/g, '\\.')}login$`,
          },
          notifications,
          ...(notes && { notes }),
        };
        break;
      case 'AUTO_LOGIN':
        record.credentials = {
          scheme: 'EDIT_USERNAME_AND_PASSWORD',
          userNameTemplate,
          revealPassword: false,
          signing: {},
        };
        record.settings = {
          app: {},
          notifications,
          ...(notes && { notes }),
          signOn: { loginUrl: `${launchUrl}login`, redirectUrl: launchUrl },
        };
        break;
      case 'BOOKMARK':
        record.credentials = { userNameTemplate, signing: {} };
        record.settings = {
          app: { url: launchUrl, requestIntegration: false },
          notifications,
          ...(notes && { notes }),
        };
        break;
    }
    if (app === AppFixture.salesforce) record.profile = { costCenter: null, owner: 'Sales Ops, "EMEA"' };
    record._links = {
      appLinks: [
        { name: linkName, href: this.url(`/home/${shape.name}/${id}/${linkName}`), type: 'text/html' },
      ],
      groups: { href: this.url(`/api/v1/apps/${id}/groups`) },
      logo: [{ name: 'medium', href: this.url(`/assets/img/logos/${shape.name}.png`), type: 'image/png' }],
      users: { href: this.url(`/api/v1/apps/${id}/users`) },
      [status === 'ACTIVE' ? 'deactivate' : 'activate']: {
        href: this.url(`/api/v1/apps/${id}/lifecycle/${status === 'ACTIVE' ? 'deactivate' : 'activate'}`),
      },
    };
    return record;
  }

  private generateAppAssignments(): { direct: Uint32Array[]; groups: number[][] } {
    const { users, apps, groups: groupCount, boundaryAppUsers } = this.dims;
    const notDeprovisioned = (user: number) => this.baseUserStatus(user) !== 'DEPROVISIONED';
    const pick = (app: number, count: number, accept?: (user: number) => boolean) =>
      pickDistinct(Math.min(count, users), users, hash(this.seed, Salt.AppDirect, app), accept);
    const withFixtures = (members: Uint32Array, last: number) => {
      const all = new Set(members);
      for (let user = 1; user <= last; user++) all.add(user);
      return Uint32Array.from(all).sort();
    };
    const direct: Uint32Array[] = [
      new Uint32Array(0),
      withFixtures(pick(AppFixture.salesforce, Math.ceil(users * 0.02)), FIXTURE_USER_COUNT - 1),
      pick(AppFixture.expenses, Math.ceil(users * 0.05)),
      pick(AppFixture.legacyHr, Math.ceil(users * 0.03)),
      pick(AppFixture.payroll, Math.ceil(users * 0.01)),
      pick(AppFixture.retiredWiki, Math.ceil(users * 0.02)),
      new Uint32Array(0),
      pick(AppFixture.boundary, boundaryAppUsers, notDeprovisioned),
      withFixtures(new Uint32Array(0), UserFixture.nulls),
      pick(AppFixture.rtl, Math.ceil(users * 0.02)),
      new Uint32Array(0),
      pick(AppFixture.workday, Math.ceil(users * 0.01)),
    ];
    const groups: number[][] = [
      [GroupFixture.everyone],
      [GroupFixture.allStaff],
      [GroupFixture.unicode, GroupFixture.formulas],
      [],
      [GroupFixture.appGroup],
      [],
      [],
      [],
      [GroupFixture.caseTwinUpper, GroupFixture.caseTwinLower, GroupFixture.empty],
      [],
      [GroupFixture.unicode, GroupFixture.helpdeskAdmins, GroupFixture.boundary],
      [GroupFixture.allStaff],
    ];
    direct.length = Math.min(direct.length, apps);
    groups.length = Math.min(groups.length, apps);
    // Generated apps: up to three groups plus direct assignments (their number tunes the size's total).
    const generic = apps - FIXTURE_APP_COUNT;
    const averageDirect = generic > 0 ? (this.dims.directAssignmentsPerUser * users) / generic : 0;
    for (let app = FIXTURE_APP_COUNT; app < apps; app++) {
      const h = (k: number) => hash(this.seed, Salt.AppGroups, app, k);
      const u = unit(h(0));
      if (u < 0.05) {
        direct.push(new Uint32Array(0));
        groups.push([]);
        continue;
      }
      const assigned: number[] = [];
      const groupTotal = h(1) % 4;
      for (let k = 0; k < groupTotal && groupCount > 1; k++) {
        const group = 1 + (h(2 + k) % (groupCount - 1));
        if (!assigned.includes(group)) assigned.push(group);
      }
      groups.push(assigned);
      const v = unit(h(9));
      direct.push(pick(app, Math.floor(averageDirect * 3 * v * v)));
    }
    return { direct, groups };
  }

  private scratch(size: number): Int32Array {
    if (this.scratchStamp.length < size)
      this.scratchStamp = new Int32Array(Math.max(size, this.scratchStamp.length * 2));
    this.scratchGeneration++;
    if (this.scratchGeneration > 2_000_000_000) {
      this.scratchStamp.fill(0);
      this.scratchGeneration = 1;
    }
    return this.scratchStamp;
  }

  private computeEffective(
    direct: Uint32Array,
    groups: readonly number[],
    membersOf: (group: number) => IndexList,
    excluded: (user: number) => boolean,
    population: number,
  ): EffectiveAppUsers {
    const stamp = this.scratch(population);
    const generation = this.scratchGeneration;
    const touched: number[] = [];
    const via = new Map<number, number>();
    for (const user of direct) {
      if (excluded(user) || stamp[user] === generation) continue;
      stamp[user] = generation;
      touched.push(user);
    }
    const directCount = touched.length;
    const directSet = new Set(touched);
    for (const group of groups) {
      const list = membersOf(group);
      for (let position = 0; position < list.size; position++) {
        const user = list.at(position);
        if (excluded(user)) continue;
        if (stamp[user] !== generation) {
          stamp[user] = generation;
          touched.push(user);
          via.set(user, group);
        } else if (!via.has(user) && directSet.has(user)) {
          via.set(user, group);
        }
      }
    }
    const users = Uint32Array.from(touched).sort();
    const isDirect = new Uint8Array(users.length);
    const viaGroup = new Int32Array(users.length);
    for (let position = 0; position < users.length; position++) {
      const user = users[position] as number;
      isDirect[position] = directCount > 0 && directSet.has(user) ? 1 : 0;
      viaGroup[position] = via.get(user) ?? -1;
    }
    return { users, direct: isDirect, viaGroup };
  }

  /** The app's users now: direct ∪ members of its groups, minus DEPROVISIONED and deleted users. */
  effectiveAppUsers(app: number): EffectiveAppUsers {
    if (this.mutations === 0) return this.baseEffectiveAppUsers(app);
    let cached = this.effectiveCache.get(app);
    if (!cached) {
      cached = this.computeEffective(
        this.appDirect[app] as Uint32Array,
        this.appGroups[app] as number[],
        (group) => this.membersOf(group),
        (user) => this.deletedUsers.has(user) || this.userStatus(user) === 'DEPROVISIONED',
        this.userCount,
      );
      this.effectiveCache.set(app, cached);
    }
    return cached;
  }

  /** The app's users as generated, before any `mutate()`: the history the System Log is made of. */
  baseEffectiveAppUsers(app: number): EffectiveAppUsers {
    let cached = this.baseEffectiveCache.get(app);
    if (!cached) {
      cached = this.computeEffective(
        this.baseAppDirect[app] as Uint32Array,
        this.appGroups[app] as number[],
        (group) => this.baseMembersOf(group),
        (user) => this.baseUserStatus(user) === 'DEPROVISIONED',
        this.baseUserCount,
      );
      this.baseEffectiveCache.set(app, cached);
    }
    return cached;
  }

  buildAppUser(app: number, effective: EffectiveAppUsers, position: number): SampleAppUser {
    const shape = this.appShapes[app] as AppShape;
    const user = effective.users[position] as number;
    const userId = this.userIds.at(user);
    const appId = this.appIds.at(app);
    const profile = this.userProfile(user);
    const userTimes = this.userTimes(user);
    const appTimes = this.appTimes(app);
    const h = (k: number) => unit(hash(this.seed, Salt.AppUser, app * 1_000_003 + user, k));
    const from = Math.max(userTimes.created, appTimes.created);
    const created =
      this.assignmentCreated.get(`${app}:${user}`) ?? seconds(from + h(1) * (this.t0 - from) * 0.5);
    const lastUpdated = Math.max(created, seconds(created + h(2) * (this.t0 - created)));
    const isDirect = effective.direct[position] === 1;
    const group = effective.viaGroup[position] as number;
    const record: SampleAppUser = {
      id: userId,
      created: iso(created),
      lastUpdated: iso(lastUpdated),
      scope: isDirect ? 'USER' : 'GROUP',
      status: shape.provisioning ? 'PROVISIONED' : 'ACTIVE',
      statusChanged: iso(created),
      passwordChanged: shape.mode === 'BROWSER_PLUGIN' || shape.mode === 'AUTO_LOGIN' ? iso(created) : null,
      syncState: shape.provisioning ? 'SYNCHRONIZED' : 'DISABLED',
      credentials: { userName: String(profile.login) },
      profile: {},
      _links: {
        app: { href: this.url(`/api/v1/apps/${appId}`) },
        user: { href: this.url(`/api/v1/users/${userId}`) },
      },
    };
    if (shape.provisioning) {
      record.externalId = opaqueId(this.seed, Salt.AppUser, app * 1_000_003 + user, 20);
      record.lastSync = record.lastUpdated;
      record.profile = {
        email: profile.email,
        firstName: profile.firstName,
        lastName: profile.lastName,
        title: profile.title,
        department: profile.department,
        employeeId: profile.employeeNumber,
      };
    } else if (shape.mode === 'SAML_2_0' || shape.mode === 'AUTO_LOGIN') {
      record.profile = {
        email: profile.email,
        firstName: profile.firstName,
        lastName: profile.lastName,
        role: null,
      };
      if (app === AppFixture.salesforce) record.profile.salesforceGroups = ['Sales, "EMEA"', '=Dashboard'];
    }
    if (!isDirect && group >= 0) {
      const groupId = this.groupIds.at(group);
      record._links.group = {
        name: String(this.groupProfile(group).name),
        href: this.url(`/api/v1/groups/${groupId}`),
      };
    }
    return record;
  }

  buildAppGroup(app: number, group: number, priority: number): SampleAppGroup {
    const appId = this.appIds.at(app);
    const groupId = this.groupIds.at(group);
    const appTimes = this.appTimes(app);
    const groupTimes = this.groupTimes(group);
    const from = Math.max(appTimes.created, groupTimes.created);
    const lastUpdated = seconds(
      from + unit(hash(this.seed, Salt.AppGroups, app, 100 + group)) * (this.t0 - from),
    );
    const shape = this.appShapes[app] as AppShape;
    return {
      id: groupId,
      lastUpdated: iso(lastUpdated),
      priority,
      profile: shape.provisioning ? { department: null, title: 'Default, "title"' } : {},
      _links: {
        app: { href: this.url(`/api/v1/apps/${appId}`) },
        group: { href: this.url(`/api/v1/groups/${groupId}`) },
      },
    };
  }

  // ---------------------------------------------------------------- roles

  private generateRoles(): void {
    this.directRoles.set(UserFixture.admin, ['SUPER_ADMIN']);
    const wanted = Math.max(2, Math.floor(this.baseUserCount / 400));
    let added = 0;
    for (let k = 0; added < wanted && k < wanted * 20; k++) {
      const span = this.baseUserCount - FIXTURE_USER_COUNT;
      if (span <= 0) break;
      const user = FIXTURE_USER_COUNT + (hash(this.seed, Salt.Roles, k) % span);
      if (this.directRoles.has(user) || this.baseUserStatus(user) !== 'ACTIVE') continue;
      const first = GENERIC_ROLE_TYPES[
        hash(this.seed, Salt.Roles, k, 1) % GENERIC_ROLE_TYPES.length
      ] as string;
      const second = GENERIC_ROLE_TYPES[
        hash(this.seed, Salt.Roles, k, 2) % GENERIC_ROLE_TYPES.length
      ] as string;
      this.directRoles.set(user, first === second || k % 3 ? [first] : [first, second]);
      added++;
    }
  }

  private role(assigneeKind: 'USER' | 'GROUP', assignee: number, type: string): SampleRole {
    const assigneeId = assigneeKind === 'USER' ? this.userIds.at(assignee) : this.groupIds.at(assignee);
    const typeIndex = Object.keys(ROLE_LABELS).indexOf(type);
    const created = seconds(
      this.t0 - (10 + unit(hash(this.seed, Salt.Roles, assignee, typeIndex)) * 700) * DAY_MS,
    );
    const path = assigneeKind === 'USER' ? 'users' : 'groups';
    return {
      id: `${IdPrefix.roleAssignment}${opaqueId(this.seed, Salt.Roles, (assignee * 16 + typeIndex) * 2 + (assigneeKind === 'USER' ? 0 : 1), 17)}`,
      label: ROLE_LABELS[type] ?? type,
      type,
      status: 'ACTIVE',
      created: iso(created),
      lastUpdated: iso(created),
      assignmentType: assigneeKind,
      _links: { assignee: { href: this.url(`/api/v1/${path}/${assigneeId}`) } },
    };
  }

  private customRole(user: number): SampleRole {
    const created = seconds(this.t0 - 42 * DAY_MS);
    const resourceSet = `${IdPrefix.resourceSet}${opaqueId(this.seed, Salt.Roles, 1, 17)}`;
    const roleId = `${IdPrefix.customRole}${opaqueId(this.seed, Salt.Roles, 2, 17)}`;
    return {
      id: `irb${opaqueId(this.seed, Salt.Roles, user, 17)}`,
      label: 'Inventory auditor (custom)',
      type: 'CUSTOM',
      status: 'ACTIVE',
      created: iso(created),
      lastUpdated: iso(created),
      assignmentType: 'USER',
      'resource-set': resourceSet,
      role: roleId,
      _links: {
        assignee: { href: this.url(`/api/v1/users/${this.userIds.at(user)}`) },
        'resource-set': { href: this.url(`/api/v1/iam/resource-sets/${resourceSet}`) },
        role: { href: this.url(`/api/v1/iam/roles/${roleId}`) },
      },
    };
  }

  /** Every role the user holds, directly (USER) or through a group (GROUP). */
  userRoles(user: number): SampleRole[] {
    const roles = (this.directRoles.get(user) ?? []).map((type) => this.role('USER', user, type));
    if (this.customRoleUsers.has(user)) roles.push(this.customRole(user));
    for (const [group, types] of this.groupRoles) {
      if (includesIndex(this.membersOf(group), user)) {
        for (const type of types) roles.push({ ...this.role('GROUP', group, type) });
      }
    }
    return roles;
  }

  groupRoleList(group: number): SampleRole[] {
    return (this.groupRoles.get(group) ?? []).map((type) => this.role('GROUP', group, type));
  }

  /** Users holding at least one role, sorted by index (what `/api/v1/iam/assignees/users` lists). */
  adminUsers(): Uint32Array {
    if (!this.adminUsersCache) {
      const all = new Set<number>([...this.directRoles.keys(), ...this.customRoleUsers]);
      for (const group of this.groupRoles.keys()) {
        const list = this.membersOf(group);
        for (let position = 0; position < list.size; position++) all.add(list.at(position));
      }
      this.adminUsersCache = Uint32Array.from([...all].filter((user) => this.userExists(user))).sort();
    }
    return this.adminUsersCache;
  }

  // ---------------------------------------------------------------- devices

  private generateDeviceUsers(): { offsets: Uint32Array; users: Uint32Array } {
    const offsets = new Uint32Array(this.deviceCount + 1);
    const users: number[] = [];
    const fixed: Readonly<Record<number, number[]>> = {
      0: [UserFixture.emoji],
      1: [UserFixture.japanese],
      2: [UserFixture.arabic, UserFixture.cyrillic],
      3: [],
    };
    for (let device = 0; device < this.deviceCount; device++) {
      offsets[device] = users.length;
      const preset = fixed[device];
      if (preset) {
        users.push(...preset);
        continue;
      }
      const u = unit(hash(this.seed, Salt.DeviceUsers, device));
      const count = u < 0.05 ? 0 : u < 0.15 ? 2 : 1;
      const first = hash(this.seed, Salt.DeviceUsers, device, 1) % this.baseUserCount;
      if (count >= 1) users.push(first);
      if (count === 2)
        users.push((first + 1 + (hash(this.seed, Salt.DeviceUsers, device, 2) % 97)) % this.baseUserCount);
    }
    offsets[this.deviceCount] = users.length;
    return { offsets, users: Uint32Array.from(users) };
  }

  deviceIndexOf(id: string): number {
    return this.deviceIds.indexOf(id, this.deviceCount);
  }

  deviceTimes(device: number): { created: number; lastUpdated: number } {
    const h = (k: number) => unit(hash(this.seed, Salt.Device, device, k));
    const created = seconds(this.t0 - (1 + h(1) * 900) * DAY_MS);
    const lastUpdated =
      h(2) < 0.15 ? seconds(this.t0 - h(3) * 7 * DAY_MS) : seconds(created + h(3) * (this.t0 - created));
    return { created, lastUpdated: Math.max(created, lastUpdated) };
  }

  deviceUserIndexes(device: number): number[] {
    const out: number[] = [];
    for (
      let k = this.deviceUserOffsets[device] as number;
      k < (this.deviceUserOffsets[device + 1] as number);
      k++
    ) {
      const user = this.deviceUsers[k] as number;
      if (this.userExists(user)) out.push(user);
    }
    return out;
  }

  buildDevice(device: number, expandUsers: boolean): SampleDevice {
    const h = (k: number) => hash(this.seed, Salt.Device, device, k);
    const id = this.deviceIds.at(device);
    const times = this.deviceTimes(device);
    const p = unit(h(4));
    const platform = p < 0.4 ? 'WINDOWS' : p < 0.7 ? 'MACOS' : p < 0.85 ? 'IOS' : 'ANDROID';
    const owners = this.deviceUserIndexes(device);
    const ownerName =
      owners.length > 0 ? String(this.userProfile(owners[0] as number).firstName ?? 'Shared') : 'Shared';
    const model = { WINDOWS: 'Latitude 7440', MACOS: 'MacBook Pro', IOS: 'iPhone 15', ANDROID: 'Pixel 8' }[
      platform
    ];
    let displayName = `${ownerName}'s ${model}`;
    if (device === 0) displayName = 'Alex’s iPhone 📱 "work", personal';
    if (device === 1) displayName = '=山田のMac';
    const s = unit(h(5));
    const profile: Record<string, unknown> = {
      displayName,
      platform,
      manufacturer: { WINDOWS: 'Dell Inc.', MACOS: 'Apple Inc.', IOS: 'Apple Inc.', ANDROID: 'Google' }[
        platform
      ],
      model,
      osVersion: { WINDOWS: '10.0.22631', MACOS: '14.6.1', IOS: '17.5.1', ANDROID: '14' }[platform],
      serialNumber: opaqueId(this.seed, Salt.Device, device, 12).toUpperCase(),
      registered: true,
      secureHardwarePresent: s < 0.8,
      diskEncryptionType:
        platform === 'MACOS' ? 'ALL_INTERNAL_VOLUMES' : platform === 'WINDOWS' ? 'SYSTEM_VOLUME' : 'USER',
      managed: s < 0.6,
    };
    if (platform === 'WINDOWS') profile.sid = `S-1-5-21-${h(6)}-${h(7)}-${1000 + (h(8) % 9000)}`;
    if (platform === 'IOS' || platform === 'ANDROID') {
      profile.imei = String(350_000_000_000_000 + (h(9) % 99_999_999) * 1_000 + (h(10) % 1_000));
      profile.integrityJailbreak = s > 0.97;
    }
    if (platform === 'MACOS' || platform === 'IOS')
      profile.udid = `${opaqueId(this.seed, Salt.Device, device, 8)}-0001`;
    const statusRoll = unit(h(11));
    const status = statusRoll < 0.05 ? 'DEACTIVATED' : statusRoll < 0.1 ? 'SUSPENDED' : 'ACTIVE';
    const record: SampleDevice = {
      id,
      status,
      created: iso(times.created),
      lastUpdated: iso(times.lastUpdated),
      profile,
      resourceType: 'UDDevice',
      resourceDisplayName: { value: displayName, sensitive: false },
      resourceId: id,
      _links: {
        self: { href: this.url(`/api/v1/devices/${id}`), hints: { allow: ['GET', 'PUT', 'DELETE'] } },
        users: { href: this.url(`/api/v1/devices/${id}/users`), hints: { allow: ['GET'] } },
      },
    };
    if (expandUsers) {
      record._embedded = {
        users: owners.map((user, k) => ({
          created: iso(Math.max(times.created, this.userTimes(user).created)),
          managementStatus: profile.managed ? 'MANAGED' : 'NOT_MANAGED',
          screenLockType: (['BIOMETRIC', 'PASSCODE', 'NONE'] as const)[(h(12) + k) % 3] as string,
          user: this.buildUser(user),
        })),
      };
    }
    return record;
  }

  deviceReader(device: number): (path: string) => unknown {
    let built: SampleDevice | undefined;
    return (path) => {
      if (path === 'id') return this.deviceIds.at(device);
      if (path === 'lastUpdated') return iso(this.deviceTimes(device).lastUpdated);
      built ??= this.buildDevice(device, false);
      return readPath(built, path);
    };
  }

  // ---------------------------------------------------------------- changes (used by mutate)

  /** Drops everything computed from memberships and assignments. */
  invalidate(): void {
    this.effectiveCache = new Map();
    this.adminUsersCache = undefined;
  }

  setGroupMembers(group: number, members: Uint32Array): void {
    this.groupMembers[group] = members;
    this.invalidate();
  }

  setAppDirect(app: number, users: Uint32Array): void {
    this.appDirect[app] = users;
    this.invalidate();
  }

  overrideUser(user: number, change: UserOverride): void {
    const previous = this.userOverrides.get(user) ?? {};
    const profile = change.profile ? { ...previous.profile, ...change.profile } : previous.profile;
    this.userOverrides.set(user, { ...previous, ...change, ...(profile && { profile }) });
    this.invalidate();
  }
}

function pickTimes(override: UserOverride): Partial<UserTimes> {
  const out: Partial<UserTimes> = {};
  for (const key of [
    'created',
    'activated',
    'statusChanged',
    'lastLogin',
    'lastUpdated',
    'passwordChanged',
  ] as const) {
    if (key in override) out[key] = override[key] as number & null;
  }
  return out;
}

/** `a.b.c` on a JSON record; arrays of objects yield the array of their values (SCIM semantics). */
export function readPath(record: unknown, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split('.')) {
    if (Array.isArray(value)) value = value.map((item) => (item as Record<string, unknown> | null)?.[key]);
    else if (value !== null && typeof value === 'object') value = (value as Record<string, unknown>)[key];
    else return undefined;
  }
  return value;
}
