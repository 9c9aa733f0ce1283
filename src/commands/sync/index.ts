import { appendFileSync, chmodSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import {
  clientCredentials,
  parseAuthMode,
  parseScopes,
  type ResolvedCredentials,
  registerPrivateKey,
  resolveCredentials,
} from '../../config/credentials.js';
import { resolveNetwork } from '../../config/network.js';
import { refuseEmptyPath, resolveUserPath } from '../../config/paths.js';
import { describeSource, profileLoader, resolveOrgUrl, resolveSettings } from '../../config/resolve.js';
import { DEMO_OUTPUT_DIR } from '../../demo/start-demo-org.js';
import {
  type ConnectorError,
  ExitCode,
  type ExitCodeValue,
  InterruptedError,
  toConnectorError,
  UsageError,
} from '../../errors.js';
import type { EntityFileResult, OutputFormat } from '../../formats/entity-writer.js';
import { acquireLock } from '../../inventory/acquire-lock.js';
import { beginSnapshot, type SnapshotHandle } from '../../inventory/begin-snapshot.js';
import { diskErrorOf } from '../../inventory/disk-errors.js';
import { ensureWritableDir } from '../../inventory/ensure-writable-dir.js';
import { ENTITY_NAMES, type EntityName, isEntityName } from '../../inventory/entities.js';
import { fileModes } from '../../inventory/file-modes.js';
import { type EntityManifest, type Manifest, manifestTotals } from '../../inventory/manifest.js';
import { profileDir } from '../../inventory/profile-dir.js';
import { pruneSnapshots } from '../../inventory/prune-snapshots.js';
import { readLatestSnapshot } from '../../inventory/read-latest-snapshot.js';
import { loadSyncState, saveSyncState } from '../../inventory/sync-state.js';
import { OktaClient, type RequestEvent } from '../../okta/client.js';
import type { NetworkOptions } from '../../okta/network-options.js';
import type { OrgUrl } from '../../okta/org-url.js';
import { parseOrgUrl } from '../../okta/org-url.js';
import type { SchedulerEvent } from '../../okta/rate-limiter.js';
import { generateSigningKey, parseSigningKey } from '../../okta/signing-key.js';
import { verifyOktaOrg } from '../../okta/verify-okta-org.js';
import { type CollectResult, collectInventory, type IncrementalBase } from '../../sync/collect-inventory.js';
import { scopesForEntities } from '../../sync/entity-scopes.js';
import { startHeapGovernor } from '../../sync/heap-governor.js';
import {
  type BaseWriter,
  baseExists,
  beginBase,
  readBaseRows,
  removeOtherBases,
  teeWriter,
} from '../../sync/incremental-base.js';
import type { Env, Io } from '../../ui/io.js';
import { readAllInput } from '../../ui/prompt.js';
import { registerSecret } from '../../ui/redact.js';
import { logRequests } from '../../ui/request-log.js';
import { SyncProgress, type SyncProgressOptions } from '../../ui/sync-progress.js';
import { VERSION } from '../../version.js';

export { DEMO_OUTPUT_DIR };

/** The client id of the sample org's API Services app (`sync --demo --auth oauth`). */
const DEMO_CLIENT_ID = '0oaDemoServiceApp0001';

export interface SyncOptions {
  profile: string;
  env: Env;
  cwd: string;
  domain?: string | undefined;
  tokenStdin?: boolean | undefined;
  /** `--auth token|oauth`: which credentials to use (with --demo: which the sample org asks for). */
  auth?: string | undefined;
  /** `--scopes`: OAuth scopes to ask for (default: what the selected entities need). */
  scopes?: string | undefined;
  /** `--proxy`: wins over HTTPS_PROXY and the profile. */
  proxy?: string | undefined;
  /** `--ca-file`: PEM file of extra CA certificates. */
  caFile?: string | undefined;
  outputDir?: string | undefined;
  format?: string | undefined;
  /** Comma-separated entity names to pull (default: all). */
  only?: string | undefined;
  /** Comma-separated entity names to leave out. */
  skip?: string | undefined;
  /** Keep this many snapshots (the latest complete one is always kept). */
  keep?: string | undefined;
  /** CSV: start files with a UTF-8 BOM for Excel. */
  bom?: boolean | undefined;
  /** CSV: `false` turns spreadsheet formula protection off (machine imports). @default true */
  formulaProtection?: boolean | undefined;
  /** Percentage of each rate-limit bucket okta-connector may use. @default 50 */
  rateLimitShare?: string | undefined;
  /** Requests in flight at most. @default 8 */
  concurrency?: string | undefined;
  /** Appends plain progress lines (and the outcome) to this file. */
  logFile?: string | undefined;
  /** Runs against the built-in sample org on loopback. */
  demo?: boolean | undefined;
  /** Reads only what changed since the last complete run (falls back to a full run when it cannot). */
  incremental?: boolean | undefined;
  /** Forces a full run (the default; wins over --incremental). */
  full?: boolean | undefined;
  /** Snapshots readable by the owner's group too (0640 files in 0750 folders), not only the owner. */
  groupReadable?: boolean | undefined;
  /** With --incremental: run in full anyway when the last full run is older than this many days. @default 7 */
  fullEvery?: string | undefined;
  /** Aborts the run (Ctrl-C, SIGTERM): nothing half-written is left, the last good snapshot stays. */
  signal?: AbortSignal | undefined;
  /** Clock (ms), for tests. @default Date.now */
  now?: () => number;
  /** The progress lines' clock and period, for tests. @default the system clock, a line every 10 s */
  progress?: Pick<SyncProgressOptions, 'clock' | 'heartbeatMs'> | undefined;
}

export interface SyncEntitySummary {
  entity: EntityName;
  count: number | null;
  file: string | null;
  skipped: string | null;
  requests: number;
  retries: number;
  rateLimited: number;
}

/** The `--json` document of sync. */
export interface SyncResult {
  status: 'complete' | 'partial';
  exitCode: ExitCodeValue;
  profile: string;
  org: string;
  mode: 'full' | 'incremental';
  /** Why an --incremental run ran in full, if it did. */
  fullReason: string | null;
  snapshot: { id: string; dir: string };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  entities: SyncEntitySummary[];
  warnings: string[];
  pruned: string[];
}

const percentSchema = z.coerce.number().min(1).max(100);
const concurrencySchema = z.coerce.number().int().min(1).max(50);
const keepSchema = z.coerce.number().int().min(1);
const daysSchema = z.coerce.number().min(0);

/**
 * Okta's user search reads an eventually consistent index: changes are read from this long before
 * the previous run started, so a change indexed late is not missed.
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/listUsers
 */
const CHANGE_OVERLAP_MS = 10 * 60_000;

/** Okta keeps System Log events for 90 days; an incremental run cannot resume from an older checkpoint. */
const SYSTEM_LOG_RETENTION_MS = 85 * 86_400_000;

/** What state.json keeps for the next incremental run (under `cursors.incremental`). */
const incrementalCursorSchema = z.object({
  base: z.string(),
  serverStartedAt: z.iso.datetime({ offset: true }),
  logCheckpoint: z.url(),
  entities: z.array(z.string()),
  org: z.string(),
});
type IncrementalCursor = z.infer<typeof incrementalCursorSchema>;

/** Decides between a full and an incremental run; returns the base to build on, or why not. */
async function planRun(
  options: SyncOptions,
  fullEvery: number,
  outputDir: string,
  entities: ReadonlySet<EntityName>,
  org: string,
  now: number,
): Promise<{ cursor: IncrementalCursor } | { reason: string | null }> {
  if (options.full || !options.incremental) return { reason: null };
  let state: Awaited<ReturnType<typeof loadSyncState>>;
  try {
    state = await loadSyncState(outputDir, options.profile);
  } catch (error) {
    return { reason: `the saved state is unreadable (${(error as Error).message})` };
  }
  const parsed = incrementalCursorSchema.safeParse(state?.cursors.incremental);
  if (!state || !parsed.success) return { reason: 'there is no complete run to build on yet' };
  const cursor = parsed.data;
  if (cursor.org !== org) return { reason: 'the last complete run was of another org' };
  const checkpointOrigin = new URL(cursor.logCheckpoint).origin;
  if (checkpointOrigin !== org) {
    // Following it would be refused (the token never leaves the org): every incremental run would fail.
    return {
      reason: `the System Log checkpoint in state.json is on another host (${new URL(cursor.logCheckpoint).host}, not ${new URL(org).host}; a state.json copied from another profile?), so it is ignored`,
    };
  }
  if ([...entities].sort().join() !== [...cursor.entities].sort().join()) {
    return { reason: 'the entities differ from the last complete run' };
  }
  if (entities.has('app_users') && !entities.has('app_groups')) {
    // Group-scoped assignments move with group memberships, found through app_groups.
    return { reason: 'app_users without app_groups can only be read in full' };
  }
  if (now - Date.parse(cursor.serverStartedAt) > SYSTEM_LOG_RETENTION_MS) {
    return { reason: 'the last complete run is older than the System Log keeps events (90 days)' };
  }
  const lastFull = state.lastFullSyncAt ? Date.parse(state.lastFullSyncAt) : 0;
  if (now - lastFull > fullEvery * 86_400_000) {
    return { reason: `the last full run is more than ${fullEvery} days old (--full-every)` };
  }
  if (!(await baseExists(profileDir(outputDir, options.profile), cursor.base))) {
    return { reason: "the last complete run's data is missing" };
  }
  return { cursor };
}

function parseFlag<T>(
  schema: z.ZodType<T>,
  value: string | undefined,
  flag: string,
  expected: string,
): T | undefined {
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`${flag} takes ${expected}; got "${value}".`);
  return parsed.data;
}

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

