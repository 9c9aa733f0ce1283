import { includesIndex } from './index-list.js';
import { IdPrefix, opaqueId } from './okta-ids.js';
import type { SampleRole } from './okta-records.js';
import { hash, unit } from './random.js';
import { DAY_MS, iso, Salt, type SampleOrgCore, seconds } from './sample-org-core.js';
import type { SampleGroups } from './sample-org-groups.js';
import type { SampleUsers } from './sample-org-users.js';
import { FIXTURE_USER_COUNT, GroupFixture, UserFixture } from './tricky-values.js';

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
  private readonly groupHeld = new Map<number, string[]>([
    [GroupFixture.helpdeskAdmins, ['HELP_DESK_ADMIN']],
  ]);
  private adminUsersCache: Uint32Array | undefined;

  constructor(
    private readonly core: SampleOrgCore,
    private readonly users: SampleUsers,
    private readonly groups: SampleGroups,
  ) {
    this.generate();
    core.onInvalidate(() => {
      this.adminUsersCache = undefined;
    });
  }

  /** Whether any role is assigned to the group (`expand=stats` calls it `hasAdminPrivilege`). */
  groupHoldsRoles(group: number): boolean {
    return this.groupHeld.has(group);
  }

  private generate(): void {
    this.direct.set(UserFixture.admin, ['SUPER_ADMIN']);
    const wanted = Math.max(2, Math.floor(this.users.baseCount / 400));
    let added = 0;
    for (let k = 0; added < wanted && k < wanted * 20; k++) {
      const span = this.users.baseCount - FIXTURE_USER_COUNT;
      if (span <= 0) break;
      const user = FIXTURE_USER_COUNT + (hash(this.core.seed, Salt.Roles, k) % span);
      if (this.direct.has(user) || this.users.baseStatus(user) !== 'ACTIVE') continue;
      const first = GENERIC_ROLE_TYPES[
        hash(this.core.seed, Salt.Roles, k, 1) % GENERIC_ROLE_TYPES.length
      ] as string;
      const second = GENERIC_ROLE_TYPES[
        hash(this.core.seed, Salt.Roles, k, 2) % GENERIC_ROLE_TYPES.length
      ] as string;
      this.direct.set(user, first === second || k % 3 ? [first] : [first, second]);
      added++;
    }
  }

  private role(assigneeKind: 'USER' | 'GROUP', assignee: number, type: string): SampleRole {
    const assigneeId = assigneeKind === 'USER' ? this.users.ids.at(assignee) : this.groups.ids.at(assignee);
    const typeIndex = Object.keys(ROLE_LABELS).indexOf(type);
    const created = seconds(
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

  private customRole(user: number): SampleRole {
    const created = seconds(this.core.t0 - 42 * DAY_MS);
    const resourceSet = `${IdPrefix.resourceSet}${opaqueId(this.core.seed, Salt.Roles, 1, 17)}`;
    const roleId = `${IdPrefix.customRole}${opaqueId(this.core.seed, Salt.Roles, 2, 17)}`;
    return {
      id: `irb${opaqueId(this.core.seed, Salt.Roles, user, 17)}`,
      label: 'Inventory auditor (custom)',
      type: 'CUSTOM',
      status: 'ACTIVE',
      created: iso(created),
      lastUpdated: iso(created),
      assignmentType: 'USER',
      'resource-set': resourceSet,
      role: roleId,
      _links: {
        assignee: { href: this.core.url(`/api/v1/users/${this.users.ids.at(user)}`) },
        'resource-set': { href: this.core.url(`/api/v1/iam/resource-sets/${resourceSet}`) },
        role: { href: this.core.url(`/api/v1/iam/roles/${roleId}`) },
      },
    };
  }

  /** Every role the user holds, directly (USER) or through a group (GROUP). */
  ofUser(user: number): SampleRole[] {
    const roles = (this.direct.get(user) ?? []).map((type) => this.role('USER', user, type));
    if (this.customRoleHolders.has(user)) roles.push(this.customRole(user));
    for (const [group, types] of this.groupHeld) {
      if (includesIndex(this.groups.membersOf(group), user)) {
        for (const type of types) roles.push({ ...this.role('GROUP', group, type) });
      }
    }
    return roles;
  }

  ofGroup(group: number): SampleRole[] {
    return (this.groupHeld.get(group) ?? []).map((type) => this.role('GROUP', group, type));
  }

  /** Users holding at least one role, sorted by index (what `/api/v1/iam/assignees/users` lists). */
  adminUsers(): Uint32Array {
    if (!this.adminUsersCache) {
      const all = new Set<number>([...this.direct.keys(), ...this.customRoleHolders]);
      for (const group of this.groupHeld.keys()) {
        const list = this.groups.membersOf(group);
        for (let position = 0; position < list.size; position++) all.add(list.at(position));
      }
      this.adminUsersCache = Uint32Array.from([...all].filter((user) => this.users.exists(user))).sort();
    }
    return this.adminUsersCache;
  }
}
