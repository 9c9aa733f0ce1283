import type { ColumnPlan } from '../formats/column-plan.js';
import type { EntityFileResult, EntityWriter } from '../formats/entity-writer.js';
import { columnPlanFor, type EntityName } from '../inventory/entities.js';
import type { OktaClient } from '../okta/client.js';
import { type OktaError, PermissionError } from '../okta/errors.js';
import { isSkippableFailure, OPTIONAL_ENTITIES, skippedBecause } from './entity-failure.js';
import { SharedWriter } from './shared-writer.js';

type Row = Record<string, unknown>;

/** Why an entity has no file in the snapshot. */
export interface SkippedEntity {
  entity: EntityName;
  reason: string;
  /** True when the data exists but could not be read (the run is then partial). */
  partial: boolean;
}

export interface CollectProgress {
  entity: EntityName;
  count: number;
  state: 'running' | 'done' | 'skipped';
}

/** The previous complete run, for an incremental run. */
export interface IncrementalBase {
  /** The rows of an entity as the previous complete run wrote them (`usage_events`: its sign-ins), in batches. */
  rows(name: EntityName | 'usage_events'): AsyncIterable<Row[]>;
  /** The same rows as their JSON text (`readBaseLines`): what is kept is copied without parsing it. */
  lines(name: EntityName | 'usage_events'): AsyncIterable<string[]>;
  /** Server time (ISO) from which changes are read; the caller has already subtracted an overlap. */
  changedSince: string;
  /** The System Log `next` URL the previous run ended on. */
  logCheckpoint: string;
}

export interface CollectOptions {
  client: OktaClient;
  entities: ReadonlySet<EntityName>;
  /** Opens a writer for an entity's file inside the snapshot being written. */
  openWriter: (entity: EntityName, columns: ColumnPlan) => EntityWriter;
  /** Opens a writer for the sign-in events kept for the next incremental run. */
  openUsageEventsWriter?: () => EntityWriter;
  /** Present for an incremental run: what the previous run wrote, and where to read changes from. */
  incremental?: IncrementalBase | undefined;
  /** The moment usage windows end (ms); defaults to now. */
  now?: number;
  /** How many group-member or app-user listings run side by side. */
  fanOut?: number;
  /** Okta pipeline from /.well-known/okta-organization: devices exist only on Identity Engine (`idx`). */
  pipeline?: string | undefined;
  onProgress?: (progress: CollectProgress) => void;
}

export interface CollectResult {
  files: EntityFileResult[];
  skipped: SkippedEntity[];
  /** What the person should know, each tied to the entity it is about. */
  warnings: EntityWarning[];
  /** Where the next incremental run resumes the System Log; undefined when it was not read. */
  logCheckpoint: string | undefined;
}

export interface EntityWarning {
  entity: EntityName;
  message: string;
}

/** Admin roles that grant read access, named in warnings when Okta answers 403. */
const ROLE_HINT: Record<EntityName, string> = {
  users: 'Read-Only Administrator (or okta.users.read)',
  user_schema: 'Read-Only Administrator (or okta.schemas.read)',
  groups: 'Read-Only Administrator (or okta.groups.read)',
  group_members: 'Read-Only Administrator (or okta.groups.read)',
  apps: 'Read-Only Administrator (or okta.apps.read)',
  app_users: 'Read-Only Administrator (or okta.apps.read)',
  app_groups: 'Read-Only Administrator (or okta.apps.read)',
  admin_roles: 'Read-Only Administrator (or okta.roles.read)',
  devices: 'Read-Only Administrator (or okta.devices.read)',
  app_usage: 'Read-Only Administrator or Report Administrator (or okta.logs.read)',
};

/**
 * The core of the inventory: a 403 on these fails the run (exit 5, as test-connection says). The
 * others (schema, admin roles, devices, sign-in usage) are skipped with a warning: a partial run.
 */
const REQUIRED_ENTITIES: ReadonlySet<EntityName> = new Set([
  'users',
  'groups',
  'group_members',
  'apps',
  'app_users',
  'app_groups',
]);

/**
 * What every entity task of one collection shares: the client and options, the writers opened, and
 * the files, skipped entities and warnings the run reports.
 */
export class CollectContext {
  readonly client: OktaClient;
  readonly incremental: IncrementalBase | undefined;
  readonly fanOut: number;
  readonly now: number;
  readonly pipeline: string | undefined;
  readonly files: EntityFileResult[] = [];
  readonly skipped: SkippedEntity[] = [];
  readonly warnings: EntityWarning[] = [];
  /** Every entity writer opened, to abort on failure. */
  readonly opened: SharedWriter[] = [];
  readonly #options: CollectOptions;

  constructor(options: CollectOptions) {
    this.#options = options;
    this.client = options.client;
    this.incremental = options.incremental;
    this.fanOut = options.fanOut ?? 4;
    this.now = options.now ?? Date.now();
    this.pipeline = options.pipeline;
  }

