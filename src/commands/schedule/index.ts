import { existsSync, realpathSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveUserPath } from '../../config/paths.js';
import { ENV, resolveSettings } from '../../config/resolve.js';
import {
  type CronExpression,
  parseCron,
  parseSchedule,
  SCHEDULE_SHORTHANDS,
  scheduleToCron,
} from '../../config/schedule.js';
import type { Profile } from '../../config/schema.js';
import { ConfigStore } from '../../config/store.js';
import { ConfigError, UsageError } from '../../errors.js';
import {
  cronDaemonStatus,
  type ProcessInfo,
  type SchedulerStatus,
} from '../../schedule/cron-daemon-status.js';
import {
  crontabLine,
  findEntry,
  foreignSyncLines,
  listEntryProfiles,
  markerLine,
  readCrontab,
  withEntry,
  withoutEntry,
  writeCrontab,
} from '../../schedule/crontab.js';
import { nextRun } from '../../schedule/next-run.js';
import { jobConfigDir } from '../../schedule/remove-scheduled-sync.js';
import { type CommandRunner, runCommand } from '../../schedule/run-command.js';
import { runSchtasks } from '../../schedule/run-schtasks.js';
import {
  DEFAULT_SCHEDULED_KEEP,
  keepOfArgv,
  parseScheduledKeep,
} from '../../schedule/scheduled-retention.js';
import {
  decodeSchtasksOutput,
  parseTaskXml,
  schtasksCreateArgs,
  schtasksDeleteArgs,
  schtasksQueryArgs,
  taskName,
  windowsCommandLine,
} from '../../schedule/schtasks.js';
import type { Env, Io } from '../../ui/io.js';

/** Operating systems `schedule print --platform` writes for. */
export const SCHEDULE_PLATFORMS = ['linux', 'darwin', 'win32'] as const;

/** cron (Linux, macOS, other Unix) or Windows Task Scheduler. */
export type Scheduler = 'cron' | 'task-scheduler';

export interface ScheduleOptions {
  profile: string;
  env: Env;
  /** Relative `--log-file` values resolve against it. */
  cwd: string;
  /** The OS to schedule on; `schedule print --platform`. @default process.platform */
  platform?: string | undefined;
  /** Runs `crontab` and `schtasks`. @default runCommand */
  run?: CommandRunner;
  /** Clock for the next run. @default () => new Date() */
  now?: () => Date;
  /** The machine's processes, to tell whether cron runs (null: cannot see them). @default /proc */
  listProcesses?: () => Promise<ProcessInfo[] | null>;
}

export interface ScheduleEntryOptions extends ScheduleOptions {
  /** `--at`: hourly, daily, weekly or 5 cron fields. @default the profile's stored schedule */
  at?: string | undefined;
  /** `--full`: run sync in full every time instead of `--incremental`. */
  full?: boolean | undefined;
  /** `--log-file`. @default `<output-dir>/<profile>/sync.log` */
  logFile?: string | undefined;
  /** `--keep <n>|all`: passed on to sync, which then keeps the newest n snapshots. @default DEFAULT_SCHEDULED_KEEP */
  keep?: string | undefined;
  /** `--node-path`: the Node binary the job runs. @default process.execPath */
  nodePath?: string | undefined;
  /** `--cli-path`: the okta-connector script the job runs. @default this installation's bin/okta-connector.js */
  cliPath?: string | undefined;
}

/** A scheduled sync: what runs, when, and how it is written for the scheduler. */
export interface ScheduledJob {
  profile: string;
  platform: string;
  scheduler: Scheduler;
  /** As stored or given: `daily`, or a cron expression. */
  schedule: string;
  /** The 5-field cron expression it stands for. */
  cron: string;
  /** The next start, ISO 8601 (computed in this machine's time zone), or null. */
  nextRun: string | null;
  /** The command the job runs, word by word (absolute Node binary first). */
  argv: string[];
  /** Environment the job sets for the command (cron only). */
  env: Record<string, string>;
  logFile: string | null;
  /** The `--keep` the job passes to sync, or null: it keeps every snapshot. */
  keep: number | null;
  /** cron: the marker comment and the cron line. */
  crontab: { marker: string; line: string } | null;
  /** Windows: the task's name and the `schtasks` arguments that create it. */
  task: { name: string; schtasks: string[]; commandLine: string } | null;
}

