import { fieldReader } from '../export/field-path.js';
import type { OutputSink } from '../export/output-sink.js';
import { createRowWriter, type OutputColumn, type RowWriter } from '../export/row-writer.js';
import { HUMAN_COLUMNS, ID_COLUMNS } from './diff-entities.js';
import type { ChangeRow } from './diff-snapshots.js';

/** The fixed columns of diff's CSV: entity, change, every id column, every human field, field, from, to. */
export const CHANGE_CSV_COLUMNS: readonly string[] = [
  'entity',
  'change',
  ...ID_COLUMNS,
  ...HUMAN_COLUMNS,
  'field',
  'from',
  'to',
];

/**
 * Writes change rows: NDJSON (one row a line) and JSON (the same rows as an array) as they are; CSV
 * with {@link CHANGE_CSV_COLUMNS}, one line per changed field of a `changed` row (`field`, `from`,
 * `to`; a value that is not a string is its JSON text) and one line with those three empty for an
 * added or removed row. CSV cells get formula protection, as export's do.
 */
export function createChangeWriter(options: {
  format: 'ndjson' | 'json' | 'csv';
  sink: OutputSink;
}): RowWriter {
  if (options.format !== 'csv') {
    return createRowWriter({
      format: options.format,
      columns: undefined,
      sink: options.sink,
      csv: { bom: false, formulaProtection: true },
    });
  }
  const columns: OutputColumn[] = CHANGE_CSV_COLUMNS.map((name) => ({ name, read: fieldReader(name) }));
  const writer = createRowWriter({
    format: 'csv',
    columns,
    sink: options.sink,
    csv: { bom: false, formulaProtection: true },
  });
  return {
    write(row: ChangeRow) {
      const { fields, ...rest } = row;
      if (!fields) return writer.write(rest);
      let pending: Promise<void> | undefined;
      for (const [field, { from, to }] of Object.entries(fields)) {
        const written = writer.write({ ...rest, field, from, to });
        if (written) pending = pending ? pending.then(() => written) : written;
      }
      return pending;
    },
    end: () => writer.end(),
  };
}
