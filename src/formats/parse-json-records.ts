import { ConfigError } from '../errors.js';

type Row = Record<string, unknown>;

const QUOTE = 0x22;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const BOM = 0xfeff;

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/**
 * The records of a JSON snapshot file, one object at a time, whatever its layout: our writer puts one
 * record per line inside the array, but a file reformatted by another tool (pretty-printed, minified,
 * or NDJSON saved as `.json`) reads the same. Only one record's text is held at a time: the scanner
 * tracks strings and nesting to find where each top-level object ends, then `JSON.parse`s that object.
 *
 * Accepts a top-level array of objects, or a plain sequence of objects. Anything else (a number in
 * the array, a truncated file) is a `ConfigError` naming the file and the character offset.
 */
export async function* parseJsonRecords(chunks: AsyncIterable<string>, file: string): AsyncGenerator<Row> {
  let state: 'start' | 'between' | 'record' | 'end' = 'start';
  let inArray = false;
  let depth = 0;
  let inString = false;
  /** A backslash ended the previous chunk inside a string: the next character is escaped. */
  let escapePending = false;
  let parts: string[] = [];
  /** Characters before the current chunk, for error offsets. */
  let offset = 0;

  const fail = (why: string, at: number): never => {
    throw new ConfigError(`${file} is not a valid JSON snapshot file: ${why} at character ${at + 1}.`, {
      hint: 'The file is damaged or was changed by another tool. Export another snapshot, or run sync again.',
    });
  };
  const parse = (text: string, at: number): Row => {
    try {
      return JSON.parse(text) as Row;
    } catch (error) {
      return fail(`a record is not valid JSON (${(error as Error).message})`, at);
    }
  };

  for await (const chunk of chunks) {
    const length = chunk.length;
    let i = 0;
    let recordStart = state === 'record' ? 0 : -1;
    /** Position of the next backslash at or after `i`; -1: none left in this chunk; -2: not looked yet. */
    let nextBackslash = -2;
    while (i < length) {
      if (state === 'record') {
        if (escapePending) {
          escapePending = false;
          i++;
          continue;
        }
        if (inString) {
          // Jump from quote to quote; a backslash before the next quote escapes one character.
          const quote = chunk.indexOf('"', i);
          if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = chunk.indexOf('\\', i);
          if (nextBackslash !== -1 && (quote === -1 || nextBackslash < quote)) {
            if (nextBackslash + 1 >= length) {
              escapePending = true;
              i = length;
            } else {
              i = nextBackslash + 2;
            }
            continue;
          }
          if (quote === -1) {
            i = length;
            continue;
          }
          inString = false;
          i = quote + 1;
          continue;
        }
        const code = chunk.charCodeAt(i);
        if (code === QUOTE) {
          inString = true;
        } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
          depth++;
        } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
          depth--;
          if (depth === 0) {
            parts.push(chunk.slice(recordStart, i + 1));
            const text = parts.length === 1 ? parts[0]! : parts.join('');
            parts = [];
            state = 'between';
            yield parse(text, offset + i);
          }
        }
        i++;
        continue;
      }
      const code = chunk.charCodeAt(i);
      if (isWhitespace(code) || (code === BOM && offset + i === 0)) {
        i++;
      } else if (state === 'start' && code === OPEN_BRACKET) {
        inArray = true;
        state = 'between';
        i++;
      } else if (code === OPEN_BRACE && state !== 'end') {
        state = 'record';
        depth = 1;
        recordStart = i;
        i++;
      } else if (inArray && state === 'between' && code === COMMA) {
        i++;
      } else if (inArray && state === 'between' && code === CLOSE_BRACKET) {
        state = 'end';
        i++;
      } else {
        fail(`unexpected ${JSON.stringify(chunk[i])} outside a record`, offset + i);
      }
    }
    if (state === 'record') parts.push(chunk.slice(recordStart));
    offset += length;
  }
  if (state === 'record') fail('the file ends inside a record (truncated)', offset);
  if (inArray && (state as string) !== 'end')
    fail('the file ends before the closing "]" (truncated)', offset);
}
