import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SampleOrg } from '../../src/demo/index.js';
import {
  type CliOptions,
  type CliResult,
  ensureBuilt,
  makeWorkspace,
  startCli,
  tinyOrgs,
  type Workspace,
} from './cli-process.js';
import { snapshotIds } from './snapshot-files.js';

/**
 * Requirements (issue 15): a folder okta-connector cannot write is a configuration problem (exit 3)
 * that says what is in the way, found before any work starts; never a hang, never "a bug".
 */

const EXIT_USAGE = 2;
const EXIT_CONFIG = 3;

let work: Workspace;
let org: SampleOrg;
const orgs = tinyOrgs();

beforeAll(async () => {
  ensureBuilt();
  work = await makeWorkspace();
  org = await orgs.start();
});

afterAll(async () => {
  await orgs.stopAll();
  await work?.remove();
});

/** Runs the CLI, killing it if it has not ended in 20 s (a hang fails the test instead of the suite). */
async function runBounded(args: string[], options: CliOptions): Promise<CliResult & { hung: boolean }> {
  const cli = startCli(args, options);
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    cli.child.kill('SIGKILL');
  }, 20_000);
  const result = await cli.result;
  clearTimeout(timer);
  return { ...result, hung };
}

function canMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = path.join(work.dir, 'mount-probe');
  mkdirSync(probe, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function mountTmpfs(dir: string, options: string): () => void {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
  return () => execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
}

describe.concurrent('folders that cannot be written', () => {
  it('--output-dir under /proc: exit 3 at once, no hang', async () => {
    const result = await runBounded(['sync', '--output-dir', '/proc/okta-out'], { env: work.env(org) });
    expect(result.hung).toBe(false);
    expect(result.exitCode).toBe(EXIT_CONFIG);
    expect(result.stderr).toContain(
      'Cannot create /proc/okta-out: this file system does not accept new folders',
    );
    expect(result.stderr).not.toMatch(/Unexpected error|bug/);
  });

  it('test-connection --output-dir under /proc: the check fails at once, no hang', async () => {
    const result = await runBounded(['test-connection', '--output-dir', '/proc/okta-out'], {
      env: work.env(org),
    });
    expect(result.hung).toBe(false);
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(
      /Output directory\s+Cannot write to \/proc\/okta-out \(ENOENT\)/,
    );
  });

  it('configure with OKTA_CONNECTOR_CONFIG_DIR under /proc: exit 3 at once, no hang', async () => {
    const result = await runBounded(['configure', '--domain', 'acme.okta.com', '--token-stdin'], {
      env: work.env(undefined, { OKTA_CONNECTOR_CONFIG_DIR: '/proc/okta-config' }),
      input: `${org.token}\n`,
    });
    expect(result.hung).toBe(false);
    expect(result.exitCode).toBe(EXIT_CONFIG);
    expect(result.stderr).toContain('Could not write the config file /proc/okta-config/config.json (ENOENT)');
  });

  it('--log-file under /proc: exit 2 at once, no hang', async () => {
    const result = await runBounded(
      ['sync', '--output-dir', work.outputDir('log-proc'), '--log-file', '/proc/nope/x.log'],
      { env: work.env(org) },
    );
    expect(result.hung).toBe(false);
    expect(result.exitCode).toBe(EXIT_USAGE);
    expect(result.stderr).toContain('Cannot write the log file /proc/nope/x.log');
  });

  it('an output folder that is a file: exit 3 naming it, nothing else written', async () => {
    const file = path.join(work.dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const result = await runBounded(['sync', '--output-dir', file], { env: work.env(org) });
    expect(result.exitCode).toBe(EXIT_CONFIG);
    expect(result.stderr).toContain(
      `Cannot write to ${file}: ${file} is a file, not a folder (ENOTDIR, from --output-dir).`,
    );
    expect(result.stderr).not.toMatch(/Unexpected error|bug/);
  });

  it('a profile folder that is a file: exit 3 naming it', async () => {
    const outputDir = work.outputDir('profile-file');
    mkdirSync(outputDir, { recursive: true });
    writeFileSync(path.join(outputDir, 'default'), 'not a folder');
    const result = await runBounded(['sync', '--output-dir', outputDir], { env: work.env(org) });
    expect(result.exitCode).toBe(EXIT_CONFIG);
    expect(result.stderr).toContain(`${path.join(outputDir, 'default')} is a file, not a folder`);
  });

  it('--output-dir "" is refused instead of writing to the default folder', async () => {
    const env = work.env(org);
    const result = await runBounded(['sync', '--output-dir', ''], { env });
    expect(result.exitCode).toBe(EXIT_USAGE);
    expect(result.stderr).toContain('--output-dir is empty');
    expect(existsSync(path.join(env.HOME as string, 'okta-inventory'))).toBe(false);
  });

  it('--full-every -1 is refused before the profile folder is created', async () => {
    const outputDir = work.outputDir('full-every');
    const result = await runBounded(
      ['sync', '--incremental', '--full-every', '-1', '--output-dir', outputDir],
      {
        env: work.env(org),
      },
    );
    expect(result.exitCode).toBe(EXIT_USAGE);
    expect(result.stderr).toContain('--full-every takes a number of days');
    expect(existsSync(outputDir)).toBe(false);
  });

  it('OKTA_CONNECTOR_CONFIG_DIR naming a file says so, not "No Okta domain"', async () => {
    const file = path.join(work.dir, 'config-file');
    writeFileSync(file, '{}');
    const result = await runBounded(['sync', '--output-dir', work.outputDir('config-file')], {
      env: work.env(undefined, { OKTA_CONNECTOR_CONFIG_DIR: file }),
    });
    expect(result.exitCode).toBe(EXIT_CONFIG);
    expect(result.stderr).toContain(`OKTA_CONNECTOR_CONFIG_DIR names ${file}, which is a file, not a folder`);
  });
});

describe('full and read-only disks', () => {
  it('a full disk: exit 3 "the disk at … is full (need about N MB)", nothing half-written', async (context) => {
    if (!canMount()) context.skip();
    const outputDir = work.outputDir('full');
    const unmount = mountTmpfs(outputDir, 'size=96k');
    try {
      const result = await runBounded(['sync', '--output-dir', outputDir], { env: work.env(org) });
      expect(result.exitCode, result.stderr).toBe(EXIT_CONFIG);
      expect(result.stderr).toMatch(
        new RegExp(
          `Error: The disk at ${outputDir}\\S* is full \\(need about \\d+ MB, \\d+ MB free\\) \\(ENOSPC\\)`,
        ),
      );
      expect(result.stderr).toContain('Free some space there');
      expect(result.stderr).not.toMatch(/Unexpected error|bug/);
      expect(snapshotIds(outputDir)).toEqual([]);
      expect(
        readdirSync(path.join(outputDir, 'default')).filter((name) => !name.startsWith('.lock')),
      ).toEqual([]);
    } finally {
      unmount();
    }
  });

  it('a read-only disk: exit 3 "is read-only" before any request', async (context) => {
    if (!canMount()) context.skip();
    const outputDir = work.outputDir('read-only');
    const unmount = mountTmpfs(outputDir, 'size=1m,ro');
    try {
      const result = await runBounded(['sync', '--output-dir', outputDir], { env: work.env(org) });
      expect(result.exitCode).toBe(EXIT_CONFIG);
      expect(result.stderr).toContain(`The disk at ${outputDir} is read-only (EROFS, from --output-dir).`);
      expect(statSync(outputDir).isDirectory()).toBe(true);
    } finally {
      unmount();
    }
  });
});
