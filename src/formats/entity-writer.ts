import type { ColumnPlan, CsvOptions } from './column-plan.js';

export type { ColumnPlan, CsvOptions } from './column-plan.js';

/** How an entity is written: one JSON array, one JSON object per line, or RFC 4180 CSV. */
export type OutputFormat = 'json' | 'ndjson' | 'csv';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['json', 'ndjson', 'csv'];

export interface EntityWriterOptions {
  /** The folder to write into (a snapshot's temporary folder). */
  dir: string;
  /** The entity name, which also names the file: `<entity>.<format>`. */
  entity: string;
  format: OutputFormat;
  /** CSV only. Without it, the columns are the records' top-level keys, sorted. */
  columns?: ColumnPlan;
  /** CSV only. */
  csv?: CsvOptions;
  /**
   * CSV and NDJSON only: leave the records also at this path as NDJSON (the bytes an `ndjson` writer
   * would write), encoded and written once: the CSV's spool is written there and kept, an NDJSON file
   * is hard-linked there at `close()` (copied where the file system refuses links). The path must not
   * exist; `abort()` removes it too. A sync keeps the rows of its next incremental run this way.
   */
  keepNdjsonAt?: string;
}

/** What one entity file holds, for the manifest. */
export interface EntityFileResult {
  entity: string;
  /** The file name, relative to the snapshot folder. */
  file: string;
  format: OutputFormat;
  /** Records written. */
  count: number;
  /** File size in bytes. */
  bytes: number;
  /** SHA-256 of the file, lowercase hex. */
  sha256: string;
  /** CSV only: the header row, in order. */
  columns?: string[];
}

/** Writes one entity's records to one file, streaming. */
export interface EntityWriter {
  /** Resolves when the record is out of memory (waits for the file stream to drain when it is full). */
  write(record: Record<string, unknown>): Promise<void>;
  /**
   * Writes a batch (a page of an Okta list) as one chunk: the records become garbage as soon as they
   * are serialised, instead of living on across one await per record.
   */
  writeMany(records: readonly Record<string, unknown>[]): Promise<void>;
  /**
   * Writes records given as their `JSON.stringify` text (an NDJSON line without its `\n`), such as
   * rows an earlier run wrote: JSON and NDJSON files take the text as it is, byte for byte what
   * `writeMany` of the parsed records writes, without parsing or encoding them again; CSV parses each.
   */
  writeJsonLines(lines: readonly string[]): Promise<void>;
  /** Finishes the file; the writer takes no more records. */
  close(): Promise<EntityFileResult>;
  /** Removes everything this writer wrote (also after `close`). Safe to call more than once. */
  abort(): Promise<void>;
}
