import type { EntityOutcome } from '../../diff/diff-snapshots.js';
import type { OpenedSnapshot } from '../../export/open-snapshot.js';

/** A snapshot as diff's result names it. */
export interface SnapshotSummary {
  id: string;
  dir: string;
  status: 'complete' | 'partial';
  startedAt: string;
}

/** The counts of changes over the compared entities. */
export interface DiffTotals {
  added: number;
  removed: number;
  changed: number;
  changes: number;
}

/** `users         3 added, 1 removed, 12 changed`, or why the entity was not compared. */
export function summaryLine(outcome: EntityOutcome): string {
  const name = outcome.entity.padEnd(14);
  if (!outcome.compared) return `${name}not compared: ${outcome.reason}`;
  return `${name}${outcome.added} added, ${outcome.removed} removed, ${outcome.changed} changed`;
}

/** The totals of the entities compared (those not compared count nothing). */
export function totalsOf(outcomes: EntityOutcome[]): DiffTotals {
  const totals = { added: 0, removed: 0, changed: 0, changes: 0 };
  for (const outcome of outcomes) {
    if (!outcome.compared) continue;
    totals.added += outcome.added;
    totals.removed += outcome.removed;
    totals.changed += outcome.changed;
  }
  totals.changes = totals.added + totals.removed + totals.changed;
  return totals;
}

/** The closing line: the totals, the entities not compared, the file written (none for stdout). */
export function closingLine(
  totals: DiffTotals,
  outcomes: EntityOutcome[],
  written: { output: string | undefined; stoppedEarly: boolean },
): string {
  const notCompared = outcomes.filter((outcome) => !outcome.compared).length;
  return `${totals.changes.toLocaleString('en-US')} change${totals.changes === 1 ? '' : 's'} (${totals.added} added, ${totals.removed} removed, ${totals.changed} changed)${notCompared > 0 ? `; ${notCompared} ${notCompared === 1 ? 'entity' : 'entities'} not compared` : ''}${written.output === undefined ? '' : `, written to ${written.output}`}${written.stoppedEarly ? ' (the reader stopped early)' : ''}.`;
}

export function summaryOf(snapshot: OpenedSnapshot): SnapshotSummary {
  return {
    id: snapshot.id,
    dir: snapshot.dir,
    status: snapshot.manifest.status,
    startedAt: snapshot.manifest.startedAt,
  };
}
