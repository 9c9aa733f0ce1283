import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { ConfigError, ExitCode, InterruptedError, UsageError } from '../../src/errors.js';
import { escapeHtml } from '../../src/export/html-report.js';
import { createIo } from '../../src/ui/io.js';
import {
  CLOCK,
  captureIo,
  jsonRows,
  runExport,
  type SampleSnapshots,
  takeSampleSnapshots,
  writeSnapshot,
} from './helpers.js';

/** A hand-made org whose labels try to break the HTML and the CSV. */
const HOSTILE_LABEL = '<script>alert("x")</script> & <img src=http://evil.example/x.png onerror=alert(1)>';
const hostileEntities = {
  users: [
    {
      id: 'u1',
      status: 'ACTIVE',
      lastLogin: '2026-10-30T10:00:00.000Z',
      profile: {
        login: 'a@acme.com',
        email: 'a@acme.com',
        displayName: "=cmd|' /C calc'!A0",
        department: 'IT',
      },
    },
    {
      id: 'u2',
      status: 'SUSPENDED',
      lastLogin: null,
      profile: { login: 'b@acme.com', email: 'b@acme.com', firstName: 'Bö', lastName: 'Ø' },
    },
    {
      id: 'u3',
      status: 'DEPROVISIONED',
      lastLogin: null,
      profile: { login: 'c@acme.com', email: 'c@acme.com' },
    },
  ],
  groups: [{ id: 'g1', type: 'OKTA_GROUP', profile: { name: 'Staff "all", <b>' } }],
  group_members: [
    { groupId: 'g1', userId: 'u1' },
    { groupId: 'g1', userId: 'u2' },
  ],
  apps: [
    {
      id: 'a1',
      label: HOSTILE_LABEL,
      status: 'ACTIVE',
      signOnMode: 'SAML_2_0',
      licensing: { seatCount: 10 },
    },
    { id: 'a2', label: 'بوابة الموظفين\nsecond line', status: 'INACTIVE', signOnMode: 'BOOKMARK' },
  ],
  app_users: [
    { appId: 'a1', userId: 'u1', scope: 'GROUP', status: 'ACTIVE' },
    { appId: 'a1', userId: 'u2', scope: 'USER', status: 'ACTIVE' },
    { appId: 'a1', userId: 'u3', scope: 'USER', status: 'ACTIVE' },
    { appId: 'a2', userId: 'u1', scope: 'USER', status: 'ACTIVE' },
  ],
  app_groups: [{ appId: 'a1', groupId: 'g1', priority: 0 }],
  app_usage: [
    { userId: 'u1', appId: 'a1', lastSignIn: '2026-10-31T08:00:00.000Z', signIns30d: 3, signIns90d: 9 },
  ],
};

