import { parseBaseLine } from './incremental-base.js';

/**
 * The string values of a base line's first keys, read from its text without parsing it: `names` must
 * be the record's first keys, in order, each a string without escapes (ids, ISO times), as the row
 * builders of src/inventory/entities.ts write them (`{"appId":"…","userId":"…",…}`). Undefined when
 * the text does not start that way; the caller then parses the line, so the answer never differs
 * from `JSON.parse(line)[name]`.
 */
export function leadingIds(line: string, names: readonly string[]): string[] | undefined {
  const values: string[] = [];
  let at = 0;
  for (let index = 0; index < names.length; index++) {
    const prefix = `${index === 0 ? '{"' : ',"'}${names[index]}":"`;
    if (!line.startsWith(prefix, at)) return undefined;
    at += prefix.length;
    const end = line.indexOf('"', at);
    if (end === -1) return undefined;
    const value = line.slice(at, end);
    // An escape could hide the closing quote (or change the value): leave such lines to JSON.parse.
    if (value.includes('\\')) return undefined;
    values.push(value);
    at = end + 1;
  }
  return values;
}

/** A base line's ids by name: `leadingIds` when the text allows it, else from the parsed record. */
export function idsOfLine(line: string, names: readonly string[]): string[] {
  const fast = leadingIds(line, names);
  if (fast) return fast;
  const row = parseBaseLine('the incremental base', line);
  return names.map((name) => String(row[name]));
}
