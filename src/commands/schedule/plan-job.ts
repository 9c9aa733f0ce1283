import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveUserPath } from '../../config/paths.js';
import { ENV, resolveSettings } from '../../config/resolve.js';
import { type CronExpression, parseCron, parseSchedule } from '../../config/schedule.js';
import type { Profile } from '../../config/schema.js';
import { ConfigStore } from '../../config/store.js';
import { ConfigError, UsageError } from '../../errors.js';
import { crontabLine, markerLine } from '../../schedule/crontab.js';
import { nextRun } from '../../schedule/next-run.js';
import { parseScheduledKeep } from '../../schedule/scheduled-retention.js';
import { schtasksCreateArgs, taskName, windowsCommandLine } from '../../schedule/schtasks.js';
import type { Env } from '../../ui/io.js';
import type { JobFlags } from './options.js';
import { isForeign, pathFor, type ScheduledJob, type Scheduler, schedulerOf } from './scheduled-job.js';

/** What a job is planned from: the profile, this shell's environment, and the flags. */
export interface JobOptions extends JobFlags {
  profile: string;
  env: Env;
  /** Relative `--log-file` values resolve against it. */
  cwd: string;
  /** Clock for the next run. @default () => new Date() */
  now?: (() => Date) | undefined;
}

/** This installation's `bin/okta-connector.js` (the same three levels up from src/commands/schedule and dist/commands/schedule). */
export function defaultCliPath(): string {
  const script = fileURLToPath(new URL('../../../bin/okta-connector.js', import.meta.url));
  try {
    return realpathSync(script);
  } catch {
    return script;
  }
}

/** The config store and the profile the command is about. */
export function loadProfile(options: { profile: string; env: Env }): {
  store: ConfigStore;
  profile: Profile | undefined;
} {
  const store = new ConfigStore(options.env);
  return { store, profile: store.getProfile(options.profile) };
}

function chooseSchedule(options: JobOptions, profile: Profile | undefined) {
  if (options.schedule !== undefined) {
    const cron = parseCron(options.schedule);
    return { schedule: parseSchedule(options.schedule), cron };
  }
  if (profile?.schedule) {
    try {
      return { schedule: parseSchedule(profile.schedule), cron: parseCron(profile.schedule) };
    } catch (error) {
      throw new ConfigError(
        `The schedule stored in profile "${options.profile}" is invalid: ${(error as Error).message}`,
        {
          hint: `Store a valid one with "okta-connector configure --profile ${options.profile} --schedule daily", or pass --schedule.`,
        },
      );
    }
  }
  const flag = options.profile === 'default' ? '' : ` --profile ${options.profile}`;
  throw new UsageError(
    `No schedule to install: profile "${options.profile}" has none stored and --schedule was not given.`,
    {
      hint: `Pass one, e.g. "okta-connector schedule install${flag} --schedule daily" (hourly, daily, weekly or a cron expression such as "30 2 * * *"), or store it with "okta-connector configure${flag} --schedule daily".`,
    },
  );
}

function absoluteOn(platform: string, value: string, flag: string, options: JobOptions): string {
  if (pathFor(platform).isAbsolute(value)) return value;
  if (isForeign(platform)) {
    throw new UsageError(
      `${flag} must be an absolute ${platform} path when printing for ${platform}; got "${value}".`,
    );
  }
  return resolveUserPath(value, options.env, options.cwd);
}

/** The environment of the scheduled run as far as okta-connector cares: the variables cron keeps. */
function jobEnvironment(options: JobOptions, scheduler: Scheduler): Env {
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
  options: JobOptions,
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

export interface PlannedJob {
  job: ScheduledJob;
  cron: CronExpression;
  warnings: string[];
}

/** Works out the job for `install` and `print`: schedule, paths, command, and what could go wrong under the scheduler. */
export function planJob(options: JobOptions, platform: string): PlannedJob {
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
              ? 'For example: --node-path "C:\\Program Files\\nodejs\\node.exe" --cli-path "C:\\okta\\bin\\okta-connector.js" --log-file "C:\\okta\\sync.log"'
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
