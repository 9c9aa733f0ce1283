import { createHash } from 'node:crypto';
import { chmod, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, InternalError } from '../errors.js';
import type { ColumnPlan, CsvOptions } from '../formats/column-plan.js';
import { createEntityWriter } from '../formats/create-entity-writer.js';
import type { EntityFileResult, EntityWriter, OutputFormat } from '../formats/entity-writer.js';
import { fsyncPath } from '../formats/fsync-path.js';
import { diskErrorOf } from './disk-errors.js';
import { type FileModes, PRIVATE_MODES } from './file-modes.js';
import { writeLatestPointer } from './latest-pointer.js';
import { MANIFEST_FILE, type Manifest, manifestSchema } from './manifest.js';
import { profileDir } from './profile-dir.js';
import { partialFolderName, removeStaleWork, trashFolderName } from './remove-stale-work.js';
import { formatSnapshotId, withCollisionSuffix } from './snapshot-id.js';

/** A snapshot being written. Nothing of it is visible under its final name until `commit`. */
export interface SnapshotHandle {
  /** `<outputDir>/<profile>/.partial-<id>-<pid>`: where the files are written. */
  readonly tempDir: string;
  /** The folder name it will get, e.g. `2026-11-29T153510Z` (may gain a suffix at `commit`). */
  readonly id: string;
  /**
   * A writer for one entity's file in `tempDir`. Every writer must be closed or aborted before `commit`.
   * `keepNdjsonAt`: see `EntityWriterOptions`.
   */
  writer(
    entity: string,
    format: OutputFormat,
    columns?: ColumnPlan,
    csv?: CsvOptions,
    keepNdjsonAt?: string,
  ): EntityWriter;
  /**
   * Writes manifest.json last, flushes every file and the folder, renames the folder to its id, flushes
   * the profile folder, then (complete runs only) replaces latest.json.
   */
  commit(manifest: Manifest): Promise<{ dir: string; id: string }>;
  /** Removes the temporary folder and everything in it. Does nothing after `commit`. */
  abort(): Promise<void>;
}

export interface BeginSnapshotOptions {
  outputDir: string;
  profile: string;
  /** @default new Date() */
  now?: Date;
  /** Of the snapshot folder and its files, exactly (the umask does not apply). @default PRIVATE_MODES */
  modes?: FileModes;
}

/**
 * Starts a snapshot of `profile` in `<outputDir>/<profile>/`. Removes what crashed runs left behind
 * first. Call it while holding the profile lock (`acquireLock`).
 *
 * Two runs that start in the same second get `<id>`, `<id>-2`, `<id>-3`, …: an existing snapshot is
 * never overwritten.
 */
