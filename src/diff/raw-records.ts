import type { OpenedSnapshot } from '../export/open-snapshot.js';
import { csvRecordBuilder, entityFile, ndjsonRecord, type Row } from '../export/read-entity-rows.js';
import { createCsvRowParser } from '../formats/parse-csv-rows.js';
import { readFileChunks } from '../formats/read-file-chunks.js';

/**
 * An NDJSON or CSV entity file read as the raw text of its records, a chunk at a time, checked
 * against its manifest (size and SHA-256) as {@link readEntityRows} checks it. Two records with the
 * same raw text in files of one format (and, for CSV, one header) are the same record, so they can
 * be paired without being parsed.
 */
export interface RawRecordFile {
  format: 'ndjson' | 'csv';
  /** The header line of a CSV file (empty for NDJSON): two CSV files' texts compare only under one header. */
  header: string;
  /** Whether the CSV cells carry formula guards (false for NDJSON). */
  protectedFormulas: boolean;
  /** The raw texts of the records of the next chunk read (no line ending; may be empty), undefined at the end. */
  next(): Promise<string[] | undefined>;
  /** The records a raw text holds (one, except for a text another tool split with lone CRs). */
  parse(raw: string): Row[];
  /** Stops reading early (closes the file). */
  close(): Promise<void>;
}

const LF = '\n';

/** Opens an entity file for {@link RawRecordFile} reading; undefined for a JSON (array) file. */
export async function openRawRecords(
  snapshot: OpenedSnapshot,
  entity: string,
): Promise<RawRecordFile | undefined> {
  const file = entityFile(snapshot, entity);
  if (!file || (file.entry.format !== 'ndjson' && file.entry.format !== 'csv')) return undefined;
  const chunks = readFileChunks(
    file.path,
    { bytes: file.entry.bytes, sha256: file.entry.sha256 },
    snapshot.signal,
  )[Symbol.asyncIterator]();
  return file.entry.format === 'ndjson'
    ? ndjsonFile(chunks, file.path)
    : await csvFile(chunks, file.path, file.protectedFormulas);
}

function ndjsonFile(chunks: AsyncIterator<string>, path: string): RawRecordFile {
  let pending = '';
  let done = false;
  let line = 0;
  const push = (out: string[], text: string) => {
    const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (trimmed !== '') out.push(trimmed);
  };
  return {
    format: 'ndjson',
    header: '',
    protectedFormulas: false,
    async next() {
      if (done) return undefined;
      const step = await chunks.next();
      const out: string[] = [];
      if (step.done) {
        done = true;
        push(out, pending);
        pending = '';
        return out;
      }
      const chunk = step.value;
      let start = 0;
      let newline = chunk.indexOf(LF);
      while (newline !== -1) {
        push(out, pending === '' ? chunk.slice(start, newline) : pending + chunk.slice(start, newline));
        pending = '';
        start = newline + 1;
        newline = chunk.indexOf(LF, start);
      }
      pending += chunk.slice(start);
      return out;
    },
    parse(raw) {
      const record = ndjsonRecord(raw, path, ++line);
      return record ? [record] : [];
    },
    close: async () => {
      done = true;
      await chunks.return?.();
    },
  };
}

/**
 * CSV records split at the line feeds outside quotes (a quoted field may hold line breaks; `""` in
 * a field toggles twice, so counting quotes is enough); a record's CR before its LF is dropped. The
 * first record is the header.
 */
async function csvFile(
  chunks: AsyncIterator<string>,
  path: string,
  protectedFormulas: boolean,
): Promise<RawRecordFile> {
  let pending = '';
  let inQuotes = false;
  let done = false;
  let first = true;
  const split = (chunk: string, out: string[]) => {
    let text = pending === '' ? chunk : pending + chunk;
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = false;
    // `pending` was scanned already: its quotes are counted in `inQuotes`.
    let scan = pending.length;
    let start = 0;
    let quote = text.indexOf('"', scan);
    let newline = text.indexOf(LF, scan);
    while (newline !== -1) {
      while (quote !== -1 && quote < newline) {
        inQuotes = !inQuotes;
        quote = text.indexOf('"', quote + 1);
      }
      if (!inQuotes) {
        const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
        if (end > start) out.push(text.slice(start, end));
        start = newline + 1;
      }
      scan = newline + 1;
      newline = text.indexOf(LF, scan);
    }
    while (quote !== -1) {
      inQuotes = !inQuotes;
      quote = text.indexOf('"', quote + 1);
    }
    pending = text.slice(start);
  };
  const next = async (): Promise<string[] | undefined> => {
    if (done) return undefined;
    const step = await chunks.next();
    const out: string[] = [];
    if (step.done) {
      done = true;
      if (pending !== '') out.push(pending.endsWith('\r') ? pending.slice(0, -1) : pending);
      pending = '';
      return out;
    }
    split(step.value, out);
    return out;
  };
  // The header: the first record of the file.
  const records: string[] = [];
  while (records.length === 0) {
    const more = await next();
    if (more === undefined) break;
    records.push(...more);
  }
  const header = records.shift() ?? '';
  const parser = createCsvRowParser(path);
  const rows: string[][] = [];
  const collect = (row: string[]) => {
    rows.push(row);
  };
  const rowsOf = (raw: string): string[][] => {
    rows.length = 0;
    parser.push(`${raw}\n`, collect);
    return rows;
  };
  const headerRow = rowsOf(header)[0] ?? [];
  const build = csvRecordBuilder([...headerRow], path, protectedFormulas);
  let held: string[] | undefined = records;
  return {
    format: 'csv',
    header,
    protectedFormulas,
    async next() {
      if (held) {
        const out = held;
        held = undefined;
        return out;
      }
      return next();
    },
    parse(raw) {
      return rowsOf(raw).map(build);
    },
    close: async () => {
      done = true;
      held = undefined;
      await chunks.return?.();
    },
  };
}
