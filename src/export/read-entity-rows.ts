import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { removeFormulaGuard } from '../formats/encode-csv-value.js';
import { parseCsvRows } from '../formats/parse-csv-rows.js';
import { parseJsonRecords } from '../formats/parse-json-records.js';
import { readFileChunks } from '../formats/read-file-chunks.js';
import type { WrittenEntityManifest } from '../inventory/manifest.js';
import type { OpenedSnapshot } from './open-snapshot.js';

export type Row = Record<string, unknown>;

/** The manifest entry of a written entity, or undefined when the snapshot has no file for it. */
export function writtenEntity(snapshot: OpenedSnapshot, entity: string): WrittenEntityManifest | undefined {
  return entitySource(snapshot, entity)?.entry;
}

/**
 * Where an entity's file is: in the snapshot itself, or (a narrowed `sync --only` run exported as
 * `latest`) in the newest complete snapshot that has it, which the first lookup tells the user.
 */
function entitySource(
  snapshot: OpenedSnapshot,
  entity: string,
): { dir: string; manifest: OpenedSnapshot['manifest']; entry: WrittenEntityManifest } | undefined {
  const written = (manifest: OpenedSnapshot['manifest']) => {
    const entry = manifest.entities[entity];
    return entry && 'file' in entry && typeof entry.file === 'string'
      ? (entry as WrittenEntityManifest)
      : undefined;
  };
  const own = written(snapshot.manifest);
  if (own) return { dir: snapshot.dir, manifest: snapshot.manifest, entry: own };
  const borrowed = snapshot.borrowed?.get(entity);
  const entry = borrowed && written(borrowed.manifest);
  if (!borrowed || !entry) return undefined;
  snapshot.onBorrow?.(entity, borrowed.id);
  return { dir: borrowed.dir, manifest: borrowed.manifest, entry };
}

/**
 * The file of an entity (where {@link readEntityRows} reads it), its manifest entry, and whether its
 * CSV cells carry formula guards; undefined when the snapshot has no file for it.
 */
export function entityFile(
  snapshot: OpenedSnapshot,
  entity: string,
): { path: string; entry: WrittenEntityManifest; protectedFormulas: boolean } | undefined {
  const source = entitySource(snapshot, entity);
  if (!source) return undefined;
  return {
    path: join(source.dir, source.entry.file),
    entry: source.entry,
    protectedFormulas: source.manifest.options.formulaProtection !== false,
  };
}

/** Why the snapshot has no file for `entity`: its `skipped` reason, or "not in the snapshot". */
export function missingReason(snapshot: OpenedSnapshot, entity: string): string {
  const entry = snapshot.manifest.entities[entity];
  return entry && 'skipped' in entry && typeof entry.skipped === 'string'
    ? `skipped: ${entry.skipped}`
    : narrowedAway(snapshot, entity);
}

function narrowedAway(snapshot: OpenedSnapshot, entity: string): string {
  const ran = snapshot.manifest.options.entities;
  return Array.isArray(ran) && !ran.includes(entity)
    ? `not in the snapshot: its run read ${ran.join(', ')} only, and no earlier complete snapshot of the org has ${entity}`
    : 'not in the snapshot';
}

export interface ReadOptions {
  /**
   * The fields the caller reads (dot paths: `id`, `profile.email`, or `profile` for all of it). A
   * hint that saves work where the format allows it: a CSV snapshot's other columns are checked but
   * left out of the records; json and ndjson records come back whole.
   */
  fields?: readonly string[];
}

/**
 * Streams the records of one entity file of a snapshot, whatever format sync wrote it in, checking
 * the file against its manifest entry (size and SHA-256) at the end.
 *
 * - `json` and `ndjson` records come back as written.
 * - `csv` rows come back as objects rebuilt from the dot-path header (`profile.email` →
 *   `{ profile: { email } }`) with **every value a string**: numbers, booleans, arrays and objects
 *   are their CSV text (`"42"`, `"true"`, `'["a"]'`), and an empty cell is a missing field (CSV cannot
 *   tell null, missing and `""` apart). When the snapshot was written with formula protection, the
 *   `'` it put before a cell that could start a formula is removed again.
 *
 * @throws ConfigError when the entity has no file, or the file is damaged or changed.
 */
