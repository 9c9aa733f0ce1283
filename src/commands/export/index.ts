import { parseOptions } from '../../cli/parse-options.js';
import { resolveUserPath } from '../../config/paths.js';
import { resolveSettings } from '../../config/resolve.js';
import { DEMO_OUTPUT_DIR } from '../../demo/demo-output-dir.js';
import { InterruptedError, UsageError } from '../../errors.js';
import { type FieldReader, fieldReader, parseFieldList } from '../../export/field-path.js';
import { HtmlReportWriter } from '../../export/html-report.js';
import {
  appReportIntro,
  isOverAllocated,
  REPORT_USER_COLUMNS,
  reportAppColumns,
  reportHeading,
  reportOrder,
  UnusedAssignmentSummary,
} from '../../export/licence-report.js';
import { nearestNames } from '../../export/nearest-names.js';
import { type OpenedSnapshot, openSnapshot } from '../../export/open-snapshot.js';
import { jsonNeedsOutputFile, outputFormat } from '../../export/output-format.js';
import { type OutputSink, openFileSink, openStreamSink } from '../../export/output-sink.js';
import { createRowWriter, type OutputColumn } from '../../export/row-writer.js';
import { canonicalViewName, EXPORT_VIEWS, selectView } from '../../export/select-view.js';
import { DAY_MS, type Row, type ViewData } from '../../export/view.js';
import { compileWhere } from '../../export/where-expression.js';
import type { Env, Io } from '../../ui/io.js';
import { VERSION } from '../../version.js';
import { EXPORT_OPTIONS, type ExportFlags, type ExportFormat } from './options.js';

export { EXPORT_FORMATS, EXPORT_OPTIONS, type ExportFormat } from './options.js';

/** Export's options (see ./options.ts) and what it runs in. */
export interface ExportOptions extends ExportFlags {
  profile: string;
  env: Env;
  cwd: string;
  /** Ctrl-C / SIGTERM: stop, remove the temporary file, leave any existing target untouched. */
  signal?: AbortSignal | undefined;
}

/** The `--json` document of export (only when the export goes to a file). */
export interface ExportResult {
  view: string;
  format: ExportFormat;
  by: 'app' | 'user' | null;
  snapshot: { id: string; dir: string; status: 'complete' | 'partial'; startedAt: string };
  /**
   * Entities read from an older snapshot than `snapshot`, each with that snapshot's id: after a
   * narrowed run (`sync --only apps`) latest lacks them (see openSnapshot).
   */
  borrowed: Record<string, string>;
  /** The file written, or `-` for stdout. */
  output: string;
  /** Rows read from the view, before `--where`. */
  rowsRead: number;
  /** Rows written. */
  rows: number;
  /** The columns written; null when JSON rows are written whole (raw entity, no --fields). */
  columns: string[] | null;
  /** The reader of stdout went away before the end (`| head`): not an error. */
  stoppedEarly: boolean;
  warnings: string[];
}

/**
 * Reshapes one snapshot into a view (a raw entity, `assignments` or `licence-usage`) as CSV, JSON,
 * NDJSON or an HTML report, on stdout or into a file (written whole or not at all). Offline: reads
 * only the snapshot folder, never Okta, and needs no token.
 */
