import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt, ROOT } from '../e2e/cli-process.js';

/**
 * `--help` and `--version` load only what they print (issue 16): commander, the program wiring and
 * the option tables, never zod, got, ora, chalk or a command's module. Checked structurally, through
 * a module loader hook that logs every module the built CLI loads; how fast that makes them is
 * measured by `npm run bench -- --cli-startup`, not here.
 */

const LOAD_HOOK = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.MODULE_LOG, url + '\\n');
  return next(url, context);
}`;
const REGISTER = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(LOAD_HOOK)}));`;

let dir: string;
beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(path.join(tmpdir(), 'okta-connector-lazy-'));
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The modules (paths under the repository) that `okta-connector <args>` loads. */
async function modulesLoadedBy(args: string[]): Promise<string[]> {
  const log = path.join(dir, `${args.join('_').replace(/\W/g, '')}.log`);
  const child = spawn(
    process.execPath,
    [`--import=data:text/javascript,${encodeURIComponent(REGISTER)}`, BIN, ...args],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', MODULE_LOG: log, NO_COLOR: '1' }, stdio: 'ignore' },
  );
  const exitCode = await new Promise((resolve) => child.on('close', resolve));
  expect(exitCode).toBe(0);
  return readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((url) => path.relative(ROOT, new URL(url).pathname));
}

const HEAVY = [
  /^node_modules\/(zod|got|ora|chalk|conf|csv-stringify|csv-parse|https-proxy-agent)\//,
  /^dist\/commands\/[^/]+\/index\.js$/,
  /^dist\/(okta|sync\/(?!sync-defaults)|ui\/io|config|schedule|formats|demo\/(?!demo-output-dir))/,
];

describe('--help and --version load only what they print', () => {
  it.each(['--help', '--version', 'sync --help', 'export --help', 'schedule install --help'])(
    'okta-connector %s',
    async (command) => {
      const loaded = await modulesLoadedBy(command.split(' '));
      // The hook sees the program itself: an empty log would make this test pass for nothing.
      expect(loaded).toContain('dist/cli/program.js');
      expect(loaded).toContain('node_modules/commander/index.js');
      expect(loaded.filter((file) => HEAVY.some((pattern) => pattern.test(file)))).toEqual([]);
    },
  );

  it('a command that runs loads its module (the hook sees lazy imports too)', async () => {
    const loaded = await modulesLoadedBy(['configure', '--list']);
    expect(loaded).toContain('dist/commands/configure/index.js');
    expect(loaded.some((file) => file.startsWith('node_modules/zod/'))).toBe(true);
  });
});
