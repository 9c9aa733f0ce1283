import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One record of an entity on its way through the sort: its key (the JSON text of its ids, so it
 * holds no raw tab or line break) and its canonical text (JSON, so no raw line break either).
 */
export interface SortEntry {
  key: string;
  text: string;
}

export interface ExternalSortOptions {
  /** Folder for the sorted runs (the caller removes it, runs and all). */
  tempDir: string;
  /** A name for the run files, unique within `tempDir`. */
  name: string;
  /** Bytes of keys and texts held in memory before a sorted run is spilled to disk. */
  budgetBytes: number;
  signal?: AbortSignal | undefined;
}

/**
 * An entry as a cursor holds it: `key` TAB `text` as UTF-8 bytes in a buffer the cursor owns, valid
 * until it advances (the object itself is reused). Keys and texts are compared as bytes and decoded
 * only when a row is written, so the millions of unchanged records never become strings again.
 */
export interface CursorEntry {
  bytes: Buffer;
  keyStart: number;
  /** Where the key ends: the TAB; the text starts after it. */
  keyEnd: number;
  end: number;
}

/** The text of a cursor's entry, decoded. */
export function entryText(entry: CursorEntry): string {
  return entry.bytes.toString('utf8', entry.keyEnd + 1, entry.end);
}

/** Orders two entries by key bytes (UTF-8 order, the same in memory and on disk). */
export function compareKeys(a: CursorEntry, b: CursorEntry): number {
  return a.bytes.compare(b.bytes, b.keyStart, b.keyEnd, a.keyStart, a.keyEnd);
}

/** Whether two entries' texts are the same bytes. */
export function sameText(a: CursorEntry, b: CursorEntry): boolean {
  return (
    a.end - a.keyEnd === b.end - b.keyEnd &&
    a.bytes.compare(b.bytes, b.keyEnd + 1, b.end, a.keyEnd + 1, a.end) === 0
  );
}

/** Key order, then text order (duplicate keys then pair up the same on both sides). */
function compareEntries(a: CursorEntry, b: CursorEntry): number {
  return compareKeys(a, b) || a.bytes.compare(b.bytes, b.keyEnd + 1, b.end, a.keyEnd + 1, a.end);
}

/**
 * A sorted stream read one entry at a time: `current` is the entry (undefined at the end), and
 * `advance()` moves on. Run files are read with synchronous reads of 64 kB: no promise per entry.
 */
export interface SortedCursor {
  current: CursorEntry | undefined;
  advance(): void;
  /** Stops early: closes the run files (they are removed with the temporary folder). */
  close(): void;
}

const IO_BYTES = 256 * 1024;
/**
 * Bytes each run reader holds: a `large` app_users side merges ~30 runs, and both sides merge at
 * once, so this is paid ~60 times.
 */
const READ_BYTES = 64 * 1024;
const TAB = 9;
const NEWLINE = 10;

/**
 * The entries of one run as UTF-8 bytes (`key` TAB `text`) in one buffer, located by typed arrays:
 * no string or object per entry outlives its record, so V8's old generation (and its full
 * collections) stays small however many records pass through.
 */
class RunBuffer {
  arena: Buffer;
  used = 0;
  /** Per entry: where it starts, where its key ends (the TAB), where it ends. */
  spans = new Int32Array(3 * 4096);
  size = 0;

  constructor(readonly budgetBytes: number) {
    // Small at first (most entities, and most sides left after pairing, are small), doubled up to the
    // budget; past it only for a record larger than the room left.
    this.arena = Buffer.allocUnsafe(Math.min(budgetBytes + 256 * 1024, 64 * 1024));
  }

  /** Adds an entry; false when the budget is reached (the entry is added all the same). */
  add(entry: SortEntry): boolean {
    const most = (entry.key.length + entry.text.length) * 3 + 1;
    if (this.used + most > this.arena.length) {
      const doubled = Math.min(this.arena.length * 2, this.budgetBytes + 256 * 1024);
      const grown = Buffer.allocUnsafe(Math.max(doubled, this.used + most));
      this.arena.copy(grown, 0, 0, this.used);
      this.arena = grown;
    }
    if (3 * (this.size + 1) > this.spans.length) {
      const grown = new Int32Array(Math.max(this.spans.length * 2, 3 * 4096));
      grown.set(this.spans);
      this.spans = grown;
    }
    const start = this.used;
    const keyEnd = start + this.arena.write(entry.key, start, 'utf8');
    this.arena[keyEnd] = TAB;
    this.used = keyEnd + 1 + this.arena.write(entry.text, keyEnd + 1, 'utf8');
    this.spans[3 * this.size] = start;
    this.spans[3 * this.size + 1] = keyEnd;
    this.spans[3 * this.size + 2] = this.used;
    this.size++;
    return this.used < this.budgetBytes;
  }

