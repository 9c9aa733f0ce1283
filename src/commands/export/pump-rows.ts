import { InterruptedError } from '../../errors.js';
import type { OpenedSnapshot } from '../../export/open-snapshot.js';
import type { OutputSink } from '../../export/output-sink.js';
import type { OutputColumn } from '../../export/row-writer.js';
import type { Row, ViewData } from '../../export/view.js';
import type { FieldPresence } from './field-presence.js';

/** One export's rows on their way: the view, its snapshot, the columns, `--where` and the sink. */
export interface Run {
  view: ViewData;
  snapshot: OpenedSnapshot;
  columns: OutputColumn[];
  where: ((row: Row) => boolean) | undefined;
  sink: OutputSink;
  signal: AbortSignal | undefined;
}

/** Streams the view's rows through `--where` into `write`; stops when stdout's reader is gone. */
export async function pump(
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

/** Ctrl-C or SIGTERM during an export: nothing was written. */
export function interrupted(): InterruptedError {
  return new InterruptedError('Export interrupted; no output file was written.', {
    hint: 'An existing file of that name is untouched. Run export again when ready.',
  });
}
