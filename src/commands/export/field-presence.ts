import { type FieldReader, fieldReader } from '../../export/field-path.js';
import type { Row } from '../../export/view.js';

/** Remembers which field paths had a value in at least one row (raw entities, for one warning each). */
export class FieldPresence {
  readonly #pending: Map<string, FieldReader>;
  constructor(fields: string[]) {
    this.#pending = new Map(fields.map((field) => [field, fieldReader(field)]));
  }
  observe(row: Row): void {
    if (this.#pending.size === 0) return;
    for (const [field, read] of this.#pending) if (read(row) !== undefined) this.#pending.delete(field);
  }
  absent(): string[] {
    return [...this.#pending.keys()];
  }
}
