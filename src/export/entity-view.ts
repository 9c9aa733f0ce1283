import { ColumnCollector } from '../formats/column-collector.js';
import { columnPlanFor, type EntityName } from '../inventory/entities.js';
import { fieldReader } from './field-path.js';
import { readEntityRows, writtenEntity } from './read-entity-rows.js';
import type { ViewContext, ViewData } from './view.js';

/**
 * A raw entity, row for row as sync wrote it. Its default columns are those of the entity's CSV file:
 * the CSV header when the snapshot is CSV, otherwise the entity's column plan with the `profile.*`
 * keys met in the data (one extra pass over the file, holding only the key names), the user schema's
 * attributes first, exactly as sync would have written them.
 */
export function entityView(entity: EntityName, context: ViewContext): ViewData {
  const { snapshot } = context;
  /** The entity's column plan, the user schema's attributes included (a small file). */
  const plan = async () => {
    const attributes: string[] = [];
    if (entity === 'users' && writtenEntity(snapshot, 'user_schema')) {
      for await (const row of readEntityRows(snapshot, 'user_schema')) {
        if (typeof row.name === 'string') attributes.push(row.name);
      }
    }
    return columnPlanFor(entity, attributes);
  };
  const covers = (known: readonly string[], path: string) =>
    known.some((column) => column === path || column.startsWith(`${path}.`) || path.startsWith(`${column}.`));
  const view: ViewData = {
    fixedColumns: false,
    async columns() {
      const entry = writtenEntity(snapshot, entity);
      if (entry?.format === 'csv' && entry.columns) return entry.columns;
      const collector = new ColumnCollector(await plan());
      for await (const row of readEntityRows(snapshot, entity)) collector.observe(row);
      return collector.columns().map((column) => column.name);
    },
    rows: () => readEntityRows(snapshot, entity),
    /**
     * A path is known when it is a column of the entity's CSV file, an object holding columns
     * (`profile`), or inside one; from a JSON or NDJSON snapshot also when any row has it (fields that
     * are no CSV column: `_links`, a device's `users`). A path of the entity's column plan costs no
     * pass over the file; another costs one or two (the columns, then the rows).
     */
    async unknownFields(paths) {
      // The plan's columns first: no pass over the file when every path is one of them.
      const planned = await plan();
      const plannedNames = [
        ...planned.fixed,
        ...(planned.expand ?? []).flatMap(({ prefix, known }) => known.map((key) => `${prefix}.${key}`)),
      ];
      if (
        writtenEntity(snapshot, entity)?.format !== 'csv' &&
        paths.every((path) => covers(plannedNames, path))
      ) {
        return { unknown: [], known: plannedNames };
      }
      const known = await view.columns();
      const pending = new Map(
        paths.filter((path) => !covers(known, path)).map((path) => [path, fieldReader(path)]),
      );
      if (pending.size > 0 && writtenEntity(snapshot, entity)?.format !== 'csv') {
        for await (const row of readEntityRows(snapshot, entity)) {
          for (const [path, read] of pending) if (read(row) !== undefined) pending.delete(path);
          if (pending.size === 0) break;
        }
      }
      return { unknown: [...pending.keys()], known };
    },
  };
  return view;
}
