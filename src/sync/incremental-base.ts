import { createReadStream } from 'node:fs';
import { chmod, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { createEntityWriter, entityFileName } from '../formats/create-entity-writer.js';
import type { EntityFileResult, EntityWriter } from '../formats/entity-writer.js';
import { fsyncPath } from '../formats/fsync-path.js';
import { type FileModes, PRIVATE_MODES } from '../inventory/file-modes.js';

/**
 * The previous complete run's rows, kept as NDJSON whatever the snapshot's format (a CSV cannot be
 * read back losslessly), so an incremental run can merge changes into them. It lives beside the
 * snapshots in `<profile>/.base-<snapshot id>/` and is written like a snapshot: into a `.partial-`
 * folder first, renamed when the snapshot is committed. CSV and NDJSON snapshot writers put their
 * records' NDJSON there themselves (`rowsPath`: the CSV spool, or a hard link to the NDJSON file), so
 * each record is encoded and written once; JSON snapshots are teed into a second writer (`open`).
 */
const BASE_PREFIX = '.base-';

export function baseFolderName(snapshotId: string): string {
  return `${BASE_PREFIX}${snapshotId}`;
}

export interface BaseWriter {
  /** An NDJSON writer for one entity (or `usage_events`) of the base being written. */
  open(name: string): EntityWriter;
  /**
   * Where the base keeps `name`'s rows (`<name>.ndjson` in its temporary folder): a CSV or NDJSON
   * snapshot writer leaves its records there (`keepNdjsonAt`), so they are encoded and written once.
   */
  rowsPath(name: string): string;
  /** Renames the base to `.base-<snapshotId>` and returns that folder's name. */
  commit(snapshotId: string): Promise<string>;
  abort(): Promise<void>;
}

/** Starts a base in `<profileDir>/.partial-base.<id>-<pid>` (removed as stale work if this process dies). */
export async function beginBase(
  profileDir: string,
  snapshotId: string,
  modes: FileModes = PRIVATE_MODES,
): Promise<BaseWriter> {
  const tempDir = join(profileDir, `.partial-base.${snapshotId}-${process.pid}`);
  await mkdir(tempDir, { recursive: true, mode: modes.dir });
  await chmod(tempDir, modes.dir);
  return {
    open: (name) => createEntityWriter({ dir: tempDir, entity: name, format: 'ndjson' }),
    rowsPath: (name) => join(tempDir, entityFileName(name, 'ndjson')),
    commit: async (finalId) => {
      // On disk before state.json names it: a power cut must not leave state.json naming empty files.
      for (const file of await readdir(tempDir)) {
        await chmod(join(tempDir, file), modes.file);
        await fsyncPath(join(tempDir, file), 'file');
      }
      await fsyncPath(tempDir, 'directory');
      const name = baseFolderName(finalId);
      await rm(join(profileDir, name), { recursive: true, force: true });
      await rename(tempDir, join(profileDir, name));
      await fsyncPath(profileDir, 'directory');
      return name;
    },
    abort: () => rm(tempDir, { recursive: true, force: true }),
  };
}

/**
 * Reads the lines of `<baseDir>/<name>.ndjson` in batches of up to 1000: each one record's
 * `JSON.stringify` text, as the last run wrote it (JSON escapes line breaks inside strings, so every
 * `\n` ends a record). A missing file has no lines. Rows kept unchanged are copied as this text,
 * neither parsed nor encoded again.
 */
export async function* readBaseLines(baseDir: string, name: string): AsyncGenerator<string[]> {
  const file = join(baseDir, `${name}.ndjson`);
  try {
    await stat(file);
  } catch {
    return;
  }
  let rest = '';
  let batch: string[] = [];
  // Kept lines are copied unparsed, so a line that is not an object's text (a file cut short, a
  // line lost to a bad disk) is refused here rather than copied into the snapshot.
  const take = (line: string) => {
    if (!line.startsWith('{') || !line.endsWith('}')) throw damagedBase(file);
    batch.push(line);
  };
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      if (end > start) take(text.slice(start, end));
      start = end + 1;
      if (batch.length === 1000) {
        yield batch;
        batch = [];
      }
    }
    rest = text.slice(start);
  }
  if (rest !== '') take(rest);
  if (batch.length > 0) yield batch;
}

/** Parses one line of a base file; a line that is not a JSON object means the base is damaged. */
export function parseBaseLine(file: string, line: string): Record<string, unknown> {
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch {
    row = undefined;
  }
  if (typeof row !== 'object' || row === null || Array.isArray(row)) throw damagedBase(file);
  return row as Record<string, unknown>;
}

function damagedBase(file: string): ConfigError {
  return new ConfigError(`The data of the last complete run is damaged (${file}).`, {
    hint: 'Run sync with --full once; it writes that data anew.',
  });
}

/** Reads the rows of `<baseDir>/<name>.ndjson` in batches of up to 1000; a missing file has no rows. */
export async function* readBaseRows(
  baseDir: string,
  name: string,
): AsyncGenerator<Record<string, unknown>[]> {
  const file = join(baseDir, `${name}.ndjson`);
  for await (const lines of readBaseLines(baseDir, name))
    yield lines.map((line) => parseBaseLine(file, line));
}

/** Whether a base folder exists (a state file may outlive it if someone cleaned up by hand). */
export async function baseExists(profileDir: string, folder: string): Promise<boolean> {
  try {
    return (await stat(join(profileDir, folder))).isDirectory();
  } catch {
    return false;
  }
}

/** Removes every base but `keep`: only the one the state file names is ever read. */
export async function removeOtherBases(profileDir: string, keep: string): Promise<void> {
  for (const name of await readdir(profileDir)) {
    if (name.startsWith(BASE_PREFIX) && name !== keep) {
      await rm(join(profileDir, name), { recursive: true, force: true });
    }
  }
}

/**
 * Writes every record to both writers; the first one's file is the one reported. For JSON snapshots
 * (one array per file, not the base's NDJSON): CSV and NDJSON ones share their bytes (`rowsPath`).
 */
export function teeWriter(primary: EntityWriter, copy: EntityWriter): EntityWriter {
  return {
    write: async (record) => {
      await Promise.all([primary.write(record), copy.write(record)]);
    },
    writeMany: async (records) => {
      await Promise.all([primary.writeMany(records), copy.writeMany(records)]);
    },
    writeJsonLines: async (lines) => {
      await Promise.all([primary.writeJsonLines(lines), copy.writeJsonLines(lines)]);
    },
    close: async (): Promise<EntityFileResult> => {
      await copy.close();
      return primary.close();
    },
    abort: async () => {
      await Promise.all([primary.abort(), copy.abort()]);
    },
  };
}
