import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOptions } from '../../cli/parse-options.js';
import { resolveUserPath } from '../../config/paths.js';
import { resolveSettings } from '../../config/resolve.js';
import { DEFAULT_DIFF_ENTITIES } from '../../diff/diff-entities.js';
import { diffSnapshots, type EntityOutcome } from '../../diff/diff-snapshots.js';
import { ExitCode, type ExitCodeValue, InterruptedError } from '../../errors.js';
import { jsonNeedsOutputFile, outputFormat } from '../../export/output-format.js';
import { openFileSink, openStreamSink } from '../../export/output-sink.js';
import type { Env, Io } from '../../ui/io.js';
import { openSnapshotPair } from './open-snapshot-pair.js';
import { DIFF_OPTIONS, type DiffFlags, type DiffFormat } from './options.js';
import { startProgressTicker } from './progress-ticker.js';
import {
  closingLine,
  type DiffTotals,
  type SnapshotSummary,
  summaryLine,
  summaryOf,
  totalsOf,
} from './render.js';
import { interrupted, writeChanges } from './write-changes.js';

export { DIFF_OPTIONS } from './options.js';

export interface DiffOptions extends DiffFlags {
  profile: string;
  env: Env;
  cwd: string;
  /** Ctrl-C / SIGTERM: stop, remove temporary files, leave any existing --output file untouched. */
  signal?: AbortSignal | undefined;
  /** Bytes sorted in memory per run (tests use a small one to exercise the on-disk merge). */
  budgetBytes?: number | undefined;
}

/** The `--json` document of diff, and what the human summary is printed from. */
export interface DiffResult {
  org: string;
  from: SnapshotSummary;
  to: SnapshotSummary;
  format: DiffFormat;
  includeVolatile: boolean;
  /** The file written, or `-` for stdout. */
  output: string;
  entities: EntityOutcome[];
  totals: DiffTotals;
  /** The reader of stdout went away before the end (`| head`): not an error. */
  stoppedEarly: boolean;
  warnings: string[];
  /** 1 with --exit-code when there are changes (as `git diff --exit-code`), else 0. */
  exitCode: ExitCodeValue;
}

/**
 * What changed between two snapshots of one org (default: the latest complete snapshot and the
 * complete one before it): one row per record added, removed or changed, as NDJSON, JSON, CSV or an
 * HTML report, on stdout or into a file (whole or not at all). Offline, like export.
 */
export async function runDiff(options: DiffOptions, io: Io): Promise<DiffResult> {
  const flags = parseOptions(DIFF_OPTIONS, options, 'diff');
  const entities = flags.only ?? [...DEFAULT_DIFF_ENTITIES];
  const includeVolatile = flags.includeVolatile;
  const toStdout = flags.output === undefined || flags.output === '-';
  const format = outputFormat<DiffFormat>(flags.format, toStdout ? undefined : flags.output, 'ndjson');
  if (toStdout && io.json) throw jsonNeedsOutputFile('diff', 'changes');
  const outputPath = toStdout ? '-' : resolveUserPath(flags.output!, options.env, options.cwd);

  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    io.logger.warn(message);
  };
  const { outputDir } = resolveSettings({
    profile: options.profile,
    env: options.env,
    cwd: options.cwd,
    flags: { outputDir: flags.outputDir },
  });
  const { from, to } = await openSnapshotPair({
    from: flags.from,
    to: flags.to,
    outputDir,
    profile: options.profile,
    env: options.env,
    cwd: options.cwd,
    warn,
    signal: options.signal,
  });
  io.logger.info(`Comparing snapshot ${from.id} (from) with ${to.id} (to) of ${to.manifest.org} …`);

  const tempDir = await mkdtemp(join(tmpdir(), 'okta-connector-diff-'));
  const sink = toStdout ? openStreamSink(io.stdout) : openFileSink(outputPath);
  const outcomes: EntityOutcome[] = [];
  const ticker = startProgressTicker(io);
  let stoppedEarly = false;
  try {
    stoppedEarly = await writeChanges({
      from,
      to,
      format,
      sink,
      outcomes,
      includeVolatile,
      signal: options.signal,
      rows: (onToRecord) =>
        diffSnapshots({
          from,
          to,
          entities,
          includeVolatile,
          tempDir,
          budgetBytes: options.budgetBytes,
          progress: ticker.progress,
          signal: options.signal,
          onToRecord,
          onOutcome: (outcome) => {
            outcomes.push(outcome);
            ticker.shown();
            io.logger.info(`  ${summaryLine(outcome)}`);
          },
        }),
    });
    stoppedEarly ||= sink.closed;
    await sink.commit();
  } catch (error) {
    await sink.abort();
    throw error instanceof InterruptedError || options.signal?.aborted ? interrupted() : error;
  } finally {
    ticker.stop();
    await rm(tempDir, { recursive: true, force: true });
  }

  const totals = totalsOf(outcomes);
  io.logger.info(closingLine(totals, outcomes, { output: toStdout ? undefined : outputPath, stoppedEarly }));
  return {
    org: to.manifest.org,
    from: summaryOf(from),
    to: summaryOf(to),
    format,
    includeVolatile,
    output: outputPath,
    entities: outcomes,
    totals,
    stoppedEarly,
    warnings,
    // As `git diff --exit-code`: 1 means "there are differences" here, not an internal error.
    exitCode: flags.exitCode && totals.changes > 0 ? (1 as ExitCodeValue) : ExitCode.Success,
  };
}
