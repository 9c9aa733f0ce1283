/**
 * Reading typed values out of snapshot rows, whatever the file format: a CSV snapshot gives every
 * value as a string (`"250"`, `"2026-10-28T09:36:36.739Z"`), JSON gives numbers and strings.
 */

/**
 * A copy of `text` that holds on to nothing else. A string cut from a larger one (a CSV field sliced
 * from a 32 KB chunk of the file) keeps that whole chunk alive in V8; kept in a lookup table for the
 * length of an export, such slices would keep the whole file in memory. Short strings are copied by
 * V8 anyway. Lossless: Latin-1 text as one byte a character, anything else as UTF-16.
 */
export function ownString(text: string): string {
  if (text.length < 13) return text;
  return ONE_BYTE.test(text)
    ? Buffer.from(text, 'latin1').toString('latin1')
    : Buffer.from(text, 'utf16le').toString('utf16le');
}
const ONE_BYTE = /^[\u0000-\u00ff]*$/;

/** `textOf`, copied with `ownString`: for values kept in a lookup table. */
export function ownTextOf(value: unknown): string | null {
  const text = textOf(value);
  return text === null ? null : ownString(text);
}

/** A non-empty string, or null. Numbers and booleans become their text. */
export function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** A finite number (a numeric string counts), or null. */
export function numberOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const number = Number(value);
    return Number.isFinite(number) ? number : null;
  }
  return null;
}

/** Milliseconds since the epoch of an ISO timestamp, or NaN. */
export function instantOf(value: unknown): number {
  return typeof value === 'string' && value !== '' ? Date.parse(value) : Number.NaN;
}

/** An object field, or undefined (for `profile`, `licensing`, …). */
export function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Gives each distinct string a small number, so a column of few values costs one byte or word per row. */
export class Interner {
  readonly #codes = new Map<string | null, number>();
  readonly values: (string | null)[] = [];

  code(value: string | null): number {
    let code = this.#codes.get(value);
    if (code === undefined) {
      const own = value === null ? null : ownString(value);
      code = this.values.length;
      this.values.push(own);
      this.#codes.set(own, code);
    }
    return code;
  }
}

/** A Uint32Array that doubles when full. */
export class GrowableUint32 {
  #array: Uint32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.#array = new Uint32Array(Math.max(16, capacity));
  }

  push(value: number): void {
    if (this.length === this.#array.length) {
      const bigger = new Uint32Array(this.#array.length * 2);
      bigger.set(this.#array);
      this.#array = bigger;
    }
    this.#array[this.length++] = value;
  }

  at(index: number): number {
    return this.#array[index]!;
  }

  /** The filled part (a view, no copy). */
  view(): Uint32Array {
    return this.#array.subarray(0, this.length);
  }
}
