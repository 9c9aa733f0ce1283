/**
 * `npm run bench`: how close a full `sync` comes to the fastest pull Okta's rate limits allow, what it
 * costs in memory and CPU, and how it compares with a typical script on Okta's own SDK.
 *
 *   node bench/run.js [--size medium,large] [--format json,ndjson,csv] [--window-ms 10000]
 *     [--baselines default,max|none] [--quick] [--timeout-min 45] [--baseline-timeout-min 15]
 *     [--root <checkout>]
 *     [--node-options "<flags for the measured CLI>"] [--out <file.json>]
 *     [--export-runs 1] [--snapshot <dir>[,<dir>…]]
 *     [--diff [--keep-snapshots <dir>]] [--diff-snapshots <from dir>,<to dir>]
 *     [--incremental [--night every|issue] [--share 50]]
 *     [--cli-startup [--runs 9]]
 *
 * Each run gets a fresh sample org in its own process on 127.0.0.1 (its memory is not counted), with
 * its rate-limit window shrunk to `--window-ms`. The built CLI runs as a user runs it:
 * `node bin/okta-connector.js sync` with OKTA_CLIENT_ORGURL / OKTA_CLIENT_TOKEN and a temporary
 * --output-dir. See docs/performance.md for what the columns mean.
 *
 * After each sync, `export --view assignments` runs on its snapshot, and so does its read baseline
 * (bench/read-snapshot.js: the same files through the same reader, parsed and dropped; and the same
 * files read, checked and decoded only), each `--export-runs` times, the fastest kept. `--snapshot`
 * measures only these, on snapshots already taken (no sample org, no sync, no SDK baseline).
 *
 * Once every format of a size is synced, `diff` compares the first two formats' snapshots (or the one
 * snapshot with itself), against its read baseline: both snapshots' compared entities through the same
 * reader, once each (bench/read-snapshot.js --entities diff). `--diff` runs just that, per `--format`
 * (default ndjson): a sync of `--size` (default large; a 1 s window unless --window-ms), a scripted
 * night of changes (the incremental bench's night: every change kind the sample org models, 1 % of
 * users touched), a second sync, then the diff of the two; no export, no SDK baseline.
 * `--keep-snapshots <dir>` moves each pair there (`<format>-from`, `<format>-to`) for
 * `--diff-snapshots`, which measures the diff of two snapshots already taken.
 *
 * `--incremental`: per `--size` (default medium,large), a full sync, a scripted night of changes (1 %
 * of users touched), the incremental sync after it and a full sync of the same moment, in a 1 s window
 * unless --window-ms, every sync at --share percent of each bucket (default 50); per bucket requests incremental/full and wall incremental/full (bench/incremental.js).
 * `--night issue` makes the night exactly issue 17's list; the default, `every`, adds one of each
 * change kind the sample org models beyond it (an app deactivated, a group unassigned from an app,
 * a role granted to a group, a group deleted).
 *
 * `--cli-startup`: `--help`, `--version` and some command helps of the built CLI against `node -e 0`,
 * `--runs` rounds (default 9), the median of each and its ratio to `node -e 0` (bench/cli-startup.js).
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { cpus, freemem, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { endChildrenOnExit } from './child-processes.js';
import {
  BASELINE_HEADER,
  baselineRows,
  DIFF_HEADER,
  diffRows,
  EXPORT_HEADER,
  exportRows,
  markdownTable,
  RESULT_HEADER,
  resultRows,
  textTable,
} from './format-table.js';
import { nightFor } from './incremental.js';
import { hasGnuTime, measureProcess } from './measure-process.js';
import {
  baselineRequestsNeeded,
  DEFAULT_PAGE_SIZE,
  floorOf,
  MAX_PAGE_SIZE,
  sampleOrgShape,
  syncRequestsNeeded,
} from './requests-needed.js';
import { startSampleOrgProcess } from './sample-org-process.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const SIZES = ['tiny', 'small', 'medium', 'large'];
const FORMATS = ['json', 'ndjson', 'csv'];
const SYNC_SHARE = 0.5;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: 'string' },
      format: { type: 'string' },
      'window-ms': { type: 'string' },
      share: { type: 'string' },
      night: { type: 'string' },
      baselines: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'timeout-min': { type: 'string' },
      'baseline-timeout-min': { type: 'string' },
      root: { type: 'string' },
      'node-options': { type: 'string' },
      out: { type: 'string' },
      'export-runs': { type: 'string' },
      snapshot: { type: 'string' },
      diff: { type: 'boolean', default: false },
      incremental: { type: 'boolean', default: false },
      'cli-startup': { type: 'boolean', default: false },
      runs: { type: 'string' },
      'diff-snapshots': { type: 'string' },
      'keep-snapshots': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]}*/\n`);
    process.exit(0);
  }
  const list = (value, fallback, allowed, name, anything = false) => {
    const items = (value ?? fallback)
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    for (const item of items) {
      if (!anything && !allowed.includes(item))
        throw new Error(`--${name}: "${item}" is not one of ${allowed.join(', ')}`);
    }
    return items;
  };
  const quick = values.quick;
  const diffOnly = values.diff;
  const options = {
    quick,
    diffOnly,
    sizes: list(values.size, quick ? 'small' : diffOnly ? 'large' : 'medium,large', SIZES, 'size'),
    formats: list(values.format, quick || diffOnly ? 'ndjson' : FORMATS.join(','), FORMATS, 'format'),
    windowMs: Number(values['window-ms'] ?? (quick ? 5000 : diffOnly ? 1000 : 10_000)),
    baselines:
      values.baselines === 'none' || diffOnly
        ? []
        : list(values.baselines, 'default,max', ['default', 'max'], 'baselines'),
    diffSnapshots:
      values['diff-snapshots'] === undefined
        ? []
        : list(values['diff-snapshots'], '', [], 'diff-snapshots', true),
    timeoutMs: Number(values['timeout-min'] ?? 45) * 60_000,
    // A sequential script with Okta's default page sizes needs ~26 min of apps-bucket windows alone
    // on `large`; it is stopped here and reported as "> this long" rather than holding the bench.
    baselineTimeoutMs: Number(values['baseline-timeout-min'] ?? 15) * 60_000,
    root: resolve(values.root ?? join(BENCH_DIR, '..')),
    nodeOptions: values['node-options'],
    out: values.out,
    exportRuns: Number(values['export-runs'] ?? 1),
    snapshots: values.snapshot === undefined ? [] : list(values.snapshot, '', [], 'snapshot', true),
    sizeGiven: values.size !== undefined,
    keepSnapshots: values['keep-snapshots'] === undefined ? undefined : resolve(values['keep-snapshots']),
    incremental: values.incremental,
    cliStartup: values['cli-startup'],
    runs: Number(values.runs ?? 9),
    incrementalWindowMs: Number(values['window-ms'] ?? 1000),
    incrementalShare: Number(values.share ?? 50),
    night: values.night ?? 'every',
  };
  if (options.night !== 'every' && options.night !== 'issue') {
    throw new Error("--night takes every (every change kind, the default) or issue (issue 17's list)");
  }
  if (
    !Number.isInteger(options.incrementalShare) ||
    options.incrementalShare < 1 ||
    options.incrementalShare > 100
  ) {
    throw new Error('--share takes a whole percentage, 1 to 100');
  }
  if (options.diffSnapshots.length !== 0 && options.diffSnapshots.length !== 2) {
    throw new Error('--diff-snapshots takes two snapshot folders: <from dir>,<to dir>');
  }
  if (!Number.isInteger(options.exportRuns) || options.exportRuns < 1) {
    throw new Error('--export-runs takes a whole number, at least 1');
  }
  if (!Number.isInteger(options.windowMs) || options.windowMs < 1000) {
    throw new Error('--window-ms takes a whole number of milliseconds, at least 1000');
  }
  if (!(options.timeoutMs > 0 && options.baselineTimeoutMs > 0)) {
    throw new Error('--timeout-min and --baseline-timeout-min take a positive number');
  }
  return options;
}

/** The commit being measured, and whether the checkout has uncommitted changes. */
function revision(root) {
  const git = (args) => spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' });
  const head = git(['rev-parse', 'HEAD']);
  if (head.status !== 0) return undefined;
  const dirty = git(['status', '--porcelain', '--untracked-files=no']).stdout.trim() !== '';
  return { commit: head.stdout.trim(), dirty };
}

function machine() {
  const cpu = cpus();
  return {
    nproc: cpu.length,
    cpu: cpu[0]?.model ?? 'unknown',
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    freeMemoryGiB: Number((freemem() / 2 ** 30).toFixed(1)),
    node: process.version,
    os: `${process.platform} ${release()}`,
  };
}

/** Environment of a measured program: no OKTA_* or NODE_OPTIONS from the caller, a throwaway HOME. */
function cleanEnv(home, extra) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('OKTA_') || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return { ...env, HOME: home, NO_COLOR: '1', ...extra };
}

const loadNow = () => loadavg().map((value) => Number(value.toFixed(2)));

function sumThrottled(stats) {
  if (!stats) return undefined;
  return Object.values(stats.buckets ?? {}).reduce((total, bucket) => total + (bucket.throttled ?? 0), 0);
}

function requestsOf(stats, needed) {
  if (!stats) return undefined;
  const byBucket = {};
  for (const [bucket, counters] of Object.entries(stats.buckets ?? {})) byBucket[bucket] = counters.requests;
  const total = Object.values(byBucket).reduce((sum, value) => sum + value, 0);
  const neededTotal = Object.values(needed).reduce((sum, value) => sum + value, 0);
  return { total, byBucket, needed: neededTotal, neededByBucket: needed };
}

function firstLines(file, lines = 3) {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join(' / ');
  } catch {
    return '';
  }
}

/** Whether the built CLI has an `export` command: `--help` lists it under Commands. */
function exportAvailable(root) {
  const probe = spawnSync(process.execPath, [join(root, 'bin', 'okta-connector.js'), '--help'], {
    encoding: 'utf8',
    env: cleanEnv(tmpdir(), {}),
    timeout: 30_000,
  });
  const commands = /\nCommands:\n([\s\S]*?)(?:\n\n|(?![\s\S]))/.exec(probe.stdout ?? '')?.[1] ?? '';
  return probe.status === 0 && /^\s+export\b/m.test(commands);
}

class Bench {
  constructor(options) {
    this.options = options;
    this.work = mkdtempSync(join(tmpdir(), 'okta-connector-bench-'));
    this.results = [];
    this.sizes = {};
    this.ports = {};
    this.anchors = {};
    this.sequence = 0;
  }

  log(line) {
    process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  }

  dir(name) {
    const path = join(this.work, `${++this.sequence}-${name}`);
    mkdirSync(path, { recursive: true });
    return path;
  }

  /** Runs `args` under measurement against a fresh sample org; returns the measurement and the org's counters. */
  async measured(size, name, build, timeoutMs = this.options.timeoutMs, changeSet = undefined) {
    const dir = this.dir(name);
    this.ports[size] ??= await freePort();
    this.anchors[size] ??= Date.now();
    const org = await startSampleOrgProcess({
      root: this.options.root,
      size,
      windowMs: this.options.windowMs,
      statsFile: join(dir, 'server-stats.json'),
      port: this.ports[size],
      anchor: this.anchors[size],
      changeSet,
    });
    const { command, args, env } = build(org, dir);
    const stdoutFile = join(dir, 'stdout.txt');
    const stderrFile = join(dir, 'stderr.txt');
    const stdout = openSync(stdoutFile, 'w');
    const stderr = openSync(stderrFile, 'w');
    const load = { before: loadNow() };
    let measurement;
    try {
      measurement = await measureProcess({
        command,
        args,
        env,
        cwd: dir,
        stdout,
        stderr,
        timeoutMs,
        timeFile: join(dir, 'time.txt'),
      });
    } finally {
      closeSync(stdout);
      closeSync(stderr);
    }
    load.after = loadNow();
    const stats = await org.stop();
    return { dir, measurement, stats, load, stdoutFile, stderrFile };
  }

  async prepareSize(size) {
    this.log(`${size}: deriving the requests a complete pull needs from the sample org's data`);
    const shape = await sampleOrgShape(this.options.root, size);
    const { DEFAULT_RATE_LIMITS } = await import(
      pathToFileURL(join(this.options.root, 'dist', 'demo', 'index.js')).href
    );
    const minimum = syncRequestsNeeded(shape, MAX_PAGE_SIZE);
    const atSyncPageSizes = syncRequestsNeeded(shape, shape.pageSize);
    const prepared = {
      shape,
      limits: DEFAULT_RATE_LIMITS,
      minimum,
      atSyncPageSizes,
      floor: floorOf(minimum, DEFAULT_RATE_LIMITS, SYNC_SHARE, this.options.windowMs),
    };
    this.sizes[size] = prepared;
    const f = prepared.floor;
    this.log(
      `${size}: binding bucket ${f.bucket}: ${f.requests} requests ÷ ${f.perWindow} per ${this.options.windowMs / 1000} s window → floor ${(f.floorMs / 1000).toFixed(1)} s`,
    );
    return prepared;
  }

  /**
   * One measured sync (then its export, unless --diff); returns its snapshot folder, kept until
   * cleanUp. With `changeSet`, the sample org first applies it (the night between two syncs).
   */
  async runSync(size, format, prepared, exportCommand, changeSet = undefined) {
    const label = `sync ${format}${changeSet ? ' (after the night)' : ''}`;
    this.log(`${size}: ${label} …`);
    const bin = join(this.options.root, 'bin', 'okta-connector.js');
    const run = await this.measured(
      size,
      `${size}-sync-${format}`,
      (org, dir) => ({
        command: process.execPath,
        args: [bin, 'sync', '--output-dir', join(dir, 'snapshots'), '--format', format],
        env: cleanEnv(dir, {
          OKTA_CLIENT_ORGURL: org.url,
          OKTA_CLIENT_TOKEN: org.token,
          OKTA_CONNECTOR_CONFIG_DIR: join(dir, 'config'),
          ...(this.options.nodeOptions ? { NODE_OPTIONS: this.options.nodeOptions } : {}),
        }),
      }),
      this.options.timeoutMs,
      changeSet,
    );
    const { measurement: m, stats, dir } = run;
    let manifest;
    try {
      const profileDir = join(dir, 'snapshots', 'default');
      const latest = JSON.parse(readFileSync(join(profileDir, 'latest.json'), 'utf8'));
      manifest = JSON.parse(readFileSync(join(profileDir, latest.path, 'manifest.json'), 'utf8'));
      manifest.dir = join(profileDir, latest.path);
    } catch {
      manifest = undefined;
    }
    const failure = m.timedOut
      ? 'timed out'
      : m.exitCode !== 0
        ? `exit ${m.exitCode}: ${firstLines(run.stderrFile, 2)}`
        : undefined;
    const share =
      manifest?.options?.rateLimitShare === undefined ? SYNC_SHARE : manifest.options.rateLimitShare / 100;
    const floor =
      share === SYNC_SHARE
        ? prepared.floor
        : floorOf(prepared.minimum, prepared.limits, share, this.options.windowMs);
    const result = {
      kind: 'sync',
      size,
      format,
      label,
      failure,
      ...m,
      load: run.load,
      floor: floorSummary(floor),
      requests: requestsOf(stats, prepared.minimum),
      rateLimited: sumThrottled(stats),
      retries: manifest?.totals?.retries,
      records: manifest?.totals?.records,
      bytes: manifest?.totals?.bytes,
      manifestDurationMs: manifest?.durationMs,
      entities: manifest
        ? Object.fromEntries(
            Object.entries(manifest.entities).map(([entity, entry]) => [
              entity,
              { count: entry.count, requests: entry.requests, waitMs: entry.waitMs },
            ]),
          )
        : undefined,
      nodeOptions: this.options.nodeOptions,
    };
    this.results.push(result);
    this.log(`${size}: ${label}: ${summary(result)}`);

    if (this.options.diffOnly) {
      // Only the diff is measured: no export.
    } else if (!exportCommand) {
      this.results.push({
        kind: 'export',
        size,
        format,
        view: 'assignments',
        label: `export assignments (${format})`,
        available: false,
      });
    } else if (manifest) {
      await this.runExport(size, format, manifest.dir, join(dir, 'config'));
    }
    // Snapshots stay for the diff of the size (removed with the work folder); the rest goes now.
    for (const name of ['stdout.txt', 'stderr.txt', 'server-stats.json', 'time.txt']) {
      rmSync(join(dir, name), { force: true });
    }
    return manifest?.dir;
  }

  /**
   * `diff --from <fromDir> --to <toDir>` (its rows to a file), and its read baseline: both snapshots'
   * compared entities through export's reader, parsed and dropped, once each. Fastest of --export-runs.
   */
  async runDiff(size, fromDir, toDir) {
    const label = `${formatOf(fromDir)} → ${formatOf(toDir)}${fromDir === toDir ? ' (itself)' : ''}`;
    this.log(`${size}: diff ${label}, and its read baseline …`);
    const bin = join(this.options.root, 'bin', 'okta-connector.js');
    const reader = join(BENCH_DIR, 'read-snapshot.js');
    const env = cleanEnv(this.work, {
      OKTA_CONNECTOR_CONFIG_DIR: join(this.work, 'config'),
      ...(this.options.nodeOptions ? { NODE_OPTIONS: this.options.nodeOptions } : {}),
    });
    const output = join(this.work, 'diff-output.ndjson');
    const diffRun = await this.fastestOf(
      `${size}-diff`,
      process.execPath,
      [bin, 'diff', '--from', fromDir, '--to', toDir, '--output', output, '--json'],
      env,
      (run) => {
        try {
          return { changes: JSON.parse(readFileSync(run.stdoutFile, 'utf8')).totals.changes };
        } catch {
          return {};
        }
      },
    );
    rmSync(output, { force: true });
    const read = await this.fastestOf(
      `${size}-read-diff`,
      process.execPath,
      [reader, `${fromDir},${toDir}`, 'parse', '--entities', 'diff', '--root', this.options.root],
      env,
      (run) => {
        try {
          return JSON.parse(readFileSync(run.stdoutFile, 'utf8').trim().split('\n').at(-1));
        } catch {
          return {};
        }
      },
    );
    const { method: _method, ...readSummary } = read;
    const result = {
      kind: 'diff',
      size,
      label,
      from: fromDir,
      to: toDir,
      ...diffRun,
      failure: diffRun.failure ?? (read.failure ? `read baseline: ${read.failure}` : undefined),
      records: read.records,
      read: readSummary,
      diffOverRead: read.failure || diffRun.failure ? undefined : diffRun.wallMs / read.wallMs,
    };
    this.results.push(result);
    this.log(
      `${size}: diff ${label}: ${summary(result)}; ${count(result.changes)} changes, read ${(read.wallMs / 1000).toFixed(1)} s (peak ${((read.peakRssKb ?? 0) / 1024).toFixed(0)} MB), diff ÷ read ${result.diffOverRead?.toFixed(2)}`,
    );
  }

  /** One measured process with its output in `dir`; returns the measurement, load and files. */
  async measureOnce(dir, command, args, env) {
    mkdirSync(dir, { recursive: true });
    const stdoutFile = join(dir, 'stdout.txt');
    const stderrFile = join(dir, 'stderr.txt');
    const stdout = openSync(stdoutFile, 'w');
    const stderr = openSync(stderrFile, 'w');
    const load = { before: loadNow() };
    let measurement;
    try {
      measurement = await measureProcess({
        command,
        args,
        env,
        cwd: dir,
        stdout,
        stderr,
        timeoutMs: this.options.timeoutMs,
        timeFile: join(dir, 'time.txt'),
      });
    } finally {
      closeSync(stdout);
      closeSync(stderr);
    }
    load.after = loadNow();
    const failure = measurement.timedOut
      ? 'timed out'
      : measurement.exitCode !== 0
        ? `exit ${measurement.exitCode}: ${firstLines(stderrFile, 2)}`
        : undefined;
    return { ...measurement, failure, load, stdoutFile, stderrFile };
  }

  /** The fastest (wall) of `--export-runs` runs of one command; every run's figures are kept. */
  async fastestOf(name, command, args, env, onRun) {
    const runs = [];
    for (let run = 0; run < this.options.exportRuns; run++) {
      const dir = this.dir(name);
      const measured = await this.measureOnce(dir, command, args, env);
      const extra = measured.failure ? {} : onRun(measured);
      const { stdoutFile: _out, stderrFile: _err, ...kept } = measured;
      runs.push({ ...kept, ...extra });
      rmSync(dir, { recursive: true, force: true });
      if (measured.failure) break;
    }
    const ok = runs.filter((run) => !run.failure);
    const best = ok.length > 0 ? ok.reduce((a, b) => (b.wallMs < a.wallMs ? b : a)) : runs.at(-1);
    return { ...best, runs: runs.length > 1 ? runs : undefined };
  }

  /**
   * `export --view assignments` of one snapshot (its rows to stdout, a file), and its read baseline:
   * every file the view reads through export's own reader, parsed and dropped (`read`), and the same
   * files only read, checked and decoded (`bytes`). Runs interleave, so load changes hit all three.
   */
  async runExport(size, format, snapshotDir, configDir) {
    this.log(`${size}: export --view assignments of the ${format} snapshot, and its read baseline …`);
    const bin = join(this.options.root, 'bin', 'okta-connector.js');
    const reader = join(BENCH_DIR, 'read-snapshot.js');
    const env = (dir) =>
      cleanEnv(dir, {
        OKTA_CONNECTOR_CONFIG_DIR: configDir,
        ...(this.options.nodeOptions ? { NODE_OPTIONS: this.options.nodeOptions } : {}),
      });
    const exportRun = await this.fastestOf(
      `${size}-export-${format}`,
      process.execPath,
      [bin, 'export', '--view', 'assignments', '--snapshot', snapshotDir],
      env(this.work),
      (run) => {
        const text = readFileSync(run.stderrFile, 'utf8');
        const rows = /Exported ([\d,]+) assignments rows/.exec(text)?.[1];
        return { rows: rows === undefined ? undefined : Number(rows.replaceAll(',', '')) };
      },
    );
    const readRun = (mode) =>
      this.fastestOf(
        `${size}-read-${mode}-${format}`,
        process.execPath,
        [reader, snapshotDir, mode, '--root', this.options.root],
        env(this.work),
        (run) => {
          try {
            return JSON.parse(readFileSync(run.stdoutFile, 'utf8').trim().split('\n').at(-1));
          } catch {
            return {};
          }
        },
      );
    const read = await readRun('parse');
    const bytes = await readRun('bytes');
    const { method: _method, ...readSummary } = read;
    const { method: _bytesMethod, ...bytesSummary } = bytes;
    const cpu = (run) => (run.userS === undefined ? undefined : run.userS + run.systemS);
    const result = {
      kind: 'export',
      size,
      format,
      view: 'assignments',
      label: `export assignments (${format})`,
      available: true,
      ...exportRun,
      failure: exportRun.failure ?? (read.failure ? `read baseline: ${read.failure}` : undefined),
      rowsPerS: exportRun.rows === undefined ? undefined : exportRun.rows / (exportRun.wallMs / 1000),
      read: readSummary,
      readBytesOnly: bytesSummary,
      joinOverRead: read.failure ? undefined : exportRun.wallMs / read.wallMs,
      joinOverReadCpu: read.failure ? undefined : cpu(exportRun) / cpu(read),
    };
    this.results.push(result);
    this.log(
      `${size}: export assignments (${format}): ${summary(result)}; ${count(result.rows)} rows, read ${(read.wallMs / 1000).toFixed(1)} s, join ÷ read ${result.joinOverRead?.toFixed(2)}`,
    );
  }

  async runBaseline(size, mode, prepared) {
    const label = `SDK ${mode} pages`;
    this.log(`${size}: ${label} …`);
    const pageSizes = mode === 'max' ? MAX_PAGE_SIZE : DEFAULT_PAGE_SIZE;
    const needed = baselineRequestsNeeded(prepared.shape, pageSizes);
    // The SDK does not hold back: it may use all of a bucket, so its floor is at share 1.
    const floor = floorOf(needed, prepared.limits, 1, this.options.windowMs);
    const run = await this.measured(
      size,
      `${size}-sdk-${mode}`,
      (org, dir) => {
        mkdirSync(join(dir, 'out'));
        return {
          command: process.execPath,
          args: [join(BENCH_DIR, 'sdk-baseline.cjs'), join(dir, 'out'), mode],
          env: cleanEnv(dir, {
            OKTA_CLIENT_ORGURL: org.url,
            OKTA_CLIENT_TOKEN: org.token,
            BENCH_LOG_FILTER: prepared.shape.logFilter,
          }),
        };
      },
      this.options.baselineTimeoutMs,
    );
    const { measurement: m, stats } = run;
    let output;
    try {
      output = JSON.parse(readFileSync(run.stdoutFile, 'utf8').trim().split('\n').at(-1));
    } catch {
      output = undefined;
    }
    const failure = m.timedOut
      ? `stopped after ${Number((this.options.baselineTimeoutMs / 60_000).toFixed(1))} min`
      : m.exitCode !== 0
        ? `exit ${m.exitCode}: ${firstLines(run.stderrFile, 2)}`
        : undefined;
    const throttled = sumThrottled(stats);
    const result = {
      kind: 'sdk',
      size,
      mode,
      label,
      failure,
      ...m,
      load: run.load,
      floor: floorSummary(floor),
      requests: requestsOf(stats, needed),
      rateLimited: throttled,
      // The SDK retries 429s only (twice each): every 429 it got was retried, or it failed.
      retries: throttled,
      records: output?.records,
      counts: output?.counts,
    };
    this.results.push(result);
    this.log(`${size}: ${label}: ${summary(result)}`);
    rmSync(run.dir, { recursive: true, force: true });
  }

  /** Moves a diffed pair to `--keep-snapshots` (`<format>-from`, `<format>-to`), for --diff-snapshots. */
  keep(format, fromDir, toDir) {
    mkdirSync(this.options.keepSnapshots, { recursive: true });
    for (const [dir, side] of [
      [fromDir, 'from'],
      [toDir, 'to'],
    ]) {
      const target = join(this.options.keepSnapshots, `${format}-${side}`);
      rmSync(target, { recursive: true, force: true });
      renameSync(dir, target);
      this.log(`kept ${target}`);
    }
  }

  /** Removes the folders of the runs so far (the snapshots a size's diff compared). */
  removeRuns() {
    for (const name of readdirSync(this.work)) {
      if (/^\d+-/.test(name)) rmSync(join(this.work, name), { recursive: true, force: true });
    }
  }

  cleanUp() {
    rmSync(this.work, { recursive: true, force: true });
  }
}

