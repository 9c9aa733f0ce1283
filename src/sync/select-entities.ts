import { UsageError } from '../errors.js';
import { ENTITY_NAMES, type EntityName, isEntityName } from '../inventory/entities.js';

/** Turns `--only`/`--skip` into the set of entities to pull. */
export function selectEntities(only: string | undefined, skip: string | undefined): Set<EntityName> {
  const parse = (value: string, flag: string): EntityName[] =>
    value
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '')
      .map((name) => {
        if (isEntityName(name)) return name;
        throw new UsageError(`${flag}: unknown entity "${name}".`, {
          hint: `Entities: ${ENTITY_NAMES.join(', ')}.`,
        });
      });
  const selected = new Set<EntityName>(only === undefined ? ENTITY_NAMES : parse(only, '--only'));
  if (skip !== undefined) for (const name of parse(skip, '--skip')) selected.delete(name);
  if (selected.size === 0) throw new UsageError('Nothing to sync: --only/--skip leave no entity.');
  return selected;
}