  progress(entity: EntityName, count: number, state: CollectProgress['state'] = 'running'): void {
    this.#options.onProgress?.({ entity, count, state });
  }

  wanted(entity: EntityName): boolean {
    return this.#options.entities.has(entity);
  }

  /** The request label an entity's reads carry (rate-limit accounting, --verbose). */
  label(entity: EntityName): { label: string } {
    return { label: entity };
  }

  /** Opens an entity's file in the snapshot; the users file takes the profile attributes as columns. */
  open(entity: EntityName, userProfileAttributes: readonly string[] = []): SharedWriter {
    const shared = new SharedWriter(
      entity,
      this.#options.openWriter(entity, columnPlanFor(entity, userProfileAttributes)),
      (name, count) => this.progress(name, count),
    );
    this.opened.push(shared);
    this.progress(entity, 0);
    return shared;
  }

  /** The writer for the sign-in events kept for the next incremental run, when the caller keeps them. */
  openUsageEventsWriter(): EntityWriter | undefined {
    return this.#options.openUsageEventsWriter?.();
  }

  /**
   * Skips an entity Okta refused (a partial run), or fails the run for a core one. `parent` is the
   * entity whose list was refused when that is not the entity itself: group members are read through
   * the groups list, app users and app groups through the apps list, group-held admin roles through
   * the groups list.
   */
  skipForbidden(entity: EntityName, error: PermissionError, parent: EntityName = entity): void {
    if (this.skipped.some((entry) => entry.entity === entity)) return;
    const code = error.errorCode ? ` ${error.errorCode}` : '';
    // An OAuth token without the scope: Okta names it in WWW-Authenticate (403, empty body).
    const scope = error.challenge?.error === 'insufficient_scope' ? error.challenge.scope : undefined;
    const refused =
      parent === entity
        ? `Okta refused to list ${entity.replaceAll('_', ' ')}`
        : `${entity.replaceAll('_', ' ')} not read: Okta refused to list ${parent.replaceAll('_', ' ')}, which ${entity.replaceAll('_', ' ')} are read through`;
    const reason = scope
      ? `${refused} (403 insufficient_scope): the access token lacks the scope ${scope}; grant it to the app (Admin Console > Applications > the app > Okta API Scopes).`
      : `${refused} (403${code}): the token's admin needs ${ROLE_HINT[parent]}.`;
    if (REQUIRED_ENTITIES.has(entity)) {
      // Without users, groups, apps and assignments there is no inventory worth a snapshot.
      throw new PermissionError(reason, {
        status: error.status,
        errorCode: error.errorCode,
        requestId: error.requestId,
        request: error.request,
        hint: 'okta-connector test-connection lists every permission sync needs.',
      });
    }
    this.skipped.push({ entity, reason, partial: true });
    this.warnings.push({ entity, message: reason });
    this.progress(entity, 0, 'skipped');
  }

  /** Skips an optional entity Okta failed for another reason than a 403 (a 404, a refused link, …). */
  skipFailed(entity: EntityName, error: OktaError): void {
    if (this.skipped.some((entry) => entry.entity === entity)) return;
    const reason = skippedBecause(entity, error);
    this.skipped.push({ entity, reason, partial: true });
    this.warnings.push({ entity, message: reason });
    this.progress(entity, 0, 'skipped');
  }

  /** Records an entity the org cannot have (devices on Okta Classic): not a partial run. */
  skipAbsent(entity: EntityName, reason: string): void {
    this.skipped.push({ entity, reason, partial: false });
    this.progress(entity, 0, 'skipped');
  }

  /**
   * Runs one entity's task; a 403 skips the entity (partial run) instead of failing the sync. With a
   * `parent`, a 403 that reaches here came from the parent's list, which the other entities depend on.
   */
  async entityTask(
    names: EntityName[],
    task: () => Promise<(SharedWriter | undefined)[]>,
    parent?: EntityName,
  ): Promise<void> {
    const selected = names.filter((entity) => this.wanted(entity));
    if (selected.length === 0) return;
    try {
      for (const shared of await task()) {
        if (!shared) continue;
        this.files.push(await shared.writer.close());
        this.progress(shared.entity, shared.count, 'done');
      }
    } catch (error) {
      if (error instanceof PermissionError) {
        for (const entity of selected) this.skipForbidden(entity, error, parent ?? entity);
      } else if (isSkippableFailure(error) && selected.every((entity) => OPTIONAL_ENTITIES.has(entity))) {
        for (const entity of selected) this.skipFailed(entity, error);
      } else throw error;
    }
  }

  /** The part of a task that fills one dependent entity; a 403 there skips that entity alone. */
  async dependentPart(
    shared: SharedWriter | undefined,
    part: (writer: SharedWriter) => Promise<void>,
  ): Promise<SharedWriter | undefined> {
    if (!shared) return undefined;
    try {
      await part(shared);
      return shared;
    } catch (error) {
      if (!(error instanceof PermissionError)) throw error;
      this.skipForbidden(shared.entity, error);
      await shared.writer.abort();
      return undefined;
    }
  }
}
