import { HtmlReportWriter } from '../../export/html-report.js';
import {
  appReportIntro,
  isOverAllocated,
  reportHeading,
  reportOrder,
  UnusedAssignmentSummary,
} from '../../export/licence-report.js';
import { DAY_MS, type Row } from '../../export/view.js';
import { VERSION } from '../../version.js';
import { pump, type Run } from './pump-rows.js';

/** The licence-usage report: over-allocation, totals and a seat chart (per app), then the sortable table. */
export async function writeHtml(
  run: Run & { by: 'app' | 'user'; activeDays: number; whereText: string | undefined },
): Promise<{ read: number; written: number; stoppedEarly: boolean }> {
  const { snapshot, activeDays } = run;
  const manifest = snapshot.manifest;
  const cutoff = readableInstant(snapshot.startedAt - activeDays * DAY_MS);
  const meta = [
    `Snapshot ${snapshot.id} of ${manifest.org} (profile ${manifest.profile}), taken ${readableInstant(Date.parse(manifest.startedAt))}${manifest.status === 'partial' ? ' — PARTIAL snapshot' : ''}.`,
    `Active: a sign-in to the app within ${activeDays} days before the snapshot (since ${cutoff}). Unused: assigned, but not active. Sign-in data covers the 90 days before the snapshot; "never signed in" means no sign-in in those 90 days.`,
    ...(run.whereText === undefined ? [] : [`Filter: ${run.whereText}`]),
  ];
  const footer = `okta-connector ${VERSION} export --view licence-usage${run.by === 'user' ? ' --by user' : ''}`;
  const writer = new HtmlReportWriter(run.sink, run.columns, {
    heading: (column) => reportHeading(column, activeDays),
    ...(run.by === 'app' ? { isOver: isOverAllocated, overColumn: 'seatsOverAllocated' } : {}),
  });

  if (run.by === 'user') {
    const summary = new UnusedAssignmentSummary();
    await writer.start({ title: `Unused app assignments — ${hostOf(manifest.org)}`, meta });
    const counts = await pump({
      ...run,
      write: (row) => {
        summary.observe(row);
        return writer.write(row);
      },
    });
    if (!counts.stoppedEarly) await writer.end(footer, summary.html(activeDays));
    return counts;
  }

  // One row per app: a few hundred rows, held to draw the chart before the table.
  const rows: Row[] = [];
  const counts = await pump({
    ...run,
    write: async (row) => {
      rows.push(row);
    },
  });
  const ordered = reportOrder(rows);
  await writer.start(
    { title: `Licence usage — ${hostOf(manifest.org)}`, meta },
    appReportIntro(ordered, activeDays),
  );
  for (const row of ordered) {
    if (run.sink.closed) return { ...counts, stoppedEarly: true };
    await writer.write(row);
  }
  await writer.end(footer);
  return { ...counts, stoppedEarly: run.sink.closed };
}

/** `2026-11-01 12:00 UTC`: an instant as a person reads it. */
function readableInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function hostOf(org: string): string {
  try {
    return new URL(org).host;
  } catch {
    return org;
  }
}
