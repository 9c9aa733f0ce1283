import { appendFileSync, chmodSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseOptions } from '../../cli/parse-options.js';
import { refuseEmptyPath, resolveUserPath } from '../../config/paths.js';
import { describeSource, resolveSettings } from '../../config/resolve.js';
import { DEMO_OUTPUT_DIR } from '../../demo/demo-output-dir.js';
import { type ConnectorError, ExitCode, toConnectorError, UsageError } from '../../errors.js';
import type { OutputFormat } from '../../formats/entity-writer.js';
import { diskErrorOf } from '../../inventory/disk-errors.js';
import { ensureWritableDir } from '../../inventory/ensure-writable-dir.js';
import { fileModes } from '../../inventory/file-modes.js';
import { profileDir } from '../../inventory/profile-dir.js';
import { startHeapGovernor } from '../../sync/heap-governor.js';
import { runSync, type SyncReporter } from '../../sync/run-sync.js';
import { selectEntities } from '../../sync/select-entities.js';
import type { SyncResult } from '../../sync/sync-result.js';
import type { Env, Io } from '../../ui/io.js';
import { logRequests } from '../../ui/request-log.js';
import { SyncProgress, type SyncProgressOptions } from '../../ui/sync-progress.js';
import { connect } from './connect.js';
import { SYNC_OPTIONS, type SyncFlags } from './options.js';

export type { SyncEntitySummary, SyncResult } from '../../sync/sync-result.js';
export { DEMO_OUTPUT_DIR };

/** Sync's options (see ./options.ts) and what it runs in. */
export interface SyncOptions extends SyncFlags {
  profile: string;
  env: Env;
  cwd: string;
  /** Aborts the run (Ctrl-C, SIGTERM): nothing half-written is left, the last good snapshot stays. */
  signal?: AbortSignal | undefined;
  /** Clock (ms), for tests. @default Date.now */
  now?: () => number;
  /** The progress lines' clock and period, for tests. @default the system clock, a line every 10 s */
  progress?: Pick<SyncProgressOptions, 'clock' | 'heartbeatMs'> | undefined;
}

/** A plain-line log file for cron: every line the person sees, with a timestamp, no colours. */
function openLogFile(path: string | undefined, cwd: string, env: Env) {
  if (path === undefined) return undefined;
  refuseEmptyPath('--log-file', path, 'no log file');
  const file = resolveUserPath(path, env, cwd);
  try {
    // Checked before any work: a folder that cannot exist (under /proc) must not hang the run.
    ensureWritableDir(dirname(file));
    appendFileSync(file, '');
  } catch (error) {
    const reason = diskErrorOf(error, { dir: dirname(file) }) ?? error;
    throw new UsageError(`Cannot write the log file ${file}: ${(reason as Error).message}`, {
      hint: 'Give --log-file a file in a folder this user can write, or leave it out.',
    });
  }
  return (line: string) => {
    try {
      appendFileSync(file, `${new Date().toISOString()} ${line}\n`);
    } catch {
      // A full disk must not turn a good sync into a failed one; the exit code still tells.
    }
  };
}

const formatCount = (value: number) => value.toLocaleString('en-US');

/**
 * Pulls the whole inventory into a new snapshot folder. The snapshot appears whole or not at all,
 * and `latest.json` moves only when every entity was read (a partial run says so in its manifest
 * and exit code). One sync per profile at a time.
 */
export async function sync(options: SyncOptions, io: Io): Promise<SyncResult> {
  const logLine = openLogFile(options.logFile, options.cwd, options.env);
  const governor = startHeapGovernor();
  try {
    return await parseAndRun(options, io, logLine);
  } catch (error) {
    // Cron users read the log file, not stderr: every failure, a bad config included, leaves a line.
    const failure = toConnectorError(error);
    logLine?.(`FAILED (exit ${failure.exitCode}, ${exitMeaning(failure)}): ${io.redact(failure.message)}`);
    throw error;
  } finally {
    const { collections, gcMs } = governor.stop();
    io.logger.verbose(`heap governor: ${collections} full collections, ${gcMs} ms`);
  }
}

