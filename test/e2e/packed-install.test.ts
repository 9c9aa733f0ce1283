import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../cli/harness.js';
import { CLI_NODE, ROOT } from './cli-process.js';
import { CHECKOUT_FILES, copyCheckout, exec, NPM, personEnv } from './npm-process.js';

/**
 * The package as npm publishes it (issue 19): `npm pack` of a checkout without dist/ (prepack builds
 * it), installed globally from the tarball into a temporary prefix, then run. The install prefers
 * npm's cache: `npm ci` filled it with the tarballs, but a global install (no lockfile) also needs each
 * dependency's registry metadata, which only an earlier `npm install` may have cached, so `--offline`
 * made this test depend on what ran before it. No install script may run or be asked for (npm 11
 * warns "install-scripts … not yet covered by allowScripts" for a `prepare`), no dev dependency is
 * installed, and the CLI runs.
 */

let dir: string;
let remove: () => Promise<void>;
let prefix: string;
let installOutput: string;
let tarballFiles: string[];
const version = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')).version as string;

beforeAll(async () => {
  ({ dir, remove } = await tempDir('okta-connector-packed-'));
  const checkout = path.join(dir, 'checkout');
  await mkdir(checkout);
  await copyCheckout(checkout, CHECKOUT_FILES);
  // prepack's build needs TypeScript, a dev dependency: the one the suite runs with.
  await exec('ln', ['-s', path.join(ROOT, 'node_modules'), path.join(checkout, 'node_modules')]);
  const packed = await exec(NPM, ['pack', '--json', '--pack-destination', dir], {
    cwd: checkout,
    env: personEnv(),
  });
  const [pack] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
  tarballFiles = pack.files.map((file) => file.path);

  prefix = path.join(dir, 'prefix');
  const installed = await exec(
    NPM,
    [
      'install',
      '--global',
      '--prefix',
      prefix,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      path.join(dir, pack.filename),
    ],
    { cwd: dir, env: personEnv() },
  );
  installOutput = installed.stdout + installed.stderr;
}, 180_000);
afterAll(() => remove?.());

function installedCli(args: string[]) {
  const home = path.join(dir, 'home');
  // The link npm made in <prefix>/bin, as `okta-connector` on PATH runs it.
  return exec(CLI_NODE, [path.join(prefix, 'bin', 'okta-connector'), ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: home, OKTA_CONNECTOR_CONFIG_DIR: path.join(home, 'config') },
  });
}

describe('the packed package, installed from its tarball', () => {
  it('ships dist/ built by prepack, and no sources or tests', () => {
    expect(tarballFiles).toContain('dist/main.js');
    expect(tarballFiles).toContain('bin/okta-connector.js');
    expect(tarballFiles.filter((file) => /^(src|test|bench)\//.test(file))).toEqual([]);
  });

  it('installs with no install script and no dev dependency', async () => {
    expect(installOutput).not.toMatch(/install-scripts|prepare|postinstall/i);
    const packageDir = path.join(prefix, 'lib', 'node_modules', 'okta-connector');
    const manifest = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8'));
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare'])
      expect(manifest.scripts[script]).toBeUndefined();
    const modules = await readdir(path.join(packageDir, 'node_modules'));
    expect(modules).toContain('commander');
    for (const dev of ['typescript', 'vitest', 'msw', '@biomejs', 'csv-stringify'])
      expect(modules).not.toContain(dev);
  });

  it('runs: --version, then sync --demo', async () => {
    expect((await installedCli(['--version'])).stdout.trim()).toBe(version);
    const synced = await installedCli(['sync', '--demo']);
    expect(synced.stdout).toMatch(/Snapshot \(complete\): .*okta-inventory-demo/);
    const snapshots = await readdir(path.join(dir, 'okta-inventory-demo', 'default'));
    expect(snapshots.some((name) => /^\d{4}-\d\d-\d\dT\d{6}Z$/.test(name))).toBe(true);
  }, 60_000);
});

describe('a checkout installed without dev dependencies', () => {
  it('npm ci --omit=dev succeeds (it used to exit 127 in prepare), and the CLI says how to build it', async () => {
    const checkout = path.join(dir, 'omit-dev');
    await mkdir(checkout);
    await copyCheckout(checkout, CHECKOUT_FILES);
    const installed = await exec(NPM, ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: checkout,
      env: personEnv(),
    });
    expect(installed.stderr).not.toMatch(/prepare|tsc/);

    const failed = await exec(CLI_NODE, [path.join(checkout, 'bin', 'okta-connector.js'), '--version'], {
      cwd: checkout,
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect(failed).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'Error: okta-connector is not built (dist/ is missing and TypeScript is not installed to build it).\n' +
        '  In a checkout: npm install (it brings TypeScript), then run okta-connector again, or npm run build.\n' +
        '  To use it without dev dependencies: npm install -g okta-connector, or npm pack and install the tarball.\n',
    });
  }, 120_000);
});