export type ScheduleResult =
  | { action: 'installed'; replaced: boolean; unchanged: boolean; job: ScheduledJob; warnings: string[] }
  | {
      action: 'shown';
      profile: string;
      scheduler: Scheduler;
      installed: boolean;
      enabled: boolean | null;
      job: ScheduledJob | null;
      /** The schedule stored in the profile (what `install` uses without --at). */
      storedSchedule: string | null;
      /** The last line of the job's log file, if there is one. */
      lastLogLine: string | null;
      /** cron: other profiles with an entry in the same crontab. */
      otherProfiles: string[];
      /** Whether the profile the job runs exists in the config folder the job reads. */
      profileExists: boolean;
      /** Whether the scheduler itself runs (null: cannot tell on this machine), and what was seen. */
      schedulerRunning: boolean | null;
      schedulerStatus: string;
      /** Installed, enabled, its profile exists, and the scheduler is not known to be stopped. */
      healthy: boolean;
      warnings: string[];
    }
  | { action: 'removed'; profile: string; scheduler: Scheduler; removed: boolean }
  | { action: 'printed'; text: string; job: ScheduledJob; warnings: string[] };

function targetPlatform(options: ScheduleOptions): string {
  const platform = options.platform ?? process.platform;
  if (options.platform !== undefined && !(SCHEDULE_PLATFORMS as readonly string[]).includes(platform)) {
    throw new UsageError(`--platform takes ${SCHEDULE_PLATFORMS.join(', ')}; got "${platform}".`);
  }
  return platform;
}

const schedulerOf = (platform: string): Scheduler => (platform === 'win32' ? 'task-scheduler' : 'cron');
const pathFor = (platform: string) => (platform === 'win32' ? path.win32 : path.posix);
const isForeign = (platform: string) => (platform === 'win32') !== (process.platform === 'win32');
const where = (scheduler: Scheduler) => (scheduler === 'cron' ? 'your crontab' : 'Task Scheduler');

/** This installation's `bin/okta-connector.js` (the same three levels up from src/commands/schedule and dist/commands/schedule). */
export function defaultCliPath(): string {
  const script = fileURLToPath(new URL('../../../bin/okta-connector.js', import.meta.url));
  try {
    return realpathSync(script);
  } catch {
    return script;
  }
}

function loadProfile(options: ScheduleOptions): { store: ConfigStore; profile: Profile | undefined } {
  const store = new ConfigStore(options.env);
  return { store, profile: store.getProfile(options.profile) };
}

function describeSchedule(schedule: string, cron: string): string {
  return schedule === cron ? cron : `${schedule} (${cron})`;
}

/** The stored form of a cron expression: the shorthand when it is one. */
function storedFormOf(cron: string): string {
  const shorthand = Object.entries(SCHEDULE_SHORTHANDS).find(([, expression]) => expression === cron);
  return shorthand ? shorthand[0] : cron;
}

function chooseSchedule(options: ScheduleEntryOptions, profile: Profile | undefined) {
  if (options.at !== undefined) {
    const cron = parseCron(options.at);
    return { schedule: parseSchedule(options.at), cron };
  }
  if (profile?.schedule) {
    try {
      return { schedule: parseSchedule(profile.schedule), cron: parseCron(profile.schedule) };
    } catch (error) {
      throw new ConfigError(
        `The schedule stored in profile "${options.profile}" is invalid: ${(error as Error).message}`,
        {
          hint: `Store a valid one with "okta-connector configure --profile ${options.profile} --schedule daily", or pass --at.`,
        },
      );
    }
  }
  const flag = options.profile === 'default' ? '' : ` --profile ${options.profile}`;
  throw new UsageError(
    `No schedule to install: profile "${options.profile}" has none stored and --at was not given.`,
    {
      hint: `Pass one, e.g. "okta-connector schedule install${flag} --at daily" (hourly, daily, weekly or a cron expression such as "30 2 * * *"), or store it with "okta-connector configure${flag} --schedule daily".`,
    },
  );
}

