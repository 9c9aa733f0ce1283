import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { InternalError } from '../errors.js';
import { ColumnCollector } from './column-collector.js';
import type { ColumnPlan, CsvOptions } from './column-plan.js';
import { createByteSink, joinInPieces } from './create-byte-sink.js';
import { encodeCsvRecord } from './encode-csv-record.js';
import { encodeCsvValue } from './encode-csv-value.js';
import type { EntityFileResult, EntityWriter } from './entity-writer.js';
import { serialiseRecord } from './serialise-record.js';

/** Text handed to the file at a time: dozens of records, far below V8's large-object threshold. */
const BATCH_CHARS = 16 * 1024;

/**
 * CSV, RFC 4180 (encodeCsvRecord): UTF-8 (byte order mark only with `bom: true`), CRLF after every
 * record, a field is quoted when it holds `,`, `"`, CR or LF, and a quote inside it is doubled. The header row is always
 * written, even with no records. Cells follow `encodeCsvValue`; columns follow `ColumnPlan`.
 *
 * The extra columns are known only once every record has been seen, so records go to a spool file
 * (`.<file>.spool`, NDJSON, beside the target) and the CSV is produced from it at `close()`, streaming
 * both ways: memory stays flat whatever the count. The spool is removed at `close()` and `abort()`,
 * unless `keepSpoolAt` names where it goes instead: then it is kept at `close()` (an NDJSON file of
 * the records, the incremental base's rows) and removed only at `abort()`.
 */
export function createCsvWriter(options: {
  dir: string;
  entity: string;
  file: string;
  columns: ColumnPlan | undefined;
  csv: CsvOptions | undefined;
  keepSpoolAt?: string | undefined;
}): EntityWriter {
  const { entity, file } = options;
  const path = join(options.dir, file);
  const keepSpool = options.keepSpoolAt !== undefined;
  const spoolPath = options.keepSpoolAt ?? join(options.dir, `.${file}.spool`);
  const formulaProtection = options.csv?.formulaProtection ?? true;
  const bom = options.csv?.bom ?? false;
  const collector = new ColumnCollector(options.columns);
  const spool = createByteSink(spoolPath);
  let target: ReturnType<typeof createByteSink> | undefined;
  let count = 0;
  let state: 'open' | 'closed' | 'aborted' = 'open';

  const cell = (value: unknown): string => encodeCsvValue(value, { formulaProtection });

  return {
    async write(record) {
      await this.writeMany([record]);
    },
    async writeMany(records) {
      if (state !== 'open') throw new InternalError(`The ${entity} writer is ${state}: no more records.`);
      const pieces = joinInPieces(records, (record) => {
        collector.observe(record);
        count += 1;
        return `${serialiseRecord(entity, record)}\n`;
      });
      if (pieces.length > 0) await spool.write(pieces);
    },
    async writeJsonLines(lines) {
      if (state !== 'open') throw new InternalError(`The ${entity} writer is ${state}: no more records.`);
      // The columns come from the records' keys: each line is parsed, but not encoded again.
      const pieces = joinInPieces(lines, (line) => {
        const record = JSON.parse(line) as unknown;
        if (typeof record !== 'object' || record === null || Array.isArray(record))
          throw new InternalError(`A ${entity} line is not a JSON object.`);
        collector.observe(record as Record<string, unknown>);
        count += 1;
        return `${line}\n`;
      });
      if (pieces.length > 0) await spool.write(pieces);
    },
    async close(): Promise<EntityFileResult> {
      if (state !== 'open') throw new InternalError(`The ${entity} writer is already ${state}.`);
      state = 'closed';
      await spool.end();
      const columns = collector.columns();
      const sink = createByteSink(path);
      target = sink;
      const header = encodeCsvRecord(columns.map((column) => cell(column.name)));
      let text = bom ? `\uFEFF${header}` : header;
      const cells: string[] = new Array(columns.length);
      const lines = createInterface({ input: createReadStream(spoolPath), crlfDelay: Infinity });
      for await (const line of lines) {
        if (line === '') continue;
        const record = JSON.parse(line) as Record<string, unknown>;
        for (let index = 0; index < columns.length; index++)
          cells[index] = cell(columns[index]!.read(record));
        text += encodeCsvRecord(cells);
        if (text.length >= BATCH_CHARS) {
          await sink.write(text);
          text = '';
        }
      }
      if (text !== '') await sink.write(text);
      const { bytes, sha256 } = await sink.end();
      if (!keepSpool) await rm(spoolPath, { force: true });
      return {
        entity,
        file,
        format: 'csv',
        count,
        bytes,
        sha256,
        columns: columns.map((column) => column.name),
      };
    },
    async abort() {
      state = 'aborted';
      await spool.destroy();
      await target?.destroy();
      await rm(spoolPath, { force: true });
      await rm(path, { force: true });
    },
  };
}
