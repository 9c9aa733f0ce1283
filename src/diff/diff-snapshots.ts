import { fieldReader } from '../export/field-path.js';
import type { OpenedSnapshot } from '../export/open-snapshot.js';
import { readEntityRows, writtenEntity } from '../export/read-entity-rows.js';
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
  VOLATILE_FIELDS,
} from './diff-entities.js';
import { compareKeys, ExternalSorter, entryText, sameText } from './external-sort.js';
import { pairIdenticalRecords, type Side } from './pair-identical-records.js';
import { openRawRecords } from './raw-records.js';

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
  /** Bytes of canonical text sorted in memory per run and side. @default 8 MiB */
  budgetBytes?: number | undefined;
  /**
   * How far a side reads on while one of its records waits for an identical twin in the other file
   * (NDJSON or CSV on both sides); 0 turns pairing off. @default 4 Mi characters
   */
  pairWindowChars?: number | undefined;
  /** Called with every record of the `to` snapshot as it is read (the HTML report's held access). */
  onToRecord?: (entity: DiffEntity, record: Row) => void;
  /** Called when an entity is done (or found missing): its outcome, in order. */
  onOutcome?: (outcome: EntityOutcome) => void;
  /** Updated as records are read, for a progress line: the entity and the records read of it. */
  progress?: { entity: string; records: number };
  signal?: AbortSignal | undefined;
}

/** Characters of its file a side reads on while a record waits for its twin (memory held per side). */
export const DEFAULT_PAIR_WINDOW_CHARS = 4 * 1024 * 1024;

