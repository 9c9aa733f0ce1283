import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOptions } from '../../cli/parse-options.js';
import { resolveUserPath } from '../../config/paths.js';
import { resolveSettings } from '../../config/resolve.js';
import { createChangeWriter } from '../../diff/change-writer.js';
import { DEFAULT_DIFF_ENTITIES } from '../../diff/diff-entities.js';
import { DiffHtmlReport } from '../../diff/diff-html-report.js';
import { diffSnapshots, type EntityOutcome } from '../../diff/diff-snapshots.js';
import { previousCompleteSnapshot } from '../../diff/previous-snapshot.js';
import { ExitCode, type ExitCodeValue, InterruptedError, UsageError } from '../../errors.js';
import { type OpenedSnapshot, openSnapshot } from '../../export/open-snapshot.js';
import { jsonNeedsOutputFile, outputFormat } from '../../export/output-format.js';
import { openFileSink, openStreamSink } from '../../export/output-sink.js';
import type { Env, Io } from '../../ui/io.js';
import { VERSION } from '../../version.js';
import { DIFF_OPTIONS, type DiffFlags, type DiffFormat } from './options.js';

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

interface SnapshotSummary {
  id: string;
  dir: string;
  status: 'complete' | 'partial';
  startedAt: string;
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
  totals: { added: number; removed: number; changed: number; changes: number };
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
  // A diff compares what each snapshot holds: an entity a narrowed run did not read is "not
  // compared", never filled in from an older snapshot as export does for `latest`.
  const open = async (snapshot: string | undefined): Promise<OpenedSnapshot> => ({
    ...(await openSnapshot({
      snapshot,
      outputDir,
      profile: options.profile,
      env: options.env,
      cwd: options.cwd,
      warn,
      signal: options.signal,
      snapshotFlag: '--from <snapshot> --to <snapshot>',
    })),
    borrowed: undefined,
    onBorrow: undefined,
  });
  const to = await open(flags.to);
  const from =
    flags.from === undefined ? await open(await previousCompleteSnapshot(to)) : await open(flags.from);
  if (sameOrg(from.manifest.org) !== sameOrg(to.manifest.org)) {
    throw new UsageError(
      `Snapshot ${from.id} is of ${from.manifest.org} and snapshot ${to.id} of ${to.manifest.org}: diff compares two snapshots of the same org.`,
      { hint: 'Name two snapshots of one org with --from and --to.' },
    );
  }
  io.logger.info(`Comparing snapshot ${from.id} (from) with ${to.id} (to) of ${to.manifest.org} …`);

  const tempDir = await mkdtemp(join(tmpdir(), 'okta-connector-diff-'));
  const sink = toStdout ? openStreamSink(io.stdout) : openFileSink(outputPath);
  const outcomes: EntityOutcome[] = [];
  const progress = { entity: '', records: 0 };
  let lastLine = Date.now();
  const ticker = setInterval(() => {
    if (Date.now() - lastLine < 10_000 || progress.entity === '') return;
    lastLine = Date.now();
    io.logger.info(`… ${progress.entity}: ${progress.records.toLocaleString('en-US')} records read`);
  }, 1_000);
  ticker.unref();
  let stoppedEarly = false;
  try {
    const report = format === 'html' ? new DiffHtmlReport() : undefined;
    const writer = format === 'html' ? undefined : createChangeWriter({ format, sink });
    const rows = diffSnapshots({
      from,
      to,
      entities,
      includeVolatile,
      tempDir,
      budgetBytes: options.budgetBytes,
      progress,
      signal: options.signal,
      onToRecord: report ? (entity, record) => report.observeTo(entity, record) : undefined,
      onOutcome: (outcome) => {
        outcomes.push(outcome);
        lastLine = Date.now();
        io.logger.info(`  ${summaryLine(outcome)}`);
      },
    });
    for await (const row of rows) {
      if (options.signal?.aborted) throw interrupted();
      if (report) report.add(row);
      else if (!sink.closed) {
        const pending = writer!.write(row);
        if (pending) await pending;
      } else stoppedEarly = true;
    }
    if (report) {
      await sink.write(
        report.render({ from, to, outcomes, includeVolatile, footer: `okta-connector ${VERSION} diff` }),
      );
    } else if (!sink.closed) await writer!.end();
    stoppedEarly ||= sink.closed;
    await sink.commit();
  } catch (error) {
    await sink.abort();
    throw error instanceof InterruptedError || options.signal?.aborted ? interrupted() : error;
  } finally {
    clearInterval(ticker);
    await rm(tempDir, { recursive: true, force: true });
  }

  const totals = { added: 0, removed: 0, changed: 0, changes: 0 };
  for (const outcome of outcomes) {
    if (!outcome.compared) continue;
    totals.added += outcome.added;
    totals.removed += outcome.removed;
    totals.changed += outcome.changed;
  }
  totals.changes = totals.added + totals.removed + totals.changed;
  const notCompared = outcomes.filter((outcome) => !outcome.compared).length;
  io.logger.info(
    `${totals.changes.toLocaleString('en-US')} change${totals.changes === 1 ? '' : 's'} (${totals.added} added, ${totals.removed} removed, ${totals.changed} changed)${notCompared > 0 ? `; ${notCompared} ${notCompared === 1 ? 'entity' : 'entities'} not compared` : ''}${toStdout ? '' : `, written to ${outputPath}`}${stoppedEarly ? ' (the reader stopped early)' : ''}.`,
  );
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

function summaryLine(outcome: EntityOutcome): string {
  const name = outcome.entity.padEnd(14);
  if (!outcome.compared) return `${name}not compared: ${outcome.reason}`;
  return `${name}${outcome.added} added, ${outcome.removed} removed, ${outcome.changed} changed`;
}

function summaryOf(snapshot: OpenedSnapshot): SnapshotSummary {
  return {
    id: snapshot.id,
    dir: snapshot.dir,
    status: snapshot.manifest.status,
    startedAt: snapshot.manifest.startedAt,
  };
}

/** Origins compare case-insensitively and without a trailing slash. */
function sameOrg(org: string): string {
  return org.trim().replace(/\/+$/, '').toLowerCase();
}

function interrupted(): InterruptedError {
  return new InterruptedError('Diff interrupted; no output file was written.', {
    hint: 'An existing file of that name is untouched. Run diff again when ready.',
  });
}
