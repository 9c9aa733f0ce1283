import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderScheduleResult, scheduleInstall, scheduleShow } from '../../src/commands/schedule/index.js';
import { ConfigStore, loadConfigWriter } from '../../src/config/store.js';
import {
  cronDaemonStatus,
  type ProcessInfo,
  readProcessTable,
} from '../../src/schedule/cron-daemon-status.js';
import { type CommandRunner, runCommand } from '../../src/schedule/run-command.js';
import { fakeIo, tempDir } from '../cli/harness.js';
import { installFakeCrontab } from './fake-crontab.js';

beforeAll(loadConfigWriter);

const TOKEN = '00CronDaemonTest_0123456789abcdefghijklmno';
const SHELLS: ProcessInfo[] = [
  { pid: 1, name: 'tini', argv: ['/sbin/tini', '--', 'bash'] },
  { pid: 7, name: 'bash', argv: ['bash'] },
  // A name that only contains "cron" is not a cron daemon.
  { pid: 9, name: 'anacron', argv: ['/usr/sbin/anacron', '-d'] },
];
const CRON: ProcessInfo = { pid: 812, name: 'cron', argv: ['/usr/sbin/cron', '-f'] };

/** systemctl as a machine with systemd answers for the cron units (cron.service installed, in `state`). */
function systemctl(state: string | null): CommandRunner {
  return async (file, args, options) => {
    if (file !== 'systemctl') return runCommand(file, args, options);
    if (state === null) {
      return {
        exitCode: 1,
        stdout: Buffer.alloc(0),
        stderr: Buffer.from(
          "System has not been booted with systemd as init system (PID 1). Can't operate.\n",
        ),
      };
    }
    const block = (id: string, load: string, active: string) =>
      `Id=${id}\nLoadState=${load}\nActiveState=${active}\n`;
    const text = [
      block('cron.service', 'loaded', state),
      block('crond.service', 'not-found', 'inactive'),
      block('cronie.service', 'not-found', 'inactive'),
      block('fcron.service', 'not-found', 'inactive'),
    ].join('\n');
    return { exitCode: 0, stdout: Buffer.from(text), stderr: Buffer.alloc(0) };
  };
}

describe('cronDaemonStatus', () => {
  const status = (processes: ProcessInfo[] | null, state: string | null, platform = 'linux') =>
    cronDaemonStatus({ platform, env: {}, run: systemctl(state), listProcesses: async () => processes });

  it('running: a cron, crond or busybox crond process', async () => {
    expect(await status([...SHELLS, CRON], null)).toEqual({ running: true, detail: 'cron (pid 812)' });
    expect((await status([{ pid: 3, name: 'crond', argv: ['crond', '-n'] }], null)).running).toBe(true);
    expect(
      (await status([{ pid: 4, name: 'busybox', argv: ['/bin/busybox', 'crond', '-f'] }], null)).running,
    ).toBe(true);
  });

  it('not running: no such process, with systemd unit state and a fix where systemd knows the unit', async () => {
    const bare = await status(SHELLS, null);
    expect(bare.running).toBe(false);
    expect(bare.detail).toBe('no cron daemon process (cron, crond) is running');
    expect(bare.hint).toMatch(/sudo systemctl enable --now cron.*Kubernetes CronJob/);

    const stopped = await status(SHELLS, 'failed');
    expect(stopped).toEqual({
      running: false,
      detail: 'no cron daemon process (cron, crond) is running; cron.service is failed',
      hint: 'Start it: sudo systemctl enable --now cron',
    });
  });

  it('processes hidden (hidepid): systemd decides, else it cannot tell', async () => {
    expect(await status(null, 'active')).toEqual({ running: true, detail: 'cron.service is active' });
    expect((await status(null, 'inactive')).running).toBe(false);
    expect((await status(null, null)).running).toBeNull();
  });

  it('macOS and Windows: not checked', async () => {
    expect((await status(SHELLS, null, 'darwin')).running).toBeNull();
    expect((await status(SHELLS, null, 'win32')).running).toBeNull();
  });

  it("reads this machine's processes from /proc", async () => {
    const processes = await readProcessTable();
    expect(processes?.some((found) => found.pid === process.pid)).toBe(true);
  });
});

