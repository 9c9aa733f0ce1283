import type { EntityWriter } from '../formats/entity-writer.js';
import type { EntityName } from '../inventory/entities.js';

type Row = Record<string, unknown>;

/** A writer that several concurrent producers can share: writes are queued in call order. */
export class SharedWriter {
  #tail: Promise<void> = Promise.resolve();
  count = 0;
  constructor(
    readonly entity: EntityName,
    readonly writer: EntityWriter,
    readonly onWrite: (entity: EntityName, count: number) => void,
  ) {}

  write(row: Row): Promise<void> {
    return this.writeMany([row]);
  }

  /** Writes rows given as their JSON text (the base's lines, `EntityWriter.writeJsonLines`), in order with the rest. */
  writeJsonLines(lines: readonly string[]): Promise<void> {
    return this.#enqueue(lines.length, () => this.writer.writeJsonLines(lines));
  }

  /** Writes a page of rows as one batch. */
  writeMany(rows: readonly Row[]): Promise<void> {
    return this.#enqueue(rows.length, () => this.writer.writeMany(rows));
  }

  /** Queues a write of `size` rows after those before it, and reports the count once it is done. */
  #enqueue(size: number, write: () => Promise<void>): Promise<void> {
    if (size === 0) return this.#tail;
    this.count += size;
    const count = this.count;
    this.#tail = this.#tail.then(async () => {
      await write();
      this.onWrite(this.entity, count);
    });
    return this.#tail;
  }
}