interface EntityActivity {
  requests: number;
  retries: number;
  rateLimited: number;
  waitMs: number;
}

/** A plain-line log file for cron: every line the person sees, with a timestamp, no colours. */
function openLogFile(path: string | undefined, cwd: string, env: Env) {
  if (path === undefined) return undefined;
  refuseEmptyPath('--log-file', path, 'no log file');
  const file = resolveUserPath(path, env, cwd);
  try {
    // Checked before any work: a folder that cannot exist (under /proc) must not hang the run.
    ensureWritableDir(dirname(file));
    appendFileSync(file, '');
  } catch (error) {
    const reason = diskErrorOf(error, { dir: dirname(file) }) ?? error;
    throw new UsageError(`Cannot write the log file ${file}: ${(reason as Error).message}`, {
      hint: 'Give --log-file a file in a folder this user can write, or leave it out.',
    });
  }
  return (line: string) => {
    try {
      appendFileSync(file, `${new Date().toISOString()} ${line}\n`);
    } catch {
      // A full disk must not turn a good sync into a failed one; the exit code still tells.
    }
  };
}

/**
 * What a run needs on disk, about: the last complete snapshot twice over (the snapshot and the
 * rows kept for --incremental), or twice what this run wrote before the disk filled.
 */
async function bytesNeeded(outputDir: string, profile: string): Promise<number> {
  const previous = await readLatestSnapshot(outputDir, profile).catch(() => undefined);
  const written = await bytesUnder(
    profileDir(outputDir, profile),
    (name) => name.startsWith('.partial-') && name.endsWith(`-${process.pid}`),
  );
  return Math.max(2 * (previous?.manifest.totals.bytes ?? 0), 2 * written);
}

