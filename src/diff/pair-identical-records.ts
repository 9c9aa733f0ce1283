import type { RawRecordFile } from './raw-records.js';

export type Side = 'from' | 'to';

export interface PairIdenticalOptions {
  from: RawRecordFile;
  to: RawRecordFile;
  /** Whether texts may be paired at all (false: every record is unpaired, as when the headers differ). */
  pair: boolean;
  /**
   * How far (characters of its own file) a side reads on while one of its records waits for its
   * twin before giving up on it: the memory held per side, and the reordering between the two files
   * that pairing absorbs.
   */
  windowChars: number;
  /** A text found in both files: the same record on both sides, unchanged. */
  onPaired: (text: string) => void;
  /** A text of one side found on the other side not at all, or not within the window. */
  onUnpaired: (side: Side, text: string) => void;
  signal?: AbortSignal | undefined;
}

/**
 * Reads two files of one entity side by side and pairs the records whose raw texts are the same:
 * those are unchanged, and need neither parsing nor sorting. Two syncs of one org write most records
 * with the same bytes, in nearly the same order, so a record's twin turns up within a short window;
 * the records left over (changed, added, removed, or moved further than the window) go to
 * `onUnpaired`, for the sort-merge that decides what changed. Pairing never changes the result:
 * two equal texts are equal records whichever way they are matched; it only saves work.
 *
 * The side read next is the one with fewer records waiting, so the two files stay aligned when one
 * has a block of records the other lacks.
 */
export async function pairIdenticalRecords(options: PairIdenticalOptions): Promise<void> {
  const from = { name: 'from' as const, file: options.from, waiting: new WaitingTexts(), done: false };
  const to = { name: 'to' as const, file: options.to, waiting: new WaitingTexts(), done: false };
  let tie: typeof from | typeof to = to;
  while (!from.done || !to.done) {
    if (options.signal?.aborted) throw options.signal.reason;
    let side: typeof from | typeof to;
    if (from.done) side = to;
    else if (to.done) side = from;
    else if (from.waiting.size !== to.waiting.size) side = from.waiting.size < to.waiting.size ? from : to;
    else side = tie = tie === from ? to : from;
    const other = side === from ? to : from;
    const texts = await side.file.next();
    if (texts === undefined) {
      side.done = true;
      // Nothing more can pair with what the other side holds.
      if (!other.done)
        other.waiting.expire(Number.POSITIVE_INFINITY, (text) => options.onUnpaired(other.name, text));
      continue;
    }
    // A record waits while its side reads `windowChars` past the chunk it came in (at least until
    // the other side has been read once more).
    const chunkStart = side.waiting.read;
    for (const text of texts) {
      side.waiting.read += text.length + 1;
      if (options.pair && other.waiting.take(text)) options.onPaired(text);
      else if (options.pair && !other.done) side.waiting.hold(text);
      else options.onUnpaired(side.name, text);
    }
    side.waiting.expire(chunkStart - options.windowChars, (text) => options.onUnpaired(side.name, text));
  }
  for (const side of [from, to])
    side.waiting.expire(Number.POSITIVE_INFINITY, (text) => options.onUnpaired(side.name, text));
}

/** The texts of one side waiting for their twins, oldest first. */
class WaitingTexts {
  /** Characters of its file read so far. */
  read = 0;
  /** Texts waiting. */
  size = 0;
  readonly #counts = new Map<string, number>();
  /** Texts in the order they came, with where each came (a text already taken is skipped later). */
  #queue: (string | undefined)[] = [];
  #positions: number[] = [];
  #head = 0;

  /** Takes one copy of `text` if it is waiting. */
  take(text: string): boolean {
    const count = this.#counts.get(text);
    if (count === undefined) return false;
    if (count === 1) this.#counts.delete(text);
    else this.#counts.set(text, count - 1);
    this.size--;
    return true;
  }

  hold(text: string): void {
    this.#counts.set(text, (this.#counts.get(text) ?? 0) + 1);
    this.size++;
    this.#queue.push(text);
    this.#positions.push(this.read);
  }

  /** Gives up on the texts held before position `before` of the file, in the order they came. */
  expire(before: number, onExpired: (text: string) => void): void {
    const queue = this.#queue;
    const positions = this.#positions;
    let head = this.#head;
    while (head < queue.length && positions[head]! < before) {
      const text = queue[head]!;
      queue[head] = undefined;
      head++;
      if (this.take(text)) onExpired(text);
    }
    if (head === queue.length) {
      this.#queue = [];
      this.#positions = [];
      head = 0;
    } else if (head > 4096 && head * 2 > queue.length) {
      this.#queue = queue.slice(head);
      this.#positions = positions.slice(head);
      head = 0;
    }
    this.#head = head;
  }
}
