import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChangeSetSummary, EVERY_CHANGE_KIND, type SampleOrg } from '../../src/demo/index.js';
import { launchChromium } from '../support/chromium.js';
import { ensureBuilt, makeWorkspace, runCli, tinyOrgs, type Workspace } from './cli-process.js';
import { expectedInventory, type Row } from './expected-inventory.js';
import { snapshotIds } from './snapshot-files.js';

/**
 * `diff` end to end: sync the sample org, apply a change set, sync again, and check that diff lists
 * exactly what changed, by an oracle written from docs/diff.md's rules over the sample org's ground
 * truth (not over our snapshot readers), in every output format and across snapshot formats.
 */

/** docs/diff.md: the entities compared by default, their id columns, and the volatile fields. */
const IDS: Record<string, string[]> = {
  users: ['id'],
  user_schema: ['name'],
  groups: ['id'],
  group_members: ['groupId', 'userId'],
  apps: ['id'],
  app_users: ['appId', 'userId'],
  app_groups: ['appId', 'groupId'],
  admin_roles: ['userId', 'roleAssignmentId'],
  devices: ['id'],
};
const VOLATILE = new Set([
  'lastLogin',
  'lastUpdated',
  'lastMembershipUpdated',
  'passwordChanged',
  'statusChanged',
  'lastSync',
  'lastSignIn',
  'signIns30d',
  'signIns90d',
]);

/** A record as dot paths to leaves (arrays are leaves), volatile fields and nulls left out. */
function leaves(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (VOLATILE.has(key)) continue;
      leaves(item, prefix === '' ? key : `${prefix}.${key}`, out);
    }
  } else if (value !== null && value !== undefined) {
    out.set(prefix, JSON.stringify(stripVolatile(value)));
  }
  return out;
}
function stripVolatile(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripVolatile);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !VOLATILE.has(key))
      .map(([key, item]) => [key, stripVolatile(item)]),
  );
}

/** Devices: their embedded users count by id and per-device fields (docs/diff.md). */
function comparable(entity: string, row: Row): Row {
  if (entity !== 'devices' || !Array.isArray(row.users)) return row;
  return {
    ...row,
    users: (row.users as Row[]).map(({ user, ...rest }) => ({ ...rest, userId: (user as Row).id })),
  };
}

const idOf = (entity: string, row: Row) => IDS[entity]!.map((field) => String(row[field])).join(' ');

/** What diff must say: one line per change, `entity change ids [changed paths]`. */
function expectedChanges(before: Record<string, Row[]>, after: Record<string, Row[]>): string[] {
  const lines: string[] = [];
  for (const entity of Object.keys(IDS)) {
    const old = new Map(before[entity]!.map((row) => [idOf(entity, row), row]));
    const now = new Map(after[entity]!.map((row) => [idOf(entity, row), row]));
    for (const [id] of old) if (!now.has(id)) lines.push(`${entity} removed ${id}`);
    for (const [id, row] of now) {
      const was = old.get(id);
      if (!was) {
        lines.push(`${entity} added ${id}`);
        continue;
      }
      const a = leaves(comparable(entity, was));
      const b = leaves(comparable(entity, row));
      const paths = [...new Set([...a.keys(), ...b.keys()])].filter((p) => a.get(p) !== b.get(p)).sort();
      if (paths.length > 0) lines.push(`${entity} changed ${id} [${paths.join(',')}]`);
    }
  }
  return lines.sort();
}

interface ChangeLine {
  entity: string;
  change: string;
  fields?: Record<string, { from: unknown; to: unknown }>;
  [key: string]: unknown;
}

function linesOf(rows: ChangeLine[]): string[] {
  return rows
    .map((row) => {
      const base = `${row.entity} ${row.change} ${idOf(row.entity, row)}`;
      return row.change === 'changed'
        ? `${base} [${Object.keys(row.fields ?? {})
            .sort()
            .join(',')}]`
        : base;
    })
    .sort();
}

/** CSV output back into change rows: the lines of one record share entity, change and ids. */
function rowsFromCsv(text: string): ChangeLine[] {
  const records = parseCsv(text, { columns: true }) as Record<string, string>[];
  const byRecord = new Map<string, ChangeLine>();
  for (const record of records) {
    const entity = record.entity!;
    const ids = Object.fromEntries(IDS[entity]!.map((field) => [field, record[field]]));
    const key = `${entity} ${record.change} ${idOf(entity, ids)}`;
    let row = byRecord.get(key);
    if (!row) {
      row = { entity, change: record.change!, ...ids };
      byRecord.set(key, row);
    }
    if (record.change === 'changed') {
      row.fields ??= {};
      row.fields[record.field!] = { from: record.from, to: record.to };
    }
  }
  return [...byRecord.values()];
}

