import { ConfigError } from '../errors.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

/**
 * The rows of an RFC 4180 CSV stream as arrays of strings, streaming: a field may hold `,`, `"`
 * (doubled), CR and LF when quoted; records end with CRLF or a lone LF (or CR). A byte order mark at
 * the start is dropped. Only the current row is held in memory.
 *
 * Not csv-parse: on our snapshots it takes 3.3 times the CPU of this parser (export of a `large` CSV
 * snapshot twice the CPU; docs/performance.md, "CSV parser: csv-parse measured, not adopted"). This is
 * the subset our own writer produces plus the line-ending variants other tools write; csv-parse reads
 * our files in the tests, independently.
 */
export async function* parseCsvRows(
  chunks: AsyncIterable<string>,
  file: string,
  keepColumn?: (name: string) => boolean,
): AsyncGenerator<string[]> {
  const parser = createCsvRowParser(file, keepColumn);
  const rows: string[][] = [];
  const collect = (row: string[]) => {
    rows.push(row);
  };
  for await (const chunk of chunks) {
    parser.push(chunk, collect);
    for (const row of rows) yield row;
    rows.length = 0;
  }
  parser.end(collect);
  yield* rows;
}

/** The parser of {@link parseCsvRows} fed by hand: each complete row goes to `onRow` as it ends. */
export interface CsvRowParser {
  push(chunk: string, onRow: (row: string[]) => void): void;
  /** The end of the text: the last row if it has no line ending; throws on an open quote. */
  end(onRow: (row: string[]) => void): void;
}

/** A {@link CsvRowParser}: the same rules as {@link parseCsvRows}, synchronous. */
export function createCsvRowParser(file: string, keepColumn?: (name: string) => boolean): CsvRowParser {
  let row: string[] = [];
  /**
   * Per column of the header, whether its values are wanted (`keepColumn`); the others are still
   * parsed, so the file is checked whole, but come back as "" without being copied out of the text.
   */
  let keep: boolean[] | undefined;
  let header = true;
  let field = '';
  /** `start`: at the beginning of a field; `quoted`: inside quotes; `closed`: just after a quote. */
  let state: 'start' | 'plain' | 'quoted' | 'closed' = 'start';
  let rowHasContent = false;
  /** The previous chunk ended with CR: skip one LF at the start of this one. */
  let skipLf = false;
  let first = true;
  let line = 1;

  const fail = (why: string): never => {
    throw new ConfigError(`${file} is not valid CSV: ${why} (line ${line}).`, {
      hint: 'The file is damaged or was changed by another tool. Export another snapshot, or run sync again.',
    });
  };

  const push = (chunk: string, onRow: (row: string[]) => void): void => {
    if (first) {
      first = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    const length = chunk.length;
    let i = 0;
    if (skipLf && length > 0) {
      skipLf = false;
      if (chunk.charCodeAt(0) === LF) i = 1;
    }
    while (i < length) {
      if (state === 'quoted') {
        const quote = chunk.indexOf('"', i);
        const end = quote === -1 ? length : quote;
        for (let k = i; k < end; k++) if (chunk.charCodeAt(k) === LF) line++;
        if (keep?.[row.length] !== false) field += chunk.slice(i, end);
        if (quote === -1) {
          i = length;
        } else {
          state = 'closed';
          i = quote + 1;
        }
        continue;
      }
      const code = chunk.charCodeAt(i);
      if (state === 'closed') {
        if (code === QUOTE) {
          if (keep?.[row.length] !== false) field += '"';
          state = 'quoted';
          i++;
          continue;
        }
        if (code !== COMMA && code !== CR && code !== LF) fail('a character after a closing quote');
      }
      if (state === 'start' && code === QUOTE) {
        state = 'quoted';
        rowHasContent = true;
        i++;
        continue;
      }
      if (state === 'start' || state === 'plain') {
        // Read up to the next separator in one slice.
        let k = i;
        while (k < length) {
          const c = chunk.charCodeAt(k);
          if (c === COMMA || c === CR || c === LF) break;
          if (c === QUOTE) fail('a quote inside an unquoted field');
          k++;
        }
        if (k > i) {
          if (keep?.[row.length] !== false) field += chunk.slice(i, k);
          rowHasContent = true;
        }
        state = 'plain';
        i = k;
        if (k === length) continue;
      }
      const separator = chunk.charCodeAt(i);
      if (separator === COMMA) {
        row.push(field);
        field = '';
        rowHasContent = true;
        state = 'start';
        i++;
        continue;
      }
      // End of record: CRLF, LF or a lone CR.
      row.push(field);
      field = '';
      state = 'start';
      i++;
      if (separator === CR) {
        if (i < length) {
          if (chunk.charCodeAt(i) === LF) i++;
        } else {
          skipLf = true;
        }
      }
      line++;
      const done = row;
      const hadContent = rowHasContent;
      row = [];
      rowHasContent = false;
      // A blank line is no record.
      if (!hadContent) continue;
      if (header) {
        header = false;
        if (keepColumn) keep = done.map(keepColumn);
      }
      onRow(done);
    }
  };
  const end = (onRow: (row: string[]) => void): void => {
    if (state === 'quoted') fail('the file ends inside a quoted field (truncated)');
    if (rowHasContent || state === 'closed') {
      row.push(field);
      field = '';
      state = 'start';
      rowHasContent = false;
      const done = row;
      row = [];
      onRow(done);
    }
  };
  return { push, end };
}
