import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppFixture,
  GroupFixture,
  type SampleApp,
  type SampleAppUser,
  type SampleGroup,
  type SampleOrg,
  type SampleUser,
  startSampleOrg,
  UserFixture,
} from '../../src/demo/index.js';
import { get, rawGet, walk } from './helpers.js';

let org: SampleOrg;
let users: SampleUser[];
let groups: SampleGroup[];
let apps: SampleApp[];
let appUsers: (SampleAppUser & { appId: string })[];

beforeAll(async () => {
  org = await startSampleOrg({ size: 'tiny' });
  users = (await walk<SampleUser>(org, '/api/v1/users?search=status%20pr')).records;
  groups = (await walk<SampleGroup>(org, '/api/v1/groups')).records;
  apps = (await walk<SampleApp>(org, '/api/v1/apps')).records;
  appUsers = [...org.truth.appUsers()];
});
afterAll(() => org.stop());

const user = (index: number) => users[index] as SampleUser;
const strings = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : value && typeof value === 'object'
      ? Object.values(value).flatMap(strings)
      : [];

describe('tricky data survives the trip, byte for byte', () => {
  it('many scripts: CJK, Arabic (RTL), Cyrillic, Devanagari', () => {
    expect(user(UserFixture.japanese).profile.lastName).toBe('山田');
    expect(user(UserFixture.chinese).profile.displayName).toMatch(/\p{Script=Han}/u);
    expect(user(UserFixture.arabic).profile.displayName).toMatch(/\p{Script=Arabic}/u);
    expect(user(UserFixture.cyrillic).profile.displayName).toMatch(/\p{Script=Cyrillic}/u);
    expect(user(UserFixture.devanagari).profile.displayName).toMatch(/\p{Script=Devanagari}/u);
    expect(groups[GroupFixture.unicode]?.profile.name).toMatch(/\p{Script=Arabic}.*\p{Script=Cyrillic}/u);
    expect(apps[AppFixture.rtl]?.label).toMatch(/^\p{Script=Arabic}/u);
  });

  it('combining accents stay NFD (not normalised) next to their NFC look-alike', async () => {
    const nfd = user(UserFixture.nfd).profile.firstName as string;
    const nfc = user(UserFixture.nfc).profile.firstName as string;
    expect(nfd).toBe('Rene\u0301e');
    expect(nfc).toBe('Ren\u00e9e');
    expect(nfd).not.toBe(nfc);
    expect(nfd.normalize('NFC')).toBe(nfc);
    const raw = await rawGet(`${org.url}/api/v1/users/${user(UserFixture.nfd).id}`, org.token);
    expect(Buffer.from(raw.body).includes(Buffer.from('Rene\u0301e'))).toBe(true);
  });

  it('emoji with ZWJ sequences and flags', () => {
    const emoji = user(UserFixture.emoji).profile;
    expect(emoji.firstName).toContain('\u200d');
    expect(emoji.nickName).toBe('👨‍👩‍👧‍👦');
    expect(emoji.lastName).toContain('🏳️‍🌈');
  });

  it('commas, quotes, newlines, tabs and CRLF', () => {
    const quotes = user(UserFixture.quotes).profile;
    expect(quotes.title).toBe('Manager, "Sales", EMEA');
    expect(quotes.lastName).toBe("O'Brien, Jr.");
    const lines = user(UserFixture.newlines).profile;
    expect(lines.title).toBe('Line one\nLine two');
    expect(lines.streetAddress).toBe('1 Main St\r\nSuite 200\tRear entrance');
    expect(groups[GroupFixture.formulas]?.profile.name).toBe('=Finance, "Ops"\nEMEA');
    expect(apps[AppFixture.formulas]?.label).toBe('=Analytics\nDashboard, "BI"');
  });

  it('values starting with =, +, - and @ in users, groups and apps', () => {
    const formulas = user(UserFixture.formulas).profile;
    expect(
      [formulas.firstName, formulas.lastName, formulas.nickName, formulas.title].map((v) => String(v)[0]),
    ).toEqual(['=', '+', '-', '@']);
    expect(groups[GroupFixture.allStaff]?.profile.name).toMatch(/^@/);
    expect(groups[GroupFixture.allStaff]?.profile.description).toMatch(/^-/);
    expect(apps[AppFixture.payroll]?.label).toMatch(/^\+/);
  });

  it('strings over 5,000 characters', () => {
    const long = user(UserFixture.longStrings).profile;
    expect((long.title as string).length).toBeGreaterThan(5_000);
    expect((long.bio as string).length).toBeGreaterThan(6_000);
    expect(String(groups[GroupFixture.formulas]?.profile.description).length).toBeGreaterThan(5_000);
    const notes = (apps[AppFixture.formulas] as unknown as { settings: { notes: { admin: string } } })
      .settings.notes.admin;
    expect(notes.length).toBeGreaterThan(5_000);
  });

  it('nulls: lastLogin, profile fields, custom attributes, group and app attributes', () => {
    const nulls = user(UserFixture.nulls);
    expect(nulls.status).toBe('PROVISIONED');
    expect([nulls.lastLogin, nulls.activated, nulls.passwordChanged]).toEqual([null, null, null]);
    expect(nulls.profile).toMatchObject({
      lastName: null,
      displayName: null,
      mobilePhone: null,
      seatNumber: null,
      licenses: null,
    });
    expect(groups[GroupFixture.empty]?.profile).toEqual({ name: 'Empty group', costCenter: null });
    expect(apps[AppFixture.salesforce]?.profile).toMatchObject({ costCenter: null });
  });

  it('custom attributes of several types, declared in the user schema', async () => {
    const profile = user(30).profile;
    expect(Number.isInteger(profile.seatNumber) || profile.seatNumber === null).toBe(true);
    expect(typeof profile.hourlyRate).toBe('number');
    expect(typeof profile.isContractor).toBe('boolean');
    expect(
      Array.isArray(profile.licenses) && profile.licenses.every((item) => typeof item === 'string'),
    ).toBe(true);
    expect(profile.startDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const schema = (
      await get<{ definitions: { custom: { properties: Record<string, { type: string }> } } }>(
        org,
        '/api/v1/meta/schemas/user/default',
      )
    ).body;
    const types = Object.fromEntries(
      Object.entries(schema.definitions.custom.properties).map(([name, attribute]) => [name, attribute.type]),
    );
    expect(types).toEqual({
      seatNumber: 'integer',
      hourlyRate: 'number',
      isContractor: 'boolean',
      licenses: 'array',
      startDate: 'string',
      bio: 'string',
    });
  });

  it('every user status, DEPROVISIONED included; STAGED and PROVISIONED never signed in', () => {
    const statuses = new Set(users.map((entry) => entry.status));
    for (const status of [
      'ACTIVE',
      'DEPROVISIONED',
      'SUSPENDED',
      'LOCKED_OUT',
      'STAGED',
      'PROVISIONED',
      'PASSWORD_EXPIRED',
      'RECOVERY',
    ]) {
      expect(statuses.has(status as SampleUser['status']), status).toBe(true);
    }
    for (const entry of users.filter((u) => u.status === 'STAGED' || u.status === 'PROVISIONED')) {
      expect(entry.lastLogin).toBeNull();
    }
  });

  it('truth.fixtures() names the ids of the tricky records', () => {
    const fixtures = org.truth.fixtures();
    expect(fixtures.users.nfd).toBe(user(UserFixture.nfd).id);
    expect(fixtures.users.caseTwinLower).toBe(user(UserFixture.caseTwinLower).id);
    expect(fixtures.groups.boundary).toBe(groups[GroupFixture.boundary]?.id);
    expect(fixtures.apps.workday).toBe(apps[AppFixture.workday]?.id);
    expect(Object.keys(fixtures.users)).toHaveLength(23);
  });

  it('Okta-like ids, two of them differing only in letter case, per kind', () => {
    expect(users.every((entry) => /^00u[0-9A-Za-z]{17}$/.test(entry.id))).toBe(true);
    expect(groups.every((entry) => /^00g[0-9A-Za-z]{17}$/.test(entry.id))).toBe(true);
    expect(apps.every((entry) => /^0oa[0-9A-Za-z]{17}$/.test(entry.id))).toBe(true);
    expect([...org.truth.devices()].every((entry) => /^guo[0-9A-Za-z]{17}$/.test(entry.id))).toBe(true);
    const lowerUsers = new Set(users.map((entry) => entry.id.toLowerCase()));
    const lowerGroups = new Set(groups.map((entry) => entry.id.toLowerCase()));
    expect(users.length - lowerUsers.size).toBe(1);
    expect(groups.length - lowerGroups.size).toBe(1);
  });

  it('groups: BUILT_IN Everyone, OKTA_GROUP, APP_GROUP, empty, and one on the page boundary', async () => {
    expect(groups[GroupFixture.everyone]).toMatchObject({ type: 'BUILT_IN', profile: { name: 'Everyone' } });
    expect(new Set(groups.map((group) => group.type))).toEqual(
      new Set(['BUILT_IN', 'OKTA_GROUP', 'APP_GROUP']),
    );
    const members = [...org.truth.groupMembers()];
    const count = (group: number) => members.filter((member) => member.groupId === groups[group]?.id).length;
    expect(count(GroupFixture.empty)).toBe(0);
    expect(count(GroupFixture.boundary)).toBe(20);
    expect(count(GroupFixture.everyone)).toBe(users.length);
  });

  it('apps: every sign-on mode, INACTIVE, unassigned, licensed, group-only, and users both direct and via a group', () => {
    expect(new Set(apps.map((app) => app.signOnMode)).size).toBe(5);
    expect(apps[AppFixture.retiredWiki]?.status).toBe('INACTIVE');
    expect(
      appUsers.filter((entry) => entry.appId === apps[AppFixture.retiredWiki]?.id).length,
    ).toBeGreaterThan(0);
    expect(appUsers.filter((entry) => entry.appId === apps[AppFixture.unused]?.id)).toEqual([]);
    expect(apps[AppFixture.salesforce]?.licensing).toEqual({ seatCount: 250 });
    const groupOnly = appUsers.filter((entry) => entry.appId === apps[AppFixture.groupOnly]?.id);
    expect(groupOnly.length).toBeGreaterThan(0);
    expect(groupOnly.every((entry) => entry.scope === 'GROUP' && entry._links.group)).toBe(true);
    // A user of Salesforce who is in All staff (the app's group) and assigned directly: scope USER.
    const allStaff = new Set(
      [...org.truth.groupMembers()]
        .filter((m) => m.groupId === groups[GroupFixture.allStaff]?.id)
        .map((m) => m.userId),
    );
    const salesforce = appUsers.filter((entry) => entry.appId === apps[AppFixture.salesforce]?.id);
    expect(salesforce.some((entry) => entry.scope === 'USER' && allStaff.has(entry.id))).toBe(true);
    expect(salesforce.some((entry) => entry.scope === 'GROUP')).toBe(true);
    const boundary = appUsers.filter((entry) => entry.appId === apps[AppFixture.boundary]?.id);
    expect(boundary).toHaveLength(20);
    const provisioned = appUsers.filter((entry) => entry.appId === apps[AppFixture.workday]?.id);
    expect(
      provisioned.every((entry) => entry.externalId && entry.syncState === 'SYNCHRONIZED' && entry.lastSync),
    ).toBe(true);
  });

  it('DEPROVISIONED users keep their groups but have no app assignments', () => {
    const gone = users.filter((entry) => entry.status === 'DEPROVISIONED').map((entry) => entry.id);
    expect(gone.length).toBeGreaterThan(0);
    expect(appUsers.some((entry) => gone.includes(entry.id))).toBe(false);
    const members = new Set([...org.truth.groupMembers()].map((member) => member.userId));
    expect(gone.every((id) => members.has(id))).toBe(true);
  });

  it('tricky strings reach app users and devices too', () => {
    const all = [...appUsers, ...org.truth.devices()].flatMap(strings);
    expect(all.some((value) => value.startsWith('='))).toBe(true);
    expect(all.some((value) => value.includes('\u200d'))).toBe(true);
    expect(all.some((value) => value.includes('"'))).toBe(true);
  });
});