const ndjson = (text: string): ChangeLine[] =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ChangeLine);

let work: Workspace;
let org: SampleOrg;
let change: ChangeSetSummary;
let expected: string[];
let before: Record<string, Row[]>;
let after: Record<string, Row[]>;
/** json then ndjson, in one profile folder: diff's defaults compare them. */
let mixedDir: string;
let csvDir: string;
/** ndjson then ndjson: most lines the same bytes, paired without being parsed. */
let ndjsonDir: string;
const orgs = tinyOrgs();
const snapshotDir = (outputDir: string, index: number) =>
  path.join(outputDir, 'default', snapshotIds(outputDir)[index]!);

async function sync(outputDir: string, format: string, extra: string[] = []): Promise<void> {
  const result = await runCli(['sync', '--format', format, '--output-dir', outputDir, ...extra], {
    env: work.env(org),
  });
  expect(result.exitCode, result.stderr).toBe(0);
}

function diff(args: string[]) {
  return runCli(['diff', ...args], { env: work.env() });
}

beforeAll(async () => {
  ensureBuilt();
  work = await makeWorkspace('okta-connector-diff-');
  org = await orgs.start();
  mixedDir = work.outputDir('mixed');
  csvDir = work.outputDir('csv');
  ndjsonDir = work.outputDir('ndjson');
  await sync(mixedDir, 'json');
  await sync(csvDir, 'csv');
  await sync(ndjsonDir, 'ndjson');
  before = structuredClone(expectedInventory(org.truth, 0));
  change = org.mutate(EVERY_CHANGE_KIND);
  after = expectedInventory(org.truth, 0);
  expected = expectedChanges(before, after);
  await sync(mixedDir, 'ndjson');
  await sync(csvDir, 'csv');
  await sync(ndjsonDir, 'ndjson');
}, 180_000);

afterAll(async () => {
  await orgs.stopAll();
  await work?.remove();
});

