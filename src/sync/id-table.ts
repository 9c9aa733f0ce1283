/**
 * A set of ids (Okta's 20-character user, app and group ids), each numbered in the order it was
 * first added, kept in typed arrays: the UTF-8 bytes of every id in one buffer, and an
 * open-addressing table (at most half full) of their numbers.
 *
 * About 36 bytes an id, against ~90 for the same ids as strings in a `Set` or `Map` (string
 * header, hash-table entry, and a copy per structure), and nothing for the garbage collector to
 * trace: on the `large` sample org's 100,000 users this is ~3.6 MB instead of ~9 MB per table.
 */
export class IdTable {
  #bytes = Buffer.alloc(64 * 1024);
  #used = 0;
  /** Where id n starts in #bytes; it ends where id n + 1 starts (#starts[size] = #used). */
  #starts = new Uint32Array(1025);
  #hashes = new Uint32Array(1024);
  /** Number + 1 of the id hashed to each cell; 0 for an empty cell. Length is a power of two. */
  #cells = new Int32Array(2048);
  #size = 0;

  /** How many ids the table holds. */
  get size(): number {
    return this.#size;
  }

  /** The id's number, or -1 when it was never added. */
  indexOf(id: string): number {
    return this.#cells[this.#cellOf(id, hashOf(id))]! - 1;
  }

  has(id: string): boolean {
    return this.indexOf(id) !== -1;
  }

  /** Adds the id if it is new; returns its number either way. */
  add(id: string): number {
    const hash = hashOf(id);
    const cell = this.#cellOf(id, hash);
    const known = this.#cells[cell]! - 1;
    if (known !== -1) return known;
    const index = this.#size++;
    this.#store(id, index, hash);
    if (this.#size * 2 > this.#cells.length) this.#rehash(this.#cells.length * 2);
    else this.#cells[cell] = index + 1;
    return index;
  }

  /** The id numbered `index`. */
  idAt(index: number): string {
    if (index < 0 || index >= this.#size) throw new RangeError(`No id ${index}`);
    return this.#bytes.toString('utf8', this.#starts[index], this.#starts[index + 1]);
  }

  #store(id: string, index: number, hash: number): void {
    const length = Buffer.byteLength(id, 'utf8');
    if (this.#used + length > this.#bytes.length) {
      const bytes = Buffer.alloc(Math.max(this.#bytes.length * 2, this.#used + length));
      this.#bytes.copy(bytes, 0, 0, this.#used);
      this.#bytes = bytes;
    }
    this.#bytes.write(id, this.#used, 'utf8');
    this.#used += length;
    if (index + 1 >= this.#hashes.length) {
      const capacity = this.#hashes.length * 2;
      const starts = new Uint32Array(capacity + 1);
      starts.set(this.#starts);
      this.#starts = starts;
      const hashes = new Uint32Array(capacity);
      hashes.set(this.#hashes);
      this.#hashes = hashes;
    }
    this.#hashes[index] = hash;
    this.#starts[index + 1] = this.#used;
  }

  /** The cell holding the id, or the empty cell where it belongs (linear probing). */
  #cellOf(id: string, hash: number): number {
    const mask = this.#cells.length - 1;
    let cell = hash & mask;
    for (;;) {
      const index = this.#cells[cell]! - 1;
      if (index === -1) return cell;
      if (this.#hashes[index] === hash && this.idAt(index) === id) return cell;
      cell = (cell + 1) & mask;
    }
  }

  #rehash(size: number): void {
    this.#cells = new Int32Array(size);
    const mask = size - 1;
    for (let index = 0; index < this.#size; index++) {
      let cell = this.#hashes[index]! & mask;
      while (this.#cells[cell] !== 0) cell = (cell + 1) & mask;
      this.#cells[cell] = index + 1;
    }
  }
}

/** FNV-1a over the UTF-16 code units, with a final mix so close ids spread over the table. */
function hashOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let at = 0; at < id.length; at++) hash = Math.imul(hash ^ id.charCodeAt(at), 0x01000193);
  hash ^= hash >>> 15;
  return Math.imul(hash, 0x2c1b3c6d) >>> 0;
}