export async function* readEntityRows(
  snapshot: OpenedSnapshot,
  entity: string,
  options: ReadOptions = {},
): AsyncGenerator<Row> {
  const source = entitySource(snapshot, entity);
  if (!source) {
    throw new ConfigError(
      `Snapshot ${snapshot.id} has no ${entity} file (${missingReason(snapshot, entity)}).`,
    );
  }
  const { entry } = source;
  const path = join(source.dir, entry.file);
  const chunks = readFileChunks(path, { bytes: entry.bytes, sha256: entry.sha256 }, snapshot.signal);
  if (entry.format === 'json') {
    yield* parseJsonRecords(chunks, path);
  } else if (entry.format === 'ndjson') {
    yield* parseNdjsonRecords(chunks, path);
  } else {
    const protectedFormulas = source.manifest.options.formulaProtection !== false;
    const { fields } = options;
    const keepColumn = fields
      ? (name: string) => {
          const plain = protectedFormulas ? removeFormulaGuard(name) : name;
          return fields.some((field) => plain === field || plain.startsWith(`${field}.`));
        }
      : undefined;
    yield* csvRecords(parseCsvRows(chunks, path, keepColumn), path, protectedFormulas);
  }
}

async function* parseNdjsonRecords(chunks: AsyncIterable<string>, file: string): AsyncGenerator<Row> {
  let pending = '';
  let line = 0;
  for await (const chunk of chunks) {
    let start = 0;
    let newline = chunk.indexOf('\n');
    while (newline !== -1) {
      const text = pending === '' ? chunk.slice(start, newline) : pending + chunk.slice(start, newline);
      pending = '';
      const record = ndjsonRecord(text, file, ++line);
      if (record) yield record;
      start = newline + 1;
      newline = chunk.indexOf('\n', start);
    }
    pending += chunk.slice(start);
  }
  const record = ndjsonRecord(pending, file, ++line);
  if (record) yield record;
}

/**
 * The record of one NDJSON line (a trailing CR dropped), or undefined for a blank line.
 * @throws ConfigError when the line is not a JSON object
 */
export function ndjsonRecord(text: string, file: string, line: number): Row | undefined {
  const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
  if (trimmed.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    throw damaged(file, `line ${line} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw damaged(file, `line ${line} is not a JSON object`);
  }
  return value as Row;
}

async function* csvRecords(
  rows: AsyncIterable<string[]>,
  file: string,
  protectedFormulas: boolean,
): AsyncGenerator<Row> {
  let builder: CsvRecordBuilder | undefined;
  for await (const row of rows) {
    if (!builder) builder = csvRecordBuilder(row, file, protectedFormulas);
    else yield builder(row);
  }
}

/** Turns the rows after a CSV header into records (as {@link readEntityRows} returns them). */
export type CsvRecordBuilder = (row: string[]) => Row;

/**
 * The records of a CSV entity file's rows, given its header row: nested objects from the dot-path
 * names, every value a string, empty cells left out, formula guards removed when `protectedFormulas`.
 * @throws ConfigError for a row whose field count is not the header's
 */
export function csvRecordBuilder(
  headerRow: string[],
  file: string,
  protectedFormulas: boolean,
): CsvRecordBuilder {
  const names = protectedFormulas ? headerRow.map(removeFormulaGuard) : headerRow;
  const header = names.map((name) => name.split('.'));
  let line = 1;
  return (row) => {
    line++;
    if (row.length !== header.length) {
      throw damaged(file, `record ${line - 1} has ${row.length} fields, the header ${header.length}`);
    }
    // Null-prototype objects: a header such as `__proto__.x` must not reach Object.prototype.
    const record: Row = Object.create(null);
    for (let column = 0; column < row.length; column++) {
      let value = row[column]!;
      if (value === '') continue;
      if (protectedFormulas) value = removeFormulaGuard(value);
      setPath(record, header[column]!, names[column]!, value);
    }
    return record;
  };
}

/** Sets `segments` in `record`, creating objects on the way; falls back to the flat name on a clash. */
function setPath(record: Row, segments: string[], name: string, value: string): void {
  let target: Row = record;
  for (let index = 0; index < segments.length - 1; index++) {
    const segment = segments[index]!;
    const next = Object.hasOwn(target, segment) ? target[segment] : undefined;
    if (next === undefined) {
      const created: Row = Object.create(null);
      target[segment] = created;
      target = created;
    } else if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
      target = next as Row;
    } else {
      record[name] = value;
      return;
    }
  }
  target[segments.at(-1)!] = value;
}

function damaged(file: string, why: string): ConfigError {
  return new ConfigError(`${file} is damaged: ${why}.`, {
    hint: 'Export another snapshot, or run sync again.',
  });
}
