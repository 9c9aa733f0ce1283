import { constants } from 'node:fs';
import { copyFile, link, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InternalError } from '../errors.js';
import { createByteSink, joinInPieces } from './create-byte-sink.js';
import type { EntityFileResult, EntityWriter } from './entity-writer.js';
import { serialiseRecord } from './serialise-record.js';

/**
 * `json`: one array per file, one record per line inside it (`[\n{…},\n{…}\n]\n`; `[]\n` when empty).
 * `ndjson`: one record per line, each line ending with `\n`; an empty file when there are none.
 * Both are UTF-8 without a byte order mark, with `JSON.stringify`'s escaping and nothing else.
 * `keepAt` (ndjson only): at `close()` the finished file is hard-linked there too (copied where links
 * fail), so the same bytes serve a second reader without being encoded or written twice.
 */
export function createJsonWriter(options: {
  dir: string;
  entity: string;
  file: string;
  format: 'json' | 'ndjson';
  keepAt?: string | undefined;
}): EntityWriter {
  const { entity, file, format } = options;
  const path = join(options.dir, file);
  const sink = createByteSink(path);
  let count = 0;
  let state: 'open' | 'closed' | 'aborted' = 'open';

  /** One record's text with its separator; called in order, before any await, so unawaited writes stay in order. */
  const textOf = (record: Record<string, unknown>): string => {
    const text = serialiseRecord(entity, record);
    count += 1;
    if (format === 'ndjson') return `${text}\n`;
    return `${count === 1 ? '[\n' : ',\n'}${text}`;
  };

  /** The same for a record's JSON text (`writeJsonLines`): only an object's text is a record. */
  const lineTextOf = (line: string): string => {
    if (!line.startsWith('{')) throw new InternalError(`A ${entity} line is not a JSON object.`);
    count += 1;
    if (format === 'ndjson') return `${line}\n`;
    return `${count === 1 ? '[\n' : ',\n'}${line}`;
  };

  return {
    async write(record) {
      await this.writeMany([record]);
    },
    async writeMany(records) {
      if (state !== 'open') throw new InternalError(`The ${entity} writer is ${state}: no more records.`);
      if (records.length > 0) await sink.write(joinInPieces(records, textOf));
    },
    async writeJsonLines(lines) {
      if (state !== 'open') throw new InternalError(`The ${entity} writer is ${state}: no more records.`);
      if (lines.length > 0) await sink.write(joinInPieces(lines, lineTextOf));
    },
    async close(): Promise<EntityFileResult> {
      if (state !== 'open') throw new InternalError(`The ${entity} writer is already ${state}.`);
      state = 'closed';
      if (format === 'json') await sink.write(count === 0 ? '[]\n' : '\n]\n');
      const { bytes, sha256 } = await sink.end();
      if (options.keepAt !== undefined) await linkOrCopy(path, options.keepAt);
      return { entity, file, format, count, bytes, sha256 };
    },
    async abort() {
      state = 'aborted';
      await sink.destroy();
      await rm(path, { force: true });
      if (options.keepAt !== undefined) await rm(options.keepAt, { force: true });
    },
  };
}

/** A second name for `from`; a copy where the file system has no hard links (FAT, some shares). */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error;
    await copyFile(from, to, constants.COPYFILE_EXCL);
  }
}
