import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultCliPath,
  scheduleInstall,
  scheduleRemove,
  scheduleShow,
} from '../../src/commands/schedule/index.js';
import type { Profile } from '../../src/config/schema.js';
import { ConfigStore, loadConfigWriter } from '../../src/config/store.js';
import { ExitCode } from '../../src/errors.js';
import { findEntry, markerLine } from '../../src/schedule/crontab.js';
import type { CommandRunner } from '../../src/schedule/run-command.js';
import { fakeIo, run, tempDir } from '../cli/harness.js';
import { installFakeCrontab } from './fake-crontab.js';

// configure loads conf before it writes; these tests write profiles directly.
beforeAll(loadConfigWriter);

const WINDOWS_PATHS = [
  '--node-path',
  'C:\\Program Files\\nodejs\\node.exe',
  '--cli-path',
  'C:\\okta\\bin\\okta-connector.js',
  '--log-file',
  'C:\\okta\\logs\\sync.log',
];
const TOKEN = '00ScheduleTest_0123456789abcdefghijklmnopq';
const OTHER_LINES = 'MAILTO=ops@example.com\n# keep me\n\n17 * * * * /usr/local/bin/backup\n';

let dir: string;
let remove: () => Promise<void>;
let env: Record<string, string>;
let table: string;

beforeEach(async () => {
  // A space and a % in every path: the entry must quote and escape them.
  ({ dir, remove } = await tempDir('okta schedule 100%-'));
  const bin = await installFakeCrontab(dir);
  table = path.join(dir, 'crontab.txt');
  env = {
    PATH: `${bin}${path.delimiter}${process.env.PATH}`,
    HOME: path.join(dir, 'home'),
    OKTA_CONNECTOR_CONFIG_DIR: path.join(dir, 'config'),
    FAKE_CRONTAB_FILE: table,
  };
  await mkdir(env.HOME!, { recursive: true });
});
afterEach(() => remove());

function saveProfile(name: string, profile: Profile): void {
  new ConfigStore(env).saveProfile(name, profile);
}

const crontab = () => (existsSync(table) ? readFileSync(table, 'utf8') : '');