/** Bytes of canonical text (UTF-8) held in memory per sorted run. */
export const DEFAULT_BUDGET_BYTES = 8 * 1024 * 1024;

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
        reason: `not in the ${which} snapshot ${side.id} (${absentBecause(side, entity)})`,
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
  // The text sorted and compared first: for JSON records, the record as JSON.stringify writes it
  // (native, fast) with its top-level volatile fields left out; only where two texts differ are both
  // put in canonical form (keys sorted, nulls and nested volatile fields dropped) to decide. A CSV
  // side's text is canonical from the start.
  const sortText: Canonicaliser = byColumns
    ? columnCanonicaliser(csvColumns, includeVolatile)
    : (record) => {
        const shaped = project ? project(record) : record;
        if (!includeVolatile)
          for (const field of VOLATILE_FIELDS) if (field in shaped) shaped[field] = undefined;
        return JSON.stringify(shaped);
      };
  const canonicalOf = byColumns ? (text: string) => text : (text: string) => whole(JSON.parse(text) as Row);
  const idReaders = spec.ids.map((id) => fieldReader(id));
  const plain = { formulaProtection: false };
  const keyOf =
    idReaders.length === 1
      ? (record: Row) => JSON.stringify(encodeCsvValue(idReaders[0]!(record), plain))
      : (record: Row) => {
          let key = '';
          for (const read of idReaders)
            key += `${key === '' ? '' : ','}${JSON.stringify(encodeCsvValue(read(record), plain))}`;
          return key;
        };
  const provides = 'provides' in spec ? spec.provides : undefined;
  const provided = provides ? { map: lookups[provides.kind], read: fieldReader(provides.path) } : undefined;

  const budgetBytes = options.budgetBytes ?? DEFAULT_BUDGET_BYTES;
  const { progress } = options;
  if (progress) {
    progress.entity = entity;
    progress.records = 0;
  }
  const observe = options.onToRecord;
  const sorters = {
    from: new ExternalSorter({
      tempDir: options.tempDir,
      name: `${entity}-from`,
      budgetBytes,
      signal: options.signal,
    }),
    to: new ExternalSorter({
      tempDir: options.tempDir,
      name: `${entity}-to`,
      budgetBytes,
      signal: options.signal,
    }),
  };
  /** A record as read: counted, remembered for the lookups, shown to the HTML report if a `to` one. */
  const read = (side: Side, record: Row) => {
    if (progress) progress.records++;
    if (provided) remember(provided.map, record.id, provided.read(record));
    if (side === 'to') observe?.(entity, record);
  };
  const sortRecord = (side: Side, record: Row) => {
    read(side, record);
    sorters[side].add({ key: keyOf(record), text: sortText(record) });
  };
  const pairable = (['ndjson', 'csv'] as const).find(
    (format) => fromEntry.format === format && toEntry.format === format,
  );
  if (pairable) {
    const files = {
      from: await openRawRecords(options.from, entity),
      to: await openRawRecords(options.to, entity),
    };
    try {
      const fromFile = files.from!;
      const toFile = files.to!;
      // Only what is parsed anyway needs the record of an unchanged pair: the lookups, the HTML report.
      const needsRecord = provided !== undefined || observe !== undefined;
      await pairIdenticalRecords({
        from: fromFile,
        to: toFile,
        pair:
          (options.pairWindowChars ?? DEFAULT_PAIR_WINDOW_CHARS) > 0 &&
          fromFile.header === toFile.header &&
          fromFile.protectedFormulas === toFile.protectedFormulas,
        windowChars: options.pairWindowChars ?? DEFAULT_PAIR_WINDOW_CHARS,
        signal: options.signal,
        onPaired: (text) => {
          if (!needsRecord) {
            if (progress) progress.records += 2;
            return;
          }
          for (const record of toFile.parse(text)) {
            read('to', record);
            if (progress) progress.records++;
          }
        },
        onUnpaired: (side, text) => {
          for (const record of files[side]!.parse(text)) sortRecord(side, record);
        },
      });
    } finally {
      await files.from?.close();
      await files.to?.close();
    }
  } else {
    for (const side of ['from', 'to'] as const)
      for await (const record of readEntityRows(options[side], entity)) sortRecord(side, record);
  }
  const { cursor: from } = sorters.from.finish();
  const { cursor: to } = sorters.to.finish();

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

  let seen = 0;
  try {
    for (;;) {
      const a = from.current;
      const b = to.current;
      if (!a && !b) break;
      if ((++seen & 0xfff) === 0 && options.signal?.aborted) throw options.signal.reason;
      let moveFrom = false;
      let moveTo = false;
      const order = !a ? 1 : !b ? -1 : compareKeys(a, b);
      if (order < 0) {
        yield row('removed', entryText(a!));
        moveFrom = true;
      } else if (order > 0) {
        yield row('added', entryText(b!));
        moveTo = true;
      } else {
        if (!sameText(a!, b!)) {
          const after = entryText(b!);
          const before = canonicalOf(entryText(a!));
          const canonicalAfter = canonicalOf(after);
          if (before !== canonicalAfter) {
            const fields = changedFields(before, canonicalAfter);
            if (Object.keys(fields).length > 0) yield { ...row('changed', after), fields };
          }
        }
        moveFrom = true;
        moveTo = true;
      }
      if (moveFrom) from.advance();
      if (moveTo) to.advance();
    }
  } finally {
    from.close();
    to.close();
  }
  options.onOutcome?.({ entity, compared: true, by: byColumns ? 'columns' : 'records', ...counts });
}

/** Why a snapshot has no file for an entity: skipped (and why), or not read by a narrowed run. */
function absentBecause(snapshot: OpenedSnapshot, entity: string): string {
  const entry = snapshot.manifest.entities[entity];
  if (entry && 'skipped' in entry && typeof entry.skipped === 'string') return `skipped: ${entry.skipped}`;
  const ran = snapshot.manifest.options.entities;
  return Array.isArray(ran) ? `its run read ${ran.join(', ')} only` : 'not in the snapshot';
}

function remember(map: Map<string, string>, id: unknown, value: unknown): void {
  if (typeof id !== 'string' || value === undefined || value === null) return;
  const text = String(value);
  if (map.get(id) === text) return;
  map.set(detached(id), detached(text));
}

/**
 * A copy of `text` that shares no memory with the string it was cut from. A CSV field is a slice of
 * the 32 kB chunk it was parsed from (V8 slices strings of 13 characters or more), and a slice kept
 * in a lookup keeps its whole chunk alive: all of users.csv, per side, for 100,000 logins.
 */
function detached(text: string): string {
  return text.length < 13 ? text : Buffer.from(text, 'utf8').toString('utf8');
}