export async function exportSnapshot(raw: ExportOptions, io: Io): Promise<ExportResult> {
  const options = { ...raw, ...parseOptions(EXPORT_OPTIONS, raw, 'export') };
  if (options.view === undefined || options.view === '') {
    throw new UsageError('Name a view with --view.', { hint: `Views: ${EXPORT_VIEWS.join(', ')}.` });
  }
  const viewName = canonicalViewName(options.view);
  if (!EXPORT_VIEWS.includes(viewName)) {
    throw new UsageError(`Unknown view "${options.view}".`, { hint: `Views: ${EXPORT_VIEWS.join(', ')}.` });
  }
  const isLicence = viewName === 'licence-usage';
  const toStdout = options.output === undefined || options.output === '-';
  const format = outputFormat(options.format, toStdout ? undefined : options.output, 'csv');
  if (format === 'html' && !isLicence) {
    throw new UsageError('--format html is the licence-usage report only.', {
      hint: 'Use csv, json or ndjson for other views.',
    });
  }
  if (!isLicence && (raw.activeDays !== undefined || raw.by !== undefined)) {
    throw new UsageError('--active-days and --by apply to the licence-usage view only.');
  }
  const { activeDays, by } = options;
  const fields = options.fields === undefined ? undefined : parseFieldList(options.fields);
  if (toStdout && io.json) {
    throw jsonNeedsOutputFile('export', 'rows');
  }
  const outputPath = toStdout ? '-' : resolveUserPath(options.output!, options.env, options.cwd);
  const csv = { bom: options.bom, formulaProtection: options.formulaProtection };

  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    io.logger.warn(message);
  };
  const { outputDir } = options.demo
    ? { outputDir: resolveUserPath(options.outputDir ?? DEMO_OUTPUT_DIR, options.env, options.cwd) }
    : resolveSettings({
        profile: options.profile,
        env: options.env,
        cwd: options.cwd,
        flags: { outputDir: options.outputDir },
      });
  const opened = await openSnapshot({
    snapshot: options.snapshot,
    outputDir,
    profile: options.profile,
    env: options.env,
    cwd: options.cwd,
    warn,
    signal: options.signal,
  });
  const borrowed: Record<string, string> = {};
  const snapshot: OpenedSnapshot = {
    ...opened,
    onBorrow: (entity, from) => {
      borrowed[entity] = from;
      opened.onBorrow?.(entity, from);
    },
  };
  const view = selectView(viewName, { snapshot, activeDays, by, warn });
  // JSON rows of a raw entity are written whole unless --fields picks columns.
  const wholeRows = !fields && !view.fixedColumns && format !== 'csv' && format !== 'html';
  // A raw entity's default columns may cost a pass over its file: only when they are used.
  const defaults = view.fixedColumns || (!fields && !wholeRows) ? await view.columns() : [];
  const where =
    options.where === undefined
      ? undefined
      : compileWhere(options.where, {
          now: snapshot.startedAt,
          knownFields: view.fixedColumns ? defaults : undefined,
        });
  await refuseUnknownFields(view, viewName, defaults, {
    '--fields': fields ?? [],
    '--where': where?.fields ?? [],
  });
  const reportColumns = by === 'user' ? [...REPORT_USER_COLUMNS] : reportAppColumns(activeDays);
  const names = fields ?? (format === 'html' ? reportColumns : defaults);
  const columns: OutputColumn[] = names.map((name) => ({ name, read: fieldReader(name) }));

  const sink = toStdout ? openStreamSink(io.stdout) : openFileSink(outputPath);
  let counts: { read: number; written: number; stoppedEarly: boolean };
  try {
    const run = { view, snapshot, columns, where: where?.test, sink, signal: options.signal };
    if (format === 'html') {
      counts = await writeHtml({ ...run, by, activeDays, whereText: options.where });
    } else {
      const writer = createRowWriter({ format, columns: wholeRows ? undefined : columns, sink, csv });
      const seen = view.fixedColumns
        ? undefined
        : new FieldPresence([...(fields ?? []), ...(where?.fields ?? [])]);
      counts = await pump({ ...run, write: (row) => writer.write(row), seen });
      if (!counts.stoppedEarly) await writer.end();
      if (seen) {
        for (const field of seen.absent()) {
          warn(
            `No ${viewName} row has a field "${field}"${fields?.includes(field) ? ': its column is empty' : ''}.`,
          );
        }
      }
    }
    await sink.commit();
  } catch (error) {
    await sink.abort();
    throw error instanceof InterruptedError ? interrupted() : error;
  }

  io.logger.info(
    `Exported ${counts.written.toLocaleString('en-US')} ${viewName}${isLicence && by === 'user' ? ' (by user)' : ''} rows of snapshot ${snapshot.id}${borrowedNote(borrowed)}${toStdout ? '' : ` to ${outputPath}`}${counts.stoppedEarly ? ' (the reader stopped early)' : ''}.`,
  );
  return {
    view: viewName,
    format,
    by: isLicence ? by : null,
    snapshot: {
      id: snapshot.id,
      dir: snapshot.dir,
      status: snapshot.manifest.status,
      startedAt: snapshot.manifest.startedAt,
    },
    borrowed,
    output: outputPath,
    rowsRead: counts.read,
    rows: counts.written,
    columns: wholeRows ? null : names,
    stoppedEarly: counts.stoppedEarly,
    warnings,
  };
}

/**
 * `--fields` and `--where` paths the view does not have are a usage error (exit 2) naming the nearest
 * known ones: an import pipeline must not get an empty column or no rows with only a warning.
 */
async function refuseUnknownFields(
  view: ViewData,
  viewName: string,
  columns: string[],
  byFlag: Record<'--fields' | '--where', readonly string[]>,
): Promise<void> {
  const paths = [...new Set([...byFlag['--fields'], ...byFlag['--where']])];
  if (paths.length === 0) return;
  const { unknown, known } = view.unknownFields
    ? await view.unknownFields(paths)
    : { unknown: paths.filter((path) => !columns.includes(path)), known: columns };
  if (unknown.length === 0) return;
  const flags = (Object.keys(byFlag) as (keyof typeof byFlag)[]).filter((flag) =>
    byFlag[flag].some((path) => unknown.includes(path)),
  );
  const hints = unknown.map((path) => {
    const near = nearestNames(path, known);
    return near.length > 0
      ? `"${path}": did you mean ${near.map((name) => `"${name}"`).join(' or ')}?`
      : `"${path}": no known field is close.`;
  });
  const list =
    known.length > 30 ? `${known.slice(0, 30).join(', ')}, … (${known.length} in all)` : known.join(', ');
  throw new UsageError(
    `${flags.join(' and ')}: ${viewName} has no field ${unknown.map((path) => `"${path}"`).join(', ')}.`,
    { hint: `${hints.join(' ')} Fields of ${viewName}: ${list}.` },
  );
}

