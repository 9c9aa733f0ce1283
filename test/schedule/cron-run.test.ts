import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigStore, loadConfigWriter } from '../../src/config/store.js';
import { type SampleOrg, startSampleOrg } from '../../src/demo/index.js';
import { ExitCode } from '../../src/errors.js';
import { acquireLock } from '../../src/inventory/acquire-lock.js';
import { findEntry } from '../../src/schedule/crontab.js';
import { run, tempDir } from '../cli/harness.js';
import { installFakeCrontab } from './fake-crontab.js';

// configure loads conf before it writes; these tests write profiles directly.
beforeAll(loadConfigWriter);

/**
 * The installed line, run the way cron runs it: cron turns `\%` into `%`, then hands the command to
 * /bin/sh with an almost empty environment (HOME, LOGNAME, SHELL, PATH=/usr/bin:/bin) in $HOME.
 * It runs the built CLI (bin/okta-connector.js) against the sample org.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const canRunSh = process.platform !== 'win32' && existsSync('/bin/sh');

let org: SampleOrg;
let dir: string;
let remove: () => Promise<void>;
let env: Record<string, string>;
let outputDir: string;

beforeAll(async () => {
  if (!canRunSh) return;
  if (!existsSync(path.join(ROOT, 'dist', 'main.js'))) {
    try {
      execFileSync(
        process.execPath,
        [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
        {
          cwd: ROOT,
          stdio: 'ignore',
        },
      );
    } catch {
      // Type errors still emit JavaScript; the check below is what matters.
    }
  }
  expect(existsSync(path.join(ROOT, 'dist', 'main.js'))).toBe(true);
  org = await startSampleOrg({ size: 'tiny', rateLimits: { enabled: false } });
  ({ dir, remove } = await tempDir("okta cron 50%'s-"));
  const bin = await installFakeCrontab(dir);
  outputDir = path.join(dir, 'out dir');
  env = {
    PATH: `${bin}${path.delimiter}${process.env.PATH}`,
    HOME: path.join(dir, 'home'),
    OKTA_CONNECTOR_CONFIG_DIR: path.join(dir, 'config dir'),
    FAKE_CRONTAB_FILE: path.join(dir, 'crontab'),
  };
  await mkdir(env.HOME!, { recursive: true });
  new ConfigStore(env).saveProfile('default', {
    domain: org.url,
    token: org.token,
    outputDir,
    schedule: 'daily',
  });
}, 120_000);
afterAll(async () => {
  await org?.stop();
  await remove?.();
});

function runAsCron(): Promise<{ exitCode: number | null; output: string }> {
  const entry = findEntry(readFileSync(env.FAKE_CRONTAB_FILE!, 'latin1'), 'default');
  const command = entry!.line!.split(' ').slice(5).join(' ').replaceAll('\\%', '%');
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: env.HOME,
      env: { HOME: env.HOME, LOGNAME: 'tester', SHELL: '/bin/sh', PATH: '/usr/bin:/bin' },
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, output }));
  });
}

describe.runIf(canRunSh)('the installed entry under cron conditions', () => {
  it('syncs quietly into the profile folder and logs to <output-dir>/<profile>/sync.log', async () => {
    expect((await run(['schedule', 'install'], { env })).exitCode).toBe(ExitCode.Success);
    const result = await runAsCron();
    expect(result.output).toBe('');
    expect(result.exitCode).toBe(ExitCode.Success);
    const log = readFileSync(path.join(outputDir, 'default', 'sync.log'), 'utf8');
    expect(log).toMatch(/Sync complete in/);
    expect(existsSync(path.join(outputDir, 'default', 'latest.json'))).toBe(true);
  }, 60_000);

  it('a run that finds the profile locked exits 10 and leaves a FAILED line in the log', async () => {
    const lock = await acquireLock({ dir: outputDir, profile: 'default' });
    try {
      const result = await runAsCron();
      expect(result.exitCode).toBe(ExitCode.Locked);
      // --quiet keeps errors on stderr, which cron mails to MAILTO.
      expect(result.output).toMatch(/Error: .*/);
      const lines = readFileSync(path.join(outputDir, 'default', 'sync.log'), 'utf8')
        .trim()
        .split('\n');
      expect(lines.at(-1)).toMatch(/^\S+Z FAILED \(exit 10, Locked\): /);
    } finally {
      await lock.release();
    }
  }, 60_000);

  it('a run whose token Okta rejects exits 4 and logs FAILED (exit 4, Auth)', async () => {
    const store = new ConfigStore(env);
    store.saveProfile('default', {
      ...store.getProfile('default')!,
      token: '00Revoked_0123456789abcdefghijklmnopqrstu',
    });
    const result = await runAsCron();
    expect(result.exitCode).toBe(ExitCode.Auth);
    const lines = readFileSync(path.join(outputDir, 'default', 'sync.log'), 'utf8')
      .trim()
      .split('\n');
    expect(lines.at(-1)).toMatch(/FAILED \(exit 4, Auth\): /);
    writeFileSync(path.join(dir, 'done'), '');
  }, 60_000);
});