/** A port free on 127.0.0.1 right now. */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function formatOf(snapshotDir) {
  try {
    const manifest = JSON.parse(readFileSync(join(snapshotDir, 'manifest.json'), 'utf8'));
    return manifest.entities.users?.format ?? manifest.options?.format ?? '?';
  } catch {
    return '?';
  }
}

function floorSummary(floor) {
  const { buckets: _buckets, ...binding } = floor;
  return binding;
}

function summary(result) {
  const parts = [
    result.failure ? `FAILED (${result.failure})` : 'ok',
    `${(result.wallMs / 1000).toFixed(1)} s`,
    result.floor ? `floor ${(result.floor.floorMs / 1000).toFixed(1)} s` : '',
    result.peakRssKb === undefined ? '' : `peak RSS ${(result.peakRssKb / 1024).toFixed(0)} MB`,
    result.requests ? `${result.requests.total} requests` : '',
  ];
  return parts.filter(Boolean).join(', ');
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.cliStartup) {
    // How long --help and --version take against the start of Node itself (bench/cli-startup.js).
    const { runCliStartupBench } = await import('./cli-startup.js');
    const rows = runCliStartupBench({ root: options.root, runs: options.runs });
    if (options.out) writeFileSync(options.out, `${JSON.stringify({ cliStartup: rows }, null, 2)}\n`);
    return;
  }
  if (options.incremental) {
    // A full run, a scripted night, the incremental run after it (bench/incremental.js).
    const { runIncrementalBench } = await import('./incremental.js');
    await runIncrementalBench({
      root: options.root,
      sizes: options.sizes,
      windowMs: options.incrementalWindowMs,
      share: options.incrementalShare,
      night: options.night,
      out: options.out,
    });
    return;
  }
  const startedAt = new Date();
  let bench;
  endChildrenOnExit(() => {
    process.stderr.write('\nInterrupted: stopping every process the bench started.\n');
    if (bench) bench.cleanUp();
  });
  if (!hasGnuTime()) {
    process.stderr.write(
      'GNU time (/usr/bin/time, Debian package "time") is missing: peak RSS and CPU come from polling /proc instead.\n',
    );
  }
  bench = new Bench(options);
  const info = machine();
  bench.log(
    `machine: ${info.nproc} CPUs (${info.cpu}), ${info.memoryGiB} GiB, node ${info.node}; load ${loadNow().join(' ')}`,
  );
  bench.log(
    options.snapshots.length > 0
      ? `export and its read baseline only, on ${options.snapshots.join(', ')}; fastest of ${options.exportRuns}`
      : `sizes ${options.sizes.join(', ')}; formats ${options.formats.join(', ')}; window ${options.windowMs} ms; baselines ${options.baselines.join(', ') || 'none'}; exports fastest of ${options.exportRuns}`,
  );
  const exportCommand = exportAvailable(options.root);
  if (!exportCommand) bench.log('the CLI has no export command: its rows say "not available"');

  try {
    for (const dir of options.snapshots) {
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      const format = manifest.entities.app_users?.format ?? manifest.options?.format ?? '?';
      const size = options.sizeGiven
        ? options.sizes.join(',')
        : `snapshot (${count(manifest.entities.users?.count)} users)`;
      await bench.runExport(size, format, resolve(dir), join(bench.work, 'config'));
    }
    if (options.diffSnapshots.length === 2) {
      const [fromDir, toDir] = options.diffSnapshots.map((dir) => resolve(dir));
      await bench.runDiff(options.sizeGiven ? options.sizes.join(',') : 'snapshots', fromDir, toDir);
    }
    const measureSizes =
      options.snapshots.length > 0 || options.diffSnapshots.length > 0 ? [] : options.sizes;
    for (const size of measureSizes) {
      const prepared = await bench.prepareSize(size);
      if (options.diffOnly) {
        // Per format: a sync, the night, a second sync, and the diff of the two.
        const night = nightFor(prepared.shape.users);
        bench.log(`${size}: the night between the two syncs: ${JSON.stringify(night)}`);
        for (const format of options.formats) {
          const fromDir = await bench.runSync(size, format, prepared, exportCommand);
          const toDir = await bench.runSync(size, format, prepared, exportCommand, night);
          if (fromDir && toDir) await bench.runDiff(size, fromDir, toDir);
          if (fromDir && toDir && options.keepSnapshots) bench.keep(format, fromDir, toDir);
          bench.removeRuns();
        }
        continue;
      }
      const taken = [];
      for (const format of options.formats) {
        taken.push(await bench.runSync(size, format, prepared, exportCommand));
      }
      const [fromDir, toDir = fromDir] = taken.filter(Boolean);
      if (fromDir) await bench.runDiff(size, fromDir, toDir);
      bench.removeRuns();
      for (const mode of options.baselines) await bench.runBaseline(size, mode, prepared);
    }
  } finally {
    bench.cleanUp();
  }

  const finishedAt = new Date();
  const rows = resultRows(bench.results);
  const comparison = baselineRows(bench.results);
  const command = `node bench/run.js ${process.argv.slice(2).join(' ')}`.trim();
  const exports = exportRows(bench.results);
  if (rows.length > 0 && options.snapshots.length === 0) {
    process.stdout.write(`\n${textTable(RESULT_HEADER, rows)}\n`);
  }
  if (exports.length > 0) process.stdout.write(`\n${textTable(EXPORT_HEADER, exports)}\n`);
  const diffs = diffRows(bench.results);
  if (diffs.length > 0) process.stdout.write(`\n${textTable(DIFF_HEADER, diffs)}\n`);
  if (comparison.length > 0 && options.baselines.length > 0) {
    process.stdout.write(`\n${textTable(BASELINE_HEADER, comparison)}\n`);
  }
  process.stdout.write(
    `\nwindow ${options.windowMs} ms; share ${SYNC_SHARE}; ${info.nproc} CPUs, ${info.memoryGiB} GiB, node ${info.node}; load at the end ${loadNow().join(' ')}\n`,
  );

  const stamp = startedAt
    .toISOString()
    .replaceAll(':', '')
    .replace(/\.\d+Z$/, 'Z');
  const out = options.out ?? join(BENCH_DIR, 'results', `${stamp}${options.quick ? '-quick' : ''}.json`);
  mkdirSync(dirname(out), { recursive: true });
  const sizes = Object.fromEntries(
    Object.entries(bench.sizes).map(([size, prepared]) => {
      const { groupMembers, appUsers, appGroups, ...counts } = prepared.shape;
      return [
        size,
        {
          counts: {
            ...counts,
            groupMemberships: sum(groupMembers),
            appUsers: sum(appUsers),
            appGroups: sum(appGroups),
          },
          limits: prepared.limits,
          requestsNeeded: prepared.minimum,
          requestsAtSyncPageSizes: prepared.atSyncPageSizes,
          floor: prepared.floor,
        },
      ];
    }),
  );
  const document = {
    command,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    machine: info,
    revision: revision(options.root),
    options: { ...options, root: options.root === resolve(BENCH_DIR, '..') ? undefined : options.root },
    windowMs: options.windowMs,
    share: SYNC_SHARE,
    measurement: bench.results.find((run) => run.method)?.method,
    sizes,
    runs: bench.results,
    table: { header: RESULT_HEADER, rows },
    comparison: { header: BASELINE_HEADER, rows: comparison },
    exports: { header: EXPORT_HEADER, rows: exports },
    diffs: { header: DIFF_HEADER, rows: diffs },
    markdown: `${markdownTable(RESULT_HEADER, rows)}\n\n${markdownTable(BASELINE_HEADER, comparison)}\n\n${markdownTable(EXPORT_HEADER, exports)}\n\n${markdownTable(DIFF_HEADER, diffs)}\n`,
  };
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
  process.stdout.write(`results: ${out}\n`);
  const failed = bench.results.filter(
    (run) =>
      run.failure &&
      (run.kind === 'sync' || run.kind === 'diff' || (run.kind === 'export' && options.snapshots.length > 0)),
  );
  process.exitCode = failed.length > 0 ? 1 : 0;
}

const sum = (values) => values.reduce((total, value) => total + value, 0);
const count = (value) => (value === undefined ? '—' : value.toLocaleString('en-US'));

main().catch((error) => {
  process.stderr.write(`bench failed: ${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
