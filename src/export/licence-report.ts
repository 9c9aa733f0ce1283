import { escapeHtml, type SeatBar, seatChartSvg } from './html-report.js';
import type { Row } from './view.js';

/**
 * The table columns of the per-app report when `--fields` does not choose: label first, no ids, and
 * `active30d` (`active90d`) left out when `--active-days` is 30 (90), where it repeats `activeUsers`.
 */
export function reportAppColumns(activeDays: number): string[] {
  return REPORT_APP_COLUMNS.filter((column) => column !== `active${activeDays}d`);
}

const REPORT_APP_COLUMNS = [
  'app.label',
  'seatCount',
  'assignedUsers',
  'seatsOverAllocated',
  'seatsUnassigned',
  'activeUsers',
  'active30d',
  'active90d',
  'unusedUsers',
  'neverSignedIn',
  'suspendedUsers',
  'deprovisionedUsers',
  'seatsUsedPercent',
  'app.status',
  'app.signOnMode',
] as const;

/** The table columns of the `--by user` report when `--fields` does not choose: the user first. */
export const REPORT_USER_COLUMNS = [
  'user.login',
  'user.name',
  'user.department',
  'user.status',
  'app.label',
  'reason',
  'lastSignIn',
  'daysSinceSignIn',
  'scope',
  'groups',
  'user.lastLogin',
] as const;

/** The heading a person reads for each column of licence-usage (the data name is its tooltip). */
export function reportHeading(column: string, activeDays: number): string {
  const headings: Record<string, string> = {
    'app.id': 'App id',
    'app.label': 'App',
    'app.status': 'App status',
    'app.signOnMode': 'Sign-on',
    seatCount: 'Seats bought',
    assignedUsers: 'Users assigned',
    seatsOverAllocated: 'Over-allocated (assigned beyond seats)',
    seatsUnassigned: 'Seats not assigned',
    activeUsers: `Active (${activeDays} days)`,
    active30d: 'Active (30 days)',
    active90d: 'Active (90 days)',
    inactiveUsers: `Signed in within 90, not ${activeDays} days`,
    neverSignedIn: 'Never signed in (90 days)',
    unusedUsers: `Unused: assigned, not active (${activeDays} days)`,
    deprovisionedUsers: 'Deprovisioned users',
    suspendedUsers: 'Suspended users',
    seatBasis: 'Percent of',
    seatsUsedPercent: 'Seats in use (%)',
    activeDays: 'Active means (days)',
    'user.id': 'User id',
    'user.login': 'User (login)',
    'user.email': 'Email',
    'user.name': 'Name',
    'user.status': 'User status',
    'user.department': 'Department',
    'user.lastLogin': 'Last Okta sign-in',
    scope: 'Assigned',
    groups: 'Through groups',
    lastSignIn: 'Last sign-in to the app',
    daysSinceSignIn: 'Days since',
    reason: 'Why unused',
  };
  return headings[column] ?? column;
}

const numberOf = (row: Row, key: string): number => (typeof row[key] === 'number' ? (row[key] as number) : 0);
const count = (value: number) => value.toLocaleString('en-US');
const labelOf = (row: Row) => String(row['app.label'] ?? row['app.id'] ?? '');

/** An app row is over-allocated when more users are assigned than seats were bought. */
export function isOverAllocated(row: Row): boolean {
  return numberOf(row, 'seatsOverAllocated') > 0;
}

/**
 * The order of the chart and the table alike: over-allocated apps first (most over first), then the
 * most unused assignments, then by label; apps nobody is assigned to last.
 */
export function reportOrder(rows: Row[]): Row[] {
  return [...rows].sort(
    (a, b) =>
      Number(numberOf(a, 'assignedUsers') === 0) - Number(numberOf(b, 'assignedUsers') === 0) ||
      numberOf(b, 'seatsOverAllocated') - numberOf(a, 'seatsOverAllocated') ||
      numberOf(b, 'unusedUsers') - numberOf(a, 'unusedUsers') ||
      numberOf(b, 'seatCount') - numberOf(a, 'seatCount') ||
      (labelOf(a) < labelOf(b) ? -1 : labelOf(a) > labelOf(b) ? 1 : 0),
  );
}

