import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChangeSetSummary,
  createSampleOrgData,
  EVERY_CHANGE_KIND,
  type SampleAppUser,
  type SampleGroup,
  type SampleLogEvent,
  type SampleOrg,
  type SampleUser,
  startSampleOrg,
  UserFixture,
} from '../../src/demo/index.js';
import { expectSameRecords, get, json, manualClock, walk } from './helpers.js';

const DAY = 86_400_000;
const clock = manualClock();
let org: SampleOrg;
let before: { users: SampleUser[]; groups: SampleGroup[]; events: number };
let change: ChangeSetSummary;
const q = (expression: string) => encodeURIComponent(expression);

beforeAll(async () => {
  org = await startSampleOrg({ size: 'small', now: clock.now, rateLimits: { enabled: false } });
  before = {
    users: [...org.truth.users()],
    groups: [...org.truth.groups()],
    events: [...org.truth.logEvents()].length,
  };
  clock.advance(5 * 60_000);
  change = org.mutate(EVERY_CHANGE_KIND);
});
afterAll(() => org.stop());

describe('mutate()', () => {
  it('summarises a change set of every kind, stamped with the server clock', () => {
    expect(change.at).toBe(new Date(clock.now()).toISOString());
    expect(change.addedUsers).toHaveLength(3);
    expect(change.updatedUsers).toHaveLength(5);
    expect(change.deprovisionedUsers).toHaveLength(2);
    expect(change.reactivatedUsers).toHaveLength(1);
    expect(change.deletedUsers).toHaveLength(1);
    expect(change.addedAppGroups).toHaveLength(1);
    expect(change.removedAppGroups).toHaveLength(1);
    expect(change.groupRoleGrants).toHaveLength(1);
    expect(change.deletedGroups).toHaveLength(1);
    expect(change.deletedUsers[0]).toBe(before.users[UserFixture.deprovisionedToDelete]?.id);
    expect(change.addedMemberships.length).toBeGreaterThanOrEqual(4);
    expect(change.removedMemberships).toHaveLength(2);
    expect(change.addedAppAssignments.length).toBeGreaterThanOrEqual(3);
    expect(change.removedAppAssignments.length).toBeGreaterThanOrEqual(2);
    expect(change.appStatusChanges).toHaveLength(1);
    expect(change.signInEvents).toBeGreaterThan(0);
  });

  it('is deterministic for the same org, clock and seed', () => {
    const make = () => {
      const data = createSampleOrgData('small', 1, { now: () => Date.UTC(2026, 0, 1) });
      return [data.mutate(EVERY_CHANGE_KIND), data.mutate({ ...EVERY_CHANGE_KIND, seed: 5 })];
    };
    expect(make()).toEqual(make());
  });

  it('new and changed users are found by a lastUpdated filter from just before the change', async () => {
    const since = new Date(clock.now() - 1_000).toISOString();
    const { records } = await walk<SampleUser>(org, `/api/v1/users?filter=${q(`lastUpdated gt "${since}"`)}`);
    const expected = new Set([
      ...change.addedUsers,
      ...change.updatedUsers,
      ...change.deprovisionedUsers,
      ...change.reactivatedUsers,
    ]);
    expect(new Set(records.map((user) => user.id))).toEqual(expected);
    expect(records.every((user) => user.lastUpdated === change.at)).toBe(true);
    const added = records.filter((user) => change.addedUsers.includes(user.id));
    expect(added.every((user) => user.created === change.at && user.status === 'ACTIVE')).toBe(true);
  });

  it('search is eventually consistent: the same lastUpdated search misses them for a minute of the org clock', async () => {
    const since = new Date(clock.now() - 1_000).toISOString();
    const path = `/api/v1/users?search=${q(`lastUpdated gt "${since}"`)}`;
    expect((await walk<SampleUser>(org, path)).records).toEqual([]);
    // A deleted user is still in the stale index, under their earlier state.
    const deleted = change.deletedUsers[0] as string;
    const byId = await walk<SampleUser>(org, `/api/v1/users?search=${q(`id eq "${deleted}"`)}`);
    expect(byId.records.map((user) => user.id)).toEqual([deleted]);
    clock.advance(60_000);
    const caughtUp = await walk<SampleUser>(org, path);
    expect(caughtUp.records.length).toBe(
      change.addedUsers.length +
        change.updatedUsers.length +
        change.deprovisionedUsers.length +
        change.reactivatedUsers.length,
    );
    expect((await walk<SampleUser>(org, `/api/v1/users?search=${q(`id eq "${deleted}"`)}`)).records).toEqual(
      [],
    );
  });

  it('deprovisioned users leave the plain list and every app; the deleted user is gone everywhere', async () => {
    const plain = new Set((await walk<SampleUser>(org, '/api/v1/users')).records.map((user) => user.id));
    for (const id of change.deprovisionedUsers) {
      expect(plain.has(id)).toBe(false);
      expect((await get<SampleUser>(org, `/api/v1/users/${id}`)).body.status).toBe('DEPROVISIONED');
    }
    const [deleted] = change.deletedUsers;
    expect((await get(org, `/api/v1/users/${deleted}`)).status).toBe(404);
    const everyone = await walk<SampleUser>(org, `/api/v1/groups/${before.groups[0]?.id}/users`);
    expect(everyone.records.some((user) => user.id === deleted)).toBe(false);
    expect(everyone.records.length).toBe(before.users.length + 3 - 1);
    const appUsers = [...org.truth.appUsers()];
    const leavers = new Set([...change.deprovisionedUsers, ...change.deletedUsers]);
    expect(appUsers.some((entry) => leavers.has(entry.id))).toBe(false);
    expect([...org.truth.users()].some((user) => user.id === deleted)).toBe(false);
  });

  it('a cursor pointing at the deleted user still works', async () => {
    const deleted = change.deletedUsers[0] as string;
    const { records } = await walk<SampleUser>(org, `/api/v1/users?search=status%20pr&after=${deleted}`);
    expect((records[0]?.id ?? '') > deleted).toBe(true);
  });

  it('membership changes move lastMembershipUpdated and show in members and app users', async () => {
    const groups = new Map(
      (await walk<SampleGroup>(org, '/api/v1/groups')).records.map((group) => [group.id, group]),
    );
    for (const { groupId, userId } of change.addedMemberships) {
      expect(groups.get(groupId)?.lastMembershipUpdated).toBe(change.at);
      const members = await walk<SampleUser>(org, `/api/v1/groups/${groupId}/users`);
      expect(members.records.some((user) => user.id === userId)).toBe(true);
    }
    for (const { groupId, userId } of change.removedMemberships) {
      const members = await walk<SampleUser>(org, `/api/v1/groups/${groupId}/users`);
      expect(members.records.some((user) => user.id === userId)).toBe(false);
    }
    const changed = await walk<SampleGroup>(
      org,
      `/api/v1/groups?filter=${q(`lastMembershipUpdated ge "${change.at}"`)}`,
    );
    expect(changed.records.length).toBeGreaterThan(0);
  });

  it('direct assignments appear and disappear in /apps/{id}/users', async () => {
    for (const { appId, userId } of change.addedAppAssignments) {
      const { records } = await walk<SampleAppUser>(org, `/api/v1/apps/${appId}/users?limit=500`);
      expect(records.some((entry) => entry.id === userId)).toBe(true);
    }
    for (const { appId, userId } of change.removedAppAssignments) {
      const { records } = await walk<SampleAppUser>(org, `/api/v1/apps/${appId}/users?limit=500`);
      expect(records.some((entry) => entry.id === userId)).toBe(false);
    }
  });

  it('every change is in the System Log, published now, and in the truth', async () => {
    const since = new Date(clock.now() - DAY).toISOString();
    const until = new Date(clock.now() + 1).toISOString();
    const { records } = await walk<SampleLogEvent>(
      org,
      `/api/v1/logs?since=${since}&until=${until}&limit=1000`,
    );
    const appended = records.filter((event) => event.published === change.at);
    expect(appended).toHaveLength(change.logEvents);
    const truth = [...org.truth.logEvents()];
    expect(truth).toHaveLength(before.events + change.logEvents);
    expectSameRecords(appended, truth.slice(-change.logEvents));
    const types = (type: string) => appended.filter((event) => event.eventType === type);
    expect(types('user.lifecycle.create')).toHaveLength(3);
    expect(types('user.lifecycle.activate')).toHaveLength(3);
    expect(types('user.lifecycle.deactivate')).toHaveLength(2);
    expect(types('user.lifecycle.reactivate').map((event) => event.target[0]?.id)).toEqual(
      change.reactivatedUsers,
    );
    const groupAndApp = (event: SampleLogEvent) => ({
      groupId: event.target.find((target) => target.type === 'UserGroup')?.id,
      appId: event.target.find((target) => target.type === 'AppInstance')?.id,
    });
    expect(types('group.application_assignment.add').map(groupAndApp)).toEqual(change.addedAppGroups);
    expect(types('group.application_assignment.remove').map(groupAndApp)).toEqual(change.removedAppGroups);
    expect(types('group.privilege.grant').map((event) => event.target[0]?.id)).toEqual(
      change.groupRoleGrants.map(({ groupId }) => groupId),
    );
    expect(types('group.lifecycle.delete').map((event) => event.target[0]?.id)).toEqual(change.deletedGroups);
    expect(types('user.lifecycle.delete.initiated').map((event) => event.target[0]?.id)).toEqual(
      change.deletedUsers,
    );
    expect(types('group.user_membership.add')).toHaveLength(change.addedMemberships.length);
    expect(types('group.user_membership.remove')).toHaveLength(change.removedMemberships.length);
    expect(types('application.user_membership.add')).toHaveLength(change.addedAppAssignments.length);
    expect(types('application.user_membership.remove')).toHaveLength(change.removedAppAssignments.length);
    expect(appended.filter((event) => event.eventType.startsWith('application.lifecycle.'))).toHaveLength(1);
    const signIns = types('user.authentication.sso');
    const failed = signIns.filter((event) => event.outcome.result === 'FAILURE');
    expect(signIns.filter((event) => event.outcome.result === 'SUCCESS')).toHaveLength(change.signInEvents);
    expect(failed).toHaveLength(change.failedSignInEvents);
    expect(change.failedSignInEvents).toBe(3);
    // The first failure is by a user just unassigned from that app, the second by a user just deleted.
    const appOf = (event: SampleLogEvent) => event.target.find((target) => target.type === 'AppInstance')?.id;
    const unassigned = change.removedAppAssignments.map(({ appId, userId }) => `${appId} ${userId}`);
    if (unassigned.length > 0) expect(unassigned).toContain(`${appOf(failed[0]!)} ${failed[0]!.actor.id}`);
    expect(change.deletedUsers).toContain(failed[1]!.actor.id);
    for (const event of types('group.user_membership.add')) {
      expect(event.target.map((target) => target.type)).toEqual(['User', 'UserGroup']);
    }
  });

  it('the truth and the endpoints agree after the change', async () => {
    expect((await walk(org, '/api/v1/users?search=status%20pr')).records).toEqual(
      json([...org.truth.users()]),
    );
    expect((await walk(org, '/api/v1/apps?limit=200')).records).toEqual(json([...org.truth.apps()]));
    const app = change.addedAppAssignments[0]?.appId;
    const served = (await walk<object>(org, `/api/v1/apps/${app}/users?limit=500`)).records;
    expectSameRecords(
      served.map((entry) => ({ ...entry, appId: app })),
      [...org.truth.appUsers()].filter((entry) => entry.appId === app),
    );
    const status = change.appStatusChanges[0];
    expect(
      (await get<{ status: string; lastUpdated: string }>(org, `/api/v1/apps/${status?.appId}`)).body,
    ).toMatchObject({
      status: status?.status,
      lastUpdated: change.at,
    });
  });

  it('a reactivated user is ACTIVE again and back on the apps a group or direct assignment gives', async () => {
    const [id] = change.reactivatedUsers;
    expect((await get<SampleUser>(org, `/api/v1/users/${id}`)).body).toMatchObject({
      status: 'ACTIVE',
      statusChanged: change.at,
    });
    expect(before.users.find((user) => user.id === id)?.status).toBe('DEPROVISIONED');
    const regained = change.addedAppAssignments.filter(({ userId }) => userId === id);
    expect(regained.length).toBeGreaterThan(0);
    for (const { appId } of regained) {
      const { records } = await walk<SampleAppUser>(org, `/api/v1/apps/${appId}/users?limit=500`);
      expect(records.some((entry) => entry.id === id)).toBe(true);
    }
  });

  it('a group assigned to an app and one removed: app groups, app users and the truth agree', async () => {
    const appGroups = async (appId: string) =>
      (await walk<{ id: string; priority: number; lastUpdated: string }>(org, `/api/v1/apps/${appId}/groups`))
        .records;
    const [added] = change.addedAppGroups;
    const [removed] = change.removedAppGroups;
    const served = await appGroups(added!.appId);
    expect(served.at(-1)).toMatchObject({
      id: added!.groupId,
      priority: served.length - 1,
      lastUpdated: change.at,
    });
    expect((await appGroups(removed!.appId)).some((group) => group.id === removed!.groupId)).toBe(false);
    // Members of the added group are app users now; whoever had the app only through the removed
    // group lost it. Both are in the change set's assignment lists.
    const members = (await walk<SampleUser>(org, `/api/v1/groups/${added!.groupId}/users`)).records;
    const appUsers = new Set(
      (await walk<SampleAppUser>(org, `/api/v1/apps/${added!.appId}/users?limit=500`)).records.map(
        (u) => u.id,
      ),
    );
    for (const user of members.filter((member) => member.status !== 'DEPROVISIONED'))
      expect(appUsers.has(user.id)).toBe(true);
    const lostRemoved = change.removedAppAssignments.filter(({ appId }) => appId === removed!.appId);
    const removedUsers = new Set(
      (await walk<SampleAppUser>(org, `/api/v1/apps/${removed!.appId}/users?limit=500`)).records.map(
        (u) => u.id,
      ),
    );
    for (const { userId } of lostRemoved) expect(removedUsers.has(userId)).toBe(false);
    const truthGroups = [...org.truth.appGroups()].filter((entry) => entry.appId === added!.appId);
    expectSameRecords(
      served.map((entry) => ({ ...entry, appId: added!.appId })),
      truthGroups,
    );
  });

  it('a role granted to a group: every member holds it, in /users/{id}/roles and in the truth', async () => {
    const [grant] = change.groupRoleGrants;
    const groupRoles = (
      await get<{ type: string; created: string }[]>(org, `/api/v1/groups/${grant!.groupId}/roles`)
    ).body;
    expect(groupRoles).toEqual([expect.objectContaining({ type: grant!.type, created: change.at })]);
    const members = (await walk<SampleUser>(org, `/api/v1/groups/${grant!.groupId}/users`)).records;
    expect(members.length).toBeGreaterThan(0);
    const admins = new Map([...org.truth.adminRoles()].map((entry) => [entry.userId, entry.roles]));
    for (const member of members) {
      const served = (
        await get<{ type: string; assignmentType: string }[]>(org, `/api/v1/users/${member.id}/roles`)
      ).body;
      expect(served).toContainEqual(expect.objectContaining({ type: grant!.type, assignmentType: 'GROUP' }));
      expect(json(admins.get(member.id))).toEqual(served);
    }
  });

  it('a deleted group is gone from the list, its lookups answer 404, and no app or role names it', async () => {
    const [id] = change.deletedGroups;
    expect(before.groups.some((group) => group.id === id)).toBe(true);
    const listed = (await walk<SampleGroup>(org, '/api/v1/groups')).records;
    expect(listed.some((group) => group.id === id)).toBe(false);
    expect(listed).toEqual(json([...org.truth.groups()]));
    expect(listed.length).toBe(before.groups.length - 1);
    for (const path of [`/api/v1/groups/${id}`, `/api/v1/groups/${id}/users`, `/api/v1/groups/${id}/roles`])
      expect((await get(org, path)).status, path).toBe(404);
    expect([...org.truth.groupMembers()].some((entry) => entry.groupId === id)).toBe(false);
    expect([...org.truth.appGroups()].some((entry) => entry.id === id)).toBe(false);
    expect(org.truth.counts().groups).toBe(before.groups.length - 1);
  });
});
