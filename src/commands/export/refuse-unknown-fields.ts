import { UsageError } from '../../errors.js';
import { nearestNames } from '../../export/nearest-names.js';
import type { ViewData } from '../../export/view.js';

/**
 * `--fields` and `--where` paths the view does not have are a usage error (exit 2) naming the nearest
 * known ones: an import pipeline must not get an empty column or no rows with only a warning.
 */
export async function refuseUnknownFields(
  view: ViewData,
  viewName: string,
  columns: string[],
  byFlag: Record<'--fields' | '--where', readonly string[]>,
): Promise<void> {
  const paths = [...new Set([...byFlag['--fields'], ...byFlag['--where']])];
  if (paths.length === 0) return;
  const { unknown, known } = view.unknownFields
    ? await view.unknownFields(paths)
    : { unknown: paths.filter((path) => !columns.includes(path)), known: columns };
  if (unknown.length === 0) return;
  const flags = (Object.keys(byFlag) as (keyof typeof byFlag)[]).filter((flag) =>
    byFlag[flag].some((path) => unknown.includes(path)),
  );
  const hints = unknown.map((path) => {
    const near = nearestNames(path, known);
    return near.length > 0
      ? `"${path}": did you mean ${near.map((name) => `"${name}"`).join(' or ')}?`
      : `"${path}": no known field is close.`;
  });
  const list =
    known.length > 30 ? `${known.slice(0, 30).join(', ')}, … (${known.length} in all)` : known.join(', ');
  throw new UsageError(
    `${flags.join(' and ')}: ${viewName} has no field ${unknown.map((path) => `"${path}"`).join(', ')}.`,
    { hint: `${hints.join(' ')} Fields of ${viewName}: ${list}.` },
  );
}
