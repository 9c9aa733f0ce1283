import { type IndexList, includesIndex, listOf, pickDistinct, rangeList } from './index-list.js';
import { IdPrefix, OktaIdSequence, opaqueId } from './okta-ids.js';
import type { SampleGroup } from './okta-records.js';
import { hash, unit } from './random.js';
import { DAY_MS, iso, readPath, Salt, type SampleOrgCore, seconds } from './sample-org-core.js';
import type { SampleUsers } from './sample-org-users.js';
import {
  FIXTURE_GROUP_COUNT,
  FIXTURE_USER_COUNT,
  GROUP_NAMES,
  GroupFixture,
  longText,
} from './tricky-values.js';

/** What `expand=stats` reports that other entities know (apps assigned, roles held). */
export interface GroupStatsSource {
  appsCount(group: number): number;
  hasAdminPrivilege(group: number): boolean;
}

/** The org's groups and their members (Everyone is implicit: every user). */
export class SampleGroups {
  readonly ids: OktaIdSequence;
  readonly count: number;
  /** Current members per group (sorted user indexes); Everyone is implicit (null). Replaced, never edited. */
  readonly members: (Uint32Array | null)[];
  /** The members as generated, for history (System Log) that must not change when the org does. */
  readonly baseMembers: readonly (Uint32Array | null)[];
  readonly membershipUpdated = new Map<number, number>();
  /** Groups `mutate()` deleted: gone from every list and lookup, their members with them. */
  readonly deleted = new Set<number>();

  constructor(
    private readonly core: SampleOrgCore,
    private readonly users: SampleUsers,
    private readonly stats: GroupStatsSource,
  ) {
    this.ids = new OktaIdSequence(IdPrefix.group, core.seed, new Set([GroupFixture.caseTwinLower]));
    this.count = core.dims.groups;
    this.members = this.generateMembers();
    this.baseMembers = [...this.members];
  }

  type(group: number): 'BUILT_IN' | 'OKTA_GROUP' | 'APP_GROUP' {
    if (group === GroupFixture.everyone) return 'BUILT_IN';
    if (group === GroupFixture.appGroup) return 'APP_GROUP';
    if (group < FIXTURE_GROUP_COUNT) return 'OKTA_GROUP';
    return unit(hash(this.core.seed, Salt.GroupMeta, group, 1)) < 0.1 ? 'APP_GROUP' : 'OKTA_GROUP';
  }

  /** The group's index, or -1 (also for deleted groups). */
  indexOf(id: string): number {
    const group = this.ids.indexOf(id, this.count);
    return group >= 0 && this.deleted.has(group) ? -1 : group;
  }

  exists(group: number): boolean {
    return group >= 0 && group < this.count && !this.deleted.has(group);
  }

  /** Current members, sorted by user index (deleted users are filtered by the callers). */
  membersOf(group: number): IndexList {
    const members = this.members[group];
    return members ? listOf(members) : rangeList(this.users.count);
  }

  baseMembersOf(group: number): IndexList {
    const members = this.baseMembers[group];
    return members ? listOf(members) : rangeList(this.users.baseCount);
  }

  isMember(group: number, user: number): boolean {
    return this.users.exists(user) && includesIndex(this.membersOf(group), user);
  }

  memberCount(group: number): number {
    const list = this.membersOf(group);
    let count = 0;
    for (let position = 0; position < list.size; position++) {
      if (!this.users.deleted.has(list.at(position))) count++;
    }
    return count;
  }

  times(group: number): { created: number; lastUpdated: number; lastMembershipUpdated: number } {
    const { seed, t0 } = this.core;
    const h = (k: number) => unit(hash(seed, Salt.GroupMeta, group, k));
    const created =
      group === GroupFixture.everyone
        ? seconds(t0 - 2_000 * DAY_MS)
        : seconds(t0 - (30 + h(2) * 1_900) * DAY_MS);
    const lastUpdated =
      h(3) < 0.1 ? seconds(t0 - h(4) * 7 * DAY_MS) : seconds(created + h(4) * (t0 - created));
    const base = group === GroupFixture.everyone ? t0 - 3_600_000 : seconds(t0 - h(5) * 30 * DAY_MS);
    const lastMembershipUpdated = this.membershipUpdated.get(group) ?? Math.max(created, base);
    return { created, lastUpdated, lastMembershipUpdated };
  }

