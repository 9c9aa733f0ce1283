/**
 * A JSON array answer kept as the bytes Okta sent, each element parsed only when it is read.
 *
 * A list page is up to 1,000 System Log events (~1.6 MB) or 500 app users. `JSON.parse` of the
 * whole page makes a page-sized string, which V8 puts in its large-object space (freed only by a
 * full collection; twice the bytes when the page holds any non-Latin-1 character), and every record
 * of the page at once. Parsing element by element keeps neither: each element's string and raw
 * object are garbage as soon as the paginator has validated (and copied) the record.
 *
 * The structure is checked up front, byte by byte, so a body cut short is still found before any
 * record is handed out, and the request can be retried as before.
 */
export class JsonArrayBody {
  #bytes: Buffer;
  /** Start and end offset of each element, in pairs. */
  readonly #bounds: Uint32Array;

  constructor(bytes: Buffer, bounds: Uint32Array) {
    this.#bytes = bytes;
    this.#bounds = bounds;
  }

  get length(): number {
    return this.#bounds.length / 2;
  }

  /**
   * Lets go of the bytes once every element has been read, so the page's buffer is not kept
   * alive by whatever still holds the response (its memory is outside V8's heap, and is only
   * returned when the buffer object itself is collected).
   */
  release(): void {
    this.#bytes = EMPTY;
  }

  /**
   * Parses one element.
   * @throws SyntaxError when the element is not valid JSON (its brackets and quotes balance, but
   * something inside does not parse).
   */
  at(index: number): unknown {
    const start = this.#bounds[index * 2];
    const end = this.#bounds[index * 2 + 1];
    if (start === undefined || end === undefined || this.#bytes === EMPTY)
      throw new RangeError(`No element ${index}`);
    return JSON.parse(this.#bytes.toString('utf8', start, end));
  }
}

const EMPTY = Buffer.alloc(0);

export type ArrayScan =
  | { kind: 'array'; body: JsonArrayBody }
  /** The first value is not an array (an object, a scalar): parse it whole. */
  | { kind: 'not-array' }
  /** The bytes end inside the array: the connection was cut. */
  | { kind: 'truncated' }
  /** Something other than JSON (or trailing bytes after the array). */
  | { kind: 'invalid' };

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** Marks running off the end of the bytes. */
const END = -1;

const isSpace = (byte: number | undefined) => byte === SPACE || byte === LF || byte === CR || byte === TAB;

function skipSpace(bytes: Buffer, from: number): number {
  let at = from;
  while (at < bytes.length && isSpace(bytes[at])) at++;
  return at;
}

/** Index just after the closing quote of the string opening at `open`, or END. */
function skipString(bytes: Buffer, open: number): number {
  let from = open + 1;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, from);
    if (quote === -1) return END;
    let backslashes = 0;
    while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    // An even run of backslashes escapes itself, not the quote.
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** Index just after the value starting at `start` (not whitespace), or END. */
function skipValue(bytes: Buffer, start: number): number {
  const first = bytes[start];
  if (first === QUOTE) return skipString(bytes, start);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number, true, false or null: up to the next delimiter.
    let at = start;
    while (at < bytes.length) {
      const byte = bytes[at];
      if (byte === COMMA || byte === CLOSE_BRACKET || byte === CLOSE_BRACE || isSpace(byte)) return at;
      at++;
    }
    return END;
  }
  let depth = 0;
  let at = start;
  while (at < bytes.length) {
    const byte = bytes[at];
    if (byte === QUOTE) {
      at = skipString(bytes, at);
      if (at === END) return END;
      continue;
    }
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return at + 1;
    }
    at++;
  }
  return END;
}

/**
 * Finds the elements of a top-level JSON array without parsing them. Only brackets, braces,
 * quotes and commas are checked here (all ASCII, so UTF-8 sequences never get in the way); the
 * rest is `JSON.parse`'s job when an element is read.
 */
export function scanJsonArray(bytes: Buffer): ArrayScan {
  let at = skipSpace(bytes, 0);
  if (bytes[at] !== OPEN_BRACKET) return { kind: 'not-array' };
  const bounds: number[] = [];
  at = skipSpace(bytes, at + 1);
  if (at >= bytes.length) return { kind: 'truncated' };
  if (bytes[at] === CLOSE_BRACKET) {
    at++;
  } else {
    for (;;) {
      const end = skipValue(bytes, at);
      if (end === END) return { kind: 'truncated' };
      if (end === at) return { kind: 'invalid' };
      bounds.push(at, end);
      at = skipSpace(bytes, end);
      if (at >= bytes.length) return { kind: 'truncated' };
      const separator = bytes[at];
      if (separator === CLOSE_BRACKET) {
        at++;
        break;
      }
      if (separator !== COMMA) return { kind: 'invalid' };
      at = skipSpace(bytes, at + 1);
      if (at >= bytes.length) return { kind: 'truncated' };
    }
  }
  if (skipSpace(bytes, at) !== bytes.length) return { kind: 'invalid' };
  return { kind: 'array', body: new JsonArrayBody(bytes, Uint32Array.from(bounds)) };
}