function absoluteOn(platform: string, value: string, flag: string, options: ScheduleOptions): string {
  if (pathFor(platform).isAbsolute(value)) return value;
  if (isForeign(platform)) {
    throw new UsageError(
      `${flag} must be an absolute ${platform} path when printing for ${platform}; got "${value}".`,
    );
  }
  return resolveUserPath(value, options.env, options.cwd);
}

/** The environment of the scheduled run as far as okta-connector cares: the variables cron keeps. */
function jobEnvironment(options: ScheduleOptions, scheduler: Scheduler): Env {
  const {
    [ENV.outputDir]: _outputDir,
    [ENV.format]: _format,
    [ENV.token]: _token,
    [ENV.orgUrl]: _org,
    ...rest
  } = options.env;
  if (scheduler === 'task-scheduler') return rest;
  const { [ENV.configDir]: _configDir, ...withoutConfigDir } = rest;
  return options.env[ENV.configDir]
    ? { ...withoutConfigDir, [ENV.configDir]: path.resolve(options.env[ENV.configDir]!) }
    : withoutConfigDir;
}

function credentialWarnings(
  options: ScheduleOptions,
  scheduler: Scheduler,
  profile: Profile | undefined,
  configPath: string,
): string[] {
  const warnings: string[] = [];
  const flag = options.profile === 'default' ? '' : ` --profile ${options.profile}`;
  const missing =
    scheduler === 'cron'
      ? 'cron runs jobs with an almost empty environment and will not have it'
      : 'the task will not have it unless it is set for your Windows account (setx)';
  if (!profile) {
    warnings.push(
      `There is no profile "${options.profile}" in ${configPath}: the scheduled sync will fail (exit 3) without one. Create it with "okta-connector configure${flag}".`,
    );
    return warnings;
  }
  if (!profile.domain) {
    warnings.push(
      options.env[ENV.orgUrl]
        ? `The Okta domain comes only from ${ENV.orgUrl} in this shell; ${missing}. Save it in the profile: okta-connector configure${flag} --domain ${options.env[ENV.orgUrl]}`
        : `Profile "${options.profile}" has no Okta domain: the scheduled sync will fail (exit 3). Set it with "okta-connector configure${flag} --domain <your-org>.okta.com".`,
    );
  }
  if (!profile.token) {
    warnings.push(
      options.env[ENV.token]
        ? `The API token comes only from ${ENV.token} in this shell; ${missing}, so the scheduled sync would fail (exit 3). Save it in the profile (it is stored in a file only you can read): printf '%s\\n' "$${ENV.token}" | okta-connector configure${flag} --token-stdin`
        : `Profile "${options.profile}" has no API token: the scheduled sync will fail (exit 3). Save one with "okta-connector configure${flag} --token-stdin".`,
    );
  }
  return warnings;
}

interface PlannedJob {
  job: ScheduledJob;
  cron: CronExpression;
  warnings: string[];
}

