import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
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
  /** Folder for the sorted runs; each run file is removed once merged (or the merge is abandoned). */
  tempDir: string;
  /** A name for the run files, unique within `tempDir`. */
  name: string;
  /** Characters (keys and texts) held in memory before a sorted run is spilled to disk. */
  budgetChars: number;
  signal?: AbortSignal | undefined;
}

/** Key order (UTF-16 code units), then text order, so duplicate keys pair up the same on both sides. */
export function compareEntries(a: SortEntry, b: SortEntry): number {
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  return a.text === b.text ? 0 : a.text < b.text ? -1 : 1;
}

/**
 * Sorts entries by key with bounded memory: up to `budgetChars` characters are sorted in memory and,
 * once the budget is reached, written as a sorted run (`key` TAB `text` LF); the runs are then merged.
 * An entity that fits in the budget never touches the disk. Returns a function that yields the sorted
 * entries once.
 */
export async function sortExternally(
  entries: AsyncIterable<SortEntry>,
  options: ExternalSortOptions,
): Promise<{ runs: number; sorted: () => AsyncGenerator<SortEntry> }> {
  const runs: string[] = [];
  let buffer: SortEntry[] = [];
  let chars = 0;
  const spill = async () => {
    buffer.sort(compareEntries);
    const file = join(options.tempDir, `${options.name}-${runs.length}.run`);
    await writeRun(file, buffer);
    runs.push(file);
    buffer = [];
    chars = 0;
  };
  for await (const entry of entries) {
    buffer.push(entry);
    chars += entry.key.length + entry.text.length + 32;
    if (chars >= options.budgetChars) {
      if (options.signal?.aborted) throw options.signal.reason;
      await spill();
    }
  }
  if (runs.length === 0) {
    buffer.sort(compareEntries);
    const held = buffer;
    buffer = [];
    return {
      runs: 0,
      async *sorted() {
        for (let index = 0; index < held.length; index++) {
          yield held[index]!;
          held[index] = undefined as unknown as SortEntry;
        }
      },
    };
  }
  if (buffer.length > 0) await spill();
  return { runs: runs.length, sorted: () => mergeRuns(runs) };
}

async function writeRun(file: string, entries: SortEntry[]): Promise<void> {
  const stream = createWriteStream(file, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  failed.catch(() => undefined);
  let text = '';
  for (const entry of entries) {
    text += `${entry.key}\t${entry.text}\n`;
    if (text.length >= 64 * 1024) {
      if (!stream.write(text)) await Promise.race([once(stream, 'drain'), failed]);
      text = '';
    }
  }
  await new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    stream.end(text, () => resolve());
  });
  await closed(stream);
}

async function closed(stream: WriteStream): Promise<void> {
  if (stream.closed) return;
  await once(stream, 'close');
}

/** Reads a run back, line by line, a chunk at a time: only an empty buffer costs an await. */
class RunReader {
  readonly #stream: ReturnType<typeof createReadStream>;
  readonly #chunks: AsyncIterator<string>;
  #lines: string[] = [];
  #index = 0;
  #pending = '';
  #done = false;
  current: SortEntry | undefined;

  constructor(file: string) {
    this.#stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 64 * 1024 });
    this.#chunks = (this.#stream as AsyncIterable<string>)[Symbol.asyncIterator]();
  }

  close(): void {
    this.#stream.destroy();
  }

  /** Moves to the next entry; `current` is undefined at the end. */
  async advance(): Promise<void> {
    while (this.#index >= this.#lines.length) {
      if (this.#done) {
        this.current = undefined;
        return;
      }
      const next = await this.#chunks.next();
      if (next.done) {
        this.#done = true;
        this.#lines = this.#pending === '' ? [] : [this.#pending];
        this.#pending = '';
      } else {
        const lines = (this.#pending + next.value).split('\n');
        this.#pending = lines.pop() ?? '';
        this.#lines = lines;
      }
      this.#index = 0;
    }
    const line = this.#lines[this.#index++]!;
    const tab = line.indexOf('\t');
    this.current = { key: line.slice(0, tab), text: line.slice(tab + 1) };
  }
}

/** Merges sorted runs into one sorted stream (a few runs: a linear scan for the smallest is enough). */
async function* mergeRuns(files: string[]): AsyncGenerator<SortEntry> {
  const readers = files.map((file) => new RunReader(file));
  try {
    await Promise.all(readers.map((reader) => reader.advance()));
    let live = readers.filter((reader) => reader.current !== undefined);
    while (live.length > 0) {
      let smallest = live[0]!;
      for (let index = 1; index < live.length; index++) {
        const reader = live[index]!;
        if (compareEntries(reader.current!, smallest.current!) < 0) smallest = reader;
      }
      yield smallest.current!;
      await smallest.advance();
      if (smallest.current === undefined) live = live.filter((reader) => reader !== smallest);
    }
  } finally {
    for (const reader of readers) reader.close();
    await Promise.all(files.map((file) => rm(file, { force: true })));
  }
}
