import { UsageError } from '../errors.js';

/** Reads one field of a row. */
export type FieldReader = (row: Record<string, unknown>) => unknown;

/**
 * A reader for a dot path (`profile.email`, `credentials.provider.type`, `user.login`): a key that is
 * the whole path wins (view columns are named `user.login`), otherwise the path walks nested objects.
 * Only own properties are read, so `__proto__` or `constructor` never reach Object.prototype.
 */
export function fieldReader(path: string): FieldReader {
  const segments = path.split('.');
  return (row) => {
    if (Object.hasOwn(row, path)) return row[path];
    let value: unknown = row;
    for (const segment of segments) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      if (!Object.hasOwn(value, segment)) return undefined;
      value = (value as Record<string, unknown>)[segment];
    }
    return value;
  };
}

const FIELD_PATH = /^[A-Za-z0-9_$@-]+(\.[A-Za-z0-9_$@-]+)*$/;

/** Whether `text` is a well-formed dot path: names of letters, digits, `_`, `$`, `@`, `-`, joined by dots. */
export function isFieldPath(text: string): boolean {
  return FIELD_PATH.test(text);
}

/**
 * `--fields id,status,profile.email`: the paths in order, duplicates dropped.
 * @throws UsageError for an empty list or a malformed path.
 */
export function parseFieldList(text: string): string[] {
  const fields: string[] = [];
  for (const raw of text.split(',')) {
    const field = raw.trim();
    if (field === '') continue;
    if (!isFieldPath(field)) {
      throw new UsageError(`--fields: "${field}" is not a field path.`, {
        hint: 'Use dot paths separated by commas, e.g. --fields id,status,profile.email.',
      });
    }
    if (!fields.includes(field)) fields.push(field);
  }
  if (fields.length === 0) throw new UsageError('--fields names no field.');
  return fields;
}
