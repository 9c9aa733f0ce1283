import { UsageError } from '../errors.js';
import { ENTITY_NAMES, isEntityName } from '../inventory/entities.js';
import { assignmentsView } from './assignments-view.js';
import { entityView } from './entity-view.js';
import { licenceUsageView } from './licence-usage-view.js';
import type { ViewContext, ViewData } from './view.js';

/** The joined views, after the raw entities. */
export const JOINED_VIEWS = ['assignments', 'licence-usage'] as const;

/** Every `--view` name: each raw entity, then the joined views. */
export const EXPORT_VIEWS: readonly string[] = [...ENTITY_NAMES, ...JOINED_VIEWS];

/** `license-usage` (US spelling) is accepted for `licence-usage`. */
export function canonicalViewName(name: string): string {
  return name === 'license-usage' ? 'licence-usage' : name;
}

/** The view named `name`. @throws UsageError for an unknown name, listing the views. */
export function selectView(name: string, context: ViewContext): ViewData {
  const view = canonicalViewName(name);
  if (view === 'assignments') return assignmentsView(context);
  if (view === 'licence-usage') return licenceUsageView(context);
  if (isEntityName(view)) return entityView(view, context);
  throw new UsageError(`Unknown view "${name}".`, { hint: `Views: ${EXPORT_VIEWS.join(', ')}.` });
}