  /** The entries' positions in key order, then text order. */
  order(): Uint32Array {
    const { spans, arena } = this;
    const order = new Uint32Array(this.size);
    for (let index = 0; index < order.length; index++) order[index] = index;
    order.sort((a, b) => {
      const byKey = arena.compare(arena, spans[3 * b]!, spans[3 * b + 1]!, spans[3 * a]!, spans[3 * a + 1]!);
      if (byKey !== 0) return byKey;
      return arena.compare(
        arena,
        spans[3 * b + 1]! + 1,
        spans[3 * b + 2]!,
        spans[3 * a + 1]! + 1,
        spans[3 * a + 2]!,
      );
    });
    return order;
  }

  clear(): void {
    this.used = 0;
    this.size = 0;
  }

  /** Drops the arena and spans (after the last spill); the buffer is empty and small from then on. */
  release(): void {
    this.clear();
    this.arena = Buffer.alloc(0);
    this.spans = new Int32Array(0);
  }
}

/**
 * Sorts the entries of `records` by key with bounded memory: up to `budgetBytes` of keys and texts
 * are sorted in memory and, once the budget is reached, written as a sorted run (`key` TAB `text`
 * LF); the runs are then merged. An entity that fits in the budget never touches the disk.
 * @returns how many runs were written, and a cursor over the sorted entries (positioned on the first)
 */
export async function sortExternally<T>(
  records: AsyncIterable<T>,
  toEntry: (record: T) => SortEntry,
  options: ExternalSortOptions,
): Promise<{ runs: number; cursor: SortedCursor }> {
  const sorter = new ExternalSorter(options);
  for await (const record of records) sorter.add(toEntry(record));
  return sorter.finish();
}

/** {@link sortExternally} fed one entry at a time: `add` each, then `finish` once. */
export class ExternalSorter {
  readonly #runs: string[] = [];
  readonly #buffer: RunBuffer;

  constructor(readonly options: ExternalSortOptions) {
    this.#buffer = new RunBuffer(options.budgetBytes);
  }

