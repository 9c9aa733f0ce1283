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
  /** Bytes of canonical text held in memory before a sorted run is spilled to disk. */
  budgetBytes: number;
  signal?: AbortSignal | undefined;
}

/**
 * A sorted stream read one entry at a time: `current` is the entry (undefined at the end), and
 * `advance()` moves on. Run files are read with synchronous reads of 256 kB: no promise per entry.
 */
export interface SortedCursor {
  current: SortEntry | undefined;
  advance(): void;
  /** Stops early: closes the run files (they are removed with the temporary folder). */
  close(): void;
}

const IO_BYTES = 256 * 1024;
const TAB = 9;
const NEWLINE = 10;

/**
 * Entries held for one run: the keys as strings (short), the texts as UTF-8 bytes in one growing
 * buffer. A text string is garbage as soon as it is copied in, so it dies young; only the keys
 * survive until the spill, which keeps V8's old generation (and its full collections) small.
 */
class RunBuffer {
  keys: string[] = [];
  starts: number[] = [];
  ends: number[] = [];
  arena: Buffer;
  used = 0;

  constructor(readonly budgetBytes: number) {
    // Sized for the budget once (it grows only for a record larger than the room left).
    this.arena = Buffer.allocUnsafe(Math.min(budgetBytes + 256 * 1024, 64 * 1024 * 1024));
  }

  /** Adds an entry; false when the budget is reached (the entry is added all the same). */
  add(entry: SortEntry): boolean {
    const most = entry.text.length * 3;
    if (this.used + most > this.arena.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.used + most));
      this.arena.copy(grown, 0, 0, this.used);
      this.arena = grown;
    }
    const written = this.arena.write(entry.text, this.used, 'utf8');
    this.keys.push(entry.key);
    this.starts.push(this.used);
    this.used += written;
    this.ends.push(this.used);
    return this.used < this.budgetBytes;
  }

  get size(): number {
    return this.keys.length;
  }

  /** The entries' positions in key order, then text order (so duplicate keys pair up alike on both sides). */
  order(): Uint32Array {
    const { keys, starts, ends, arena } = this;
    const order = new Uint32Array(keys.length);
    for (let index = 0; index < order.length; index++) order[index] = index;
    order.sort((a, b) => {
      const x = keys[a]!;
      const y = keys[b]!;
      if (x !== y) return x < y ? -1 : 1;
      // Duplicate keys (rare): by text, compared as the merge compares them.
      const p = arena.toString('utf8', starts[a]!, ends[a]!);
      const q = arena.toString('utf8', starts[b]!, ends[b]!);
      return p === q ? 0 : p < q ? -1 : 1;
    });
    return order;
  }

  text(index: number): string {
    return this.arena.toString('utf8', this.starts[index]!, this.ends[index]!);
  }

  clear(): void {
    this.keys = [];
    this.starts = [];
    this.ends = [];
    this.used = 0;
  }
}

/** Key order (UTF-16 code units), then text order. */
export function compareEntries(a: SortEntry, b: SortEntry): number {
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  return a.text === b.text ? 0 : a.text < b.text ? -1 : 1;
}

/**
 * Sorts the entries of `records` by key with bounded memory: up to `budgetBytes` of canonical text
 * are sorted in memory and, once the budget is reached, written as a sorted run (`key` TAB `text`
 * LF); the runs are then merged. An entity that fits in the budget never touches the disk.
 * @returns how many runs were written, and a cursor over the sorted entries (positioned on the first)
 */
export async function sortExternally<T>(
  records: AsyncIterable<T>,
  toEntry: (record: T) => SortEntry,
  options: ExternalSortOptions,
): Promise<{ runs: number; cursor: SortedCursor }> {
  const runs: string[] = [];
  const buffer = new RunBuffer(options.budgetBytes);
  const spill = () => {
    const file = join(options.tempDir, `${options.name}-${runs.length}.run`);
    writeRun(file, buffer);
    runs.push(file);
    buffer.clear();
  };
  for await (const record of records) {
    if (!buffer.add(toEntry(record))) {
      if (options.signal?.aborted) throw options.signal.reason;
      spill();
    }
  }
  if (runs.length === 0) return { runs: 0, cursor: memoryCursor(buffer) };
  if (buffer.size > 0) spill();
  return { runs: runs.length, cursor: new MergeCursor(runs) };
}

