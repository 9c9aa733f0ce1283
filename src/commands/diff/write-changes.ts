import { createChangeWriter } from '../../diff/change-writer.js';
import { DiffHtmlReport } from '../../diff/diff-html-report.js';
import type { ChangeRow, DiffSnapshotsOptions, EntityOutcome } from '../../diff/diff-snapshots.js';
import { InterruptedError } from '../../errors.js';
import type { OpenedSnapshot } from '../../export/open-snapshot.js';
import type { OutputSink } from '../../export/output-sink.js';
import { VERSION } from '../../version.js';
import type { DiffFormat } from './options.js';

/** What writeChanges needs: the pair, the format and sink, and the change rows to write. */
export interface WriteChangesOptions {
  from: OpenedSnapshot;
  to: OpenedSnapshot;
  format: DiffFormat;
  sink: OutputSink;
  /** Filled by the rows' run as each entity ends; the HTML report's summary reads it at the end. */
  outcomes: EntityOutcome[];
  includeVolatile: boolean;
  signal: AbortSignal | undefined;
  /** Starts the diff; the HTML report watches every `to` record through `onToRecord`. */
  rows: (onToRecord: DiffSnapshotsOptions['onToRecord']) => AsyncIterable<ChangeRow>;
}

/**
 * Writes the change rows as NDJSON, JSON or CSV as they come, or gathers them into the HTML report
 * written at the end. Returns whether the reader of stdout went away before the last row.
 */
export async function writeChanges(options: WriteChangesOptions): Promise<boolean> {
  const { from, to, format, sink, outcomes, includeVolatile } = options;
  let stoppedEarly = false;
  const report = format === 'html' ? new DiffHtmlReport() : undefined;
  const writer = format === 'html' ? undefined : createChangeWriter({ format, sink });
  const rows = options.rows(report ? (entity, record) => report.observeTo(entity, record) : undefined);
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
  return stoppedEarly;
}

/** Ctrl-C or SIGTERM during a diff: nothing was written. */
export function interrupted(): InterruptedError {
  return new InterruptedError('Diff interrupted; no output file was written.', {
    hint: 'An existing file of that name is untouched. Run diff again when ready.',
  });
}
