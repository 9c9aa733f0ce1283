import { IdPrefix, OktaIdSequence } from './okta-ids.js';
import type { SampleUser, UserProfile, UserStatus } from './okta-records.js';
import { hash, unit } from './random.js';
import { DAY_MS, iso, readPath, Salt, type SampleOrgCore, seconds } from './sample-org-core.js';
import {
  DEPARTMENTS,
  FIRST_NAMES,
  FIXTURE_USER_COUNT,
  LAST_NAMES,
  LICENSES,
  PLACES,
  TITLES,
  USER_FIXTURE_PROFILES,
  UserFixture,
} from './tricky-values.js';

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

/** Users who were never activated have no activation, password or sign-in timestamps. */
function neverActivated(status: UserStatus): boolean {
  return status === 'STAGED' || status === 'PROVISIONED';
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

/** The org's users: generated from (seed, index), plus what `mutate()` added, changed or deleted. */
export class SampleUsers {
  readonly ids: OktaIdSequence;
  readonly baseCount: number;
  count: number;
  readonly overrides = new Map<number, UserOverride>();
  readonly deleted = new Set<number>();

  constructor(private readonly core: SampleOrgCore) {
    this.ids = new OktaIdSequence(IdPrefix.user, core.seed, new Set([UserFixture.caseTwinLower]));
    this.baseCount = core.dims.users;
    this.count = core.dims.users;
  }

  baseStatus(user: number): UserStatus {
    const fixture = STATUS_FIXTURES[user];
    if (fixture) return fixture;
    if (user < FIXTURE_USER_COUNT || user >= this.baseCount) return 'ACTIVE';
    const u = unit(hash(this.core.seed, Salt.UserStatus, user));
    if (u < 0.05) return 'DEPROVISIONED';
    if (u < 0.07) return 'SUSPENDED';
    if (u < 0.09) return 'LOCKED_OUT';
    if (u < 0.12) return 'STAGED';
    if (u < 0.15) return 'PROVISIONED';
    if (u < 0.17) return 'PASSWORD_EXPIRED';
    if (u < 0.18) return 'RECOVERY';
    return 'ACTIVE';
  }

  status(user: number): UserStatus {
    return this.overrides.get(user)?.status ?? this.baseStatus(user);
  }

  exists(user: number): boolean {
    return user >= 0 && user < this.count && !this.deleted.has(user);
  }

  /** The user's index, or -1 (also for deleted users). */
  indexOf(id: string): number {
    const user = this.ids.indexOf(id, this.count);
    return user >= 0 && this.deleted.has(user) ? -1 : user;
  }

  baseTimes(user: number): UserTimes {
    const { seed, t0 } = this.core;
    const status = this.baseStatus(user);
    const h = (k: number) => unit(hash(seed, Salt.UserTime, user, k));
    const created = seconds(t0 - 20 * DAY_MS - h(1) * 1_800 * DAY_MS);
    const activated = neverActivated(status) ? null : seconds(created + h(2) * 7_200_000);
    const from = activated ?? created;
    // About one user in eight changed in the last week, so incremental searches find something.
    const lastUpdated =
      h(3) < 0.12 ? seconds(t0 - h(4) * 7 * DAY_MS) : seconds(from + h(4) * (t0 - from - DAY_MS));
    const updated = Math.max(lastUpdated, from);
    const statusChanged = status === 'STAGED' ? null : status === 'ACTIVE' ? activated : updated;
    let lastLogin: number | null = null;
    if (activated !== null && h(5) >= 0.05) {
      lastLogin =
        status === 'ACTIVE'
          ? seconds(Math.max(activated, t0 - h(6) * 60 * DAY_MS))
          : seconds(activated + h(6) * ((statusChanged ?? activated) - activated));
    }
    const passwordChanged = activated === null ? null : seconds(activated + h(7) * (updated - activated));
    return { created, activated, statusChanged, lastLogin, lastUpdated: updated, passwordChanged };
  }

  times(user: number): UserTimes {
    const base = this.baseTimes(user);
    const override = this.overrides.get(user);
    return override ? { ...base, ...pickTimes(override) } : base;
  }

  lastUpdated(user: number): number {
    return this.overrides.get(user)?.lastUpdated ?? this.baseTimes(user).lastUpdated;
  }

  private generatedName(user: number): {
    first: string;
    firstAscii: string;
    last: string;
    lastAscii: string;
  } {
    const [first, firstAscii] = FIRST_NAMES[
      hash(this.core.seed, Salt.UserName, user, 1) % FIRST_NAMES.length
    ] as readonly [string, string];
    const [last, lastAscii] = LAST_NAMES[
      hash(this.core.seed, Salt.UserName, user, 2) % LAST_NAMES.length
    ] as readonly [string, string];
    return { first, firstAscii, last, lastAscii };
  }

  /** Login and display name (as the System Log shows a user) without building the whole profile. */
  identity(user: number, current = true): { login: string; displayName: string } {
    if (USER_FIXTURE_PROFILES[user] || (current && this.overrides.get(user)?.profile)) {
      const profile = this.profile(user, current);
      return { login: String(profile.login), displayName: String(profile.displayName ?? profile.login) };
    }
    const { first, firstAscii, last, lastAscii } = this.generatedName(user);
    return { login: `${firstAscii}.${lastAscii}.${user}@demo.example`, displayName: `${first} ${last}` };
  }

  /** The generated profile; `current` adds what `mutate()` changed. */
  profile(user: number, current = true): UserProfile {
    const { seed } = this.core;
    const h = (k: number) => hash(seed, Salt.UserName, user, k);
    const { first, firstAscii, last, lastAscii } = this.generatedName(user);
    const [city, countryCode, timezone, locale] = PLACES[h(3) % PLACES.length] as readonly [
      string,
      string,
      string,
      string,
    ];
    const p = (k: number) => unit(hash(seed, Salt.UserProfile, user, k));
    const login = `${firstAscii}.${lastAscii}.${user}@demo.example`;
    const contractor = p(1) < 0.15;
    const licenseMask = hash(seed, Salt.UserProfile, user, 2);
    const created = (current && this.overrides.get(user)?.created) || this.baseTimes(user).created;
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
      managerId: user >= 8 ? this.ids.at(user >>> 3) : null,
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
    const override = current ? this.overrides.get(user)?.profile : undefined;
    if (override) Object.assign(profile, override);
    return profile;
  }

  build(user: number): SampleUser {
    const status = this.status(user);
    const times = this.times(user);
    const id = this.ids.at(user);
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
      type: { id: this.core.userTypeId },
      profile: this.profile(user),
      credentials: neverActivated(status) ? { provider } : { password: {}, provider },
      _links: { self: { href: this.core.url(`/api/v1/users/${id}`) } },
    };
  }

  /** Reads a user attribute for filters without building the whole user when it can. */
  reader(user: number): (path: string) => unknown {
    let built: SampleUser | undefined;
    return (path) => {
      if (path === 'id') return this.ids.at(user);
      if (path === 'status') return this.status(user);
      if (path === 'lastUpdated') return iso(this.lastUpdated(user));
      built ??= this.build(user);
      return readPath(built, path);
    };
  }

  /** The users as Okta's `search` index still shows them: the state before the latest change sets. */
  #searchView:
    | { until: number; count: number; overrides: Map<number, UserOverride>; deleted: Set<number> }
    | undefined;

  /**
   * Called by `mutate()` before it changes anything: for `userSearchLagMs` from now, `search` shows
   * the users as they are now (a change set within the lag of an earlier one keeps the earlier view).
   */
  beginChangeSet(now: number): void {
    const lag = this.core.userSearchLagMs;
    if (lag <= 0) return;
    if (this.#searchView && now < this.#searchView.until) {
      this.#searchView.until = now + lag;
      return;
    }
    this.#searchView = {
      until: now + lag,
      count: this.count,
      overrides: new Map(this.overrides),
      deleted: new Set(this.deleted),
    };
  }

  /**
   * Reads a user as the eventually consistent `search` sees them at `now`, or undefined for a user not
   * in its index (created within the lag, or deleted before it).
   */
  searchReader(user: number, now: number): ((path: string) => unknown) | undefined {
    const view = this.#searchView;
    if (!view || now >= view.until) return this.deleted.has(user) ? undefined : this.reader(user);
    if (user >= view.count || view.deleted.has(user)) return undefined;
    const before = view.overrides.get(user);
    const current = this.overrides.get(user);
    if (before === current && !this.deleted.has(user)) return this.reader(user);
    // The user as the index last saw them: built with the earlier override in place.
    if (before) this.overrides.set(user, before);
    else this.overrides.delete(user);
    const stale = this.build(user);
    if (current) this.overrides.set(user, current);
    else this.overrides.delete(user);
    return (path) => readPath(stale, path);
  }

  /** Used by `mutate()`. */
  override(user: number, change: UserOverride): void {
    const previous = this.overrides.get(user) ?? {};
    const profile = change.profile ? { ...previous.profile, ...change.profile } : previous.profile;
    this.overrides.set(user, { ...previous, ...change, ...(profile && { profile }) });
    this.core.invalidate();
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
