import { includesIndex } from './index-list.js';
import { IdPrefix, opaqueId } from './okta-ids.js';
import type { SampleRole } from './okta-records.js';
import { hash, unit } from './random.js';
import { DAY_MS, iso, Salt, type SampleOrgCore, seconds } from './sample-org-core.js';
import type { SampleGroups } from './sample-org-groups.js';
import type { SampleUsers } from './sample-org-users.js';
import { FIXTURE_GROUP_COUNT, FIXTURE_USER_COUNT, GroupFixture, UserFixture } from './tricky-values.js';

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

/** Admin role assignments: to users directly, and to groups (every member holds them). */
export class SampleRoles {
  private readonly direct = new Map<number, string[]>();
  private readonly customRoleHolders = new Set<number>([UserFixture.japanese]);
  /** Standard roles assigned to groups; the Helpdesk group also holds the custom role (`customRoleGroups`). */
  private readonly groupHeld = new Map<number, string[]>([
    [GroupFixture.helpdeskAdmins, ['HELP_DESK_ADMIN']],
  ]);
  private readonly customRoleGroups = new Set<number>([GroupFixture.helpdeskAdmins]);
  /** When `mutate()` granted a group its role, keyed `${group}:${type}`. */
  private readonly grantedAt = new Map<string, number>();
  private adminUsersCache: Uint32Array | undefined;
  private directAdminUsersCache: Uint32Array | undefined;

  constructor(
    private readonly core: SampleOrgCore,
    private readonly users: SampleUsers,
    private readonly groups: SampleGroups,
  ) {
    this.generate();
    core.onInvalidate(() => {
      this.adminUsersCache = undefined;
      this.directAdminUsersCache = undefined;
    });
  }

  /** Whether any role is assigned to the group (`expand=stats` calls it `hasAdminPrivilege`). */
  groupHoldsRoles(group: number): boolean {
    return this.groupHeld.has(group) || this.customRoleGroups.has(group);
  }

  /** Used by `mutate()`: assigns a standard role to the group, so every member holds it. */
  grantToGroup(group: number, type: string, at: number): void {
    this.groupHeld.set(group, [...(this.groupHeld.get(group) ?? []), type]);
    this.grantedAt.set(`${group}:${type}`, at);
    this.core.invalidate();
  }

  private generate(): void {
    const { seed } = this.core;
    this.direct.set(UserFixture.admin, ['SUPER_ADMIN']);
    const wanted = Math.max(2, Math.floor(this.users.baseCount / 400));
    let added = 0;
    for (let k = 0; added < wanted && k < wanted * 20; k++) {
      const span = this.users.baseCount - FIXTURE_USER_COUNT;
      if (span <= 0) break;
      const user = FIXTURE_USER_COUNT + (hash(seed, Salt.Roles, k) % span);
      if (this.direct.has(user) || this.users.baseStatus(user) !== 'ACTIVE') continue;
      const first = GENERIC_ROLE_TYPES[hash(seed, Salt.Roles, k, 1) % GENERIC_ROLE_TYPES.length] as string;
      const second = GENERIC_ROLE_TYPES[hash(seed, Salt.Roles, k, 2) % GENERIC_ROLE_TYPES.length] as string;
      this.direct.set(user, first === second || k % 3 ? [first] : [first, second]);
      added++;
    }
    // Okta's usual practice: most admins hold their role through a group ("Okta admins"). One small
    // generated group in a hundred holds a standard role.
    const groupSpan = this.groups.count - FIXTURE_GROUP_COUNT;
    const wantedGroups = Math.max(1, Math.floor(this.groups.count / 100));
    const largest = Math.max(20, Math.ceil(this.users.baseCount * 0.01));
    let groupsAdded = 0;
    for (let k = 0; groupsAdded < wantedGroups && k < wantedGroups * 50 && groupSpan > 0; k++) {
      const group = FIXTURE_GROUP_COUNT + (hash(seed, Salt.Roles, 0x6700 + k) % groupSpan);
      const size = this.groups.baseMembersOf(group).size;
      if (this.groupHeld.has(group) || size === 0 || size > largest) continue;
      const type = GENERIC_ROLE_TYPES[
        hash(seed, Salt.Roles, 0x6700 + k, 1) % GENERIC_ROLE_TYPES.length
      ] as string;
      this.groupHeld.set(group, [type]);
      groupsAdded++;
    }
  }