describe('schedule install / show / remove through the CLI', () => {
  it('installs the stored schedule as one marked entry with absolute paths, keeping other lines', async () => {
    saveProfile('default', { domain: 'acme.okta.com', token: TOKEN, schedule: 'daily' });
    writeFileSync(table, OTHER_LINES);

    const result = await run(['schedule', 'install'], { env });
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stderr).toContain('Installed: the scheduled sync of profile "default" in your crontab.');
    expect(result.stderr).not.toContain(TOKEN);

    const text = crontab();
    expect(text.startsWith(OTHER_LINES)).toBe(true);
    const entry = findEntry(text, 'default')!;
    const logFile = path.join(env.HOME!, 'okta-inventory', 'default', 'sync.log');
    expect(entry.parsed).toEqual({
      cron: '0 0 * * *',
      env: { OKTA_CONNECTOR_CONFIG_DIR: env.OKTA_CONNECTOR_CONFIG_DIR },
      argv: [
        process.execPath,
        defaultCliPath(),
        '--profile',
        'default',
        'sync',
        '--quiet',
        '--log-file',
        logFile,
        '--incremental',
        '--keep',
        '14',
      ],
    });
    expect(path.isAbsolute(defaultCliPath())).toBe(true);
    expect(existsSync(defaultCliPath())).toBe(true);
    expect(text).toContain(`${markerLine('default')}\n0 0 * * * OKTA_CONNECTOR_CONFIG_DIR='`);
    // cron would cut the command at an unescaped %.
    expect(entry.line).toMatch(/100\\%-/);
    expect(entry.line).not.toMatch(/[^\\]%/);

    // Twice: still one entry, nothing rewritten.
    const again = await run(['schedule', 'install'], { env });
    expect(again.exitCode).toBe(ExitCode.Success);
    expect(again.stderr).toContain('Already installed');
    expect(crontab()).toBe(text);
  });

  it('replaces its entry, keeps one per profile, and removes only its own', async () => {
    saveProfile('default', { domain: 'acme.okta.com', token: TOKEN });
    saveProfile('sandbox', { domain: 'acme.oktapreview.com', token: TOKEN });
    writeFileSync(table, OTHER_LINES);

    expect((await run(['schedule', 'install', '--at', 'hourly'], { env })).exitCode).toBe(0);
    expect(
      (await run(['--profile', 'sandbox', 'schedule', 'install', '--at', 'weekly', '--full'], { env }))
        .exitCode,
    ).toBe(0);
    const replaced = await run(['schedule', 'install', '--at', '30 2 * * 1-5', '--keep', '14'], { env });
    expect(replaced.stderr).toContain('Replaced');

    const text = crontab();
    expect(text.split('# okta-connector:profile=').length).toBe(3);
    expect(findEntry(text, 'default')?.parsed?.cron).toBe('30 2 * * 1-5');
    expect(findEntry(text, 'default')?.parsed?.argv.slice(-3)).toEqual(['--incremental', '--keep', '14']);
    expect(findEntry(text, 'sandbox')?.parsed?.cron).toBe('0 0 * * 0');
    expect(findEntry(text, 'sandbox')?.parsed?.argv).not.toContain('--incremental');

    const removed = await run(['schedule', 'remove'], { env });
    expect(removed.exitCode).toBe(ExitCode.Success);
    expect(removed.stderr).toContain('Removed the scheduled sync of profile "default"');
    expect(findEntry(crontab(), 'default')).toBeUndefined();
    expect(findEntry(crontab(), 'sandbox')).toBeDefined();

    const nothing = await run(['schedule', 'remove'], { env });
    expect(nothing.exitCode).toBe(ExitCode.Success);
    expect(nothing.stderr).toContain('Nothing to remove');

    expect((await run(['--profile', 'sandbox', 'schedule', 'remove'], { env })).exitCode).toBe(0);
    expect(crontab()).toBe(OTHER_LINES);
  });

  it('show --json: the entry, its next run and the last log line; not installed is not an error', async () => {
    saveProfile('default', { domain: 'acme.okta.com', token: TOKEN, schedule: '15 3 * * *' });
    const before = await run(['schedule', 'show', '--json'], { env });
    expect(before.exitCode).toBe(ExitCode.Success);
    expect(JSON.parse(before.stdout)).toMatchObject({
      action: 'shown',
      installed: false,
      job: null,
      storedSchedule: '15 3 * * *',
    });
    const human = await run(['schedule', 'show'], { env });
    expect(human.stdout).toContain('No scheduled sync for profile "default" in your crontab.');
    expect(human.stderr).toContain('okta-connector schedule install');

    await run(['schedule', 'install', '--log-file', 'logs/sync run.log'], { env, cwd: dir });
    const logFile = path.join(dir, 'logs', 'sync run.log');
    await mkdir(path.dirname(logFile), { recursive: true });
    writeFileSync(logFile, '2026-03-10T03:15:01.000Z FAILED (exit 10, Locked): another sync\n\n');

    const shown = await run(['schedule', 'show', '--json'], { env });
    expect(shown.exitCode).toBe(ExitCode.Success);
    const document = JSON.parse(shown.stdout);
    expect(document).toMatchObject({
      installed: true,
      enabled: true,
      scheduler: 'cron',
      lastLogLine: '2026-03-10T03:15:01.000Z FAILED (exit 10, Locked): another sync',
      job: { schedule: '15 3 * * *', cron: '15 3 * * *', logFile },
    });
    const next = new Date(document.job.nextRun);
    expect(next.getHours()).toBe(3);
    expect(next.getMinutes()).toBe(15);
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(86_400_000);

    const text = await run(['schedule', 'show'], { env });
    expect(text.stdout).toContain('schedule  15 3 * * *');
    // Whether cron runs on this machine decides the wording around the time (tested below).
    expect(text.stdout).toMatch(/next run {2}.*\d{4}-\d\d-\d\d 03:15 /);
    expect(text.stdout).toContain('keeps     the newest 14 snapshots');
    expect(text.stdout).toContain(`log file  ${logFile}`);
    expect(text.stdout).toContain('last log  2026-03-10T03:15:01.000Z FAILED (exit 10, Locked)');
  });

  it('print: the marker and the cron line on stdout, nothing installed', async () => {
    saveProfile('default', { domain: 'acme.okta.com', token: TOKEN });
    const result = await run(['schedule', 'print', '--at', '@weekly'], { env });
    expect(result.exitCode).toBe(ExitCode.Success);
    const [marker, line, rest] = result.stdout.split('\n');
    expect(marker).toBe(markerLine('default'));
    expect(line).toMatch(/^0 0 \* \* 0 OKTA_CONNECTOR_CONFIG_DIR=/);
    expect(rest).toBe('');
    expect(existsSync(table)).toBe(false);

    const json = JSON.parse((await run(['schedule', 'print', '--at', 'daily', '--json'], { env })).stdout);
    expect(json).toMatchObject({ action: 'printed', job: { scheduler: 'cron', cron: '0 0 * * *' } });
    expect(json.text).toBe(`${json.job.crontab.marker}\n${json.job.crontab.line}`);
  });

  it('print --platform win32: the schtasks command for the paths given', async () => {
    saveProfile('default', { domain: 'acme.okta.com', token: TOKEN });
    const result = await run(
      [
        'schedule',
        'print',
        '--platform',
        'win32',
        '--at',
        '30 2 * * *',
        '--node-path',
        'C:\\Program Files\\nodejs\\node.exe',
        '--cli-path',
        'C:\\okta\\bin\\okta-connector.js',
        '--log-file',
        'C:\\okta\\logs\\sync.log',
      ],
      { env },
    );
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stdout).toBe(
      'schtasks /Create /TN okta-connector-default /TR "\\"C:\\Program Files\\nodejs\\node.exe\\" C:\\okta\\bin\\okta-connector.js --profile default sync --quiet --log-file C:\\okta\\logs\\sync.log --incremental --keep 14" /SC DAILY /ST 02:30 /F\n',
    );
    // This machine's profile, environment and paths say nothing about the Windows machine.
    expect(result.stderr).toBe('');

    const guessed = await run(['schedule', 'print', '--platform', 'win32', '--at', 'daily'], { env });
    expect(guessed.exitCode).toBe(ExitCode.Usage);
    expect(guessed.stderr).toContain(
      'Printing for win32 on linux needs the paths on the win32 machine: pass --node-path, --cli-path, --log-file.',
    );

    const relative = await run(
      [
        'schedule',
        'print',
        '--platform',
        'win32',
        '--at',
        'daily',
        ...WINDOWS_PATHS.slice(0, 4),
        '--log-file',
        'x.log',
      ],
      {
        env,
      },
    );
    expect(relative.exitCode).toBe(ExitCode.Usage);
    expect(relative.stderr).toMatch(/--log-file must be an absolute win32 path/);
  });

  it('warns when the token or domain come only from the environment, which cron does not have', async () => {
    saveProfile('default', { domain: 'acme.okta.com', schedule: 'daily' });
    const result = await run(['schedule', 'install', '--json'], {
      env: { ...env, OKTA_CLIENT_TOKEN: TOKEN, OKTA_CONNECTOR_OUTPUT_DIR: path.join(dir, 'elsewhere') },
    });
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stderr).toContain('The API token comes only from OKTA_CLIENT_TOKEN in this shell; cron');
    expect(result.stderr).toContain('configure --token-stdin');
    expect(result.stderr).toContain('OKTA_CONNECTOR_OUTPUT_DIR is set in this shell');
    expect(result.stderr).not.toContain(TOKEN);
    const document = JSON.parse(result.stdout);
    // Besides those two, only cron's own state may be worth a warning on this machine.
    expect(document.warnings.filter((text: string) => !text.startsWith('cron is not running'))).toHaveLength(
      2,
    );
    // The log goes where the scheduled sync writes: the profile's folder, not the shell's variable.
    expect(document.job.logFile).toBe(path.join(env.HOME!, 'okta-inventory', 'default', 'sync.log'));
  });

  it('install for a profile that does not exist exits 2 and installs nothing', async () => {
    saveProfile('default', { domain: 'acme.okta.com', token: TOKEN });
    writeFileSync(table, OTHER_LINES);
    const noProfile = await run(['--profile', 'ghost', 'schedule', 'install', '--at', 'daily'], { env });
    expect(noProfile.exitCode).toBe(ExitCode.Usage);
    expect(noProfile.stderr).toContain(
      `Error: There is no profile "ghost" in ${path.join(env.OKTA_CONNECTOR_CONFIG_DIR!, 'config.json')}, so a scheduled sync of it would fail (exit 3) on every run.`,
    );
    expect(noProfile.stderr).toContain(
      'Existing profiles: default. Create this one first with "okta-connector configure --profile ghost"',
    );
    expect(crontab()).toBe(OTHER_LINES);
    // print is for another machine, whose profiles this one cannot see: still only a warning.
    const printed = await run(['--profile', 'ghost', 'schedule', 'print', '--at', 'daily'], { env });
    expect(printed.exitCode).toBe(ExitCode.Success);
    expect(printed.stderr).toContain('There is no profile "ghost"');
  });

  it('keeps the newest 14 snapshots by default; --keep all keeps every one, and show points at it', async () => {
    saveProfile('default', { domain: 'acme.okta.com', token: TOKEN });
    const all = await run(['schedule', 'install', '--at', 'daily', '--keep', 'all', '--json'], { env });
    expect(all.exitCode).toBe(ExitCode.Success);
    expect(JSON.parse(all.stdout).job.keep).toBeNull();
    expect(findEntry(crontab(), 'default')?.parsed?.argv).not.toContain('--keep');

    const shown = await run(['schedule', 'show'], { env });
    expect(shown.stdout).toContain('keeps     every snapshot (no --keep)');
    expect(shown.stderr).toContain('keeps every snapshot (it was installed without --keep)');
    expect(shown.stderr).toContain('to keep the newest 14');

    const bounded = await run(['schedule', 'install', '--at', 'daily', '--json'], { env });
    expect(JSON.parse(bounded.stdout).job.keep).toBe(14);
    expect(findEntry(crontab(), 'default')?.parsed?.argv.slice(-2)).toEqual(['--keep', '14']);
    expect((await run(['schedule', 'show'], { env })).stderr).not.toContain('keeps every snapshot');
  });

  it('mentions okta-connector jobs added by hand', async () => {
    saveProfile('default', { domain: 'acme.okta.com', token: TOKEN });
    writeFileSync(table, '15 2 * * * /usr/bin/env okta-connector sync --quiet\n');
    const result = await run(['schedule', 'install', '--at', 'daily'], { env });
    expect(result.stderr).toContain('also runs okta-connector sync on line 1');
  });
});

