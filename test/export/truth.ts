import type { SampleOrg } from '../../src/demo/index.js';
import { CLOCK, DAY_MS } from './helpers.js';

export type Row = Record<string, unknown>;

/**
 * The ground truth of the joined views, computed here from the sample org's truth alone (no
 * snapshot file, no code of src/export), with the rules docs/export.md states.
 */
export function expectedAssignments(org: SampleOrg): Row[] {
  const users = new Map([...org.truth.users()].map((user) => [user.id, user]));
  const apps = new Map([...org.truth.apps()].map((app) => [app.id, app]));
  const groupNames = new Map([...org.truth.groups()].map((group) => [group.id, String(group.profile.name)]));
  const memberships = new Set([...org.truth.groupMembers()].map((m) => `${m.groupId}|${m.userId}`));
  const appGroups = new Map<string, { id: string; priority: number }[]>();
  for (const assignment of org.truth.appGroups()) {
    const list = appGroups.get(assignment.appId) ?? [];
    list.push({ id: assignment.id, priority: assignment.priority });
    appGroups.set(assignment.appId, list);
  }
  for (const list of appGroups.values()) list.sort((a, b) => a.priority - b.priority);

  // src/sync/app-usage.ts and APP_SIGN_IN_EVENT_TYPES: a sign-in is an SSO or OIDC
  // authorization-code event whose actor is a User and one of whose targets (any position) is an
  // AppInstance and whose outcome is SUCCESS; counted when published within 90 (30) days before the run.
  const signInTypes = new Set([
    'user.authentication.sso',
    'app.oauth2.authorize.code',
    'app.oauth2.as.authorize.code',
  ]);
  const usage = new Map<string, { last: number; d30: number; d90: number }>();
  for (const event of org.truth.logEvents()) {
    if (!signInTypes.has(event.eventType)) continue;
    if (event.actor.type !== 'User' || !event.actor.id) continue;
    if (event.outcome.result !== 'SUCCESS') continue;
    const app = event.target.find((target) => target.type === 'AppInstance');
    if (!app?.id) continue;
    const at = Date.parse(event.published);
    if (at < CLOCK - 90 * DAY_MS) continue;
    const key = `${event.actor.id}|${app.id}`;
    const entry = usage.get(key) ?? { last: at, d30: 0, d90: 0 };
    entry.last = Math.max(entry.last, at);
    entry.d90 += 1;
    if (at >= CLOCK - 30 * DAY_MS) entry.d30 += 1;
    usage.set(key, entry);
  }

  return [...org.truth.appUsers()].map((assignment) => {
    const user = users.get(assignment.id)!;
    const app = apps.get(assignment.appId)!;
    const profile = user.profile as Record<string, string | null>;
    const used = usage.get(`${assignment.id}|${assignment.appId}`);
    const name =
      profile.displayName ?? ([profile.firstName, profile.lastName].filter(Boolean).join(' ') || null);
    return {
      'user.id': user.id,
      'user.login': profile.login,
      'user.email': profile.email,
      'user.name': name,
      'user.status': user.status,
      'user.department': profile.department ?? null,
      'user.lastLogin': user.lastLogin,
      'app.id': app.id,
      'app.label': app.label,
      'app.status': app.status,
      'app.signOnMode': app.signOnMode,
      scope: assignment.scope === 'USER' ? 'direct' : 'group',
      groups: (appGroups.get(app.id) ?? [])
        .filter((group) => memberships.has(`${group.id}|${user.id}`))
        .map((group) => groupNames.get(group.id)),
      assignmentStatus: assignment.status,
      lastSignIn: used ? new Date(used.last).toISOString() : null,
      signIns30d: used?.d30 ?? 0,
      signIns90d: used?.d90 ?? 0,
    };
  });
}

export function expectedLicenceUsage(org: SampleOrg, assignments: Row[], activeDays: number): Row[] {
  const cutoff = CLOCK - activeDays * DAY_MS;
  return [...org.truth.apps()].map((app) => {
    const mine = assignments.filter((row) => row['app.id'] === app.id);
    const active = mine.filter(
      (row) => row.lastSignIn !== null && Date.parse(String(row.lastSignIn)) >= cutoff,
    );
    const never = mine.filter((row) => row.lastSignIn === null);
    const seatCount = app.licensing?.seatCount ?? null;
    const basis = seatCount ?? mine.length;
    return {
      'app.id': app.id,
      'app.label': app.label,
      'app.status': app.status,
      'app.signOnMode': app.signOnMode,
      seatCount,
      assignedUsers: mine.length,
      seatsOverAllocated: seatCount === null ? null : Math.max(0, mine.length - seatCount),
      seatsUnassigned: seatCount === null ? null : Math.max(0, seatCount - mine.length),
      activeUsers: active.length,
      active30d: mine.filter((row) => (row.signIns30d as number) > 0).length,
      active90d: mine.filter((row) => (row.signIns90d as number) > 0).length,
      inactiveUsers: mine.length - active.length - never.length,
      neverSignedIn: never.length,
      unusedUsers: mine.length - active.length,
      deprovisionedUsers: mine.filter((row) => row['user.status'] === 'DEPROVISIONED').length,
      suspendedUsers: mine.filter((row) => row['user.status'] === 'SUSPENDED').length,
      seatBasis: seatCount === null ? 'assignedUsers' : 'seatCount',
      seatsUsedPercent: basis > 0 ? Math.round((1000 * active.length) / basis) / 10 : null,
      activeDays,
    };
  });
}
