import { escapeHtml, htmlPage } from '../export/html-report.js';
import type { OpenedSnapshot } from '../export/open-snapshot.js';
import type { DiffEntity } from './diff-entities.js';
import type { ChangeRow, EntityOutcome } from './diff-snapshots.js';

type Row = Record<string, unknown>;

/** Rows listed per section (and users per app and direction); the rest are counted, not listed. */
export const DEFAULT_SECTION_LIMIT = 1_000;
const USERS_PER_APP = 50;

interface Leaver {
  id: string;
  login: string;
  how: 'deleted' | 'deprovisioned';
  apps: string[];
  roles: string[];
  groups: number;
}

interface AppAccess {
  appId: string;
  label: string;
  gained: number;
  lost: number;
  gainedUsers: string[];
  lostUsers: string[];
  groupsAssigned: string[];
  groupsUnassigned: string[];
}

/**
 * The offline HTML report of a diff: a summary per entity, then the privileged changes (admin roles
 * granted or revoked), joiners (new users, and reactivated ones marked so), leavers with the access the `to` snapshot still gives them, access
 * gained and lost per app, and every other change. It is fed the change rows and the `to` snapshot's
 * records as the diff streams them; each section keeps at most `limit` rows (the rest are counted),
 * so its memory is bounded however large the diff.
 */
export class DiffHtmlReport {
  readonly #limit: number;
  readonly #privileged: ChangeRow[] = [];
  #privilegedCount = 0;
  readonly #joiners: ChangeRow[] = [];
  #joinerCount = 0;
  readonly #leavers = new Map<string, Leaver>();
  #leaverCount = 0;
  readonly #apps = new Map<string, AppAccess>();
  readonly #appLabels = new Map<string, string>();
  readonly #other: ChangeRow[] = [];
  #otherCount = 0;

  constructor(options: { limit?: number } = {}) {
    this.#limit = options.limit ?? DEFAULT_SECTION_LIMIT;
  }

