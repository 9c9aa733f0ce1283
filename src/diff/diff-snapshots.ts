import { fieldReader } from '../export/field-path.js';
import type { OpenedSnapshot } from '../export/open-snapshot.js';
import { missingReason, readEntityRows, writtenEntity } from '../export/read-entity-rows.js';
import { encodeCsvValue } from '../formats/encode-csv-value.js';
import {
  type Canonicaliser,
  changedFields,
  columnCanonicaliser,
  wholeRecordCanonicaliser,
} from './canonical-record.js';
import {
  DIFF_ENTITIES,
  DIFF_ENTITY_NAMES,
  type DiffEntity,
  type HumanField,
  type LookupKind,
} from './diff-entities.js';
import { type SortEntry, sortExternally } from './external-sort.js';

type Row = Record<string, unknown>;

/** `added`, `removed` or `changed`: one record of an entity between the two snapshots. */
export type ChangeKind = 'added' | 'removed' | 'changed';

/**
 * One line of the diff: the entity, the kind of change, the record's ids under the snapshot's column
 * names, a few human fields, and for `changed` the fields that changed.
 */
export interface ChangeRow {
  entity: DiffEntity;
  change: ChangeKind;
  [field: string]: unknown;
  fields?: Record<string, { from: unknown; to: unknown }>;
}

/** What became of one entity: compared (with its counts), or not compared and why. */
export type EntityOutcome =
  | {
      entity: DiffEntity;
      compared: true;
      /** `records`: whole JSON records; `columns`: cell by cell over the CSV columns (a CSV side). */
      by: 'records' | 'columns';
      added: number;
      removed: number;
      changed: number;
    }
  | { entity: DiffEntity; compared: false; reason: string };

export interface DiffSnapshotsOptions {
  from: OpenedSnapshot;
  to: OpenedSnapshot;
  /** The entities to compare, in any order (they are compared in DIFF_ENTITIES order). */
  entities: readonly DiffEntity[];
  /** Report volatile fields (`lastLogin`, …) as changes too. @default false */
  includeVolatile?: boolean;
  /** Folder for sorted runs (an existing, private, empty folder; the caller removes it). */
  tempDir: string;
  /** Characters sorted in memory per run. @default 8_000_000 */
  budgetChars?: number;
  /** Called with every record of the `to` snapshot as it is read (the HTML report's held access). */
  onToRecord?: (entity: DiffEntity, record: Row) => void;
  /** Called when an entity is done (or found missing): its outcome, in order. */
  onOutcome?: (outcome: EntityOutcome) => void;
  /** Updated as records are read, for a progress line: the entity and the records read of it. */
  progress?: { entity: string; records: number };
  signal?: AbortSignal | undefined;
}

/** Characters of keys and canonical texts held in memory per sorted run (~2 bytes each at worst). */
export const DEFAULT_BUDGET_CHARS = 8_000_000;

/**
 * Compares two snapshots entity by entity with bounded memory: each side's records are turned into
 * (key, canonical text) entries, sorted by key on disk where they do not fit the budget
 * ({@link sortExternally}), and the two sorted streams are merged: a key on one side only is
 * `added` or `removed`, a key on both with different texts is `changed`. No entity is ever held in
 * memory; only id → login / group name / app label lookups are, for the human fields.
 *
 * An entity that one snapshot lacks (a narrowed or partial run) is not compared, never reported as
 * everything added or removed.
 */
export async function* diffSnapshots(options: DiffSnapshotsOptions): AsyncGenerator<ChangeRow> {
  const selected = DIFF_ENTITY_NAMES.filter((entity) => options.entities.includes(entity));
  const lookups: Record<LookupKind, Map<string, string>> = {
    user: new Map(),
    group: new Map(),
    app: new Map(),
  };
  const needed = new Set<LookupKind>();
  for (const entity of selected) {
    for (const field of DIFF_ENTITIES[entity].human as readonly HumanField[]) {
      if ('lookup' in field) needed.add(field.lookup);
    }
  }
  const compared = new Set(
    selected.filter((entity) => writtenEntity(options.from, entity) && writtenEntity(options.to, entity)),
  );
  // A lookup whose entity is not compared still comes from whichever snapshot has it.
  for (const provider of ['users', 'groups', 'apps'] as const) {
    const spec = DIFF_ENTITIES[provider].provides;
    if (!needed.has(spec.kind) || compared.has(provider)) continue;
    const read = fieldReader(spec.path);
    for (const snapshot of [options.from, options.to]) {
      if (!writtenEntity(snapshot, provider)) continue;
      for await (const record of readEntityRows(snapshot, provider, { fields: ['id', spec.path] })) {
        remember(lookups[spec.kind], record.id, read(record));
      }
    }
  }

  for (const entity of selected) {
    if (!compared.has(entity)) {
      const side = writtenEntity(options.from, entity) ? options.to : options.from;
      const which = side === options.from ? 'from' : 'to';
      options.onOutcome?.({
        entity,
        compared: false,
        reason: `not in the ${which} snapshot ${side.id} (${missingReason(side, entity)})`,
      });
      continue;
    }
    yield* diffEntity(entity, options, lookups);
  }
}