/** Works out the job for `install` and `print`: schedule, paths, command, and what could go wrong under the scheduler. */
function planJob(options: ScheduleEntryOptions, platform: string): PlannedJob {
  const scheduler = schedulerOf(platform);
  const { store, profile } = loadProfile(options);
  const { schedule, cron } = chooseSchedule(options, profile);
  const keep = parseScheduledKeep(options.keep);
  const warnings: string[] = [];
  // For another OS this machine's paths, environment and profile say nothing about the target.
  const foreign = isForeign(platform);
  if (foreign) {
    const missing = (['nodePath', 'cliPath', 'logFile'] as const).filter((key) => !options[key]);
    if (missing.length > 0) {
      const flags = missing.map(
        (key) => `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`,
      );
      throw new UsageError(
        `Printing for ${platform} on ${process.platform} needs the paths on the ${platform} machine: pass ${flags.join(', ')}.`,
        {
          hint:
            platform === 'win32'
              ? 'For example: --node-path "C:\\Program Files\\nodejs\\node.exe" --cli-path C:\\okta\\bin\\okta-connector.js --log-file C:\\okta\\sync.log'
              : 'For example: --node-path /usr/bin/node --cli-path /opt/okta-connector/bin/okta-connector.js --log-file /var/log/okta-connector/sync.log',
        },
      );
    }
  }

  const jobEnv = jobEnvironment(options, scheduler);
  const settings = resolveSettings({
    profile: options.profile,
    env: jobEnv,
    cwd: options.cwd,
    loadProfile: () => profile,
  });
  const envOutputDir = options.env[ENV.outputDir];
  if (
    !foreign &&
    envOutputDir &&
    resolveUserPath(envOutputDir, options.env, options.cwd) !== settings.outputDir
  ) {
    warnings.push(
      `${ENV.outputDir} is set in this shell, but the scheduled sync will not see it and writes to ${settings.outputDir}. To keep ${envOutputDir}, save it in the profile: okta-connector configure${options.profile === 'default' ? '' : ` --profile ${options.profile}`} --output-dir ${envOutputDir}`,
    );
  }
  if (!foreign && scheduler === 'task-scheduler' && options.env[ENV.configDir]) {
    warnings.push(
      `${ENV.configDir} is set in this shell; the task finds the profile only if it is also set for your Windows account (setx ${ENV.configDir} "${options.env[ENV.configDir]}").`,
    );
  }
  if (!foreign) warnings.push(...credentialWarnings(options, scheduler, profile, store.path));

  const paths = pathFor(platform);
  const logFile = options.logFile
    ? absoluteOn(platform, options.logFile, '--log-file', options)
    : paths.join(settings.outputDir, options.profile, 'sync.log');
  const nodePath = options.nodePath
    ? absoluteOn(platform, options.nodePath, '--node-path', options)
    : process.execPath;
  const cliPath = options.cliPath
    ? absoluteOn(platform, options.cliPath, '--cli-path', options)
    : defaultCliPath();
  if (!options.cliPath && /[\\/]_npx[\\/]/.test(cliPath)) {
    warnings.push(
      `okta-connector runs from npx's cache (${cliPath}), which npm may clean out. Install it for good (npm install -g okta-connector) and run "schedule install" again.`,
    );
  }

  const argv = [
    nodePath,
    cliPath,
    '--profile',
    options.profile,
    'sync',
    '--quiet',
    '--log-file',
    logFile,
    ...(options.full ? [] : ['--incremental']),
    ...(keep === null ? [] : ['--keep', String(keep)]),
  ];
  const env: Record<string, string> = {};
  if (!foreign && scheduler === 'cron' && jobEnv[ENV.configDir]) env[ENV.configDir] = jobEnv[ENV.configDir]!;
  const next = nextRun(cron, (options.now ?? (() => new Date()))());
  const job: ScheduledJob = {
    profile: options.profile,
    platform,
    scheduler,
    schedule,
    cron: cron.expression,
    nextRun: next?.toISOString() ?? null,
    argv,
    env,
    logFile,
    keep,
    crontab: null,
    task: null,
  };
  if (scheduler === 'cron') {
    job.crontab = { marker: markerLine(options.profile), line: crontabLine(cron.expression, argv, env) };
  } else {
    const schtasks = schtasksCreateArgs({ profile: options.profile, argv, cron });
    job.task = {
      name: taskName(options.profile),
      schtasks,
      commandLine: `schtasks ${windowsCommandLine(schtasks)}`,
    };
  }
  return { job, cron, warnings };
}