function memoryCursor(buffer: RunBuffer): SortedCursor {
  const order = buffer.order();
  let position = 0;
  const at = (index: number): SortEntry | undefined =>
    index < order.length ? { key: buffer.keys[order[index]!]!, text: buffer.text(order[index]!) } : undefined;
  const cursor: SortedCursor = {
    current: at(0),
    advance() {
      position++;
      cursor.current = at(position);
    },
    close() {
      position = order.length;
      cursor.current = undefined;
      buffer.clear();
    },
  };
  return cursor;
}

/** Writes the buffer's entries in order as one run file, with synchronous writes of 256 kB. */
function writeRun(file: string, buffer: RunBuffer): void {
  const order = buffer.order();
  const out = Buffer.allocUnsafe(IO_BYTES);
  const fd = openSync(file, 'w', 0o600);
  try {
    let used = 0;
    const flush = () => {
      let done = 0;
      while (done < used) done += writeSync(fd, out, done, used - done);
      used = 0;
    };
    for (const index of order) {
      const key = buffer.keys[index]!;
      const start = buffer.starts[index]!;
      const end = buffer.ends[index]!;
      const need = key.length * 3 + 2 + (end - start);
      if (used + need > out.length) flush();
      if (need > out.length) {
        // A record larger than the write buffer goes out on its own.
        const line = Buffer.concat([
          Buffer.from(`${key}\t`),
          buffer.arena.subarray(start, end),
          Buffer.from('\n'),
        ]);
        let done = 0;
        while (done < line.length) done += writeSync(fd, line, done, line.length - done);
        continue;
      }
      used += out.write(key, used, 'utf8');
      out[used++] = TAB;
      used += buffer.arena.copy(out, used, start, end);
      out[used++] = NEWLINE;
    }
    flush();
  } finally {
    closeSync(fd);
  }
}

/** Reads a run back, one line at a time, from synchronous reads of 256 kB. */
class RunReader {
  #fd: number | undefined;
  #buffer = Buffer.allocUnsafe(IO_BYTES);
  #start = 0;
  #end = 0;
  #eof = false;
  current: SortEntry | undefined;

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
    const buffer = this.#buffer;
    const tab = buffer.indexOf(TAB, this.#start);
    this.current = {
      key: buffer.toString('utf8', this.#start, tab),
      text: buffer.toString('utf8', tab + 1, newline),
    };
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

/** Merges sorted runs into one sorted cursor (a few dozen runs: a linear scan for the smallest). */
class MergeCursor implements SortedCursor {
  readonly #readers: RunReader[];
  #live: RunReader[];
  #smallest: RunReader | undefined;
  current: SortEntry | undefined;

  constructor(files: string[]) {
    this.#readers = files.map((file) => new RunReader(file));
    this.#live = this.#readers.filter((reader) => reader.current !== undefined);
    this.#pick();
  }

  advance(): void {
    const reader = this.#smallest;
    if (!reader) return;
    reader.advance();
    if (reader.current === undefined) this.#live = this.#live.filter((other) => other !== reader);
    this.#pick();
  }

  close(): void {
    for (const reader of this.#readers) reader.close();
    this.current = undefined;
  }

  #pick(): void {
    const live = this.#live;
    let smallest = live[0];
    for (let index = 1; index < live.length; index++) {
      const reader = live[index]!;
      if (compareEntries(reader.current!, smallest!.current!) < 0) smallest = reader;
    }
    this.#smallest = smallest;
    this.current = smallest?.current;
  }
}
