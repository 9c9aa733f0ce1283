import { fieldReader } from '../export/field-path.js';
import { encodeCsvValue } from '../formats/encode-csv-value.js';
import { VOLATILE_FIELDS } from './diff-entities.js';

type Row = Record<string, unknown>;

/** Turns a record into the text two records are compared by: equal texts, equal records. */
export type Canonicaliser = (record: Row) => string;

/**
 * How records are compared when both snapshots are JSON or NDJSON: the whole record as JSON text,
 * objects with their keys sorted, `null` and missing alike, empty objects dropped, and (unless `includeVolatile`)
 * every field named in {@link VOLATILE_FIELDS} left out at any depth. Arrays keep their order.
 */
export function wholeRecordCanonicaliser(includeVolatile: boolean): Canonicaliser {
  const skip = includeVolatile ? undefined : VOLATILE_FIELDS;
  // Written straight to text (no sorted copy of the record): this runs once per record of both sides.
  const write = (value: unknown): string | undefined => {
    if (value === null || value === undefined) return undefined;
    if (typeof value !== 'object') return JSON.stringify(value);
    if (Array.isArray(value)) {
      let text = '[';
      for (let index = 0; index < value.length; index++) {
        if (index > 0) text += ',';
        text += write(value[index]) ?? 'null';
      }
      return `${text}]`;
    }
    const keys = Object.keys(value);
    if (keys.length > 1) keys.sort();
    let text = '';
    for (const key of keys) {
      if (skip?.has(key)) continue;
      const item = write((value as Row)[key]);
      if (item === undefined) continue;
      text += `${text === '' ? '{' : ','}${JSON.stringify(key)}:${item}`;
    }
    return text === '' ? undefined : `${text}}`;
  };
  return (record) => write(record) ?? '{}';
}

/**
 * How records are compared when a snapshot is CSV: cell by cell over the CSV columns, each value as
 * the text of its CSV cell (`479` and `"479"` alike; an empty cell and a missing field alike), so a
 * CSV snapshot and a JSON snapshot of the same org state are equal. A column one of whose segments
 * is a volatile field is left out unless `includeVolatile`.
 */
export function columnCanonicaliser(columns: readonly string[], includeVolatile: boolean): Canonicaliser {
  const kept = [...new Set(columns)]
    .filter((column) => includeVolatile || !column.split('.').some((segment) => VOLATILE_FIELDS.has(segment)))
    .sort();
  const readers = kept.map((column) => fieldReader(column));
  const plain = { formulaProtection: false };
  return (record) => {
    const out: Record<string, string> = {};
    for (let index = 0; index < kept.length; index++) {
      const cell = encodeCsvValue(readers[index]!(record), plain);
      if (cell !== '') out[kept[index]!] = cell;
    }
    return JSON.stringify(out);
  };
}

/**
 * The fields that differ between two canonical texts, as `{ path: { from, to } }` with paths in
 * sorted order: dot paths to each leaf (an array is one leaf); a side without the field gives `null`.
 */
export function changedFields(
  fromText: string,
  toText: string,
): Record<string, { from: unknown; to: unknown }> {
  const from = leaves(JSON.parse(fromText) as Row);
  const to = leaves(JSON.parse(toText) as Row);
  const paths = [...new Set([...from.keys(), ...to.keys()])].sort();
  const fields: Record<string, { from: unknown; to: unknown }> = {};
  for (const path of paths) {
    const a = from.get(path);
    const b = to.get(path);
    if (JSON.stringify(a) !== JSON.stringify(b)) fields[path] = { from: a ?? null, to: b ?? null };
  }
  return fields;
}

function leaves(record: Row, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  for (const [key, value] of Object.entries(record)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) leaves(value as Row, path, out);
    else out.set(path, value);
  }
  return out;
}
