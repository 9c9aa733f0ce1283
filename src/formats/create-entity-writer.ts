import { InternalError } from '../errors.js';
import { createCsvWriter } from './create-csv-writer.js';
import { createJsonWriter } from './create-json-writer.js';
import {
  type EntityWriter,
  type EntityWriterOptions,
  OUTPUT_FORMATS,
  type OutputFormat,
} from './entity-writer.js';

const ENTITY_NAME = /^[a-z0-9][a-z0-9_-]*$/i;

/** The file an entity is written to, relative to the snapshot folder: `<entity>.<format>`. */
export function entityFileName(entity: string, format: OutputFormat): string {
  if (!ENTITY_NAME.test(entity)) throw new InternalError(`Invalid entity name "${entity}".`);
  if (!OUTPUT_FORMATS.includes(format)) throw new InternalError(`Unknown output format "${format}".`);
  return `${entity}.${format}`;
}

/**
 * Opens a streaming writer for one entity's file in `dir`. It knows nothing about Okta: records are
 * plain JSON objects. The file must not exist yet. See `createJsonWriter` and `createCsvWriter` for
 * the exact bytes each format produces.
 */
export function createEntityWriter(options: EntityWriterOptions): EntityWriter {
  const file = entityFileName(options.entity, options.format);
  const { dir, entity } = options;
  if (options.format === 'csv') {
    return createCsvWriter({
      dir,
      entity,
      file,
      columns: options.columns,
      csv: options.csv,
      keepSpoolAt: options.keepNdjsonAt,
    });
  }
  if (options.keepNdjsonAt !== undefined && options.format !== 'ndjson') {
    throw new InternalError(`A ${options.format} writer cannot keep its records as NDJSON.`);
  }
  return createJsonWriter({ dir, entity, file, format: options.format, keepAt: options.keepNdjsonAt });
}
