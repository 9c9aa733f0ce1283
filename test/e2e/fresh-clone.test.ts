import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../cli/harness.js';
import { ROOT } from './cli-process.js';
import { CHECKOUT_FILES, copyCheckout, exec, NPM, NPX, personEnv } from './npm-process.js';

/**
 * README's first command from a fresh clone: `npm install && npx okta-connector sync --demo`. dist/
 * is git-ignored and no install script builds it (issue 19), so the CLI's first run builds it with
 * the checkout's TypeScript. npm prefers the cache `npm ci` filled and fetches only what it lacks.
 */

let dir: string;
let remove: () => Promise<void>;
let clone: string;
beforeAll(async () => {
  ({ dir, remove } = await tempDir('okta-connector-clone-'));
  clone = path.join(dir, 'clone');
  await mkdir(clone);
  await copyCheckout(clone, CHECKOUT_FILES);
}, 60_000);
afterAll(() => remove?.());

describe('a fresh clone', () => {
  it('has no dist/: git ignores it', async () => {
    expect((await readFile(path.join(ROOT, '.gitignore'), 'utf8')).split('\n')).toContain('dist/');
    expect(existsSync(path.join(clone, 'dist'))).toBe(false);
  });

  it('npm install && npx okta-connector sync --demo: the first run builds dist/, then syncs', async () => {
    const env = personEnv({
      HOME: path.join(dir, 'home'),
      OKTA_CONNECTOR_CONFIG_DIR: path.join(dir, 'config'),
    });
    const installed = await exec(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: clone,
      env,
    });
    expect(installed.stdout + installed.stderr).not.toMatch(/okta-connector@/);
    expect(existsSync(path.join(clone, 'dist'))).toBe(false);

    const synced = await exec(NPX, ['okta-connector', 'sync', '--demo'], { cwd: clone, env });
    expect(synced.stderr).toContain('okta-connector: first run in this checkout: building dist/');
    expect(synced.stdout).toMatch(/Snapshot \(complete\): .*okta-inventory-demo/);
    expect(await readdir(path.join(clone, 'okta-inventory-demo', 'default'))).toContainEqual(
      expect.stringMatching(/^\d{4}-\d\d-\d\dT\d{6}Z$/),
    );
    expect((await readdir(clone)).filter((name) => name.startsWith('.dist-building-'))).toEqual([]);

    // The second run finds dist/ and builds nothing.
    const again = await exec(NPX, ['okta-connector', '--version'], { cwd: clone, env });
    expect(again.stderr).toBe('');
  }, 180_000);
});