function warnAll(io: Io, warnings: string[]): void {
  for (const warning of warnings) io.logger.warn(warning);
}

/**
 * `schedule install`: adds (or replaces) the one entry of a profile: a line in the user's crontab,
 * or a Task Scheduler task on Windows, running `sync --quiet --log-file … --incremental`.
 */
export async function scheduleInstall(options: ScheduleEntryOptions, io: Io): Promise<ScheduleResult> {
  const platform = options.platform ?? process.platform;
  const run = options.run ?? runCommand;
  refuseMissingProfile(options);
  const { job, warnings } = planJob({ ...options, platform }, platform);
  let replaced: boolean;
  let unchanged = false;
  if (job.crontab) {
    const table = await readCrontab(run, options.env);
    const existing = findEntry(table, options.profile);
    replaced = existing !== undefined;
    const updated = withEntry(table, options.profile, job.crontab.line);
    unchanged = updated === table;
    if (!unchanged) await writeCrontab(run, options.env, updated);
    const daemon = await schedulerStatus({ ...options, platform, run }, 'cron');
    if (daemon.running === false) warnings.push(schedulerStoppedWarning(daemon, 'installed'));
    const others = foreignSyncLines(updated);
    if (others.length > 0) {
      warnings.push(
        `Your crontab also runs okta-connector sync on line${others.length > 1 ? 's' : ''} ${others.join(', ')}, which "schedule" does not manage; remove ${others.length > 1 ? 'them' : 'it'} with "crontab -e" if ${others.length > 1 ? 'they duplicate' : 'it duplicates'} this entry.`,
      );
    }
  } else {
    const query = await runSchtasks(run, options.env, schtasksQueryArgs(options.profile), {
      allowFailure: true,
    });
    replaced = query.exitCode === 0;
    await runSchtasks(run, options.env, job.task!.schtasks);
  }
  warnAll(io, warnings);
  return { action: 'installed', replaced, unchanged, job, warnings };
}

/** `schedule print`: the crontab lines or the schtasks command, without installing anything. */
export async function schedulePrint(options: ScheduleEntryOptions, io: Io): Promise<ScheduleResult> {
  const platform = targetPlatform(options);
  const { job, warnings } = planJob({ ...options, platform }, platform);
  warnAll(io, warnings);
  const text = job.crontab ? `${job.crontab.marker}\n${job.crontab.line}` : job.task!.commandLine;
  return { action: 'printed', text, job, warnings };
}

function jobFromArgv(
  profile: string,
  platform: string,
  cronText: string | null,
  argv: string[],
  env: Record<string, string>,
  now: Date,
): ScheduledJob {
  const at = argv.indexOf('--log-file');
  let next: Date | null = null;
  let cron: string | null = null;
  if (cronText !== null) {
    try {
      const parsed = parseCron(cronText);
      cron = parsed.expression;
      next = nextRun(parsed, now);
    } catch {
      cron = null;
    }
  }
  return {
    profile,
    platform,
    scheduler: schedulerOf(platform),
    schedule: cron === null ? (cronText ?? 'unknown') : storedFormOf(cron),
    cron: cron ?? cronText ?? '',
    nextRun: next?.toISOString() ?? null,
    argv,
    env,
    logFile: at >= 0 ? (argv[at + 1] ?? null) : null,
    keep: keepOfArgv(argv),
    crontab: null,
    task: null,
  };
}

/** The last non-empty line of a (possibly large) log file, from its last 4 KiB. */
async function lastLine(file: string | null): Promise<string | null> {
  if (!file || !existsSync(file)) return null;
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, 4096);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      const lines = buffer
        .toString('utf8')
        .split('\n')
        .map((line) => line.trim());
      return lines.filter((line) => line !== '').at(-1) ?? null;
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}

