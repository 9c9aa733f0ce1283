// Builds dist/ in a checkout that has none (a fresh clone after `npm install`), with the checkout's
// TypeScript; without it (`npm ci --omit=dev`) it says what to run and exits 1. tsc writes into a
// temporary folder that is renamed to dist/ once complete, so an interrupted build leaves no half a
// dist/ behind and two first runs at once both end with a whole one.
import { spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');

function notBuilt(why) {
  process.stderr.write(
    `Error: okta-connector is not built (${why}).\n` +
      '  In a checkout: npm install (it brings TypeScript), then run okta-connector again, or npm run build.\n' +
      '  To use it without dev dependencies: npm install -g okta-connector, or npm pack and install the tarball.\n',
  );
  process.exit(1);
}

let tsc;
try {
  tsc = createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  notBuilt('dist/ is missing and TypeScript is not installed to build it');
}
if (!existsSync(path.join(root, 'src', 'main.ts'))) notBuilt('dist/ and src/ are missing');

process.stderr.write(
  'okta-connector: first run in this checkout: building dist/ (npm run build after changes)…\n',
);
const building = path.join(root, `.dist-building-${process.pid}`);
const build = spawnSync(
  process.execPath,
  [tsc, '-p', path.join(root, 'tsconfig.json'), '--outDir', building],
  {
    cwd: root,
    // tsc reports on stdout; stdout is for data (--json), so its report goes to stderr.
    stdio: ['ignore', 2, 2],
  },
);
if (build.status !== 0) {
  rmSync(building, { recursive: true, force: true });
  notBuilt(`the TypeScript build failed${build.status === null ? ` (${build.signal ?? build.error})` : ''}`);
}
try {
  // A dist/ without main.js is a leftover (an emptied folder, a build of old sources): not worth keeping.
  if (!existsSync(path.join(dist, 'main.js'))) rmSync(dist, { recursive: true, force: true });
  renameSync(building, dist);
} catch (error) {
  // Another first run finished first: its dist/ is as good as ours.
  rmSync(building, { recursive: true, force: true });
  if (!existsSync(path.join(dist, 'main.js'))) throw error;
}