  /** A record of the `to` snapshot: what a leaver still holds, and app labels. */
  observeTo(entity: DiffEntity, record: Row): void {
    if (entity === 'apps') {
      if (typeof record.id === 'string') this.#appLabels.set(record.id, String(record.label ?? record.id));
      return;
    }
    if (this.#leavers.size === 0) return;
    const leaver = typeof record.userId === 'string' ? this.#leavers.get(record.userId) : undefined;
    if (!leaver) return;
    if (entity === 'app_users' && typeof record.appId === 'string') leaver.apps.push(record.appId);
    else if (entity === 'admin_roles') leaver.roles.push(String(record.type ?? record.label ?? 'role'));
    else if (entity === 'group_members') leaver.groups++;
  }

  add(row: ChangeRow): void {
    if (row.entity === 'admin_roles') {
      if (this.#privilegedCount++ < this.#limit) this.#privileged.push(row);
      return;
    }
    if (row.entity === 'users' && (row.change === 'added' || reactivatedFrom(row) !== undefined)) {
      if (this.#joinerCount++ < this.#limit) this.#joiners.push(row);
      return;
    }
    const deprovisioned =
      row.entity === 'users' && row.change === 'changed' && row.fields?.status?.to === 'DEPROVISIONED';
    if (row.entity === 'users' && (row.change === 'removed' || deprovisioned)) {
      if (this.#leaverCount++ < this.#limit) {
        const id = String(row.id);
        this.#leavers.set(id, {
          id,
          login: String(row.login ?? ''),
          how: deprovisioned ? 'deprovisioned' : 'deleted',
          apps: [],
          roles: [],
          groups: 0,
        });
      }
      if (!deprovisioned) return;
    }
    if ((row.entity === 'app_users' || row.entity === 'app_groups') && row.change !== 'changed') {
      const appId = String(row.appId);
      let app = this.#apps.get(appId);
      if (!app) {
        app = {
          appId,
          label: String(row.appLabel ?? appId),
          gained: 0,
          lost: 0,
          gainedUsers: [],
          lostUsers: [],
          groupsAssigned: [],
          groupsUnassigned: [],
        };
        this.#apps.set(appId, app);
      }
      if (row.entity === 'app_groups') {
        (row.change === 'added' ? app.groupsAssigned : app.groupsUnassigned).push(
          String(row.groupName ?? row.groupId),
        );
        return;
      }
      const who = String(row.login ?? row.userId);
      if (row.change === 'added') {
        if (app.gained++ < USERS_PER_APP) app.gainedUsers.push(who);
      } else if (app.lost++ < USERS_PER_APP) app.lostUsers.push(who);
      return;
    }
    if (deprovisioned) return;
    if (this.#otherCount++ < this.#limit) this.#other.push(row);
  }

  /** The whole page. */
  render(context: {
    from: OpenedSnapshot;
    to: OpenedSnapshot;
    outcomes: readonly EntityOutcome[];
    includeVolatile: boolean;
    footer: string;
  }): string {
    const { from, to } = context;
    const title = `Changes in ${hostOf(to.manifest.org)}: ${from.id} → ${to.id}`;
    const meta = [
      `From snapshot ${from.id} (taken ${from.manifest.startedAt}, ${formatsOf(from)}) to snapshot ${to.id} (taken ${to.manifest.startedAt}, ${formatsOf(to)}), profile ${to.manifest.profile}.`,
      context.includeVolatile
        ? 'Volatile fields (lastLogin, lastUpdated, …) are included.'
        : 'Volatile fields (lastLogin, lastUpdated, statusChanged, …) are not counted as changes.',
    ];
    const sections = [
      this.#summary(context.outcomes),
      this.#privilegedSection(),
      this.#joinersSection(),
      this.#leaversSection(),
      this.#appsSection(),
      this.#otherSection(),
    ];
    return htmlPage({ title, meta }, sections.join('\n'), context.footer);
  }

  #summary(outcomes: readonly EntityOutcome[]): string {
    const total = outcomes.reduce(
      (sum, outcome) => sum + (outcome.compared ? outcome.added + outcome.removed + outcome.changed : 0),
      0,
    );
    const rows = outcomes.map((outcome) =>
      outcome.compared
        ? [outcome.entity, outcome.added, outcome.removed, outcome.changed, '']
        : [outcome.entity, '', '', '', `not compared: ${outcome.reason}`],
    );
    return `<h2 id="summary">Summary</h2>
<dl class="totals"><div><dt>Changes</dt><dd>${total.toLocaleString('en-US')}</dd></div><div><dt>Admin role changes</dt><dd>${this.#privilegedCount.toLocaleString('en-US')}</dd></div><div><dt>Joiners</dt><dd>${this.#joinerCount.toLocaleString('en-US')}</dd></div><div><dt>Leavers</dt><dd>${this.#leaverCount.toLocaleString('en-US')}</dd></div></dl>
${table('summary', ['entity', 'added', 'removed', 'changed', 'note'], rows)}`;
  }

  #privilegedSection(): string {
    const rows = this.#privileged.map((row) => [
      verb(row, 'granted', 'revoked'),
      row.login ?? row.userId,
      row.userId,
      row.roleType,
      row.roleLabel,
      row.assignmentType,
      fieldsText(row),
    ]);
    return section(
      'privileged',
      'Admin roles granted and revoked',
      this.#privilegedCount,
      this.#limit,
      table('privileged', ['change', 'user', 'userId', 'role type', 'role', 'assigned', 'fields'], rows),
    );
  }

  #joinersSection(): string {
    const rows = this.#joiners.map((row) => {
      const was = reactivatedFrom(row);
      return [row.login, row.id, was === undefined ? 'new' : `reactivated (was ${was})`, fieldsText(row)];
    });
    return section(
      'joiners',
      'Joiners (new and reactivated users)',
      this.#joinerCount,
      this.#limit,
      table('joiners', ['login', 'id', 'how', 'fields'], rows),
    );
  }

  #leaversSection(): string {
    const rows = [...this.#leavers.values()].map((leaver) => [
      leaver.login,
      leaver.id,
      leaver.how,
      leaver.apps.map((appId) => this.#appLabels.get(appId) ?? appId).join('; '),
      leaver.roles.join('; '),
      leaver.groups,
    ]);
    return section(
      'leavers',
      'Leavers (deprovisioned or deleted), with the access they still hold',
      this.#leaverCount,
      this.#limit,
      table(
        'leavers',
        ['login', 'id', 'how', 'apps still assigned', 'admin roles still held', 'groups'],
        rows,
      ),
    );
  }

  #appsSection(): string {
    const apps = [...this.#apps.values()].sort(
      (a, b) => b.gained + b.lost - (a.gained + a.lost) || (a.label < b.label ? -1 : 1),
    );
    const list = (users: string[], count: number) =>
      `${users.join('; ')}${count > users.length ? `; … and ${(count - users.length).toLocaleString('en-US')} more` : ''}`;
    const rows = apps.map((app) => [
      app.label,
      app.appId,
      app.gained,
      app.lost,
      list(app.gainedUsers, app.gained),
      list(app.lostUsers, app.lost),
      [
        ...app.groupsAssigned.map((name) => `+ ${name}`),
        ...app.groupsUnassigned.map((name) => `− ${name}`),
      ].join('; '),
    ]);
    return section(
      'apps',
      'Access gained and lost per app',
      apps.length,
      Number.POSITIVE_INFINITY,
      table(
        'apps',
        ['app', 'appId', 'users gained', 'users lost', 'gained', 'lost', 'group assignments'],
        rows,
      ),
    );
  }

  #otherSection(): string {
    const rows = this.#other.map((row) => [row.entity, row.change, describe(row), fieldsText(row)]);
    return section(
      'other',
      'Other changes',
      this.#otherCount,
      this.#limit,
      table('other', ['entity', 'change', 'record', 'fields'], rows),
    );
  }
}