async function bytesUnder(dir: string, include: (name: string) => boolean = () => true): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!include(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await bytesUnder(path);
    else
      total += await stat(path).then(
        (stats) => stats.size,
        () => 0,
      );
  }
  return total;
}

interface Connection {
  orgUrl: OrgUrl;
  /** Where the domain came from, for messages. */
  domainFrom: string;
  /** The user confirmed this host with `configure --trust-host`. */
  trustedHost: boolean;
  credentials: ResolvedCredentials;
  network: NetworkOptions;
  stop?: () => Promise<void>;
}

async function connect(options: SyncOptions, io: Io, outputDir: string): Promise<Connection> {
  if (options.demo) {
    // Loaded only for --demo: the sample org is not part of a real run.
    const { demoAnchor, demoPort, startDemoOrg } = await import('../../demo/start-demo-org.js');
    const oauth = options.auth !== undefined && parseAuthMode(options.auth, '--auth', true) === 'oauth';
    // An API Services app as Okta now creates them: private_key_jwt, DPoP required, with a nonce.
    const appKey = oauth ? generateSigningKey() : undefined;
    const org = await startDemoOrg(
      {
        size: 'tiny',
        rateLimits: { windowMs: 2_000 },
        ...(appKey
          ? {
              oauth: {
                clientId: DEMO_CLIENT_ID,
                publicKeys: [appKey.publicJwk],
                requireDpop: true,
                dpopNonce: 'token',
                tokenLifetimeSeconds: 300,
              },
            }
          : {}),
      },
      (why) => io.logger.warn(why),
      demoPort(options.env),
      await demoAnchor(outputDir, true),
    );
    try {
      registerSecret(org.token);
      let credentials: ResolvedCredentials = { kind: 'ssws', token: org.token, source: 'flag', notes: [] };
      if (appKey) {
        registerPrivateKey(appKey.privateKeyPem);
        credentials = {
          kind: 'oauth',
          clientId: DEMO_CLIENT_ID,
          key: parseSigningKey(appKey.privateKeyPem, 'the demo key'),
          keyId: appKey.kid,
          scopes: options.scopes ? parseScopes(options.scopes) : undefined,
          dpop: false,
          from: { clientId: '--demo', privateKey: '--demo', scopes: options.scopes ? '--scopes' : undefined },
          notes: [],
        };
      }
      io.logger.info(`Started the sample org at ${org.url} (a simulated Okta org on this machine).`);
      // Only an explicit --proxy applies: the sample org is on this machine, whatever HTTPS_PROXY says.
      const network = resolveNetwork({
        env: {},
        profile: options.profile,
        loadProfile: () => undefined,
        cwd: options.cwd,
        flags: { proxy: options.proxy, caFile: options.caFile },
      });
      return {
        orgUrl: parseOrgUrl(org.url),
        domainFrom: '--demo',
        trustedHost: false,
        credentials,
        network: network.options,
        stop: () => org.stop(),
      };
    } catch (error) {
      // A server left listening would keep the process alive after the error is printed.
      await org.stop();
      throw error;
    }
  }
  const loadProfile = profileLoader({ profile: options.profile, env: options.env });
  const resolve = { profile: options.profile, env: options.env, loadProfile };
  const { orgUrl, source } = resolveOrgUrl({ ...resolve, flags: { domain: options.domain } });
  const network = resolveNetwork({
    ...resolve,
    cwd: options.cwd,
    flags: { proxy: options.proxy, caFile: options.caFile },
  });
  if (network.proxy) io.logger.verbose(`proxy ${network.proxy.shown} (from ${network.proxy.from})`);
  const stdinToken = options.tokenStdin ? await readAllInput(io.stdin) : undefined;
  const credentials = resolveCredentials({
    ...resolve,
    cwd: options.cwd,
    flags: { auth: options.auth, token: stdinToken, scopes: options.scopes },
  });
  for (const note of credentials.notes) io.logger.warn(note);
  return {
    orgUrl,
    domainFrom: describeSource(source, 'domain', options.profile),
    trustedHost: loadProfile()?.trustedHost === orgUrl.host,
    credentials,
    network: network.options,
  };
}

