import { ColumnCollector } from '../formats/column-collector.js';
import { columnPlanFor, type EntityName } from '../inventory/entities.js';
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
  return {
    fixedColumns: false,
    async columns() {
      const entry = writtenEntity(snapshot, entity);
      if (entry?.format === 'csv' && entry.columns) return entry.columns;
      const attributes: string[] = [];
      if (entity === 'users' && writtenEntity(snapshot, 'user_schema')) {
        for await (const row of readEntityRows(snapshot, 'user_schema')) {
          if (typeof row.name === 'string') attributes.push(row.name);
        }
      }
      const collector = new ColumnCollector(columnPlanFor(entity, attributes));
      for await (const row of readEntityRows(snapshot, entity)) collector.observe(row);
      return collector.columns().map((column) => column.name);
    },
    rows: () => readEntityRows(snapshot, entity),
  };
}