  profile(group: number): SampleGroup['profile'] {
    switch (group) {
      case GroupFixture.everyone:
        return { name: 'Everyone', description: 'All users in your organization' };
      case GroupFixture.boundary:
        return {
          name: 'Page boundary',
          description: `Exactly ${this.core.dims.boundaryGroupMembers} members`,
        };
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
    const name = `${GROUP_NAMES[hash(this.core.seed, Salt.GroupMeta, group, 6) % GROUP_NAMES.length]} ${group}`;
    if (this.type(group) === 'APP_GROUP') {
      return {
        name,
        description: 'Imported from Active Directory',
        dn: `CN=${name},OU=Groups,DC=corp,DC=example,DC=com`,
        samAccountName: name.replace(/\s+/g, '_'),
        windowsDomainQualifiedName: `CORP\\${name}`,
        externalId: opaqueId(this.core.seed, Salt.GroupMeta, group, 24),
      };
    }
    return { name, description: `Team ${group}` };
  }

  build(group: number, stats = false): SampleGroup {
    const { core } = this;
    const times = this.times(group);
    const id = this.ids.at(group);
    const type = this.type(group);
    const result: SampleGroup = {
      id,
      created: iso(times.created),
      lastUpdated: iso(times.lastUpdated),
      lastMembershipUpdated: iso(times.lastMembershipUpdated),
      objectClass: [type === 'APP_GROUP' ? 'okta:windows_security_principal' : 'okta:user_group'],
      type,
      profile: this.profile(group),
      _links: {
        logo: [
          {
            name: 'medium',
            href: core.url('/assets/img/logos/groups/odyssey/okta-medium.png'),
            type: 'image/png',
          },
          {
            name: 'large',
            href: core.url('/assets/img/logos/groups/odyssey/okta-large.png'),
            type: 'image/png',
          },
        ],
        users: { href: core.url(`/api/v1/groups/${id}/users`) },
        apps: { href: core.url(`/api/v1/groups/${id}/apps`) },
      },
    };
    if (stats) {
      result._embedded = {
        stats: {
          usersCount: this.memberCount(group),
          appsCount: this.stats.appsCount(group),
          groupPushMappingsCount: 0,
          hasAdminPrivilege: this.stats.hasAdminPrivilege(group),
        },
      };
    }
    return result;
  }

  reader(group: number): (path: string) => unknown {
    let built: SampleGroup | undefined;
    return (path) => {
      if (path === 'id') return this.ids.at(group);
      if (path === 'type') return this.type(group);
      built ??= this.build(group);
      return readPath(built, path);
    };
  }

  /** Used by `mutate()`: Okta deletes a group with its memberships. */
  delete(group: number): void {
    this.deleted.add(group);
    this.setMembers(group, new Uint32Array(0));
  }

  /** Used by `mutate()`. */
  setMembers(group: number, members: Uint32Array): void {
    this.members[group] = members;
    this.core.invalidate();
  }

  private generateMembers(): (Uint32Array | null)[] {
    const { seed } = this.core;
    const { users, groups, boundaryGroupMembers, membershipsPerUser } = this.core.dims;
    const pick = (group: number, count: number, accept?: (user: number) => boolean) =>
      pickDistinct(Math.min(count, users), users, hash(seed, Salt.GroupMembers, group), accept);
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
      const u = unit(hash(seed, Salt.GroupSize, group));
      result.push(pick(group, Math.floor(average * 4 * u * u * u) + 1));
    }
    return result;
  }
}