/** Remembers which field paths had a value in at least one row (raw entities, for one warning each). */
class FieldPresence {
  readonly #pending: Map<string, FieldReader>;
  constructor(fields: string[]) {
    this.#pending = new Map(fields.map((field) => [field, fieldReader(field)]));
  }
  observe(row: Row): void {
    if (this.#pending.size === 0) return;
    for (const [field, read] of this.#pending) if (read(row) !== undefined) this.#pending.delete(field);
  }
  absent(): string[] {
    return [...this.#pending.keys()];
  }
}

interface Run {
  view: ViewData;
  snapshot: OpenedSnapshot;
  columns: OutputColumn[];
  where: ((row: Row) => boolean) | undefined;
  sink: OutputSink;
  signal: AbortSignal | undefined;
}

/** Streams the view's rows through `--where` into `write`; stops when stdout's reader is gone. */
async function pump(
  run: Run & { write: (row: Row) => Promise<void> | undefined; seen?: FieldPresence | undefined },
): Promise<{ read: number; written: number; stoppedEarly: boolean }> {
  let read = 0;
  let written = 0;
  for await (const row of run.view.rows()) {
    if (run.signal?.aborted) throw interrupted();
    read++;
    run.seen?.observe(row);
    if (run.where && !run.where(row)) continue;
    if (run.sink.closed) return { read, written, stoppedEarly: true };
    const pending = run.write(row);
    if (pending) await pending;
    written++;
  }
  return { read, written, stoppedEarly: run.sink.closed };
}

/** ` (users from 2026-11-30T020000Z)`: where the rows of a narrowed latest really came from. */
function borrowedNote(borrowed: Record<string, string>): string {
  const parts = Object.entries(borrowed).map(([entity, id]) => `${entity} from ${id}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

function interrupted(): InterruptedError {
  return new InterruptedError('Export interrupted; no output file was written.', {
    hint: 'An existing file of that name is untouched. Run export again when ready.',
  });
}

/** The licence-usage report: over-allocation, totals and a seat chart (per app), then the sortable table. */
async function writeHtml(
  run: Run & { by: 'app' | 'user'; activeDays: number; whereText: string | undefined },
): Promise<{ read: number; written: number; stoppedEarly: boolean }> {
  const { snapshot, activeDays } = run;
  const manifest = snapshot.manifest;
  const cutoff = readableInstant(snapshot.startedAt - activeDays * DAY_MS);
  const meta = [
    `Snapshot ${snapshot.id} of ${manifest.org} (profile ${manifest.profile}), taken ${readableInstant(Date.parse(manifest.startedAt))}${manifest.status === 'partial' ? ' — PARTIAL snapshot' : ''}.`,
    `Active: a sign-in to the app within ${activeDays} days before the snapshot (since ${cutoff}). Unused: assigned, but not active. Sign-in data covers the 90 days before the snapshot; "never signed in" means no sign-in in those 90 days.`,
    ...(run.whereText === undefined ? [] : [`Filter: ${run.whereText}`]),
  ];
  const footer = `okta-connector ${VERSION} export --view licence-usage${run.by === 'user' ? ' --by user' : ''}`;
  const writer = new HtmlReportWriter(run.sink, run.columns, {
    heading: (column) => reportHeading(column, activeDays),
    ...(run.by === 'app' ? { isOver: isOverAllocated, overColumn: 'seatsOverAllocated' } : {}),
  });

  if (run.by === 'user') {
    const summary = new UnusedAssignmentSummary();
    await writer.start({ title: `Unused app assignments — ${hostOf(manifest.org)}`, meta });
    const counts = await pump({
      ...run,
      write: (row) => {
        summary.observe(row);
        return writer.write(row);
      },
    });
    if (!counts.stoppedEarly) await writer.end(footer, summary.html(activeDays));
    return counts;
  }

  // One row per app: a few hundred rows, held to draw the chart before the table.
  const rows: Row[] = [];
  const counts = await pump({
    ...run,
    write: async (row) => {
      rows.push(row);
    },
  });
  const ordered = reportOrder(rows);
  await writer.start(
    { title: `Licence usage — ${hostOf(manifest.org)}`, meta },
    appReportIntro(ordered, activeDays),
  );
  for (const row of ordered) {
    if (run.sink.closed) return { ...counts, stoppedEarly: true };
    await writer.write(row);
  }
  await writer.end(footer);
  return { ...counts, stoppedEarly: run.sink.closed };
}

/** `2026-11-01 12:00 UTC`: an instant as a person reads it. */
function readableInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function hostOf(org: string): string {
  try {
    return new URL(org).host;
  } catch {
    return org;
  }
}