const formatCount = (value: number) => value.toLocaleString('en-US');

/**
 * Pulls the whole inventory into a new snapshot folder. The snapshot appears whole or not at all,
 * and `latest.json` moves only when every entity was read (a partial run says so in its manifest
 * and exit code). One sync per profile at a time.
 */
export async function sync(options: SyncOptions, io: Io): Promise<SyncResult> {
  const logLine = openLogFile(options.logFile, options.cwd, options.env);
  const governor = startHeapGovernor();
  try {
    return await runSync(options, io, logLine);
  } catch (error) {
    // Cron users read the log file, not stderr: every failure, a bad config included, leaves a line.
    const failure = toConnectorError(error);
    logLine?.(`FAILED (exit ${failure.exitCode}, ${exitMeaning(failure)}): ${io.redact(failure.message)}`);
    throw error;
  } finally {
    const { collections, gcMs } = governor.stop();
    io.logger.verbose(`heap governor: ${collections} full collections, ${gcMs} ms`);
  }
}

async function runSync(
  options: SyncOptions,
  io: Io,
  logLine: ((line: string) => void) | undefined,
): Promise<SyncResult> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const entities = selectEntities(options.only, options.skip);
  const share = parseFlag(
    percentSchema,
    options.rateLimitShare,
    '--rate-limit-share',
    'a percentage from 1 to 100',
  );
  const concurrency = parseFlag(
    concurrencySchema,
    options.concurrency,
    '--concurrency',
    'a whole number from 1 to 50',
  );
  const keep = parseFlag(keepSchema, options.keep, '--keep', 'a whole number of at least 1');
  const fullEvery = parseFlag(daysSchema, options.fullEvery, '--full-every', 'a number of days') ?? 7;
  const log = {
    info: (message: string) => {
      io.logger.info(message);
      logLine?.(message);
    },
    warn: (message: string) => {
      io.logger.warn(message);
      logLine?.(`WARNING ${message}`);
    },
  };

  let settings: { outputDir: string; format: OutputFormat };
  let outputDirSource: string;
  if (options.demo) {
    refuseEmptyPath('--output-dir', options.outputDir, DEMO_OUTPUT_DIR);
    outputDirSource = options.outputDir === undefined ? 'the default' : '--output-dir';
    settings = {
      outputDir: resolveUserPath(options.outputDir ?? DEMO_OUTPUT_DIR, options.env, options.cwd),
      format: (options.format ?? 'json') as OutputFormat,
    };
    if (!['json', 'ndjson', 'csv'].includes(settings.format)) {
      throw new UsageError(`Unknown output format "${options.format}"; use one of json, ndjson, csv.`);
    }
  } else {
    const resolved = resolveSettings({
      profile: options.profile,
      env: options.env,
      cwd: options.cwd,
      flags: { outputDir: options.outputDir, format: options.format },
    });
    settings = resolved;
    outputDirSource = describeSource(resolved.sources.outputDir, 'outputDir', options.profile);
  }
  // Before any work: a folder that cannot be written fails now with what is in the way, not
  // minutes later as "a bug" (or never, under /proc).
  ensureWritableDir(settings.outputDir, { source: `from ${outputDirSource}` });
  const modes = fileModes(options.groupReadable);
  const profileFolder = profileDir(settings.outputDir, options.profile);
  ensureWritableDir(profileFolder, { mode: modes.dir });
  // Exactly, whatever the umask, and also for a folder an older version created 0755.
  chmodSync(profileFolder, modes.dir);

  const connection = await connect(options, io, settings.outputDir);
  let snapshot: SnapshotHandle | undefined;
  let base: BaseWriter | undefined;
  // A spinner left running keeps the process alive: every way out stops it.
  let stopSpinner = () => {};
  let lock: Awaited<ReturnType<typeof acquireLock>> | undefined;
  try {
    lock = await acquireLock({ dir: settings.outputDir, profile: options.profile });
    log.info(`Syncing ${connection.orgUrl.host} (profile "${options.profile}") into ${settings.outputDir}`);

    const activity = new Map<string, EntityActivity>();
    const activityOf = (label: string | undefined) => {
      const key = label ?? 'other';
      let entry = activity.get(key);
      if (!entry) {
        entry = { requests: 0, retries: 0, rateLimited: 0, waitMs: 0 };
        activity.set(key, entry);
      }
      return entry;
    };
    const verbose = logRequests(io);
    const spinner = io.spinner('Connecting to Okta…');
    const progress = new SyncProgress({
      ...options.progress,
      spinner: io.isTTY.stderr ? spinner : undefined,
      line: io.isTTY.stderr ? undefined : (text) => io.logger.info(text),
      logLine,
      totals: await lastRunCounts(settings.outputDir, options.profile, connection.orgUrl.origin),
    });
    progress.start();
    stopSpinner = () => {
      progress.stop();
      spinner.stop();
    };
    const client = new OktaClient({
      orgUrl: connection.orgUrl,
      credentials: clientCredentials(
        connection.credentials,
        scopesForEntities(entities, { incremental: Boolean(options.incremental && !options.full) }),
      ),
      network: connection.network,
      onSecret: registerSecret,
      scheduler: {
        ...(share === undefined ? {} : { share: share / 100 }),
        ...(concurrency === undefined ? {} : { concurrency }),
      },
      onRequest: (event: RequestEvent) => {
        verbose(event);
        const entry = activityOf(event.label);
        entry.requests++;
        if (event.attempt > 1) entry.retries++;
        if (event.status === 429) entry.rateLimited++;
        entry.waitMs += event.waitedMs ?? 0;
      },
      onSchedulerEvent: (event: SchedulerEvent) => {
        if (event.type === 'rate-limit-wait' && event.waitMs >= 1000) {
          progress.wait(event.bucket, event.waitMs);
        } else if (event.type === 'retry') {
          io.logger.verbose(
            `retry ${event.bucket} #${event.attempt} in ${event.delayMs} ms: ${event.reason}`,
          );
        }
      },
    });

    // Before anything carries the token: a mistyped custom domain must not receive it. The
    // well-known document also says which pipeline the org runs (devices exist only on Identity Engine).
    const verified = await verifyOktaOrg(client, {
      domainFrom: connection.domainFrom,
      trusted: connection.trustedHost,
    });
    if (verified.note) log.warn(verified.note);
    const organization = verified.organization;

    if (connection.credentials.kind === 'oauth') {
      // The token first: a refused client fails here with the token endpoint's advice, and a scope
      // Okta did not grant is named before the entities that need it are skipped.
      const token = await client.accessTokenInfo();
      if (token) {
        log.info(
          `Signed in as OAuth app ${connection.credentials.clientId} (${token.type === 'DPoP' ? 'DPoP-bound' : 'Bearer'} access token; scopes ${token.scopes.join(' ')}).`,
        );
        for (const scope of token.missingScopes) {
          log.warn(
            `Okta did not grant ${scope}: what needs it will be skipped. Grant it to the app (Admin Console > Applications > the app > Okta API Scopes).`,
          );
        }
      }
    }

    // The server's clock anchors the usage windows and the next run's change filters.
    const serverStartedAt = organization?.serverDate?.getTime() ?? startedAt;
    const plan = await planRun(
      options,
      fullEvery,
      settings.outputDir,
      entities,
      connection.orgUrl.origin,
      startedAt,
    );
    const mode = 'cursor' in plan ? 'incremental' : 'full';
    const fullReason = 'reason' in plan ? plan.reason : null;
    if (fullReason) log.info(`Running a full sync: ${fullReason}.`);
    let incremental: IncrementalBase | undefined;
    if ('cursor' in plan) {
      const baseDir = join(profileDir(settings.outputDir, options.profile), plan.cursor.base);
      incremental = {
        rows: (name) => readBaseRows(baseDir, name),
        changedSince: new Date(Date.parse(plan.cursor.serverStartedAt) - CHANGE_OVERLAP_MS).toISOString(),
        logCheckpoint: plan.cursor.logCheckpoint,
      };
    }

    snapshot = await beginSnapshot({
      outputDir: settings.outputDir,
      profile: options.profile,
      now: new Date(startedAt),
      modes,
    });
    const openSnapshot = snapshot;
    base = await beginBase(profileDir(settings.outputDir, options.profile), snapshot.id, modes);
    const openBase = base;
    const csv = { bom: options.bom ?? false, formulaProtection: options.formulaProtection ?? true };

    if (options.signal?.aborted) throw interrupted();
    const collecting = collectInventory({
      client,
      entities,
      openWriter: (entity, columns) =>
        teeWriter(openSnapshot.writer(entity, settings.format, columns, csv), openBase.open(entity)),
      openUsageEventsWriter: () => openBase.open('usage_events'),
      incremental,
      now: serverStartedAt,
      pipeline: organization?.pipeline,
      onProgress: (entry) => progress.progress(entry),
    });
    const collected: CollectResult = await untilAborted(collecting, options.signal);

    const status = collected.skipped.some((entry) => entry.partial) ? 'partial' : 'complete';
    const finishedAt = now();
    const manifestEntities: Record<string, EntityManifest> = {};
    const fileOf = new Map<string, EntityFileResult>(collected.files.map((file) => [file.entity, file]));
    for (const entity of ENTITY_NAMES) {
      if (!entities.has(entity)) continue;
      const { requests, retries, rateLimited, waitMs } = activityOf(entity);
      const warnings = collected.warnings
        .filter((warning) => warning.entity === entity)
        .map((w) => w.message);
      const skippedEntry = collected.skipped.find((entry) => entry.entity === entity);
      const file = fileOf.get(entity);
      const base = { requests, retries, rateLimited, waitMs: Math.round(waitMs), warnings };
      if (skippedEntry || !file) {
        manifestEntities[entity] = { skipped: skippedEntry?.reason ?? 'not read', ...base };
      } else {
        manifestEntities[entity] = {
          file: file.file,
          format: file.format,
          count: file.count,
          bytes: file.bytes,
          sha256: file.sha256,
          ...(file.columns ? { columns: file.columns } : {}),
          ...base,
        };
      }
    }
    const manifest: Manifest = {
      formatVersion: 1,
      tool: { name: 'okta-connector', version: VERSION },
      profile: options.profile,
      org: connection.orgUrl.origin,
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date(finishedAt).toISOString(),
      durationMs: finishedAt - startedAt,
      mode,
      // app_usage's 30/90-day windows end here: Okta's clock at the start of the run.
      usageWindowEnd: new Date(serverStartedAt).toISOString(),
      options: {
        format: settings.format,
        entities: [...entities],
        rateLimitShare: share ?? 50,
        concurrency: concurrency ?? 8,
        ...(settings.format === 'csv' ? { csvBom: csv.bom, formulaProtection: csv.formulaProtection } : {}),
        ...(organization ? { pipeline: organization.pipeline } : {}),
      },
      status,
      entities: manifestEntities,
      totals: manifestTotals(manifestEntities),
    };
    const committed = await snapshot.commit(manifest);
    snapshot = undefined;
    spinner.stop();

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
        const previous = await loadSyncState(settings.outputDir, options.profile).catch(() => undefined);
        await saveSyncState(
          settings.outputDir,
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
          modes.file,
        );
        await removeOtherBases(profileDir(settings.outputDir, options.profile), baseFolder);
      });

    let pruned: string[] = [];
    if (keep !== undefined) {
      await afterCommit('Pruning old snapshots (--keep)', async () => {
        pruned = (await pruneSnapshots({ outputDir: settings.outputDir, profile: options.profile, keep }))
          .removed;
      });
    }
    for (const warning of collected.warnings) log.warn(warning.message);

    const summary: SyncEntitySummary[] = ENTITY_NAMES.filter((entity) => entities.has(entity)).map(
      (entity) => {
        const entry = manifestEntities[entity]!;
        const written = 'file' in entry && typeof entry.file === 'string' ? entry : undefined;
        return {
          entity,
          count: written ? (written.count as number) : null,
          file: written ? (written.file as string) : null,
          skipped: written ? null : String((entry as { skipped: string }).skipped),
          requests: entry.requests,
          retries: entry.retries,
          rateLimited: entry.rateLimited,
        };
      },
    );
    const exitCode = status === 'partial' ? ExitCode.Partial : ExitCode.Success;
    log.info(
      `${mode === 'incremental' ? 'Incremental sync' : 'Sync'} ${status} in ${((finishedAt - startedAt) / 1000).toFixed(1)} s: ${committed.dir}${status === 'partial' ? ' (partial: latest.json still names the last complete snapshot)' : ''}`,
    );
    return {
      status,
      exitCode,
      profile: options.profile,
      org: connection.orgUrl.origin,
      mode,
      fullReason,
      snapshot: { id: committed.id, dir: committed.dir },
      startedAt: manifest.startedAt,
      finishedAt: manifest.finishedAt,
      durationMs: manifest.durationMs,
      entities: summary,
      warnings: collected.warnings.map((warning) => warning.message),
      pruned,
    };
  } catch (error) {
    // A full, read-only or vanished disk mid-run: what to do, not "a bug".
    const code = (error as NodeJS.ErrnoException).code;
    const needBytes =
      code === 'ENOSPC' || code === 'EDQUOT'
        ? await bytesNeeded(settings.outputDir, options.profile)
        : undefined;
    throw diskErrorOf(error, { dir: settings.outputDir, needBytes, runtime: true }) ?? error;
  } finally {
    stopSpinner();
    await snapshot?.abort().catch(() => undefined);
    await base?.abort().catch(() => undefined);
    await lock?.release().catch(() => undefined);
    await connection.stop?.();
  }
}