describe('errors: documented exit codes, no stack traces', () => {
  it.each([
    [
      ['schedule', 'install'],
      ExitCode.Usage,
      /No schedule to install: profile "default" has none stored/,
      /--schedule daily/,
    ],
    [
      ['schedule', 'install', '--at', '0 2 * * * *'],
      ExitCode.Usage,
      /6 fields; cron needs 5/,
      /hourly, daily/,
    ],
    [
      ['schedule', 'install', '--at', '0 25 * * *'],
      ExitCode.Usage,
      /hour 25 is out of range 0-23 in the hour field \(field 2 of 5/,
      /five cron fields/,
    ],
    [
      ['schedule', 'install', '--at', 'daily', '--keep', '0'],
      ExitCode.Usage,
      /--keep takes a whole number/,
      undefined,
    ],
    [
      ['schedule', 'print', '--platform', 'aix', '--at', 'daily'],
      ExitCode.Usage,
      /--platform takes linux, darwin, win32/,
      undefined,
    ],
    [
      ['schedule', 'print', '--platform', 'win32', '--at', '0 9-17 * * *', ...WINDOWS_PATHS],
      ExitCode.Usage,
      /Task Scheduler cannot run "0 9-17 \* \* \*"/,
      /Register-ScheduledTask/,
    ],
    [['schedule', 'frobnicate'], ExitCode.Usage, /Unknown command "frobnicate" for schedule/, undefined],
  ])('%j exits %i', async (argv, exitCode, message, hint) => {
    saveProfile('default', { domain: 'acme.okta.com', token: TOKEN });
    const result = await run(argv, { env });
    expect(result.exitCode).toBe(exitCode);
    expect(result.stderr).toMatch(message);
    if (hint) expect(result.stderr).toMatch(hint);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const json = await run([...argv, '--json'], { env });
    expect(json.exitCode).toBe(exitCode);
    expect(JSON.parse(json.stdout).error.exitCode).toBe(exitCode);
  });

  it('a stored schedule that is invalid is a config error', async () => {
    saveProfile('default', { domain: 'acme.okta.com', token: TOKEN, schedule: '0 0 30 2 *' });
    const result = await run(['schedule', 'install'], { env });
    expect(result.exitCode).toBe(ExitCode.Config);
    expect(result.stderr).toMatch(/schedule stored in profile "default" is invalid: .*never runs/);
  });

  it('no crontab on PATH: a config error that suggests schedule print', async () => {
    saveProfile('default', { domain: 'acme.okta.com', token: TOKEN });
    const bare = { ...env, PATH: path.join(dir, 'home') };
    for (const argv of [
      ['schedule', 'install', '--at', 'daily'],
      ['schedule', 'show'],
      ['schedule', 'remove'],
    ]) {
      const result = await run(argv, { env: bare });
      expect(result.exitCode).toBe(ExitCode.Config);
      expect(result.stderr).toContain('The crontab command is not installed on this machine');
      expect(result.stderr).toContain('okta-connector schedule print');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('a crontab that refuses the table leaves it as it was', async () => {
    saveProfile('default', { domain: 'acme.okta.com', token: TOKEN });
    writeFileSync(table, '# mine\n');
    const refusing: CommandRunner = async (_file, args) =>
      args[0] === '-l'
        ? { exitCode: 0, stdout: Buffer.from('# mine\n'), stderr: Buffer.alloc(0) }
        : {
            exitCode: 1,
            stdout: Buffer.alloc(0),
            stderr: Buffer.from('"-":3: bad minute\nerrors in crontab file, can\'t install.\n'),
          };
    const { io } = fakeIo();
    const error = await scheduleInstall(
      { profile: 'default', env, cwd: dir, schedule: 'daily', run: refusing },
      io,
    ).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(
      /"crontab -" refused the new table \(exit 1\): "-":3: bad minute/,
    );
    expect(crontab()).toBe('# mine\n');
  });
});

describe('Windows, with schtasks faked', () => {
  const XML = `<?xml version="1.0" encoding="UTF-16"?>
<Task><Triggers><CalendarTrigger><StartBoundary>2026-03-10T02:30:00</StartBoundary><ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay></CalendarTrigger></Triggers>
<Settings><Enabled>true</Enabled></Settings>
<Actions><Exec><Command>"C:\\Program Files\\nodejs\\node.exe"</Command><Arguments>C:\\okta\\bin\\okta-connector.js --profile default sync --quiet --log-file C:\\okta\\sync.log --incremental</Arguments></Exec></Actions></Task>`;

  function fakeSchtasks(installed: boolean) {
    const calls: string[][] = [];
    const runner: CommandRunner = async (file, args) => {
      expect(file).toBe('schtasks');
      calls.push(args);
      if (args[0] === '/Query') {
        return installed
          ? { exitCode: 0, stdout: Buffer.from(XML, 'utf16le'), stderr: Buffer.alloc(0) }
          : {
              exitCode: 1,
              stdout: Buffer.alloc(0),
              stderr: Buffer.from('ERROR: The system cannot find the file specified.\r\n'),
            };
      }
      installed = args[0] === '/Create';
      return { exitCode: 0, stdout: Buffer.from('SUCCESS\r\n'), stderr: Buffer.alloc(0) };
    };
    return { calls, runner };
  }

  it('install creates the task with /F, show reads it back, remove deletes it once', async () => {
    saveProfile('default', { domain: 'acme.okta.com', token: TOKEN });
    const common = { profile: 'default', env, cwd: dir, platform: 'win32' };
    const { calls, runner } = fakeSchtasks(false);
    const { io } = fakeIo();
    const installed = await scheduleInstall(
      {
        ...common,
        run: runner,
        schedule: '30 2 * * *',
        nodePath: 'C:\\Program Files\\nodejs\\node.exe',
        cliPath: 'C:\\okta\\bin\\okta-connector.js',
        logFile: 'C:\\okta\\sync.log',
      },
      io,
    );
    expect(installed).toMatchObject({ action: 'installed', replaced: false });
    expect(calls[1]).toEqual([
      '/Create',
      '/TN',
      'okta-connector-default',
      '/TR',
      '"C:\\Program Files\\nodejs\\node.exe" C:\\okta\\bin\\okta-connector.js --profile default sync --quiet --log-file C:\\okta\\sync.log --incremental --keep 14',
      '/SC',
      'DAILY',
      '/ST',
      '02:30',
      '/F',
    ]);

    const shown = await scheduleShow({ ...common, run: runner }, io);
    expect(shown).toMatchObject({
      installed: true,
      enabled: true,
      scheduler: 'task-scheduler',
      job: {
        cron: '30 2 * * *',
        logFile: 'C:\\okta\\sync.log',
        argv: expect.arrayContaining(['--incremental']),
      },
    });

    expect(await scheduleRemove({ ...common, run: runner }, io)).toMatchObject({ removed: true });
    expect(calls.at(-1)).toEqual(['/Delete', '/TN', 'okta-connector-default', '/F']);
    expect(await scheduleRemove({ ...common, run: runner }, io)).toMatchObject({ removed: false });
    expect(calls.at(-1)?.[0]).toBe('/Query');
  });
});