describe('diff of the sample org before and after a change set', () => {
  it('the oracle itself tells the change set’s story (so the comparisons below mean something)', () => {
    const has = (line: string) => expected.some((item) => item.startsWith(line));
    for (const id of change.addedUsers) expect(has(`users added ${id}`), id).toBe(true);
    for (const id of change.deletedUsers) expect(has(`users removed ${id}`), id).toBe(true);
    for (const id of change.deprovisionedUsers) expect(expected).toContain(`users changed ${id} [status]`);
    expect(change.reactivatedUsers.length).toBeGreaterThan(0);
    for (const id of change.reactivatedUsers) expect(expected).toContain(`users changed ${id} [status]`);
    // A user created and updated by the same change set is simply added.
    for (const id of change.updatedUsers.filter((user) => !change.addedUsers.includes(user)))
      expect(has(`users changed ${id} [`), id).toBe(true);
    // A membership or assignment made and removed again within the change set leaves no trace.
    const pairs = <T extends { userId: string }>(a: T[], b: T[]) =>
      a.filter((x) => !b.some((y) => JSON.stringify(y) === JSON.stringify(x)));
    for (const { groupId, userId } of pairs(change.addedMemberships, change.removedMemberships))
      expect(expected).toContain(`group_members added ${groupId} ${userId}`);
    for (const { groupId, userId } of pairs(change.removedMemberships, change.addedMemberships))
      expect(expected).toContain(`group_members removed ${groupId} ${userId}`);
    const gained = pairs(change.addedAppAssignments, change.removedAppAssignments);
    const lost = pairs(change.removedAppAssignments, change.addedAppAssignments);
    expect(gained.length).toBeGreaterThan(0);
    expect(lost.length).toBeGreaterThan(0);
    for (const { appId, userId } of gained) expect(expected).toContain(`app_users added ${appId} ${userId}`);
    for (const { appId, userId } of lost) expect(expected).toContain(`app_users removed ${appId} ${userId}`);
    expect(change.appStatusChanges.map(({ status }) => status)).toContain('INACTIVE');
    for (const { appId } of change.appStatusChanges)
      expect(expected).toContain(`apps changed ${appId} [status]`);
    // Group-level changes: a group (un)assigned to an app, a role granted through a group, a group deleted.
    expect(change.addedAppGroups.length * change.removedAppGroups.length).toBeGreaterThan(0);
    for (const { appId, groupId } of change.addedAppGroups)
      expect(expected).toContain(`app_groups added ${appId} ${groupId}`);
    for (const { appId, groupId } of change.removedAppGroups)
      expect(expected).toContain(`app_groups removed ${appId} ${groupId}`);
    expect(change.groupRoleGrants.length).toBeGreaterThan(0);
    for (const { groupId } of change.groupRoleGrants) {
      const granted = after.admin_roles!.filter((row) => row.groupId === groupId);
      expect(granted.length).toBeGreaterThan(0);
      for (const row of granted)
        expect(expected).toContain(`admin_roles added ${row.userId} ${row.roleAssignmentId}`);
    }
    expect(change.deletedGroups.length).toBeGreaterThan(0);
    for (const id of change.deletedGroups) {
      expect(expected).toContain(`groups removed ${id}`);
      const members = before.group_members!.filter((row) => row.groupId === id);
      for (const row of members) expect(expected).toContain(`group_members removed ${id} ${row.userId}`);
    }
    expect(change.signInEvents).toBeGreaterThan(0);
    // Sign-ins move lastLogin only, which is volatile: no user is changed by a sign-in alone.
    expect(expected.filter((line) => line.includes('lastLogin'))).toEqual([]);
  });

  it('NDJSON (the default, json snapshot → ndjson snapshot): exactly the changes, no more, no less', async () => {
    const result = await diff(['--output-dir', mixedDir]);
    expect(result.exitCode, result.stderr).toBe(0);
    const rows = ndjson(result.stdout);
    expect(linesOf(rows)).toEqual(expected);
    // Rows read on their own: human fields are filled in.
    const added = rows.find((row) => row.entity === 'app_users' && row.change === 'added');
    expect(added?.login).toEqual(expect.any(String));
    expect(added?.appLabel).toEqual(expect.any(String));
    const deprovisioned = rows.find((row) => row.id === change.deprovisionedUsers[0]);
    expect(deprovisioned?.fields).toEqual({ status: { from: 'ACTIVE', to: 'DEPROVISIONED' } });
    // The summary on stderr counts the same rows.
    const users = rows.filter((row) => row.entity === 'users');
    const count = (kind: string) => users.filter((row) => row.change === kind).length;
    expect(result.stderr).toMatch(
      new RegExp(
        `users\\s+${count('added')} added, ${count('removed')} removed, ${count('changed')} changed`,
      ),
    );
  });

  it('NDJSON snapshots on both sides (identical lines paired unread): the same rows, field for field', async () => {
    const result = await diff(['--output-dir', ndjsonDir]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(linesOf(ndjson(result.stdout))).toEqual(expected);
    const mixed = await diff(['--output-dir', mixedDir]);
    expect(ndjson(result.stdout)).toEqual(ndjson(mixed.stdout));
  });

  it('JSON is the same rows as an array; --json puts the summary on stdout', async () => {
    const file = path.join(work.dir, 'changes.json');
    const result = await diff(['--output-dir', mixedDir, '--format', 'json', '--output', file, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(linesOf(JSON.parse(readFileSync(file, 'utf8')) as ChangeLine[])).toEqual(expected);
    const summary = JSON.parse(result.stdout);
    expect(summary.totals.changes).toBe(expected.length);
    expect(summary.entities.find((entity: { entity: string }) => entity.entity === 'users')).toMatchObject({
      compared: true,
      added: change.addedUsers.length,
      removed: change.deletedUsers.length,
    });
  });

  it('CSV has the fixed columns and one line per changed field', async () => {
    const result = await diff(['--output-dir', mixedDir, '--format', 'csv']);
    expect(result.exitCode, result.stderr).toBe(0);
    const header = result.stdout.split('\r\n')[0]!.split(',');
    expect(header.slice(0, 2)).toEqual(['entity', 'change']);
    expect(header.slice(-3)).toEqual(['field', 'from', 'to']);
    expect(header).toEqual(
      expect.arrayContaining(['id', 'groupId', 'userId', 'appId', 'roleAssignmentId', 'login']),
    );
    expect(linesOf(rowsFromCsv(result.stdout))).toEqual(expected);
  });

  it('CSV snapshots give the same records changed; CSV against NDJSON of one org state gives none', async () => {
    const csv = await diff(['--output-dir', csvDir]);
    expect(csv.exitCode, csv.stderr).toBe(0);
    const strip = (lines: string[]) => lines.map((line) => line.replace(/ \[.*\]$/, ''));
    expect(strip(linesOf(ndjson(csv.stdout)))).toEqual(strip(expected));
    for (const [csvIndex, otherIndex] of [
      [0, 0],
      [1, 1],
    ] as const) {
      const same = await diff([
        '--from',
        snapshotDir(csvDir, csvIndex),
        '--to',
        snapshotDir(mixedDir, otherIndex),
        '--exit-code',
      ]);
      expect(same.stdout, same.stderr).toBe('');
      expect(same.exitCode).toBe(0);
    }
  });

  it('identical snapshots give no change; --exit-code says 1 when there are changes', async () => {
    const copy = path.join(work.dir, 'copy-of-first');
    cpSync(snapshotDir(mixedDir, 0), copy, { recursive: true });
    const same = await diff(['--from', snapshotDir(mixedDir, 0), '--to', copy, '--exit-code']);
    expect(same.exitCode, same.stderr).toBe(0);
    expect(same.stdout).toBe('');
    expect(same.stderr).toContain('0 changes');
    const changed = await diff([
      '--output-dir',
      mixedDir,
      '--exit-code',
      '--output',
      path.join(work.dir, 'x'),
    ]);
    expect(changed.exitCode).toBe(1);
  });

  it('--include-volatile reports the sign-ins and timestamps too', async () => {
    const result = await diff(['--output-dir', mixedDir, '--include-volatile', '--only', 'users']);
    expect(result.exitCode, result.stderr).toBe(0);
    const rows = ndjson(result.stdout);
    expect(rows.some((row) => row.fields?.lastLogin !== undefined)).toBe(true);
    expect(rows.length).toBeGreaterThan(expected.filter((line) => line.startsWith('users ')).length);
  });

  it('an entity one snapshot lacks is "not compared", never everything removed', async () => {
    const narrow = work.outputDir('narrow');
    await sync(narrow, 'json', ['--only', 'users,apps']);
    const result = await diff([
      '--from',
      snapshotDir(mixedDir, 1),
      '--to',
      snapshotDir(narrow, 0),
      '--output',
      path.join(work.dir, 'narrow.ndjson'),
      '--json',
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    const groups = summary.entities.find((entity: { entity: string }) => entity.entity === 'group_members');
    expect(groups).toMatchObject({ compared: false });
    expect(groups.reason).toContain('not in the to snapshot');
    expect(summary.totals.changes).toBe(0);
  });

  it('after a narrowed sync, latest is compared as it is: what it did not read is not compared', async () => {
    const dir = work.outputDir('narrowed-latest');
    await sync(dir, 'json');
    await sync(dir, 'json', ['--only', 'users,apps']);
    const result = await diff(['--output-dir', dir, '--output', path.join(work.dir, 'n.ndjson'), '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    const members = summary.entities.find((entity: { entity: string }) => entity.entity === 'app_users');
    expect(members).toMatchObject({ compared: false });
    expect(members.reason).toContain('its run read users, apps only');
    expect(summary.entities.find((entity: { entity: string }) => entity.entity === 'users')).toMatchObject({
      compared: true,
    });
  });

  it('snapshots of different orgs are refused with a clear error', async () => {
    const other = await orgs.start({ seed: 99 });
    const otherDir = work.outputDir('other-org');
    const result = await runCli(['sync', '--output-dir', otherDir, '--only', 'users'], {
      env: work.env(other),
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const refused = await diff(['--from', snapshotDir(mixedDir, 0), '--to', snapshotDir(otherDir, 0)]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('same org');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  });

  it('bad options are usage errors', async () => {
    for (const args of [['--format', 'xml'], ['--only', 'users,nope'], ['--json']]) {
      const result = await diff(['--output-dir', mixedDir, ...args]);
      expect(result.exitCode, args.join(' ')).toBe(2);
    }
  });

  it('the HTML report, rendered in headless Chromium: every section, offline, sortable', async () => {
    const file = path.join(work.dir, 'changes.html');
    const result = await diff(['--output-dir', mixedDir, '--format', 'html', '--output', file]);
    expect(result.exitCode, result.stderr).toBe(0);
    const browser = await launchChromium();
    try {
      const page = await browser.open(pathToFileURL(file).href);
      const headings = await page.evaluate<string[]>('[...document.querySelectorAll("h2")].map((h) => h.id)');
      expect(headings).toEqual(['summary', 'privileged', 'joiners', 'leavers', 'apps', 'other']);
      const section = (id: string) =>
        page.evaluate<string>(
          `(() => { let text = ""; for (let node = document.getElementById(${JSON.stringify(id)}).nextElementSibling; node && node.tagName !== "H2" && node.tagName !== "FOOTER"; node = node.nextElementSibling) text += node.innerText + "\\n"; return text; })()`,
        );
      const joiners = await section('joiners');
      for (const id of change.addedUsers) expect(joiners).toContain(id);
      // A reactivated user is a joiner again (a seat to count from today), marked so; a new one is "new".
      const joinerRows = await page.evaluate<string[][]>(
        '[...document.querySelectorAll("#joiners-table tbody tr")].map((tr) => [...tr.cells].map((td) => td.innerText))',
      );
      const howOf = (id: string) => joinerRows.find((cells) => cells[1] === id)?.[2];
      expect(change.reactivatedUsers.length).toBeGreaterThan(0);
      for (const id of change.reactivatedUsers) expect(howOf(id), id).toBe('reactivated (was DEPROVISIONED)');
      for (const id of change.addedUsers) expect(howOf(id), id).toBe('new');
      expect(joinerRows.length).toBe(change.addedUsers.length + change.reactivatedUsers.length);
      const joinerTotal = await page.evaluate<string>(
        '[...document.querySelectorAll(".totals div")].find((div) => div.querySelector("dt").innerText === "Joiners").querySelector("dd").innerText',
      );
      expect(joinerTotal).toBe(String(change.addedUsers.length + change.reactivatedUsers.length));
      const leavers = await section('leavers');
      for (const id of [...change.deletedUsers, ...change.deprovisionedUsers]) expect(leavers).toContain(id);
      const apps = await section('apps');
      for (const line of expected.filter((item) => item.startsWith('app_users added')))
        expect(apps).toContain(line.split(' ')[2]);
      // Group-level changes read in the report: + / − the group's name on the app's line.
      const nameOf = (groupId: string) =>
        String((before.groups!.find((row) => row.id === groupId)!.profile as Row).name);
      const appLines = await page.evaluate<string[]>(
        '[...document.querySelectorAll("#apps-table tbody tr")].map((tr) => tr.innerText)',
      );
      for (const [sign, list] of [
        ['+', change.addedAppGroups],
        ['−', change.removedAppGroups],
      ] as const) {
        for (const { appId, groupId } of list) {
          // As rendered: a line break in a name shows as a space.
          const line = appLines.find((text) => text.includes(appId))?.replace(/\s+/g, ' ');
          expect(line, appId).toContain(`${sign} ${nameOf(groupId).replace(/\s+/g, ' ')}`);
        }
      }
      // The role granted through a group: each member's grant, in the privileged section first.
      const privileged = await section('privileged');
      const granted = after.admin_roles!.filter((row) =>
        change.groupRoleGrants.some(({ groupId }) => row.groupId === groupId),
      );
      expect(granted.length).toBeGreaterThan(0);
      for (const row of granted) expect(privileged).toContain(String(row.userId));
      expect(privileged).toContain('GROUP');
      const other = await section('other');
      for (const { appId } of change.appStatusChanges) expect(other).toContain(appId);
      for (const id of change.deletedGroups) expect(other).toContain(id);
      for (const id of change.reactivatedUsers) expect(other).not.toContain(id);
      // The summary table counts what the NDJSON lists.
      const counts = await page.evaluate<string[][]>(
        '[...document.querySelectorAll("#summary-table tbody tr")].map((tr) => [...tr.cells].map((td) => td.innerText))',
      );
      const users = counts.find((row) => row[0] === 'users');
      expect(users?.slice(1, 4)).toEqual(
        ['added', 'removed', 'changed'].map((kind) =>
          String(expected.filter((line) => line.startsWith(`users ${kind} `)).length),
        ),
      );
      // Nothing was fetched: the page is self-contained.
      expect(await page.evaluate<number>('performance.getEntriesByType("resource").length')).toBe(0);
      // A click on a heading sorts the table by that column.
      const logins = await page.evaluate<string[]>(
        '(() => { const table = document.getElementById("joiners-table"); table.tHead.rows[0].cells[0].click(); return [...table.tBodies[0].rows].map((tr) => tr.cells[0].innerText); })()',
      );
      expect(logins).toEqual([...logins].sort((a, b) => a.localeCompare(b)));
      expect(logins.length).toBe(change.addedUsers.length + change.reactivatedUsers.length);
    } finally {
      await browser.close();
    }
  });
});
