import { createReadStream } from 'node:fs';
import { chmod, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
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

/** Reads the rows of `<baseDir>/<name>.ndjson` in batches of up to 1000; a missing file has no rows. */
export async function* readBaseRows(
  baseDir: string,
  name: string,
): AsyncGenerator<Record<string, unknown>[]> {
  const file = join(baseDir, `${name}.ndjson`);
  try {
    await stat(file);
  } catch {
    return;
  }
  const lines = createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let batch: Record<string, unknown>[] = [];
  for await (const line of lines) {
    if (line === '') continue;
    try {
      batch.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      throw new ConfigError(`The data of the last complete run is damaged (${file}).`, {
        hint: 'Run sync with --full once; it writes that data anew.',
      });
    }
    if (batch.length === 1000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
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
    close: async (): Promise<EntityFileResult> => {
      await copy.close();
      return primary.close();
    },
    abort: async () => {
      await Promise.all([primary.abort(), copy.abort()]);
    },
  };
}
