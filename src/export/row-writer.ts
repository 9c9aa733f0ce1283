import { stringify } from 'csv-stringify/sync';
import type { CsvOptions } from '../inventory/column-plan.js';
import { encodeCsvValue } from '../inventory/encode-csv-value.js';
import type { OutputSink } from './output-sink.js';

type Row = Record<string, unknown>;

/** The data formats of export (html is a report, see render-html-report.ts). */
export type RowFormat = 'csv' | 'json' | 'ndjson';

/**
 * The RFC 4180 options of the inventory's CSV writer (src/inventory/create-csv-writer.ts), so an
 * export and a snapshot file quote alike. `quoted_match`: csv-stringify only quotes the record
 * delimiter as a whole, not a lone CR or LF.
 */
const CSV_SYNTAX = {
  delimiter: ',',
  quote: '"',
  escape: '"',
  record_delimiter: '\r\n',
  quoted_match: /[\r\n]/,
} as const;

/** Rows per csv-stringify call: enough to spread its set-up, few enough to keep the text small. */
const CSV_BATCH_ROWS = 48;

/** A column of the output: its header and how to read its value from a row. */
export interface OutputColumn {
  name: string;
  read(row: Row): unknown;
}

export interface RowWriter {
  write(row: Row): Promise<void>;
  /** Writes what closes the document (`]` of a JSON array). */
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
  const project = (row: Row): Row => {
    if (!columns) return row;
    const record: Row = {};
    for (const column of columns) record[column.name] = column.read(row) ?? null;
    return record;
  };
  if (format === 'csv') {
    if (!columns) throw new TypeError('CSV needs columns');
    const formulaProtection = options.csv.formulaProtection;
    // csv-stringify prepares its options on every call: rows go to it in batches.
    let batch: string[][] = [columns.map((column) => encodeCsvValue(column.name, { formulaProtection }))];
    let text = options.csv.bom ? '\uFEFF' : '';
    const flush = async () => {
      text += stringify(batch, CSV_SYNTAX);
      batch = [];
      await sink.write(text);
      text = '';
    };
    return {
      async write(row) {
        batch.push(columns.map((column) => encodeCsvValue(column.read(row), { formulaProtection })));
        if (batch.length >= CSV_BATCH_ROWS) await flush();
      },
      end: flush,
    };
  }
  if (format === 'ndjson') {
    return {
      write: (row) => sink.write(`${JSON.stringify(project(row))}\n`),
      end: async () => {},
    };
  }
  let count = 0;
  return {
    async write(row) {
      await sink.write(`${count === 0 ? '[\n' : ',\n'}${JSON.stringify(project(row))}`);
      count++;
    },
    end: () => sink.write(count === 0 ? '[]\n' : '\n]\n'),
  };
}
