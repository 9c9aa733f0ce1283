import { parseOptions } from '../../cli/parse-options.js';
import { resolveUserPath } from '../../config/paths.js';
import { resolveSettings } from '../../config/resolve.js';
import { DEMO_OUTPUT_DIR } from '../../demo/demo-output-dir.js';
import { InterruptedError, UsageError } from '../../errors.js';
import { fieldReader, parseFieldList } from '../../export/field-path.js';
import { REPORT_USER_COLUMNS, reportAppColumns } from '../../export/licence-report.js';
import { type OpenedSnapshot, openSnapshot } from '../../export/open-snapshot.js';
import { jsonNeedsOutputFile, outputFormat } from '../../export/output-format.js';
import { openFileSink, openStreamSink } from '../../export/output-sink.js';
import { createRowWriter, type OutputColumn } from '../../export/row-writer.js';
import { canonicalViewName, EXPORT_VIEWS, selectView } from '../../export/select-view.js';
import { compileWhere } from '../../export/where-expression.js';
import type { Env, Io } from '../../ui/io.js';
import { FieldPresence } from './field-presence.js';
import { EXPORT_OPTIONS, type ExportFlags, type ExportFormat } from './options.js';
import { interrupted, pump } from './pump-rows.js';
import { refuseUnknownFields } from './refuse-unknown-fields.js';
import { writeHtml } from './write-licence-html.js';

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

/** ` (users from 2026-11-30T020000Z)`: where the rows of a narrowed latest really came from. */
function borrowedNote(borrowed: Record<string, string>): string {
  const parts = Object.entries(borrowed).map(([entity, id]) => `${entity} from ${id}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}