/** `schedule show`: what is installed for the profile, and when it next runs. */
export async function scheduleShow(options: ScheduleOptions, io: Io): Promise<ScheduleResult> {
  const platform = options.platform ?? process.platform;
  const scheduler = schedulerOf(platform);
  const run = options.run ?? runCommand;
  const now = (options.now ?? (() => new Date()))();
  const warnings: string[] = [];
  let storedSchedule: string | null = null;
  try {
    storedSchedule = loadProfile(options).profile?.schedule ?? null;
  } catch (error) {
    warnings.push(`Could not read the profile: ${(error as Error).message}`);
  }

  let job: ScheduledJob | null = null;
  let enabled: boolean | null = null;
  let otherProfiles: string[] = [];
  if (scheduler === 'cron') {
    const table = await readCrontab(run, options.env);
    otherProfiles = listEntryProfiles(table).filter((name) => name !== options.profile);
    const entry = findEntry(table, options.profile);
    if (entry && !entry.parsed) {
      warnings.push(
        `Your crontab has the marker of profile "${options.profile}" but not its line (edited by hand?); "schedule install" puts it back, "schedule remove" clears it.`,
      );
    }
    if (entry?.parsed) {
      job = jobFromArgv(
        options.profile,
        platform,
        entry.parsed.cron,
        entry.parsed.argv,
        entry.parsed.env,
        now,
      );
      job.crontab = { marker: markerLine(options.profile), line: entry.line! };
      enabled = true;
    }
  } else {
    const query = await runSchtasks(run, options.env, schtasksQueryArgs(options.profile), {
      allowFailure: true,
    });
    if (query.exitCode === 0) {
      const task = parseTaskXml(decodeSchtasksOutput(query.stdout));
      job = jobFromArgv(options.profile, platform, task.cron, task.argv, {}, now);
      job.task = {
        name: taskName(options.profile),
        schtasks: [],
        commandLine: windowsCommandLine(task.argv),
      };
      enabled = task.enabled;
      if (task.cron === null) {
        warnings.push(
          `The task "${taskName(options.profile)}" has a trigger okta-connector did not write; see it in Task Scheduler.`,
        );
      }
    }
  }
  const profileExists = job === null || jobProfileExists(options, job, warnings);
  const daemon = await schedulerStatus({ ...options, platform, run }, scheduler);
  if (job && daemon.running === false) warnings.push(schedulerStoppedWarning(daemon, 'shown'));
  if (job && job.keep === null) {
    warnings.push(
      `This scheduled sync keeps every snapshot (it was installed without --keep), so its folder grows without bound; run "okta-connector schedule install${options.profile === 'default' ? '' : ` --profile ${options.profile}`}" again to keep the newest ${DEFAULT_SCHEDULED_KEEP}, or with --keep all to keep this choice.`,
    );
  }
  if (job && profileExists && storedSchedule && job.cron && scheduleToCron(storedSchedule) !== job.cron) {
    warnings.push(
      `The profile's stored schedule is ${storedSchedule}, the installed one ${job.schedule}; run "okta-connector schedule install${options.profile === 'default' ? '' : ` --profile ${options.profile}`}" to install the stored one.`,
    );
  }
  warnAll(io, warnings);
  return {
    action: 'shown',
    profile: options.profile,
    scheduler,
    installed: job !== null,
    enabled,
    job,
    storedSchedule,
    lastLogLine: await lastLine(job?.logFile ?? null),
    otherProfiles,
    profileExists,
    schedulerRunning: daemon.running,
    schedulerStatus: daemon.detail,
    healthy: job !== null && enabled !== false && profileExists && daemon.running !== false,
    warnings,
  };
}

/**
 * Whether the job's profile exists where the job will look for it (a cron job's own
 * OKTA_CONNECTOR_CONFIG_DIR, else the default folder). A missing one gets a warning: every run
 * of the job would fail with exit 3.
 */