/**
 * The status a reactivated user came back from (`DEPROVISIONED` or `SUSPENDED`, now `ACTIVE`): a
 * joiner for a licence manager, who counts seats again from that day.
 */
function reactivatedFrom(row: ChangeRow): string | undefined {
  if (row.entity !== 'users' || row.change !== 'changed') return undefined;
  const status = row.fields?.status;
  if (status?.to !== 'ACTIVE') return undefined;
  return status.from === 'DEPROVISIONED' || status.from === 'SUSPENDED' ? status.from : undefined;
}

function verb(row: ChangeRow, added: string, removed: string): string {
  return row.change === 'added' ? added : row.change === 'removed' ? removed : 'changed';
}

function describe(row: ChangeRow): string {
  const skip = new Set(['entity', 'change', 'fields']);
  return Object.entries(row)
    .filter(([key, value]) => !skip.has(key) && value !== null && value !== undefined)
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(', ');
}

function fieldsText(row: ChangeRow): string {
  if (!row.fields) return '';
  return Object.entries(row.fields)
    .map(([path, { from, to }]) => `${path}: ${valueText(from)} → ${valueText(to)}`)
    .join('\n');
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '∅';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function section(id: string, title: string, count: number, limit: number, body: string): string {
  const more =
    count > limit
      ? `<p class="meta">${limit.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} listed; every change is in the CSV or NDJSON output of diff.</p>`
      : '';
  const empty = count === 0 ? '<p class="meta">None.</p>' : body;
  return `<h2 id="${id}">${escapeHtml(title)} (${count.toLocaleString('en-US')})</h2>\n${more}${empty}`;
}

function table(id: string, head: string[], rows: unknown[][]): string {
  const cells = (row: unknown[]) =>
    row
      .map((value) =>
        typeof value === 'number'
          ? `<td class="n" data-v="${value}">${value.toLocaleString('en-US')}</td>`
          : `<td dir="auto">${escapeHtml(value === null || value === undefined ? '' : String(value))}</td>`,
      )
      .join('');
  return `<div class="table"><table class="sortable" id="${id}-table">
<thead><tr>${head.map((name) => `<th scope="col">${escapeHtml(name)}</th>`).join('')}</tr></thead>
<tbody>
${rows.map((row) => `<tr>${cells(row)}</tr>`).join('\n')}
</tbody>
</table></div>`;
}

function formatsOf(snapshot: OpenedSnapshot): string {
  const formats = new Set(
    Object.values(snapshot.manifest.entities)
      .map((entry) => (entry as { format?: unknown }).format)
      .filter((format): format is string => typeof format === 'string'),
  );
  return [...formats].join('/') || 'no files';
}

function hostOf(org: string): string {
  try {
    return new URL(org).host;
  } catch {
    return org;
  }
}