  add(entry: SortEntry): void {
    if (this.#buffer.add(entry)) return;
    if (this.options.signal?.aborted) throw this.options.signal.reason;
    this.#spill();
  }

  /** How many runs were written, and a cursor over the sorted entries (positioned on the first). */
  finish(): { runs: number; cursor: SortedCursor } {
    const runs = this.#runs;
    if (runs.length === 0) return { runs: 0, cursor: memoryCursor(this.#buffer) };
    if (this.#buffer.size > 0) this.#spill();
    // The arena's megabytes are not needed for the merge (the runs are read from disk).
    this.#buffer.release();
    return { runs: runs.length, cursor: new MergeCursor(runs) };
  }

  #spill(): void {
    const file = join(this.options.tempDir, `${this.options.name}-${this.#runs.length}.run`);
    writeRun(file, this.#buffer);
    this.#runs.push(file);
    this.#buffer.clear();
  }
}

function memoryCursor(buffer: RunBuffer): SortedCursor {
  const order = buffer.order();
  const { spans } = buffer;
  const entry: CursorEntry = { bytes: buffer.arena, keyStart: 0, keyEnd: 0, end: 0 };
  let position = -1;
  const cursor: SortedCursor = {
    current: undefined,
    advance() {
      position++;
      if (position >= order.length) {
        cursor.current = undefined;
        return;
      }
      const index = order[position]!;
      entry.keyStart = spans[3 * index]!;
      entry.keyEnd = spans[3 * index + 1]!;
      entry.end = spans[3 * index + 2]!;
      cursor.current = entry;
    },
    close() {
      position = order.length;
      cursor.current = undefined;
      buffer.clear();
    },
  };
  cursor.advance();
  return cursor;
}

/** Writes the buffer's entries in order as one run file, with synchronous writes of 256 kB. */
function writeRun(file: string, buffer: RunBuffer): void {
  const order = buffer.order();
  const { spans, arena } = buffer;
  const out = Buffer.allocUnsafe(IO_BYTES);
  const fd = openSync(file, 'w', 0o600);
  const writeAll = (bytes: Buffer, length: number) => {
    let done = 0;
    while (done < length) done += writeSync(fd, bytes, done, length - done);
  };
  try {
    let used = 0;
    for (const index of order) {
      const start = spans[3 * index]!;
      const end = spans[3 * index + 2]!;
      const need = end - start + 1;
      if (used + need > out.length) {
        writeAll(out, used);
        used = 0;
      }
      if (need > out.length) {
        // A record larger than the write buffer goes out on its own.
        writeAll(Buffer.concat([arena.subarray(start, end), Buffer.from('\n')]), need);
        continue;
      }
      used += arena.copy(out, used, start, end);
      out[used++] = NEWLINE;
    }
    writeAll(out, used);
  } finally {
    closeSync(fd);
  }
}

/** Reads a run back, one line at a time, from synchronous reads of 256 kB. */
class RunReader {
  #fd: number | undefined;
  #buffer = Buffer.allocUnsafe(READ_BYTES);
  #start = 0;
  #end = 0;
  #eof = false;
  readonly #entry: CursorEntry = { bytes: this.#buffer, keyStart: 0, keyEnd: 0, end: 0 };
  current: CursorEntry | undefined;

  constructor(file: string) {
    this.#fd = openSync(file, 'r');
    this.advance();
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    this.#eof = true;
    this.current = undefined;
  }

  advance(): void {
    let newline = this.#buffer.indexOf(NEWLINE, this.#start);
    while ((newline === -1 || newline >= this.#end) && !this.#eof) {
      this.#fill();
      newline = this.#buffer.indexOf(NEWLINE, this.#start);
    }
    if (newline === -1 || newline >= this.#end) {
      this.close();
      return;
    }
    const entry = this.#entry;
    entry.bytes = this.#buffer;
    entry.keyStart = this.#start;
    entry.keyEnd = this.#buffer.indexOf(TAB, this.#start);
    entry.end = newline;
    this.current = entry;
    this.#start = newline + 1;
  }

  /** Moves what is left to the front (growing the buffer for a long line) and reads more. */
  #fill(): void {
    const left = this.#end - this.#start;
    if (left === this.#buffer.length) {
      const grown = Buffer.allocUnsafe(this.#buffer.length * 2);
      this.#buffer.copy(grown, 0, this.#start, this.#end);
      this.#buffer = grown;
    } else if (this.#start > 0) {
      this.#buffer.copy(this.#buffer, 0, this.#start, this.#end);
    }
    this.#start = 0;
    this.#end = left;
    const read = readSync(this.#fd!, this.#buffer, this.#end, this.#buffer.length - this.#end, null);
    if (read === 0) this.#eof = true;
    this.#end += read;
  }
}

/**
 * Merges sorted runs into one sorted cursor: a binary min-heap of the run readers by their current
 * entry, so an advance costs about log2(runs) comparisons (a `large` app_users side spills ~40 runs).
 */
class MergeCursor implements SortedCursor {
  readonly #readers: RunReader[];
  /** The readers that still have an entry, as a heap: `#heap[0]` holds the smallest. */
  readonly #heap: RunReader[];
  current: CursorEntry | undefined;

  constructor(files: string[]) {
    this.#readers = files.map((file) => new RunReader(file));
    this.#heap = this.#readers.filter((reader) => reader.current !== undefined);
    for (let index = (this.#heap.length >> 1) - 1; index >= 0; index--) this.#siftDown(index);
    this.current = this.#heap[0]?.current;
  }

  advance(): void {
    const heap = this.#heap;
    const top = heap[0];
    if (!top) return;
    top.advance();
    if (top.current === undefined) {
      const last = heap.pop()!;
      if (heap.length > 0 && last !== top) heap[0] = last;
    }
    if (heap.length > 0) this.#siftDown(0);
    this.current = heap[0]?.current;
  }

  close(): void {
    for (const reader of this.#readers) reader.close();
    this.#heap.length = 0;
    this.current = undefined;
  }

  #siftDown(start: number): void {
    const heap = this.#heap;
    const size = heap.length;
    let index = start;
    const item = heap[index]!;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= size) break;
      const right = left + 1;
      const child =
        right < size && compareEntries(heap[right]!.current!, heap[left]!.current!) < 0 ? right : left;
      if (compareEntries(heap[child]!.current!, item.current!) >= 0) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = item;
  }
}