function jobProfileExists(options: ScheduleOptions, job: ScheduledJob, warnings: string[]): boolean {
  const dir = job.scheduler === 'cron' ? jobConfigDir(options.env, job.env) : undefined;
  const store = new ConfigStore(dir ? { ...options.env, [ENV.configDir]: dir } : options.env);
  let exists: boolean;
  try {
    exists = store.getProfile(options.profile) !== undefined;
  } catch (error) {
    warnings.push(`The scheduled sync cannot read its profile: ${(error as Error).message}`);
    return false;
  }
  if (!exists) {
    const flag = options.profile === 'default' ? '' : ` --profile ${options.profile}`;
    warnings.push(
      `Profile "${options.profile}" does not exist in ${store.path}: this scheduled sync fails (exit 3) on every run. Remove it with "okta-connector schedule remove${flag}", or create the profile again with "okta-connector configure${flag}".`,
    );
  }
  return exists;
}

/** Whether the scheduler runs: checked for cron (see cronDaemonStatus); Task Scheduler is not checked. */
async function schedulerStatus(
  options: ScheduleOptions & { platform: string; run: CommandRunner },
  scheduler: Scheduler,
): Promise<SchedulerStatus> {
  if (scheduler !== 'cron') return { running: null, detail: 'not checked on Windows' };
  return cronDaemonStatus({
    platform: options.platform,
    env: options.env,
    run: options.run,
    ...(options.listProcesses ? { listProcesses: options.listProcesses } : {}),
  });
}

function schedulerStoppedWarning(status: SchedulerStatus, when: 'installed' | 'shown'): string {
  const effect =
    when === 'installed'
      ? 'the entry is installed, but nothing will run until cron is started'
      : 'this entry does not run until cron is started';
  return `cron is not running on this machine (${status.detail}): ${effect}. ${status.hint ?? ''}`.trim();
}

/** `schedule install` of a profile that does not exist: every run would fail, so refuse (exit 2). */
function refuseMissingProfile(options: ScheduleOptions): void {
  const { store, profile } = loadProfile(options);
  if (profile) return;
  const flag = options.profile === 'default' ? '' : ` --profile ${options.profile}`;
  const names = Object.keys(store.read().profiles);
  throw new UsageError(
    `There is no profile "${options.profile}" in ${store.path}, so a scheduled sync of it would fail (exit 3) on every run.`,
    {
      hint:
        names.length > 0
          ? `Existing profiles: ${names.join(', ')}. Create this one first with "okta-connector configure${flag}", or choose one with --profile.`
          : `Create it first with "okta-connector configure${flag}".`,
    },
  );
}

/** `schedule remove`: removes only the profile's entry; nothing installed is not an error. */
export async function scheduleRemove(options: ScheduleOptions, _io: Io): Promise<ScheduleResult> {
  const platform = options.platform ?? process.platform;
  const scheduler = schedulerOf(platform);
  const run = options.run ?? runCommand;
  if (scheduler === 'cron') {
    const table = await readCrontab(run, options.env);
    const { table: updated, removed } = withoutEntry(table, options.profile);
    if (removed) await writeCrontab(run, options.env, updated);
    return { action: 'removed', profile: options.profile, scheduler, removed };
  }
  const query = await runSchtasks(run, options.env, schtasksQueryArgs(options.profile), {
    allowFailure: true,
  });
  if (query.exitCode !== 0) return { action: 'removed', profile: options.profile, scheduler, removed: false };
  await runSchtasks(run, options.env, schtasksDeleteArgs(options.profile));
  return { action: 'removed', profile: options.profile, scheduler, removed: true };
}