async function* diffEntity(
  entity: DiffEntity,
  options: DiffSnapshotsOptions,
  lookups: Record<LookupKind, Map<string, string>>,
): AsyncGenerator<ChangeRow> {
  const spec = DIFF_ENTITIES[entity];
  const includeVolatile = options.includeVolatile ?? false;
  const fromEntry = writtenEntity(options.from, entity)!;
  const toEntry = writtenEntity(options.to, entity)!;
  const csvColumns = [fromEntry, toEntry].flatMap((entry) =>
    entry.format === 'csv' ? ((entry as { columns?: string[] }).columns ?? []) : [],
  );
  const byColumns = fromEntry.format === 'csv' || toEntry.format === 'csv';
  const project = 'project' in spec ? spec.project : undefined;
  const whole = wholeRecordCanonicaliser(includeVolatile);
  const canonical: Canonicaliser = byColumns
    ? columnCanonicaliser(csvColumns, includeVolatile)
    : project
      ? (record) => whole(project(record))
      : whole;
  const idReaders = spec.ids.map((id) => fieldReader(id));
  const plain = { formulaProtection: false };
  const keyOf = (record: Row) => JSON.stringify(idReaders.map((read) => encodeCsvValue(read(record), plain)));
  const provides = 'provides' in spec ? spec.provides : undefined;
  const provided = provides ? { map: lookups[provides.kind], read: fieldReader(provides.path) } : undefined;

  const budgetChars = options.budgetChars ?? DEFAULT_BUDGET_CHARS;
  const { progress } = options;
  if (progress) {
    progress.entity = entity;
    progress.records = 0;
  }
  const sortSide = async (snapshot: OpenedSnapshot, side: 'from' | 'to') => {
    const observe = side === 'to' ? options.onToRecord : undefined;
    async function* entries(): AsyncGenerator<SortEntry> {
      for await (const record of readEntityRows(snapshot, entity)) {
        if (progress) progress.records++;
        if (provided) remember(provided.map, record.id, provided.read(record));
        observe?.(entity, record);
        yield { key: keyOf(record), text: canonical(record) };
      }
    }
    return sortExternally(entries(), {
      tempDir: options.tempDir,
      name: `${entity}-${side}`,
      budgetChars,
      signal: options.signal,
    });
  };
  const fromSorted = await sortSide(options.from, 'from');
  const toSorted = await sortSide(options.to, 'to');

  const counts = { added: 0, removed: 0, changed: 0 };
  const human = spec.human as readonly HumanField[];
  type HumanReader =
    | { name: string; paths: ReturnType<typeof fieldReader>[] }
    | { name: string; lookup: Map<string, string>; id: ReturnType<typeof fieldReader> };
  const humanReaders: HumanReader[] = human.map((field) =>
    'paths' in field
      ? { name: field.name, paths: field.paths.map((path) => fieldReader(path)) }
      : { name: field.name, lookup: lookups[field.lookup], id: fieldReader(field.idField) },
  );
  const row = (change: ChangeKind, text: string): ChangeRow => {
    const record = JSON.parse(text) as Row;
    const out: ChangeRow = { entity, change };
    for (let index = 0; index < spec.ids.length; index++) {
      out[spec.ids[index]!] = idReaders[index]!(record) ?? null;
    }
    for (const reader of humanReaders) {
      let value: unknown;
      if ('paths' in reader) {
        for (const read of reader.paths) {
          value = read(record);
          if (value !== undefined && value !== null && value !== '') break;
        }
      } else {
        const id = reader.id(record);
        value = typeof id === 'string' ? reader.lookup.get(id) : undefined;
      }
      out[reader.name] = value ?? null;
    }
    counts[change]++;
    return out;
  };

  const from = fromSorted.sorted();
  const to = toSorted.sorted();
  let a = await from.next();
  let b = await to.next();
  let seen = 0;
  while (!a.done || !b.done) {
    if ((++seen & 0xfff) === 0 && options.signal?.aborted) throw options.signal.reason;
    if (b.done || (!a.done && a.value.key < b.value.key)) {
      yield row('removed', (a.value as SortEntry).text);
      a = await from.next();
    } else if (a.done || b.value.key < a.value.key) {
      yield row('added', b.value.text);
      b = await to.next();
    } else {
      if (a.value.text !== b.value.text) {
        const fields = changedFields(a.value.text, b.value.text);
        if (Object.keys(fields).length > 0) yield { ...row('changed', b.value.text), fields };
      }
      a = await from.next();
      b = await to.next();
    }
  }
  options.onOutcome?.({ entity, compared: true, by: byColumns ? 'columns' : 'records', ...counts });
}

function remember(map: Map<string, string>, id: unknown, value: unknown): void {
  if (typeof id !== 'string' || value === undefined || value === null) return;
  map.set(id, String(value));
}
