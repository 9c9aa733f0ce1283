import type { IndexList } from './index-list.js';
import { pickDistinct } from './index-list.js';
import { opaqueId } from './okta-ids.js';
import type { SampleAppGroup, SampleAppUser } from './okta-records.js';
import { hash, unit } from './random.js';
import type { SampleApps } from './sample-org-apps.js';
import { iso, Salt, type SampleOrgCore, seconds } from './sample-org-core.js';
import type { SampleGroups } from './sample-org-groups.js';
import type { SampleUsers } from './sample-org-users.js';
import {
  AppFixture,
  FIXTURE_APP_COUNT,
  FIXTURE_USER_COUNT,
  GroupFixture,
  UserFixture,
} from './tricky-values.js';

/** Users of an app after expanding group assignments: sorted by user index. */
export interface EffectiveAppUsers {
  users: Uint32Array;
  /** 1 when the user is assigned directly (scope USER), even if a group also assigns them. */
  direct: Uint8Array;
  /** The highest-priority group that assigns the user, or -1. */
  viaGroup: Int32Array;
}

/** Who is assigned to which app, directly or through a group, and the app user / app group records. */
export class SampleAppAssignments {
  /** Directly assigned users per app (sorted user indexes). Replaced, never edited. */
  readonly direct: Uint32Array[];
  readonly baseDirect: readonly Uint32Array[];
  /** The groups assigned to each app, in priority order. Replaced, never edited. */
  readonly groups: (readonly number[])[];
  readonly baseGroups: readonly (readonly number[])[];
  /** Creation time of assignments made by `mutate()`, keyed `${app}:${user}`. */
  readonly assignmentCreated = new Map<string, number>();
  /** When `mutate()` assigned a group to an app, keyed `${app}:${group}`. */
  readonly groupAssigned = new Map<string, number>();
  private effectiveCache = new Map<number, EffectiveAppUsers>();
  private readonly baseEffectiveCache = new Map<number, EffectiveAppUsers>();
  private scratchStamp = new Int32Array(0);
  private scratchGeneration = 0;

  constructor(
    private readonly core: SampleOrgCore,
    private readonly users: SampleUsers,
    private readonly groupList: SampleGroups,
    private readonly apps: SampleApps,
  ) {
    const { direct, groups } = this.generate();
    this.direct = direct;
    this.baseDirect = [...direct];
    this.groups = groups;
    this.baseGroups = [...groups];
    core.onInvalidate(() => {
      this.effectiveCache = new Map();
    });
  }

  /** How many apps the group is assigned to. */
  appsCount(group: number): number {
    let count = 0;
    for (const groups of this.groups) if (groups.includes(group)) count++;
    return count;
  }

  /** Used by `mutate()`. */
  setDirect(app: number, users: Uint32Array): void {
    this.direct[app] = users;
    this.core.invalidate();
  }

  /** Used by `mutate()`: the group becomes the app's lowest-priority group. */
  assignGroup(app: number, group: number, at: number): void {
    this.groups[app] = [...(this.groups[app] ?? []), group];
    this.groupAssigned.set(`${app}:${group}`, at);
    this.core.invalidate();
  }

  /** Used by `mutate()`. */
  unassignGroup(app: number, group: number): void {
    this.groups[app] = (this.groups[app] ?? []).filter((item) => item !== group);
    this.groupAssigned.delete(`${app}:${group}`);
    this.core.invalidate();
  }

  private generate(): { direct: Uint32Array[]; groups: number[][] } {
    const { users, apps, groups: groupCount, boundaryAppUsers } = this.core.dims;
    const notDeprovisioned = (user: number) => this.users.baseStatus(user) !== 'DEPROVISIONED';
    const pick = (app: number, count: number, accept?: (user: number) => boolean) =>
      pickDistinct(Math.min(count, users), users, hash(this.core.seed, Salt.AppDirect, app), accept);
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
    const averageDirect = generic > 0 ? (this.core.dims.directAssignmentsPerUser * users) / generic : 0;
    for (let app = FIXTURE_APP_COUNT; app < apps; app++) {
      const h = (k: number) => hash(this.core.seed, Salt.AppGroups, app, k);
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
  effectiveUsers(app: number): EffectiveAppUsers {
    if (this.core.mutations === 0) return this.baseEffectiveUsers(app);
    let cached = this.effectiveCache.get(app);
    if (!cached) {
      cached = this.computeEffective(
        this.direct[app] as Uint32Array,
        this.groups[app] as number[],
        (group) => this.groupList.membersOf(group),
        (user) => this.users.deleted.has(user) || this.users.status(user) === 'DEPROVISIONED',
        this.users.count,
      );
      this.effectiveCache.set(app, cached);
    }
    return cached;
  }

  /** The app's users as generated, before any `mutate()`: the history the System Log is made of. */
  baseEffectiveUsers(app: number): EffectiveAppUsers {
    let cached = this.baseEffectiveCache.get(app);
    if (!cached) {
      cached = this.computeEffective(
        this.baseDirect[app] as Uint32Array,
        this.baseGroups[app] as number[],
        (group) => this.groupList.baseMembersOf(group),
        (user) => this.users.baseStatus(user) === 'DEPROVISIONED',
        this.users.baseCount,
      );
      this.baseEffectiveCache.set(app, cached);
    }
    return cached;
  }

  buildAppUser(app: number, effective: EffectiveAppUsers, position: number): SampleAppUser {
    const shape = this.apps.shape(app);
    const user = effective.users[position] as number;
    const userId = this.users.ids.at(user);
    const appId = this.apps.ids.at(app);
    const profile = this.users.profile(user);
    const userTimes = this.users.times(user);
    const appTimes = this.apps.times(app);
    const h = (k: number) => unit(hash(this.core.seed, Salt.AppUser, app * 1_000_003 + user, k));
    const from = Math.max(userTimes.created, appTimes.created);
    const created =
      this.assignmentCreated.get(`${app}:${user}`) ?? seconds(from + h(1) * (this.core.t0 - from) * 0.5);
    const lastUpdated = Math.max(created, seconds(created + h(2) * (this.core.t0 - created)));
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
        app: { href: this.core.url(`/api/v1/apps/${appId}`) },
        user: { href: this.core.url(`/api/v1/users/${userId}`) },
      },
    };
    if (shape.provisioning) {
      record.externalId = opaqueId(this.core.seed, Salt.AppUser, app * 1_000_003 + user, 20);
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
      const groupId = this.groupList.ids.at(group);
      record._links.group = {
        name: String(this.groupList.profile(group).name),
        href: this.core.url(`/api/v1/groups/${groupId}`),
      };
    }
    return record;
  }

  buildAppGroup(app: number, group: number, priority: number): SampleAppGroup {
    const appId = this.apps.ids.at(app);
    const groupId = this.groupList.ids.at(group);
    const appTimes = this.apps.times(app);
    const groupTimes = this.groupList.times(group);
    const from = Math.max(appTimes.created, groupTimes.created);
    const lastUpdated =
      this.groupAssigned.get(`${app}:${group}`) ??
      seconds(from + unit(hash(this.core.seed, Salt.AppGroups, app, 100 + group)) * (this.core.t0 - from));
    const shape = this.apps.shape(app);
    return {
      id: groupId,
      lastUpdated: iso(lastUpdated),
      priority,
      profile: shape.provisioning ? { department: null, title: 'Default, "title"' } : {},
      _links: {
        app: { href: this.core.url(`/api/v1/apps/${appId}`) },
        group: { href: this.core.url(`/api/v1/groups/${groupId}`) },
      },
    };
  }
}
