import type { CsvOptions } from '../formats/column-plan.js';
import { encodeCsvRecord } from '../formats/encode-csv-record.js';
import { encodeCsvValue } from '../formats/encode-csv-value.js';
import type { OutputSink } from './output-sink.js';

type Row = Record<string, unknown>;

/** The data formats of export (html is a report, see render-html-report.ts). */
export type RowFormat = 'csv' | 'json' | 'ndjson';

/**
 * Text handed to the sink at a time: dozens of rows, so the per-call cost of a write is spread, and
 * the string stays far below V8's large-object threshold (~128 KB).
 */
const BATCH_CHARS = 8 * 1024;

/** A column of the output: its header and how to read its value from a row. */
export interface OutputColumn {
  name: string;
  read(row: Row): unknown;
}

export interface RowWriter {
  /**
   * Adds one row. Returns a promise only when the rows so far were handed to the sink (every few
   * kilobytes): await it then, for back-pressure. No promise per row, which a big export would feel.
   */
  write(row: Row): Promise<void> | undefined;
  /** Writes what closes the document (`]` of a JSON array) and whatever is still pending. */
  end(): Promise<void>;
}

/**
 * Writes rows as CSV (cells by `encodeCsvValue`, the inventory's rule, formula protection included),
 * a JSON array with one row per line (like the inventory's JSON files), or NDJSON.
 * `columns` undefined (JSON formats only) writes each row as it is.
 */
export function createRowWriter(options: {
  format: RowFormat;
  columns: OutputColumn[] | undefined;
  sink: OutputSink;
  csv: Required<CsvOptions>;
}): RowWriter {
  const { format, columns, sink } = options;
  let text = '';
  const flush = (): Promise<void> => {
    const pending = text;
    text = '';
    return sink.write(pending);
  };
  const add = (piece: string): Promise<void> | undefined => {
    text += piece;
    return text.length >= BATCH_CHARS ? flush() : undefined;
  };
  const project = (row: Row): Row => {
    if (!columns) return row;
    const record: Row = {};
    for (const column of columns) record[column.name] = column.read(row) ?? null;
    return record;
  };
  if (format === 'csv') {
    if (!columns) throw new TypeError('CSV needs columns');
    const encoding = { formulaProtection: options.csv.formulaProtection };
    const cells: string[] = new Array(columns.length);
    const header = encodeCsvRecord(columns.map((column) => encodeCsvValue(column.name, encoding)));
    text = `${options.csv.bom ? '\uFEFF' : ''}${header}`;
    return {
      write(row) {
        for (let index = 0; index < columns.length; index++) {
          cells[index] = encodeCsvValue(columns[index]!.read(row), encoding);
        }
        return add(encodeCsvRecord(cells));
      },
      end: flush,
    };
  }
  if (format === 'ndjson') {
    return {
      write: (row) => add(`${JSON.stringify(project(row))}\n`),
      end: flush,
    };
  }
  let count = 0;
  return {
    write(row) {
      return add(`${count++ === 0 ? '[\n' : ',\n'}${JSON.stringify(project(row))}`);
    },
    end() {
      text += count === 0 ? '[]\n' : '\n]\n';
      return flush();
    },
  };
}