export async function beginSnapshot(options: BeginSnapshotOptions): Promise<SnapshotHandle> {
  const base = profileDir(options.outputDir, options.profile);
  const modes = options.modes ?? PRIVATE_MODES;
  await mkdir(base, { recursive: true, mode: modes.dir });
  await removeStaleWork(base);

  const baseId = formatSnapshotId(options.now ?? new Date());
  let id = '';
  let tempDir = '';
  let suffix = 1;
  for (; ; suffix += 1) {
    if (suffix > 1000) throw new InternalError(`No free snapshot folder name left for ${baseId} in ${base}.`);
    id = withCollisionSuffix(baseId, suffix);
    if (await isTaken(base, id)) continue;
    tempDir = join(base, partialFolderName(id));
    try {
      await mkdir(tempDir, { mode: modes.dir });
      await chmod(tempDir, modes.dir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }

  const writers = new Map<string, { writer: EntityWriter; state: 'open' | 'closed' | 'aborted' }>();
  let state: 'open' | 'committing' | 'committed' | 'aborted' = 'open';

  const commit = async (manifest: Manifest): Promise<{ dir: string; id: string }> => {
    if (state !== 'open') throw new InternalError(`Cannot commit a snapshot that is ${state}.`);
    const stillOpen = [...writers].filter(([, entry]) => entry.state === 'open').map(([entity]) => entity);
    if (stillOpen.length > 0) {
      throw new InternalError(`Cannot commit the snapshot: writers still open for ${stillOpen.join(', ')}.`);
    }
    const parsed = manifestSchema.safeParse(manifest);
    if (!parsed.success) {
      throw new InternalError(`The snapshot manifest is invalid: ${z.prettifyError(parsed.error)}`);
    }
    state = 'committing';
    try {
      await checkEntityFiles(tempDir, parsed.data);
      const manifestText = `${JSON.stringify(parsed.data, null, 2)}\n`;
      await writeFile(join(tempDir, MANIFEST_FILE), manifestText, { flag: 'wx', mode: modes.file });
      for (const name of await readdir(tempDir)) {
        await chmod(join(tempDir, name), modes.file);
        await fsyncPath(join(tempDir, name), 'file');
      }
      await fsyncPath(tempDir, 'directory');

      id = await renameToFreeId(base, tempDir, baseId, suffix);
      const finalDir = join(base, id);
      await fsyncPath(base, 'directory');
      state = 'committed';
      if (parsed.data.status === 'complete') {
        try {
          await writeLatestPointer(
            base,
            {
              snapshot: id,
              path: id,
              status: 'complete',
              finishedAt: parsed.data.finishedAt,
              manifestSha256: createHash('sha256').update(manifestText, 'utf8').digest('hex'),
            },
            modes.file,
          );
        } catch (error) {
          // latest.json names the last good snapshot, always: a snapshot it cannot name is taken
          // back (a rename needs no space), so no complete folder sits beside it unnamed.
          const trash = join(base, trashFolderName(id));
          const takenBack = await rename(finalDir, trash).then(
            () => true,
            () => false,
          );
          if (takenBack) {
            await fsyncPath(base, 'directory').catch(() => undefined);
            await rm(trash, { recursive: true, force: true }).catch(() => undefined);
            state = 'aborted';
          }
          throw pointerNotMoved(error, base, id, takenBack ? undefined : finalDir);
        }
      }
      return { dir: finalDir, id };
    } finally {
      if (state === 'committing') state = 'open';
    }
  };

  return {
    tempDir,
    get id() {
      return id;
    },
    writer(entity, format, columns, csv, keepNdjsonAt) {
      if (state !== 'open') throw new InternalError(`Cannot add ${entity} to a snapshot that is ${state}.`);
      if (writers.has(entity)) throw new InternalError(`The snapshot already has a ${entity} writer.`);
      const inner = createEntityWriter({
        dir: tempDir,
        entity,
        format,
        columns,
        csv,
        ...(keepNdjsonAt === undefined ? {} : { keepNdjsonAt }),
      });
      const entry: { writer: EntityWriter; state: 'open' | 'closed' | 'aborted' } = {
        writer: inner,
        state: 'open',
      };
      entry.writer = {
        write: (record) => inner.write(record),
        writeMany: (records) => inner.writeMany(records),
        writeJsonLines: (lines) => inner.writeJsonLines(lines),
        async close(): Promise<EntityFileResult> {
          const result = await inner.close();
          entry.state = 'closed';
          return result;
        },
        async abort() {
          entry.state = 'aborted';
          await inner.abort();
        },
      };
      writers.set(entity, entry);
      return entry.writer;
    },
    commit,
    async abort() {
      if (state === 'committed' || state === 'aborted') return;
      state = 'aborted';
      for (const entry of writers.values()) {
        if (entry.state === 'open') await entry.writer.abort().catch(() => undefined);
      }
      await rm(tempDir, { recursive: true, force: true });
    },
  };
}

/**
 * An id is taken if its folder exists or another run is writing a snapshot under it (`ownTempDir`, the
 * caller's own `.partial-*` folder, does not count).
 */
async function isTaken(base: string, id: string, ownTempDir?: string): Promise<boolean> {
  const names = await readdir(base);
  const partial = `.partial-${id}-`;
  return names.some(
    (name) =>
      name === id ||
      (name.startsWith(partial) &&
        /^\d+$/.test(name.slice(partial.length)) &&
        join(base, name) !== ownTempDir),
  );
}

/** Every entity the manifest lists as written is in the folder, with the size the manifest gives. */
async function checkEntityFiles(tempDir: string, manifest: Manifest): Promise<void> {
  for (const [entity, entry] of Object.entries(manifest.entities)) {
    if (!('file' in entry) || typeof entry.file !== 'string') continue;
    const size = await stat(join(tempDir, entry.file)).then(
      (stats) => (stats.isFile() ? stats.size : undefined),
      () => undefined,
    );
    if (size !== entry.bytes) {
      throw new InternalError(
        `The manifest lists ${entity} as ${entry.file} (${entry.bytes} bytes) but the snapshot folder has ${size === undefined ? 'no such file' : `${size} bytes`}.`,
      );
    }
  }
}

/**
 * Renames the temporary folder to `baseId` with suffix `n`, or the next free suffix if that name appeared
 * meanwhile, and returns the id it got. The existence check comes first because POSIX rename() silently
 * replaces an *empty* folder.
 */
async function renameToFreeId(base: string, tempDir: string, baseId: string, n: number): Promise<string> {
  for (let attempt = 0; attempt < 1000; attempt += 1, n += 1) {
    const id = withCollisionSuffix(baseId, n);
    const target = join(base, id);
    if (await isTaken(base, id, tempDir)) continue;
    try {
      await rename(tempDir, target);
      return id;
    } catch (error) {
      // ENOTEMPTY/EEXIST on POSIX, EPERM on Windows: the name was taken between the check and the rename.
      if (!(await exists(target))) throw error;
    }
  }
  throw new InternalError(`No free snapshot folder name left for ${baseId} in ${base}.`);
}

function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * The snapshot was complete, but latest.json could not name it (the disk filled between the two), so
 * it was taken back: say why, and that the previous complete snapshot is still the latest.
 */
function pointerNotMoved(error: unknown, base: string, id: string, leftAt?: string): ConfigError {
  const cause = diskErrorOf(error, { dir: base });
  const why = cause?.message ?? (error as Error).message;
  const what = leftAt
    ? `snapshot ${id} is complete (${leftAt}) but not the latest`
    : `so snapshot ${id} was not kept`;
  return new ConfigError(`latest.json could not be updated, ${what}: ${why.replace(/\.$/, '')}.`, {
    cause: error,
    hint: `latest.json still names the previous complete snapshot. ${cause?.hint ? `${cause.hint} ` : ''}Then run sync again.`,
  });
}
