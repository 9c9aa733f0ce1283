import type { ColumnPlan } from './column-plan.js';

interface Column {
  name: string;
  read(record: Record<string, unknown>): unknown;
}

/**
 * Learns the extra keys of a column plan while records stream past, then gives the final columns.
 * Memory grows with the number of distinct keys, not with the number of records.
 */
export class ColumnCollector {
  readonly #plan: ColumnPlan | undefined;
  readonly #extras: Map<string, Set<string>>;
  /** `rest` leaf paths met, by dotted name, with their segments (a key may itself hold a dot). */
  readonly #rest = new Map<string, string[]>();
  readonly #restJson: ReadonlySet<string>;
  readonly #restSkip: ReadonlySet<string>;

  constructor(plan: ColumnPlan | undefined) {
    this.#plan = plan;
    this.#extras = new Map((plan?.expand ?? []).map((group) => [group.prefix, new Set<string>()]));
    if (!plan) this.#extras.set('', new Set());
    this.#restJson = new Set(plan?.rest?.json ?? []);
    this.#restSkip = new Set([
      ...(plan?.rest?.omit ?? []),
      ...(plan?.expand ?? []).map((group) => group.prefix),
    ]);
  }

  /** Notes the keys of `record` that the plan expands, and with `rest` every other field's path. */
  observe(record: Record<string, unknown>): void {
    for (const [prefix, seen] of this.#extras) {
      const object = prefix === '' ? record : record[prefix];
      if (!isPlainObject(object)) continue;
      for (const key of Object.keys(object)) seen.add(key);
    }
    if (this.#plan?.rest) this.#observeRest(record, '', []);
  }

  #observeRest(object: Record<string, unknown>, prefix: string, segments: string[]): void {
    for (const key of Object.keys(object)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (this.#restSkip.has(path)) continue;
      const value = object[key];
      if (isPlainObject(value) && !this.#restJson.has(path)) {
        this.#observeRest(value, path, [...segments, key]);
      } else if (!this.#rest.has(path)) {
        this.#rest.set(path, [...segments, key]);
      }
    }
  }

  /** The final columns, in order, each with the function reading its value from a record. */
  columns(): Column[] {
    const columns: Column[] = [];
    const names = new Set<string>();
    const add = (name: string, read: Column['read']): void => {
      if (names.has(name)) return;
      names.add(name);
      columns.push({ name, read });
    };
    if (!this.#plan) {
      for (const key of sortByName(this.#extras.get('') ?? [])) add(key, (record) => record[key]);
      return columns;
    }
    for (const path of this.#plan.fixed) add(path, readPath(path.split('.')));
    for (const { prefix, known } of this.#plan.expand ?? []) {
      const knownSet = new Set(known);
      const extras = sortByName([...(this.#extras.get(prefix) ?? [])].filter((key) => !knownSet.has(key)));
      for (const key of [...known, ...extras]) {
        add(`${prefix}.${key}`, (record) => {
          const object = record[prefix];
          return isPlainObject(object) ? object[key] : undefined;
        });
      }
    }
    for (const name of sortByName(this.#rest.keys())) add(name, readPath(this.#rest.get(name) ?? []));
    return columns;
  }
}

function readPath(segments: string[]): Column['read'] {
  return (record) => {
    let value: unknown = record;
    for (const segment of segments) {
      if (!isPlainObject(value)) return undefined;
      value = value[segment];
    }
    return value;
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sortByName(keys: Iterable<string>): string[] {
  return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