/** `2026-03-02 02:30 Europe/Berlin (in 3 h 5 min)`. */
export function formatNextRun(iso: string | null, now: Date = new Date()): string {
  if (iso === null) return 'never (the expression matches no date)';
  const date = new Date(iso);
  const pad = (value: number) => String(value).padStart(2, '0');
  const local = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const minutes = Math.max(0, Math.round((date.getTime() - now.getTime()) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const parts = [days ? `${days} d` : '', hours ? `${hours} h` : '', `${minutes % 60} min`].filter(Boolean);
  return `${local} ${zone} (in ${parts.join(' ')})`;
}

function jobLines(job: ScheduledJob, io: Io, stopped: { scheduler: boolean; profile: boolean }): string[] {
  const nextRunText = stopped.profile
    ? io.color.yellow('every run fails: the profile does not exist')
    : stopped.scheduler
      ? io.color.yellow(
          `none while cron is not running (it would be ${formatNextRun(job.nextRun).replace(/ \(in .*\)$/, '')})`,
        )
      : formatNextRun(job.nextRun);
  const rows: Array<[string, string]> = [
    ['schedule', describeSchedule(job.schedule, job.cron)],
    ['next run', nextRunText],
    [
      'runs',
      job.scheduler === 'cron'
        ? (job.crontab?.line.split(' ').slice(5).join(' ') ?? '')
        : windowsCommandLine(job.argv),
    ],
    ['log file', job.logFile ?? io.color.dim('(none)')],
    [
      'keeps',
      job.keep === null
        ? io.color.yellow('every snapshot (no --keep)')
        : `the newest ${job.keep} snapshot${job.keep === 1 ? '' : 's'}`,
    ],
  ];
  if (job.task) rows.splice(0, 0, ['task', job.task.name]);
  return rows.map(([label, value]) => `  ${label.padEnd(10)}${value}`);
}

/** Human output of the schedule subcommands. */
export function renderScheduleResult(result: ScheduleResult, io: Io): void {
  switch (result.action) {
    case 'installed': {
      const verb = result.unchanged ? 'Already installed' : result.replaced ? 'Replaced' : 'Installed';
      io.logger.success(
        `${verb}: the scheduled sync of profile "${result.job.profile}" in ${where(result.job.scheduler)}.`,
      );
      for (const line of jobLines(result.job, io, { scheduler: false, profile: false })) io.print(line);
      return;
    }
    case 'shown': {
      if (!result.job) {
        io.print(`No scheduled sync for profile "${result.profile}" in ${where(result.scheduler)}.`);
        const flag = result.profile === 'default' ? '' : ` --profile ${result.profile}`;
        io.logger.info(
          result.storedSchedule
            ? `Install it (${result.storedSchedule}, as stored in the profile) with: okta-connector schedule install${flag}`
            : `Install one with: okta-connector schedule install${flag} --at daily`,
        );
      } else {
        const state =
          result.enabled === false
            ? io.color.yellow(' (disabled)')
            : !result.profileExists
              ? io.color.yellow(' (its profile does not exist)')
              : result.schedulerRunning === false
                ? io.color.yellow(' (cron is not running)')
                : '';
        io.print(`Scheduled sync of profile "${result.profile}" in ${where(result.scheduler)}${state}:`);
        const stopped = { scheduler: result.schedulerRunning === false, profile: !result.profileExists };
        for (const line of jobLines(result.job, io, stopped)) io.print(line);
        if (result.lastLogLine) io.print(`  ${'last log'.padEnd(10)}${result.lastLogLine}`);
      }
      if (result.otherProfiles.length > 0) {
        io.logger.info(`Other profiles scheduled here: ${result.otherProfiles.join(', ')}`);
      }
      return;
    }
    case 'removed':
      if (result.removed) {
        io.logger.success(
          `Removed the scheduled sync of profile "${result.profile}" from ${where(result.scheduler)}.`,
        );
      } else {
        io.logger.info(
          `Nothing to remove: no scheduled sync for profile "${result.profile}" in ${where(result.scheduler)}.`,
        );
      }
      return;
    case 'printed':
      io.print(result.text);
      return;
  }
}

/** The flags of the schedule subcommands, as commander hands them over. */
export type ScheduleFlags = Pick<
  ScheduleEntryOptions,
  'at' | 'full' | 'logFile' | 'keep' | 'nodePath' | 'cliPath' | 'platform'
>;