/** What comes before the per-app table: the over-allocation alert, the totals and the chart. */
export function appReportIntro(ordered: Row[], activeDays: number): string {
  const seats = (row: Row) => (typeof row.seatCount === 'number' ? row.seatCount : null);
  const over = ordered.filter(isOverAllocated);
  const sum = (key: string) => ordered.reduce((total, row) => total + numberOf(row, key), 0);
  const unassignedApps = ordered.filter((row) => numberOf(row, 'assignedUsers') === 0).length;
  const totals: [label: string, value: number, className?: string][] = [
    ['Apps', ordered.length],
    ['Apps over-allocated', over.length, over.length > 0 ? 'over' : undefined],
    ['Seats bought (apps that say)', sum('seatCount')],
    ['Users assigned (user × app)', sum('assignedUsers')],
    [`Active within ${activeDays} days`, sum('activeUsers')],
    [`Unused: assigned, not active (${activeDays} days)`, sum('unusedUsers')],
    ['Never signed in (90 days)', sum('neverSignedIn')],
    ['Seats not assigned', sum('seatsUnassigned')],
  ];
  const alert =
    over.length === 0
      ? ''
      : `<section class="alert" role="alert"><h2>${count(over.length)} ${over.length === 1 ? 'app has' : 'apps have'} more users assigned than seats bought</h2><ul>${over
          .map(
            (row) =>
              `<li dir="auto"><span>${escapeHtml(labelOf(row))}</span>: ${count(numberOf(row, 'assignedUsers'))} users assigned to ${count(seats(row) ?? 0)} seats — <strong>${count(numberOf(row, 'seatsOverAllocated'))} over-allocated</strong></li>`,
          )
          .join('')}</ul></section>`;
  const bars: SeatBar[] = ordered.map((row) => ({
    label: labelOf(row),
    seats: seats(row),
    assigned: numberOf(row, 'assignedUsers'),
    active: numberOf(row, 'activeUsers'),
  }));
  return `${alert}<dl class="totals">${totals
    .map(
      ([label, value, className]) =>
        `<div${className ? ` class="${className}"` : ''}><dt>${escapeHtml(label)}</dt><dd>${count(value)}</dd></div>`,
    )
    .join('')}</dl>
<h2>Seats and users per app</h2>
<div class="legend"><span style="--c: var(--used)">active (${activeDays} days)</span><span style="--c: var(--unused)">unused: assigned, not active</span><span style="--c: var(--spare)">seats bought, not assigned</span><span style="--c: var(--over)">over-allocated: assigned beyond the seats bought</span><span class="seat" style="--c: #1d2125">seats bought end here</span></div>
<p class="note">Each bar is drawn to its own app's size (the larger of seats bought and users assigned), so small and large apps read alike; the figures beside it give the sizes. Same order as the table: over-allocated apps first, then the most unused.${unassignedApps > 0 ? ` ${count(unassignedApps)} ${unassignedApps === 1 ? 'app has' : 'apps have'} nobody assigned (listed last).` : ''}</p>
${seatChartSvg(bars, activeDays)}`;
}

/**
 * Counts the `--by user` rows as they stream past, for the summary shown above the table: unused
 * assignments, the users and apps they concern, why (never signed in or not lately), the apps with
 * the most. Rows come grouped by user, so users are counted by change of user; apps are a few hundred.
 */
export class UnusedAssignmentSummary {
  #rows = 0;
  #users = 0;
  #never = 0;
  #lastUser: unknown = Symbol('none');
  readonly #byApp = new Map<string, number>();

  observe(row: Row): void {
    this.#rows++;
    const user = row['user.id'] ?? row['user.login'];
    if (user !== this.#lastUser) {
      this.#users++;
      this.#lastUser = user;
    }
    if (row.reason === 'never') this.#never++;
    const app = labelOf(row);
    this.#byApp.set(app, (this.#byApp.get(app) ?? 0) + 1);
  }

  html(activeDays: number): string {
    const top = [...this.#byApp].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
    const totals: [string, number][] = [
      [`Unused assignments (not active in ${activeDays} days)`, this.#rows],
      ['Users concerned', this.#users],
      ['Apps concerned', this.#byApp.size],
      ['Never signed in (90 days)', this.#never],
      [`Signed in, but not within ${activeDays} days`, this.#rows - this.#never],
    ];
    return `<h2>Summary</h2><dl class="totals">${totals
      .map(([label, value]) => `<div><dt>${escapeHtml(label)}</dt><dd>${count(value)}</dd></div>`)
      .join('')}</dl>${
      top.length === 0
        ? '<p class="note">No unused assignment: every assigned user is active.</p>'
        : `<p class="meta">Most unused assignments: ${top
            .map(([app, n]) => `<span dir="auto">${escapeHtml(app)}</span> ${count(n)}`)
            .join(' · ')}</p>`
    }`;
  }
}