describe('export command', () => {
  let sample: SampleSnapshots;
  let hostileDir: string;

  beforeAll(async () => {
    sample = await takeSampleSnapshots('tiny', ['json']);
    hostileDir = join(sample.root, 'hostile');
    await writeSnapshot({ outputDir: hostileDir, format: 'json', entities: hostileEntities });
  }, 30_000);
  afterAll(async () => {
    await sample?.stop();
  });

  it('licence-usage as HTML is one self-contained file with every value escaped', async () => {
    const file = join(sample.root, 'report.html');
    const { result } = await runExport({
      outputDir: hostileDir,
      view: 'licence-usage',
      format: 'html',
      output: file,
    });
    expect(result.rows).toBe(2);
    const html = await readFile(file, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    // Nothing to fetch: no tag with a src or href at all, no external script, a policy forbidding fetches.
    expect(html).not.toMatch(/<[a-z][^>]*\s(src|href)\s*=/i);
    expect(html).not.toMatch(/<[a-z][^>]*(http:|https:)/i);
    expect(html).not.toMatch(/<script[^>]*\ssrc/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/@import|<link/i);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
    // The hostile label appears only escaped, in the table and in the chart.
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    const escaped = escapeHtml(HOSTILE_LABEL);
    expect(escaped).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=http://evil.example/x.png onerror=alert(1)&gt;',
    );
    expect(html).toContain(`<td dir="auto">${escaped}</td>`);
    expect(html).toContain('بوابة الموظفين\nsecond line');
    // Exactly one script, inline; print CSS; the chart as inline SVG.
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('@media print');
    expect(html).toMatch(/<svg class="chart"[^>]*>[\s\S]*<rect class="used"/);
    // The numbers: a1 has 10 seats, 3 assigned (none over, 7 seats not assigned), 1 active (u1).
    expect(html).toContain(
      '<td class="n" data-v="10">10</td><td class="n" data-v="3">3</td><td class="n" data-v="0">0</td><td class="n" data-v="7">7</td><td class="n" data-v="1">1</td>',
    );
  });

  it('the sample org HTML report escapes its tricky labels too', async () => {
    const { stdout } = await runExport({
      outputDir: sample.outputDirs.json,
      view: 'licence-usage',
      format: 'html',
    });
    expect(stdout).toContain('=Analytics\nDashboard, &quot;BI&quot;');
    expect(stdout).toContain('Salesforce, &quot;Sales Cloud&quot;');
    expect(stdout).not.toMatch(/<[a-z][^>]*\s(src|href)\s*=/i);
  });

  it('a failing export leaves no file: no partial target, no temporary file, an old target untouched', async () => {
    const { dir } = await writeSnapshot({
      outputDir: join(sample.root, 'damaged'),
      format: 'ndjson',
      entities: hostileEntities,
    });
    // app_users changes after sync: the export notices only at the end of the file, after writing rows.
    await writeFile(
      join(dir, 'app_users.ndjson'),
      `${(await readFile(join(dir, 'app_users.ndjson'), 'utf8')).replace('"USER"', '"user"')}`,
    );
    const outDir = join(sample.root, 'out-damaged');
    await rm(outDir, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(outDir));
    const target = join(outDir, 'assignments.csv');
    for (const before of [undefined, 'the previous export\n']) {
      if (before !== undefined) await writeFile(target, before);
      const error = await runExport({
        outputDir: join(sample.root, 'damaged'),
        view: 'assignments',
        output: target,
      }).catch((e) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(/app_users\.ndjson does not match its manifest/);
      expect(await readdir(outDir)).toEqual(before === undefined ? [] : ['assignments.csv']);
      if (before !== undefined) expect(await readFile(target, 'utf8')).toBe(before);
    }
  });

  it('writes a file whole, with --bom and formula protection, replacing an older one', async () => {
    const target = join(sample.root, 'users.csv');
    await writeFile(target, 'old');
    await runExport({ outputDir: hostileDir, view: 'assignments', output: target, bom: true });
    const text = await readFile(target, 'utf8');
    expect(text.startsWith('\uFEFFuser.id,')).toBe(true);
    const rows = parse(text, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows).toHaveLength(4);
    expect(rows[0]!['user.name']).toBe("'=cmd|' /C calc'!A0");
    expect(rows[0]!.groups).toBe('["Staff \\"all\\", <b>"]');
    expect(rows[0]!.scope).toBe('group');
    expect(rows[1]!['user.name']).toBe('Bö Ø');
    // Machine imports: no protection.
    const { stdout } = await runExport({
      outputDir: hostileDir,
      view: 'assignments',
      formulaProtection: false,
    });
    expect((parse(stdout, { columns: true }) as Record<string, string>[])[0]!['user.name']).toBe(
      "=cmd|' /C calc'!A0",
    );
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('Ctrl-C stops the export with exit code 130 and leaves no file', async () => {
    const outDir = join(sample.root, 'out-interrupted');
    await import('node:fs/promises').then((fs) => fs.mkdir(outDir, { recursive: true }));
    const controller = new AbortController();
    controller.abort();
    const error = await runExport({
      outputDir: sample.outputDirs.json,
      view: 'assignments',
      output: join(outDir, 'a.csv'),
      signal: controller.signal,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(error.exitCode).toBe(130);
    expect(error.message).toMatch(/no output file was written/);
    expect(await readdir(outDir)).toEqual([]);
  });

  it('stops quietly when the reader of stdout goes away (EPIPE)', async () => {
    let writes = 0;
    const stdout = new Writable({
      write(_chunk, _encoding, callback) {
        writes++;
        const error = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
        callback(writes > 1 ? error : null);
      },
    });
    stdout.on('error', () => {});
    const stderr = new PassThrough();
    stderr.resume();
    const io = createIo({ stdout, stderr, env: {} });
    const result = await runExport(
      { outputDir: sample.outputDirs.json, view: 'app_users', format: 'ndjson' },
      { io, stdout: () => '', stderr: () => '' },
    );
    expect(result.result.stoppedEarly).toBe(true);
    expect(result.result.rows).toBeLessThan(result.result.rowsRead + 1);
    expect(writes).toBeLessThan(5);
  });

  it('refuses what makes no sense, before reading anything', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /Name a view with --view/],
      [{ view: 'nosuch' }, /Unknown view "nosuch"/],
      [{ view: 'users', format: 'html' }, /html is the licence-usage report only/],
      [{ view: 'users', format: 'xlsx' }, /--format takes one of csv, json, ndjson, html/],
      [{ view: 'assignments', activeDays: '30' }, /licence-usage view only/],
      [{ view: 'licence-usage', activeDays: '91' }, /from 1 to 90/],
      [{ view: 'licence-usage', activeDays: '1.5' }, /whole number/],
      [{ view: 'licence-usage', by: 'group' }, /--by takes one of app, user/],
      [{ view: 'users', fields: 'id,,profile..email' }, /not a field path/],
    ];
    for (const [options, message] of cases) {
      const error = await runExport({ outputDir: sample.outputDirs.json, ...options }).catch((e) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect(error.message).toMatch(message);
    }
    const json = captureIo({ json: true });
    const error = await runExport({ outputDir: sample.outputDirs.json, view: 'users' }, json).catch((e) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(/--json .*add --output <file>/);
    expect(error.hint).toMatch(/leave --json out/);
  });

  it('an unknown --fields or --where field exits 2 naming the nearest known ones', async () => {
    const refused = async (options: Record<string, unknown>) => {
      const error = await runExport({ outputDir: sample.outputDirs.json, ...options }).catch((e) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect(error.exitCode).toBe(2);
      return error as UsageError;
    };
    const typo = await refused({ view: 'users', fields: 'id,profile.emial' });
    expect(typo.message).toBe('--fields: users has no field "profile.emial".');
    expect(typo.hint).toMatch(/^"profile\.emial": did you mean "profile\.email"\?/);
    const where = await refused({ view: 'users', where: 'statuss=ACTIVE' });
    expect(where.message).toBe('--where: users has no field "statuss".');
    expect(where.hint).toMatch(/did you mean "status"/);
    const both = await refused({ view: 'groups', fields: 'id,profile.nmae', where: 'tpye=OKTA_GROUP' });
    expect(both.message).toBe('--fields and --where: groups has no field "profile.nmae", "tpye".');
    expect(both.hint).toMatch(
      /"profile\.nmae": did you mean "profile\.name"\?.*"tpye": did you mean "type"\?/,
    );
    const joined = await refused({ view: 'assignments', fields: 'user.login,app.lable' });
    expect(joined.hint).toMatch(/did you mean "app\.label"/);
    const joinedWhere = await refused({ view: 'assignments', where: 'user.statu=ACTIVE' });
    expect(joinedWhere.hint).toMatch(/Did you mean "user\.status"/);
    // Known: a column, an object holding columns, a field inside a list column, one no CSV has.
    const { result } = await runExport({
      outputDir: sample.outputDirs.json,
      view: 'users',
      format: 'json',
      fields: 'id,profile,credentials.provider.type,credentials.password',
    });
    expect(result.rows).toBeGreaterThan(0);
  });

  it('--output infers the format from its extension, and refuses a --format that contradicts it', async () => {
    const dir = join(sample.root, 'by-extension');
    await mkdir(dir, { recursive: true });
    const html = join(dir, 'report.html');
    const { result } = await runExport({ outputDir: hostileDir, view: 'licence-usage', output: html });
    expect(result.format).toBe('html');
    expect((await readFile(html, 'utf8')).startsWith('<!DOCTYPE html>')).toBe(true);
    const json = join(dir, 'apps.json');
    await runExport({ outputDir: hostileDir, view: 'apps', output: json });
    expect(Array.isArray(JSON.parse(await readFile(json, 'utf8')))).toBe(true);
    const ndjson = await runExport({ outputDir: hostileDir, view: 'apps', output: join(dir, 'apps.jsonl') });
    expect(ndjson.result.format).toBe('ndjson');
    const other = await runExport({ outputDir: hostileDir, view: 'apps', output: join(dir, 'apps.txt') });
    expect(other.result.format).toBe('csv');
    const error = await runExport({
      outputDir: hostileDir,
      view: 'licence-usage',
      format: 'csv',
      output: join(dir, 'x.html'),
    }).catch((e) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(/names a \.html file, but --format is csv/);
    await expect(readFile(join(dir, 'x.html'))).rejects.toThrow(/ENOENT/);
  });

  it('after a narrowed run (sync --only apps), latest still reaches every entity and says where each came from', async () => {
    const outputDir = join(sample.root, 'narrowed');
    const full = await writeSnapshot({ outputDir, format: 'json', entities: hostileEntities });
    const appsOnly = await writeSnapshot({
      outputDir,
      format: 'csv',
      entities: { apps: [{ id: 'a9', label: 'Only app now', status: 'ACTIVE', signOnMode: 'BOOKMARK' }] },
      startedAt: new Date(CLOCK + 3_600_000).toISOString(),
      ran: ['apps'],
    });
    // The pointer names the newest complete run, the narrowed one: its apps are the fresh ones.
    const apps = await runExport({ outputDir, view: 'apps', format: 'json' });
    expect(jsonRows(apps.stdout).map((row) => row.id)).toStrictEqual(['a9']);
    expect(apps.result.snapshot.id).toBe(appsOnly.id);
    expect(apps.result.warnings).toStrictEqual([]);
    expect(apps.result.borrowed).toStrictEqual({});
    // Users are not in it: they come from the newest complete snapshot that has them, and export says so.
    const users = await runExport({ outputDir, view: 'users', format: 'json' });
    expect(jsonRows(users.stdout).map((row) => row.id)).toStrictEqual(['u1', 'u2', 'u3']);
    expect(users.result.warnings).toStrictEqual([
      `Snapshot ${appsOnly.id} (latest) is a run of apps only: users comes from ${full.id}, the newest complete snapshot that has it.`,
    ]);
    // The summary names the snapshot the rows really came from, not only latest.
    expect(users.result.borrowed).toStrictEqual({ users: full.id });
    expect(users.stderr).toContain(
      `Exported 3 users rows of snapshot ${appsOnly.id} (users from ${full.id}).`,
    );
    // A joined view takes each entity where it is, and names every borrowed one once.
    const licences = await runExport({ outputDir, view: 'licence-usage', format: 'json' });
    // (a1 and a2 come with the earlier assignments: the fresh apps file does not know them.)
    expect(jsonRows(licences.stdout).map((row) => row['app.id'])).toStrictEqual(['a9', 'a1', 'a2']);
    expect(
      licences.result.warnings.map((warning) => warning.split(':')[1]?.trim().split(' ')[0]),
    ).toStrictEqual(['users', 'app_users', 'app_usage']);
    expect(Object.keys(licences.result.borrowed)).toStrictEqual(['users', 'app_users', 'app_usage']);
    expect(new Set(Object.values(licences.result.borrowed))).toStrictEqual(new Set([full.id]));
    // Named by id, the narrowed snapshot is itself only: the missing entity is exit 3, saying why.
    const error = await runExport({ outputDir, view: 'users', snapshot: appsOnly.id }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/has no users file \(not in the snapshot: its run read apps only/);
  });

  it('names the snapshot by id or path, and uses latest by default', async () => {
    const id = sample.snapshotDirs.json.split('/').at(-1)!;
    const byDefault = await runExport({ outputDir: sample.outputDirs.json, view: 'apps', format: 'json' });
    const byId = await runExport({
      outputDir: sample.outputDirs.json,
      view: 'apps',
      format: 'json',
      snapshot: id,
    });
    const byPath = await runExport({
      outputDir: '/nonexistent',
      view: 'apps',
      format: 'json',
      snapshot: sample.snapshotDirs.json,
    });
    expect(byDefault.result.snapshot.id).toBe(id);
    expect(byId.stdout).toBe(byDefault.stdout);
    expect(byPath.stdout).toBe(byDefault.stdout);
    expect(jsonRows(byDefault.stdout)).toHaveLength(sample.org.truth.counts().apps);
    expect(byDefault.result.snapshot.startedAt).toBe(new Date(CLOCK).toISOString());
  });

  it('licence-usage needs app_usage, and says so', async () => {
    const outputDir = join(sample.root, 'no-usage');
    const { dir } = await writeSnapshot({
      outputDir,
      format: 'json',
      entities: {
        users: hostileEntities.users,
        apps: hostileEntities.apps,
        app_users: hostileEntities.app_users,
      },
      status: 'partial',
      skipped: { app_usage: 'Okta refused to read the System Log (403).' },
    });
    const error = await runExport({ outputDir, snapshot: dir, view: 'licence-usage' }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      /has no app_usage \(skipped: Okta refused to read the System Log \(403\)\.\)/,
    );
    // assignments still works, with empty usage and groups, and says why.
    const { stdout, stderr } = await runExport({
      outputDir,
      snapshot: dir,
      view: 'assignments',
      format: 'json',
    });
    expect(jsonRows(stdout)).toHaveLength(4);
    expect(jsonRows(stdout)[0]!.lastSignIn).toBeNull();
    expect(stderr).toMatch(/is partial/);
    expect(stderr).toMatch(/sign-in columns are empty/);
    expect(stderr).toMatch(/"groups" column is empty/);
  });

  describe('through the CLI', () => {
    const cli = async (args: string[]) => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = '';
      let err = '';
      stdout.on('data', (chunk) => {
        out += String(chunk);
      });
      stderr.on('data', (chunk) => {
        err += String(chunk);
      });
      const code = await runCli(args, {
        stdout,
        stderr,
        stdin: new PassThrough(),
        env: { OKTA_CONNECTOR_CONFIG_DIR: sample.root, HOME: sample.root },
        cwd: sample.root,
      });
      return { code, out, err };
    };

    it('exports to stdout, data only; messages on stderr; needs no token', async () => {
      const { code, out, err } = await cli([
        'export',
        '--output-dir',
        hostileDir,
        '--view',
        'licence-usage',
        '--fields',
        'app.id,activeUsers,seatsUsedPercent',
      ]);
      expect(code).toBe(ExitCode.Success);
      expect(out).toBe('app.id,activeUsers,seatsUsedPercent\r\na1,1,10\r\na2,0,0\r\n');
      expect(err).toMatch(/Exported 2 licence-usage rows/);
    });

    it('a bad --where is a usage error with the caret', async () => {
      const { code, out, err } = await cli([
        'export',
        '--output-dir',
        hostileDir,
        '--view',
        'users',
        '--where',
        'status=ACTIVE and',
      ]);
      expect(code).toBe(ExitCode.Usage);
      expect(out).toBe('');
      expect(err).toContain('expected a comparison at column 18\n  status=ACTIVE and\n                   ^');
    });

    it('--json prints the summary when the data goes to a file; unknown versions exit 3', async () => {
      const file = join(sample.root, 'cli.ndjson');
      const { code, out } = await cli([
        'export',
        '--json',
        '--output-dir',
        hostileDir,
        '--view',
        'app_users',
        '--format',
        'ndjson',
        '--output',
        file,
      ]);
      expect(code).toBe(ExitCode.Success);
      expect(JSON.parse(out)).toMatchObject({ view: 'app_users', rows: 4, output: file, columns: null });
      expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(4);

      const { dir } = await writeSnapshot({
        outputDir: join(sample.root, 'v2'),
        format: 'json',
        entities: {},
      });
      const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
      await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, formatVersion: 2 }));
      const refused = await cli(['export', '--snapshot', dir, '--view', 'users']);
      expect(refused.code).toBe(ExitCode.Config);
      expect(refused.err).toMatch(/formatVersion 2/);
    });

    it('is listed in the help with its options', async () => {
      const { out } = await cli(['export', '--help']);
      for (const flag of [
        '--view',
        '--snapshot',
        '--fields',
        '--where',
        '--output',
        '--active-days',
        '--by',
      ]) {
        expect(out).toContain(flag);
      }
      expect((await cli(['--help'])).out).toMatch(/export .*Reshape a snapshot/);
    });
  });
});
