import { InternalError } from '../errors.js';
/** `JSON.stringify` of a record, refusing what is not a plain object (a bug in the caller). */
export function serialiseRecord(entity: string, record: Record<string, unknown>): string {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new InternalError(`A ${entity} record is not an object.`);
  }
  return JSON.stringify(record);
}