describe('schedule show and install when cron does not run, or the profile is gone', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let env: Record<string, string>;
  let table: string;

  beforeEach(async () => {
    ({ dir, remove } = await tempDir());
    const bin = await installFakeCrontab(dir);
    table = path.join(dir, 'crontab.txt');
    env = {
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      HOME: path.join(dir, 'home'),
      OKTA_CONNECTOR_CONFIG_DIR: path.join(dir, 'config'),
      FAKE_CRONTAB_FILE: table,
    };
    await mkdir(env.HOME!, { recursive: true });
    new ConfigStore(env).saveProfile('default', { domain: 'acme.okta.com', token: TOKEN });
  });
  afterEach(() => remove());

  const options = (processes: ProcessInfo[]) => ({
    profile: 'default',
    env,
    cwd: dir,
    platform: 'linux',
    run: systemctl('inactive'),
    listProcesses: async () => processes,
  });

  it('says cron is not running instead of promising the next run', async () => {
    const installed = fakeIo();
    const install = await scheduleInstall({ ...options(SHELLS), schedule: '30 2 * * *' }, installed.io);
    expect(install.action === 'installed' && install.warnings).toContainEqual(
      expect.stringMatching(
        /^cron is not running on this machine \(.*cron.service is inactive\): the entry is installed, but nothing will run until cron is started\. Start it: sudo systemctl enable --now cron$/,
      ),
    );
    expect(existsSync(table)).toBe(true);

    const stopped = fakeIo();
    const shown = await scheduleShow(options(SHELLS), stopped.io);
    expect(shown).toMatchObject({ installed: true, schedulerRunning: false, healthy: false });
    renderScheduleResult(shown, stopped.io);
    expect(stopped.stdout.text()).toContain(
      'Scheduled sync of profile "default" in your crontab (cron is not running):',
    );
    expect(stopped.stdout.text()).toMatch(
      /next run {2}none while cron is not running \(it would be \d{4}-\d\d-\d\d 02:30 [^(]*\)\n/,
    );
    expect(stopped.stdout.text()).not.toMatch(/\(in \d/);
    expect(stopped.stderr.text()).toContain('cron is not running on this machine');

    const running = fakeIo();
    const healthy = await scheduleShow(options([...SHELLS, CRON]), running.io);
    expect(healthy).toMatchObject({
      schedulerRunning: true,
      schedulerStatus: 'cron (pid 812)',
      healthy: true,
    });
    renderScheduleResult(healthy, running.io);
    expect(running.stdout.text()).toMatch(/next run {2}\d{4}-\d\d-\d\d 02:30 .* \(in .*min\)\n/);
    expect(running.stderr.text()).toBe('');
  });

  it('an entry whose profile was deleted is never healthy', async () => {
    await scheduleInstall({ ...options([CRON]), schedule: 'daily' }, fakeIo().io);
    new ConfigStore(env).deleteProfile('default');
    const { io, stdout, stderr } = fakeIo();
    const shown = await scheduleShow(options([CRON]), io);
    expect(shown).toMatchObject({ installed: true, profileExists: false, healthy: false });
    renderScheduleResult(shown, io);
    expect(stdout.text()).toContain('in your crontab (its profile does not exist):');
    expect(stdout.text()).toContain('next run  every run fails: the profile does not exist');
    expect(stderr.text()).toContain(
      `Profile "default" does not exist in ${path.join(env.OKTA_CONNECTOR_CONFIG_DIR!, 'config.json')}: this scheduled sync fails (exit 3) on every run. Remove it with "okta-connector schedule remove"`,
    );
    expect(readFileSync(table, 'utf8')).toContain('# okta-connector:profile=default');
  });
});