function exitMeaning(error: ConnectorError): string {
  const name = (Object.keys(ExitCode) as (keyof typeof ExitCode)[]).find(
    (key) => ExitCode[key] === error.exitCode,
  );
  return name ?? 'error';
}

/** Resolves with `work`, or rejects with InterruptedError as soon as `signal` aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  // Work abandoned on abort fails later (its snapshot is gone): that must not crash the process.
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(interrupted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(interrupted());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function interrupted(): InterruptedError {
  return new InterruptedError(
    'Sync interrupted; nothing was written and the last complete snapshot is untouched.',
    {
      hint: 'Run sync again when ready.',
    },
  );
}

/** The human summary: a table of entity, count and file, then the snapshot path. */
export function renderSyncResult(
  result: SyncResult,
  io: Io,
  demo: { demo: boolean; outputDir?: string | undefined } = { demo: false },
): void {
  const rows = result.entities.map((entry) => [
    entry.entity,
    entry.count === null ? '-' : formatCount(entry.count),
    entry.file ?? `skipped: ${entry.skipped}`,
  ]);
  const header = ['entity', 'count', 'file'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 1 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  io.print(io.color.bold(line(header)));
  for (const row of rows) io.print(line(row));
  io.print('');
  io.print(`Snapshot (${result.status}): ${result.snapshot.dir}`);
  if (demo.demo) {
    const from =
      demo.outputDir === undefined ? '--demo' : `--demo --output-dir ${quoteForShell(demo.outputDir)}`;
    io.print('');
    io.print('Export it from this folder, e.g.:');
    io.print(`  okta-connector export ${from} --view licence-usage --output licences.html`);
    io.print(`  okta-connector export ${from} --view users --output users.csv`);
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

/** A word as sh reads it: unchanged when safe, else in single quotes. */
function quoteForShell(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
