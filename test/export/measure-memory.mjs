// Peak memory of export on a sample-org snapshot, view by view, through the built CLI (a child
// process per view, so each number is that export's own peak RSS). Not part of `npm test`: a `large`
// snapshot takes a few minutes to sync.
//
//   npm run build && node test/export/measure-memory.mjs [large|medium|small] [json|ndjson|csv] [limit MB]
//   npm run build && node test/export/measure-memory.mjs <snapshot dir> [limit MB]   # one already taken
//
// Exits 1 when a view's peak RSS is over the limit (default 200 MB).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { sync } = await import(join(root, 'dist/commands/sync/index.js'));
const { DEFAULT_RATE_LIMITS, startSampleOrg } = await import(join(root, 'dist/demo/index.js'));
const { createIo } = await import(join(root, 'dist/ui/io.js'));

const snapshotDir =
  process.argv[2] && existsSync(join(process.argv[2], 'manifest.json')) ? process.argv[2] : undefined;
const size = process.argv[2] ?? 'large';
const format = process.argv[3] ?? 'json';
const limitMb = Number((snapshotDir ? process.argv[3] : process.argv[4]) ?? 200);
const clock = Date.parse('2026-11-01T12:00:00.000Z');

const dir = await mkdtemp(join(tmpdir(), 'okta-export-memory-'));
try {
  if (snapshotDir) console.log(`snapshot ${snapshotDir}`);
  else await takeSnapshot();
  const where = snapshotDir ? ['--snapshot', snapshotDir] : ['--output-dir', dir];

  // Prints the process's own peak RSS on exit, read back from stderr.
  const report = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nmaxRSS '+process.resourceUsage().maxRSS+'\\n'))`;
  const views = [
    ['assignments'],
    ['assignments', '--format', 'ndjson', '--where', 'lastSignIn<60d or lastSignIn=""'],
    ['licence-usage'],
    ['licence-usage', '--by', 'user'],
    ['licence-usage', '--format', 'html'],
    ['users', '--fields', 'id,status,profile.email,profile.department'],
    ['app_users', '--format', 'json'],
  ];
  let failed = false;
  for (const [view, ...rest] of views) {
    const args = ['export', '-q', ...where, '--view', view, ...rest, '--output', join(dir, 'out')];
    const begun = Date.now();
    const child = spawnSync(
      process.execPath,
      ['--import', report, join(root, 'dist/cli/program.js'), ...args],
      {
        encoding: 'utf8',
      },
    );
    const kb = Number(/maxRSS (\d+)/.exec(child.stderr)?.[1] ?? Number.NaN);
    const mb = kb / 1024;
    const over = !(mb <= limitMb) || child.status !== 0;
    failed ||= over;
    console.log(
      `${over ? 'OVER' : 'ok  '} ${mb.toFixed(0).padStart(4)} MB ${((Date.now() - begun) / 1000).toFixed(1).padStart(5)} s  export --view ${view} ${rest.join(' ')}${child.status === 0 ? '' : ` (exit ${child.status}: ${child.stderr.trim()})`}`,
    );
  }
  process.exitCode = failed ? 1 : 0;
} finally {
  await rm(dir, { recursive: true, force: true });
}

/** Syncs the sample org of `size` into `dir`, in `format`. */
async function takeSnapshot() {
  const limits = Object.fromEntries(Object.keys(DEFAULT_RATE_LIMITS).map((key) => [key, 1_000_000]));
  const org = await startSampleOrg({ size, now: () => clock, rateLimits: { limits } });
  const quiet = new PassThrough();
  quiet.resume();
  const started = Date.now();
  await sync(
    {
      profile: 'default',
      env: { OKTA_CLIENT_ORGURL: org.url, OKTA_CLIENT_TOKEN: org.token, OKTA_CONNECTOR_CONFIG_DIR: dir },
      cwd: dir,
      outputDir: dir,
      format,
      skip: 'devices,admin_roles',
      concurrency: '16',
      now: () => clock,
    },
    createIo({ stdout: quiet, stderr: quiet, env: {} }),
  );
  await org.stop();
  console.log(`${size} snapshot (${format}) synced in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
