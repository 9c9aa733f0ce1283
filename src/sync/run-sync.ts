import { join } from 'node:path';
import { clientCredentials, type ResolvedCredentials } from '../config/credentials.js';
import { ExitCode } from '../errors.js';
import type { OutputFormat } from '../formats/entity-writer.js';
import { acquireLock } from '../inventory/acquire-lock.js';
import { beginSnapshot, type SnapshotHandle } from '../inventory/begin-snapshot.js';
import { diskErrorOf } from '../inventory/disk-errors.js';
import type { EntityName } from '../inventory/entities.js';
import type { FileModes } from '../inventory/file-modes.js';
import { profileDir } from '../inventory/profile-dir.js';
import { pruneSnapshots } from '../inventory/prune-snapshots.js';
import { readLatestSnapshot } from '../inventory/read-latest-snapshot.js';
import { loadSyncState, saveSyncState } from '../inventory/sync-state.js';
import { OktaClient, type RequestEvent } from '../okta/client.js';
import type { NetworkOptions } from '../okta/network-options.js';
import type { OrgUrl } from '../okta/org-url.js';
import { verifyOktaOrg } from '../okta/verify-okta-org.js';
import { registerSecret } from '../ui/redact.js';
import { buildManifest, manifestEntities, summariseEntities } from './build-manifest.js';
import { bytesNeeded } from './bytes-needed.js';
import {
  type CollectProgress,
  type CollectResult,
  collectInventory,
  type IncrementalBase,
} from './collect-inventory.js';
import { scopesForEntities } from './entity-scopes.js';
import {
  type BaseWriter,
  baseExists,
  beginBase,
  readBaseLines,
  readBaseRows,
  removeOtherBases,
  teeWriter,
} from './incremental-base.js';
import { type IncrementalCursor, planRun } from './plan-run.js';
import { RequestActivity } from './request-activity.js';
import { DEFAULT_CONCURRENCY, DEFAULT_RATE_LIMIT_SHARE } from './sync-defaults.js';
import type { SyncResult } from './sync-result.js';
import { interrupted, untilAborted } from './until-aborted.js';

/** Where and how to reach the org: resolved by the command (profile, environment, flags or --demo). */
export interface SyncConnection {
  orgUrl: OrgUrl;
  /** Where the domain came from, for messages. */
  domainFrom: string;
  /** The user confirmed this host with `configure --trust-host`. */
  trustedHost: boolean;
  credentials: ResolvedCredentials;
  network: NetworkOptions;
}

/** What the run tells the person; the command decides how it shows (spinner, plain lines, log file). */
export interface SyncReporter {
  /** Progress and context (also for the log file). */
  info(message: string): void;
  /** Something the person should know (also for the log file). */
  warn(message: string): void;
  /** Details for `--verbose` only. */
  verbose(message: string): void;
  /** The lock is held and the run begins; `totals` are the records per entity of the last run, if known. */
  start(totals: Record<string, number> | undefined): void;
  progress(entry: CollectProgress): void;
  /** A rate-limit wait of a second or more on `bucket`. */
  wait(bucket: string, waitMs: number): void;
  /** Every request attempt (the `--verbose` request lines). */
  request(event: RequestEvent): void;
  /** The snapshot is committed: what follows is housekeeping. */
  committed(): void;
  /** The run is over, however it ended. */
  stop(): void;
}

export interface RunSyncOptions {
  profile: string;
  connection: SyncConnection;
  outputDir: string;
  format: OutputFormat;
  entities: ReadonlySet<EntityName>;
  /** `--incremental`: build on the last complete run when it can. */
  incremental: boolean;
  /** `--full`: wins over `incremental`. */
  full: boolean;
  /** `--full-every`, days. @default 7 */
  fullEveryDays?: number | undefined;
  /** Percent of each rate-limit bucket. @default 50 */
  rateLimitShare?: number | undefined;
  /** Requests in flight at most. @default 8 */
  concurrency?: number | undefined;
  /** Snapshots to keep (`--keep`); none are pruned without it. */
  keep?: number | undefined;
  csv: { bom: boolean; formulaProtection: boolean };
  modes: FileModes;
  signal?: AbortSignal | undefined;
  /** When the run started (ms, by `now`): the manifest's startedAt. */
  startedAt: number;
  /** Clock (ms). @default Date.now */
  now?: (() => number) | undefined;
  reporter: SyncReporter;
}

/**
 * Runs one sync: takes the profile lock, verifies the org, plans full or incremental, collects every
 * entity into a new snapshot (and the base of the next incremental run), writes the manifest,
 * commits, saves the state and prunes. The snapshot appears whole or not at all; `latest.json` moves
 * only for a complete run.
 */