/** Options in (flags, settings, connection), then the engine's run. */
async function parseAndRun(
  options: SyncOptions,
  io: Io,
  logLine: ((line: string) => void) | undefined,
): Promise<SyncResult> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const flags = parseOptions(SYNC_OPTIONS, options, 'sync');
  const entities = selectEntities(flags.only, flags.skip);
  const { rateLimitShare, concurrency, keep, fullEvery: fullEveryDays } = flags;
  const { outputDir, format, source } = resolveOutput(options);
  // Before any work: a folder that cannot be written fails now with what is in the way, not
  // minutes later as "a bug" (or never, under /proc).
  ensureWritableDir(outputDir, { source: `from ${source}` });
  const modes = fileModes(flags.groupReadable);
  const profileFolder = profileDir(outputDir, options.profile);
  ensureWritableDir(profileFolder, { mode: modes.dir });
  // Exactly, whatever the umask, and also for a folder an older version created 0755.
  chmodSync(profileFolder, modes.dir);

  const connection = await connect(options, io, outputDir);
  try {
    return await runSync({
      profile: options.profile,
      connection,
      outputDir,
      format,
      entities,
      incremental: flags.incremental,
      full: flags.full,
      fullEveryDays,
      rateLimitShare,
      concurrency,
      keep,
      csv: { bom: flags.bom, formulaProtection: flags.formulaProtection },
      modes,
      signal: options.signal,
      startedAt,
      now,
      reporter: syncReporter(io, logLine, options.progress),
    });
  } finally {
    await connection.stop?.();
  }
}

/** The output folder and format (and where the folder came from, for messages): the profile's or the demo's. */
function resolveOutput(options: SyncOptions): { outputDir: string; format: OutputFormat; source: string } {
  if (!options.demo) {
    const resolved = resolveSettings({
      profile: options.profile,
      env: options.env,
      cwd: options.cwd,
      flags: { outputDir: options.outputDir, format: options.format },
    });
    return {
      outputDir: resolved.outputDir,
      format: resolved.format,
      source: describeSource(resolved.sources.outputDir, 'outputDir', options.profile),
    };
  }
  refuseEmptyPath('--output-dir', options.outputDir, DEMO_OUTPUT_DIR);
  const format = (options.format ?? 'json') as OutputFormat;
  const outputDir = resolveUserPath(options.outputDir ?? DEMO_OUTPUT_DIR, options.env, options.cwd);
  if (!['json', 'ndjson', 'csv'].includes(format)) {
    throw new UsageError(`Unknown output format "${options.format}"; use one of json, ndjson, csv.`);
  }
  return { outputDir, format, source: options.outputDir === undefined ? 'the default' : '--output-dir' };
}

/**
 * How a run shows: a spinner on a TTY, else a plain line at least every 10 seconds; every info and
 * warning line also goes to the --log-file.
 */
function syncReporter(
  io: Io,
  logLine: ((line: string) => void) | undefined,
  clock: SyncOptions['progress'],
): SyncReporter {
  const verbose = logRequests(io);
  let spinner: ReturnType<Io['spinner']> | undefined;
  let progress: SyncProgress | undefined;
  return {
    info: (message) => {
      io.logger.info(message);
      logLine?.(message);
    },
    warn: (message) => {
      io.logger.warn(message);
      logLine?.(`WARNING ${message}`);
    },
    verbose: (message) => io.logger.verbose(message),
    start: (totals) => {
      spinner = io.spinner('Connecting to Okta…');
      progress = new SyncProgress({
        ...clock,
        spinner: io.isTTY.stderr ? spinner : undefined,
        line: io.isTTY.stderr ? undefined : (text) => io.logger.info(text),
        logLine,
        totals,
      });
      progress.start();
    },
    progress: (entry) => progress?.progress(entry),
    wait: (bucket, waitMs) => progress?.wait(bucket, waitMs),
    request: verbose,
    committed: () => spinner?.stop(),
    stop: () => {
      // A spinner left running keeps the process alive: every way out stops it.
      progress?.stop();
      spinner?.stop();
    },
  };
}

function exitMeaning(error: ConnectorError): string {
  const name = (Object.keys(ExitCode) as (keyof typeof ExitCode)[]).find(
    (key) => ExitCode[key] === error.exitCode,
  );
  return name ?? 'error';
}

/** The human summary: a table of entity, count and file, then the snapshot path. */
export function renderSyncResult(
  result: SyncResult,
  io: Io,
  demo: { demo: boolean; outputDir?: string | undefined } = { demo: false },
): void {
  const rows = result.entities.map((entry) => [
    entry.entity,
    entry.count === null ? '-' : formatCount(entry.count),
    entry.file ?? `skipped: ${entry.skipped}`,
  ]);
  const header = ['entity', 'count', 'file'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 1 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  io.print(io.color.bold(line(header)));
  for (const row of rows) io.print(line(row));
  io.print('');
  io.print(`Snapshot (${result.status}): ${result.snapshot.dir}`);
  if (demo.demo) {
    const from =
      demo.outputDir === undefined ? '--demo' : `--demo --output-dir ${quoteForShell(demo.outputDir)}`;
    io.print('');
    io.print('Export it from this folder, e.g.:');
    io.print(`  okta-connector export ${from} --view licence-usage --output licences.html`);
    io.print(`  okta-connector export ${from} --view users --output users.csv`);
  }
}

/** A word as sh reads it: unchanged when safe, else in single quotes. */
function quoteForShell(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