  private role(assigneeKind: 'USER' | 'GROUP', assignee: number, type: string): SampleRole {
    const assigneeId = assigneeKind === 'USER' ? this.users.ids.at(assignee) : this.groups.ids.at(assignee);
    const typeIndex = Object.keys(ROLE_LABELS).indexOf(type);
    const granted = assigneeKind === 'GROUP' ? this.grantedAt.get(`${assignee}:${type}`) : undefined;
    const created =
      granted ??
      seconds(
        this.core.t0 - (10 + unit(hash(this.core.seed, Salt.Roles, assignee, typeIndex)) * 700) * DAY_MS,
      );
    const path = assigneeKind === 'USER' ? 'users' : 'groups';
    return {
      id: `${IdPrefix.roleAssignment}${opaqueId(this.core.seed, Salt.Roles, (assignee * 16 + typeIndex) * 2 + (assigneeKind === 'USER' ? 0 : 1), 17)}`,
      label: ROLE_LABELS[type] ?? type,
      type,
      status: 'ACTIVE',
      created: iso(created),
      lastUpdated: iso(created),
      assignmentType: assigneeKind,
      _links: { assignee: { href: this.core.url(`/api/v1/${path}/${assigneeId}`) } },
    };
  }

  /**
   * The custom role ("Inventory auditor"), bound to a resource set: to a user on one resource set,
   * to a group on another. https://developer.okta.com/docs/api/openapi/okta-management/guides/roles/
   */
  private customRole(assigneeKind: 'USER' | 'GROUP', assignee: number): SampleRole {
    const { seed } = this.core;
    const created = seconds(this.core.t0 - (assigneeKind === 'USER' ? 42 : 77) * DAY_MS);
    const resourceSet = `${IdPrefix.resourceSet}${opaqueId(seed, Salt.Roles, assigneeKind === 'USER' ? 1 : 3, 17)}`;
    const roleId = `${IdPrefix.customRole}${opaqueId(seed, Salt.Roles, 2, 17)}`;
    const assigneeId = assigneeKind === 'USER' ? this.users.ids.at(assignee) : this.groups.ids.at(assignee);
    const path = assigneeKind === 'USER' ? 'users' : 'groups';
    return {
      id: `irb${opaqueId(seed, Salt.Roles, assigneeKind === 'USER' ? assignee : 10_000_000 + assignee, 17)}`,
      label: 'Inventory auditor (custom)',
      type: 'CUSTOM',
      status: 'ACTIVE',
      created: iso(created),
      lastUpdated: iso(created),
      assignmentType: assigneeKind,
      'resource-set': resourceSet,
      role: roleId,
      _links: {
        assignee: { href: this.core.url(`/api/v1/${path}/${assigneeId}`) },
        'resource-set': { href: this.core.url(`/api/v1/iam/resource-sets/${resourceSet}`) },
        role: { href: this.core.url(`/api/v1/iam/roles/${roleId}`) },
      },
    };
  }

  /** Every role the user holds, directly (USER) or through a group (GROUP), as `/users/{id}/roles` lists them. */
  ofUser(user: number): SampleRole[] {
    const roles = (this.direct.get(user) ?? []).map((type) => this.role('USER', user, type));
    if (this.customRoleHolders.has(user)) roles.push(this.customRole('USER', user));
    for (const group of this.roleGroups()) {
      if (includesIndex(this.groups.membersOf(group), user)) roles.push(...this.ofGroup(group));
    }
    return roles;
  }

  /** The roles assigned to the group (`/groups/{id}/roles`). */
  ofGroup(group: number): SampleRole[] {
    const roles = (this.groupHeld.get(group) ?? []).map((type) => this.role('GROUP', group, type));
    if (this.customRoleGroups.has(group)) roles.push(this.customRole('GROUP', group));
    return roles;
  }

  /** Groups holding at least one role, by index. */
  roleGroups(): number[] {
    return [...new Set([...this.groupHeld.keys(), ...this.customRoleGroups])].sort((a, b) => a - b);
  }

  /** Users holding at least one role, directly or through a group, sorted by index. */
  adminUsers(): Uint32Array {
    if (!this.adminUsersCache) {
      const all = new Set<number>(this.directAdminUsers());
      for (const group of this.roleGroups()) {
        const list = this.groups.membersOf(group);
        for (let position = 0; position < list.size; position++) all.add(list.at(position));
      }
      this.adminUsersCache = Uint32Array.from([...all].filter((user) => this.users.exists(user))).sort();
    }
    return this.adminUsersCache;
  }

  /** Users holding a role assigned to them (not only through a group), sorted by index. */
  directAdminUsers(): Uint32Array {
    if (!this.directAdminUsersCache) {
      const all = new Set<number>([...this.direct.keys(), ...this.customRoleHolders]);
      this.directAdminUsersCache = Uint32Array.from(
        [...all].filter((user) => this.users.exists(user)),
      ).sort();
    }
    return this.directAdminUsersCache;
  }
}