export async function runSync(options: RunSyncOptions): Promise<SyncResult> {
  const { connection, entities, reporter, startedAt } = options;
  const now = options.now ?? Date.now;
  const profileFolder = profileDir(options.outputDir, options.profile);
  let snapshot: SnapshotHandle | undefined;
  let base: BaseWriter | undefined;
  let lock: Awaited<ReturnType<typeof acquireLock>> | undefined;
  try {
    lock = await acquireLock({ dir: options.outputDir, profile: options.profile });
    reporter.info(
      `Syncing ${connection.orgUrl.host} (profile "${options.profile}") into ${options.outputDir}`,
    );
    const activity = new RequestActivity();
    reporter.start(await lastRunCounts(options.outputDir, options.profile, connection.orgUrl.origin));
    const client = new OktaClient({
      orgUrl: connection.orgUrl,
      credentials: clientCredentials(
        connection.credentials,
        scopesForEntities(entities, { incremental: options.incremental && !options.full }),
      ),
      network: connection.network,
      onSecret: registerSecret,
      scheduler: {
        ...(options.rateLimitShare === undefined ? {} : { share: options.rateLimitShare / 100 }),
        ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      },
      onRequest: (event) => {
        reporter.request(event);
        activity.record(event);
      },
      onSchedulerEvent: (event) => {
        if (event.type === 'rate-limit-wait' && event.waitMs >= 1000) {
          reporter.wait(event.bucket, event.waitMs);
        } else if (event.type === 'retry') {
          reporter.verbose(`retry ${event.bucket} #${event.attempt} in ${event.delayMs} ms: ${event.reason}`);
        }
      },
    });

    // Before anything carries the token: a mistyped custom domain must not receive it. The
    // well-known document also says which pipeline the org runs (devices exist only on Identity Engine).
    const verified = await verifyOktaOrg(client, {
      domainFrom: connection.domainFrom,
      trusted: connection.trustedHost,
    });
    if (verified.note) reporter.warn(verified.note);
    const organization = verified.organization;

    if (connection.credentials.kind === 'oauth') {
      // The token first: a refused client fails here with the token endpoint's advice, and a scope
      // Okta did not grant is named before the entities that need it are skipped.
      const token = await client.accessTokenInfo();
      if (token) {
        reporter.info(
          `Signed in as OAuth app ${connection.credentials.clientId} (${token.type === 'DPoP' ? 'DPoP-bound' : 'Bearer'} access token; scopes ${token.scopes.join(' ')}).`,
        );
        for (const scope of token.missingScopes) {
          reporter.warn(
            `Okta did not grant ${scope}: what needs it will be skipped. Grant it to the app (Admin Console > Applications > the app > Okta API Scopes).`,
          );
        }
      }
    }

    // The server's clock anchors the usage windows and the next run's change filters.
    const serverStartedAt = organization?.serverDate?.getTime() ?? startedAt;
    const plan = await planRun({
      incremental: options.incremental,
      full: options.full,
      fullEveryDays: options.fullEveryDays,
      entities,
      org: connection.orgUrl.origin,
      now: startedAt,
      loadState: () => loadSyncState(options.outputDir, options.profile),
      baseExists: (folder) => baseExists(profileFolder, folder),
    });
    const mode = plan.mode;
    const fullReason = plan.mode === 'full' ? plan.reason : null;
    if (fullReason) reporter.info(`Running a full sync: ${fullReason}.`);
    let incremental: IncrementalBase | undefined;
    if (plan.mode === 'incremental') {
      const baseDir = join(profileFolder, plan.cursor.base);
      incremental = {
        rows: (name) => readBaseRows(baseDir, name),
        lines: (name) => readBaseLines(baseDir, name),
        changedSince: plan.changedSince,
        logCheckpoint: plan.cursor.logCheckpoint,
      };
    }

    snapshot = await beginSnapshot({
      outputDir: options.outputDir,
      profile: options.profile,
      now: new Date(startedAt),
      modes: options.modes,
    });
    const openSnapshot = snapshot;
    base = await beginBase(profileFolder, snapshot.id, options.modes);
    const openBase = base;
    const csv = options.csv;

    if (options.signal?.aborted) throw interrupted();
    const collecting = collectInventory({
      client,
      entities,
      openWriter: (entity, columns) =>
        options.format === 'json'
          ? teeWriter(openSnapshot.writer(entity, 'json', columns, csv), openBase.open(entity))
          : openSnapshot.writer(entity, options.format, columns, csv, openBase.rowsPath(entity)),
      openUsageEventsWriter: () => openBase.open('usage_events'),
      incremental,
      now: serverStartedAt,
      pipeline: organization?.pipeline,
      onProgress: (entry) => reporter.progress(entry),
    });
    const collected: CollectResult = await untilAborted(collecting, options.signal);

    const status = collected.skipped.some((entry) => entry.partial) ? 'partial' : 'complete';
    const finishedAt = now();
    const entityManifests = manifestEntities(entities, collected, activity);
    const manifest = buildManifest({
      profile: options.profile,
      org: connection.orgUrl.origin,
      startedAt,
      finishedAt,
      mode,
      serverStartedAt,
      format: options.format,
      entities,
      rateLimitShare: options.rateLimitShare ?? DEFAULT_RATE_LIMIT_SHARE,
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      csv,
      pipeline: organization?.pipeline,
      status,
      entityManifests,
    });
    const committed = await snapshot.commit(manifest);
    snapshot = undefined;
    reporter.committed();

    // Housekeeping after the commit: the snapshot is already complete and named by latest.json, so
    // a failure here (a file held open on Windows, a full disk) is a warning, not a failed run.
    const afterCommit = async (what: string, work: () => Promise<void>) => {
      try {
        await work();
      } catch (error) {
        const message = `${what} failed: ${(error as Error).message}`;
        collected.warnings.push({ entity: 'users', message });
      }
    };
    // A complete run that read the System Log is the base of the next incremental run.
    const openBaseWriter = base;
    const logCheckpoint = collected.logCheckpoint;
    if (status === 'complete' && logCheckpoint)
      await afterCommit('Saving the state for --incremental', async () => {
        const baseFolder = await openBaseWriter.commit(committed.id);
        base = undefined;
        const previous = await loadSyncState(options.outputDir, options.profile).catch(() => undefined);
        await saveSyncState(
          options.outputDir,
          options.profile,
          {
            formatVersion: 1,
            snapshot: committed.id,
            lastFullSyncAt:
              mode === 'full' ? manifest.startedAt : (previous?.lastFullSyncAt ?? manifest.startedAt),
            cursors: {
              incremental: {
                base: baseFolder,
                serverStartedAt: new Date(serverStartedAt).toISOString(),
                logCheckpoint,
                entities: [...entities],
                org: connection.orgUrl.origin,
              } satisfies IncrementalCursor,
            },
          },
          options.modes.file,
        );
        await removeOtherBases(profileFolder, baseFolder);
      });

    let pruned: string[] = [];
    const keep = options.keep;
    if (keep !== undefined) {
      await afterCommit('Pruning old snapshots (--keep)', async () => {
        pruned = (await pruneSnapshots({ outputDir: options.outputDir, profile: options.profile, keep }))
          .removed;
      });
    }
    for (const warning of collected.warnings) reporter.warn(warning.message);

    reporter.info(
      `${mode === 'incremental' ? 'Incremental sync' : 'Sync'} ${status} in ${((finishedAt - startedAt) / 1000).toFixed(1)} s: ${committed.dir}${status === 'partial' ? ' (partial: latest.json still names the last complete snapshot)' : ''}`,
    );
    return {
      status,
      exitCode: status === 'partial' ? ExitCode.Partial : ExitCode.Success,
      profile: options.profile,
      org: connection.orgUrl.origin,
      mode,
      fullReason,
      snapshot: { id: committed.id, dir: committed.dir },
      startedAt: manifest.startedAt,
      finishedAt: manifest.finishedAt,
      durationMs: manifest.durationMs,
      entities: summariseEntities(entities, entityManifests),
      warnings: collected.warnings.map((warning) => warning.message),
      pruned,
    };
  } catch (error) {
    // A full, read-only or vanished disk mid-run: what to do, not "a bug".
    const code = (error as NodeJS.ErrnoException).code;
    const needBytes =
      code === 'ENOSPC' || code === 'EDQUOT'
        ? await bytesNeeded(options.outputDir, options.profile)
        : undefined;
    throw diskErrorOf(error, { dir: options.outputDir, needBytes, runtime: true }) ?? error;
  } finally {
    reporter.stop();
    await snapshot?.abort().catch(() => undefined);
    await base?.abort().catch(() => undefined);
    await lock?.release().catch(() => undefined);
  }
}

/**
 * Records per entity of the profile's last complete run of the same org: the "of ~n" of the progress
 * line. Nothing when there is none, or its pointer cannot be read (sync reports that elsewhere).
 */
async function lastRunCounts(
  outputDir: string,
  profile: string,
  org: string,
): Promise<Record<string, number> | undefined> {
  const latest = await readLatestSnapshot(outputDir, profile).catch(() => undefined);
  if (!latest || latest.manifest.org !== org) return undefined;
  const counts: Record<string, number> = {};
  for (const [entity, entry] of Object.entries(latest.manifest.entities)) {
    if ('count' in entry && typeof entry.count === 'number') counts[entity] = entry.count;
  }
  return counts;
}
