import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestConnectionReport } from '../../../src/commands/test-connection/index.js';
import { run, tempDir } from '../../cli/harness.js';

let dir: string;
let remove: () => Promise<void>;
let env: Record<string, string>;

/** A free port for this file's demo org, so a parallel `--demo` elsewhere cannot take it. */
async function freePort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return String(port);
}

beforeEach(async () => {
  ({ dir, remove } = await tempDir());
  env = {
    OKTA_CONNECTOR_CONFIG_DIR: path.join(dir, 'config'),
    HOME: path.join(dir, 'home'),
    OKTA_CONNECTOR_DEMO_PORT: await freePort(),
    // Read by a real check, never by --demo: the label must not name it either.
    OKTA_CONNECTOR_OUTPUT_DIR: path.join(dir, 'from-env'),
  };
});
afterEach(() => remove());

async function outputDirCheck(args: string[]) {
  const result = await run(['test-connection', '--demo', '--json', ...args], { env, cwd: dir });
  expect(result.exitCode).toBe(0);
  const report = JSON.parse(result.stdout) as TestConnectionReport;
  return report.checks.find((check) => check.id === 'output-dir');
}

describe('test-connection --demo: where the output folder came from', () => {
  it('without --output-dir: the demo folder, labelled as the --demo default (not "from --output-dir")', async () => {
    const check = await outputDirCheck([]);
    expect(check?.status).toBe('pass');
    expect(check?.detail).toBe(
      `${path.join(dir, 'okta-inventory-demo')} is writable (it does not exist yet; sync will create it), from the --demo default.`,
    );
  });

  it('with --output-dir: that folder, from --output-dir', async () => {
    await mkdir(path.join(dir, 'mine'));
    const check = await outputDirCheck(['--output-dir', 'mine']);
    expect(check?.detail).toBe(`${path.join(dir, 'mine')} is writable, from --output-dir.`);
  });

  it('an empty --output-dir is refused as sync --demo refuses it (exit 2), not read as the current folder', async () => {
    const result = await run(['test-connection', '--demo', '--output-dir', ''], { env, cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--output-dir is empty.');
    expect(result.stdout).not.toContain('is writable');
  });
});
