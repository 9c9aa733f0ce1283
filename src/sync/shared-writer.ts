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
    if (lines.length === 0) return this.#tail;
    this.count += lines.length;
    const count = this.count;
    this.#tail = this.#tail.then(async () => {
      await this.writer.writeJsonLines(lines);
      this.onWrite(this.entity, count);
    });
    return this.#tail;
  }

  /** Writes a page of rows as one batch. */
  writeMany(rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return this.#tail;
    this.count += rows.length;
    const count = this.count;
    this.#tail = this.#tail.then(async () => {
      await this.writer.writeMany(rows);
      this.onWrite(this.entity, count);
    });
    return this.#tail;
  }
}
