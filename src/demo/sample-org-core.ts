import { IdPrefix, opaqueId } from './okta-ids.js';
import { SAMPLE_ORG_DIMENSIONS, type SampleOrgDimensions, type SampleOrgSize } from './sample-org-size.js';

export const DAY_MS = 86_400_000;

/** Salts that keep the hash streams of different attributes independent. */
export enum Salt {
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

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Whole seconds, as Okta's timestamps are. */
export function seconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
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

export interface SampleOrgDataOptions {
  /** The clock (epoch ms). Generated timestamps lie before its value at creation. @default Date.now */
  now?: () => number;
  /**
   * The instant (epoch ms) the generated timestamps are anchored to, instead of the clock at creation:
   * the same anchor gives the same data at any later time (the demo org across runs).
   */
  anchor?: number;
  /** The origin that `_links` point at. @default 'http://127.0.0.1' */
  origin?: string;
  /** @default 'idx' */
  pipeline?: 'idx' | 'v1';
  /**
   * Whether `/api/v1/iam/assignees/users` also lists users who hold a role only through a group.
   * Okta's docs say "users with role assignments" and do not promise it, so the default is the
   * harder case: only users with a role assigned to them. @default false
   */
  roleAssigneesIncludeGroupHolders?: boolean;
  /**
   * Okta's lists are eventually consistent: while a list changes, a record can come twice. With this
   * on, every page of a paged list repeats its first record, and a page reached through a cursor
   * starts with the previous page's last record again. @default false
   */
  repeatRecords?: boolean;
  /**
   * How long (on the org's clock, ms) the users' `search` index shows users as they were before a
   * change set: Okta's `search` "results are sourced from an eventually consistent datasource and may
   * not reflect the latest information", while `filter` reads "the most up-to-date data"
   * (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/listUsers).
   * On a frozen clock the lag never ends. 0 makes search as current as filter. @default 60000
   */
  userSearchLagMs?: number;
}

/**
 * The seeded core every entity of the sample org is generated from: size, seed, clock, origin and
 * org-wide ids, plus the one change signal (`invalidate()`) that drops what entities computed from
 * memberships and assignments.
 */
export class SampleOrgCore {
  readonly dims: SampleOrgDimensions;
  readonly now: () => number;
  /** The clock at creation: every generated timestamp is before it. */
  readonly t0: number;
  origin: string;
  readonly pipeline: 'idx' | 'v1';
  readonly orgId: string;
  readonly userTypeId: string;
  readonly roleAssigneesIncludeGroupHolders: boolean;
  readonly repeatRecords: boolean;
  readonly userSearchLagMs: number;
  /** Number of change sets applied. */
  mutations = 0;
  private readonly invalidators: (() => void)[] = [];

  constructor(
    readonly size: SampleOrgSize,
    readonly seed: number,
    options: SampleOrgDataOptions = {},
  ) {
    this.dims = SAMPLE_ORG_DIMENSIONS[size];
    this.now = options.now ?? Date.now;
    this.t0 = seconds(options.anchor ?? this.now());
    this.origin = options.origin ?? 'http://127.0.0.1';
    this.pipeline = options.pipeline ?? 'idx';
    this.roleAssigneesIncludeGroupHolders = options.roleAssigneesIncludeGroupHolders ?? false;
    this.repeatRecords = options.repeatRecords ?? false;
    this.userSearchLagMs = options.userSearchLagMs ?? 60_000;
    this.orgId = `${IdPrefix.org}${opaqueId(seed, Salt.Org, 0, 17)}`;
    this.userTypeId = `${IdPrefix.userType}${opaqueId(seed, Salt.Org, 1, 17)}`;
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  /** Registers a cache to drop when memberships, assignments or users change. */
  onInvalidate(drop: () => void): void {
    this.invalidators.push(drop);
  }

  /** Drops everything computed from memberships and assignments. */
  invalidate(): void {
    for (const drop of this.invalidators) drop();
  }
}
