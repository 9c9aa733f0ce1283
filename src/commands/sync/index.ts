import { chmodSync } from 'node:fs';
import { parseOptions } from '../../cli/parse-options.js';
import { DEMO_OUTPUT_DIR } from '../../demo/demo-output-dir.js';
import { toConnectorError } from '../../errors.js';
import { ensureWritableDir } from '../../inventory/ensure-writable-dir.js';
import { fileModes } from '../../inventory/file-modes.js';
import { profileDir } from '../../inventory/profile-dir.js';
import { startHeapGovernor } from '../../sync/heap-governor.js';
import { runSync } from '../../sync/run-sync.js';
import { selectEntities } from '../../sync/select-entities.js';
import type { SyncResult } from '../../sync/sync-result.js';
import type { Env, Io } from '../../ui/io.js';
import type { SyncProgressOptions } from '../../ui/sync-progress.js';
import { connect } from './connect.js';
import { failureLine, type LogLine, openLogFile } from './open-log-file.js';
import { SYNC_OPTIONS, type SyncFlags } from './options.js';
import { resolveOutput } from './resolve-output.js';
import { syncReporter } from './sync-reporter.js';

export type { SyncEntitySummary, SyncResult } from '../../sync/sync-result.js';
export { renderSyncResult } from './render.js';
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
    logLine?.(failureLine(toConnectorError(error), (text) => io.redact(text)));
    throw error;
  } finally {
    const { collections, gcMs } = governor.stop();
    io.logger.verbose(`heap governor: ${collections} full collections, ${gcMs} ms`);
  }
}

/** Options in (flags, settings, connection), then the engine's run. */
async function parseAndRun(options: SyncOptions, io: Io, logLine: LogLine | undefined): Promise<SyncResult> {
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
