import { ConfigError, UsageError } from '../errors.js';
import { type OrgUrl, parseOrgUrl } from '../okta/org-url.js';
import type { Env } from '../ui/io.js';
import { registerSecret } from '../ui/redact.js';
import { homeDir, refuseEmptyPath, resolveUserPath } from './paths.js';
import { OUTPUT_FORMATS, type OutputFormat, outputFormatSchema, type Profile } from './schema.js';
import { ConfigStore } from './store.js';
import { normalizeToken } from './token.js';

/** Where a resolved value came from. Precedence: flag > env > profile (> default). */
export type ValueSource = 'flag' | 'env' | 'profile';
export type SettingSource = ValueSource | 'default';

/** Environment variables okta-connector reads (the first two are the Okta SDKs' own). */
export const ENV = {
  orgUrl: 'OKTA_CLIENT_ORGURL',
  token: 'OKTA_CLIENT_TOKEN',
  outputDir: 'OKTA_CONNECTOR_OUTPUT_DIR',
  format: 'OKTA_CONNECTOR_FORMAT',
  configDir: 'OKTA_CONNECTOR_CONFIG_DIR',
} as const;

export const DEFAULT_FORMAT: OutputFormat = 'json';
export const DEFAULT_OUTPUT_DIR_NAME = 'okta-inventory';

/** The default output directory: `~/okta-inventory`, absolute so that cron (cwd = home or /) and a shell agree. */
export function defaultOutputDir(env: Env): string {
  return resolveUserPath(`~/${DEFAULT_OUTPUT_DIR_NAME}`, env, homeDir(env));
}

export interface ConnectionFlags {
  /** `--domain`. */
  domain?: string | undefined;
  /** A token read from `--token-stdin` (never from argv). */
  token?: string | undefined;
}

const FLAG_NAMES = {
  domain: '--domain',
  token: '--token-stdin',
  outputDir: '--output-dir',
  format: '--format',
} as const;
const ENV_NAMES = {
  domain: ENV.orgUrl,
  token: ENV.token,
  outputDir: ENV.outputDir,
  format: ENV.format,
} as const;
export type Setting = keyof typeof FLAG_NAMES;

/** Human label for a value's origin: `--domain`, `OKTA_CLIENT_TOKEN`, `profile "default"`, `the default`. */
export function describeSource(source: SettingSource, setting: Setting, profile: string): string {
  if (source === 'flag') return FLAG_NAMES[setting];
  if (source === 'env') return ENV_NAMES[setting];
  if (source === 'profile') return `profile "${profile}"`;
  return 'the default';
}

export interface ResolveOptions {
  /** Profile name (already validated by the CLI). */
  profile: string;
  env: Env;
  /** @default the store for `env` */
  store?: ConfigStore;
  /**
   * Loads the profile; called at most once, and only when a flag or the environment does not give
   * a value. Share one between calls with {@link profileLoader}. @default reads `store`
   */
  loadProfile?: () => Profile | undefined;
}

export interface ResolvedConnection {
  profile: string;
  orgUrl: OrgUrl;
  token: string;
  sources: { domain: ValueSource; token: ValueSource };
  /** Fixes made to the token (a stripped `SSWS ` prefix…), to show as warnings. */
  notes: string[];
}

const SETUP_HINT = `Run "okta-connector configure", or set ${ENV.orgUrl} and ${ENV.token}.`;

/** A memoised profile reader (its error too), so several resolutions read the config file once. */
export function profileLoader(
  options: Pick<ResolveOptions, 'profile' | 'env' | 'store'>,
): () => Profile | undefined {
  let result: { profile: Profile | undefined } | { error: unknown } | undefined;
  return () => {
    if (!result) {
      try {
        result = { profile: (options.store ?? new ConfigStore(options.env)).getProfile(options.profile) };
      } catch (error) {
        result = { error };
      }
    }
    if ('error' in result) throw result.error;
    return result.profile;
  };
}

function pick<T>(
  flag: T | undefined,
  env: T | undefined,
  profile: () => T | undefined,
): { value: T; source: ValueSource } | undefined {
  if (flag !== undefined && flag !== '') return { value: flag, source: 'flag' };
  if (env !== undefined && env !== '') return { value: env, source: 'env' };
  const fromProfile = profile();
  return fromProfile !== undefined && fromProfile !== ''
    ? { value: fromProfile, source: 'profile' }
    : undefined;
}

function missing(what: 'domain' | 'API token', options: ResolveOptions, profile: Profile | undefined) {
  const where =
    profile === undefined
      ? `there is no profile "${options.profile}"`
      : `profile "${options.profile}" has no ${what === 'domain' ? 'domain' : 'token'}`;
  const variable = what === 'domain' ? ENV.orgUrl : ENV.token;
  return new ConfigError(`No Okta ${what}: ${where} and ${variable} is not set.`, {
    hint:
      options.profile === 'default'
        ? SETUP_HINT
        : `Run "okta-connector configure --profile ${options.profile}", or set ${ENV.orgUrl} and ${ENV.token}.`,
  });
}

/**
 * The org URL from the first of `--domain`, `OKTA_CLIENT_ORGURL`, the profile.
 * @throws ConfigError when missing or invalid, naming where the bad value came from.
 */
export function resolveOrgUrl(options: ResolveOptions & { flags?: Pick<ConnectionFlags, 'domain'> }): {
  orgUrl: OrgUrl;
  source: ValueSource;
} {
  const loadProfile = options.loadProfile ?? profileLoader(options);
  const domain = pick(options.flags?.domain, options.env[ENV.orgUrl], () => loadProfile()?.domain);
  if (!domain) throw missing('domain', options, loadProfile());
  try {
    return { orgUrl: parseOrgUrl(domain.value), source: domain.source };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const from = describeSource(domain.source, 'domain', options.profile);
    throw new ConfigError(`${error.message} (from ${from})`, { hint: error.hint });
  }
}

/**
 * The API token from the first of `--token-stdin`, `OKTA_CLIENT_TOKEN`, the profile, cleaned up by
 * {@link normalizeToken} and registered for redaction.
 * @throws ConfigError when missing or malformed (the message never contains the token).
 */
export function resolveToken(options: ResolveOptions & { flags?: Pick<ConnectionFlags, 'token'> }): {
  token: string;
  source: ValueSource;
  notes: string[];
} {
  const loadProfile = options.loadProfile ?? profileLoader(options);
  registerSecret(options.flags?.token?.trim());
  registerSecret(options.env[ENV.token]?.trim());
  const token = pick(options.flags?.token, options.env[ENV.token], () => loadProfile()?.token);
  if (!token) throw missing('API token', options, loadProfile());
  const normalized = normalizeToken(token.value, describeSource(token.source, 'token', options.profile));
  registerSecret(normalized.token);
  return { token: normalized.token, source: token.source, notes: normalized.notes };
}

/**
 * The org URL and API token to use, each from the first of: flag, environment, profile.
 * Every command works with only `OKTA_CLIENT_ORGURL` and `OKTA_CLIENT_TOKEN` set (no config file needed).
 * @throws ConfigError with a hint such as "run okta-connector configure or set OKTA_CLIENT_ORGURL and OKTA_CLIENT_TOKEN".
 */
export function resolveConnection(options: ResolveOptions & { flags?: ConnectionFlags }): ResolvedConnection {
  const shared = { ...options, loadProfile: options.loadProfile ?? profileLoader(options) };
  const domain = resolveOrgUrl(shared);
  const token = resolveToken(shared);
  return {
    profile: options.profile,
    orgUrl: domain.orgUrl,
    token: token.token,
    sources: { domain: domain.source, token: token.source },
    notes: token.notes,
  };
}

export interface SettingsFlags {
  /** `--output-dir`. */
  outputDir?: string | undefined;
  /** `--format`. */
  format?: string | undefined;
}

export interface ResolvedSettings {
  /** Absolute path. @default `~/okta-inventory` */
  outputDir: string;
  /** @default `json` */
  format: OutputFormat;
  /** Stored schedule (`daily`, a cron expression), if any. */
  schedule: string | undefined;
  sources: { outputDir: SettingSource; format: SettingSource };
}

/**
 * Output directory, format and schedule, each from the first of: flag, environment, profile, default.
 * Relative paths (and a leading `~`) resolve against `cwd` and the home directory.
 */
export function resolveSettings(
  options: ResolveOptions & { flags?: SettingsFlags; cwd?: string },
): ResolvedSettings {
  const { env, flags = {}, cwd = process.cwd() } = options;
  const profile = options.loadProfile ?? profileLoader(options);

  refuseEmptyPath(
    '--output-dir',
    flags.outputDir,
    'OKTA_CONNECTOR_OUTPUT_DIR, the profile or ~/okta-inventory',
  );
  const outputDir = pick(flags.outputDir, env[ENV.outputDir], () => profile()?.outputDir);
  const format = pick(flags.format, env[ENV.format], () => profile()?.format);
  let formatValue: OutputFormat = DEFAULT_FORMAT;
  if (format) {
    const parsed = outputFormatSchema.safeParse(format.value.toLowerCase());
    if (!parsed.success) {
      const message = `Unknown output format "${format.value}"; use one of ${OUTPUT_FORMATS.join(', ')}.`;
      if (format.source === 'flag') throw new UsageError(message);
      throw new ConfigError(`${message} (from ${describeSource(format.source, 'format', options.profile)})`);
    }
    formatValue = parsed.data;
  }
  return {
    outputDir: outputDir ? resolveUserPath(outputDir.value, env, cwd) : defaultOutputDir(env),
    format: formatValue,
    schedule: profile()?.schedule,
    sources: { outputDir: outputDir?.source ?? 'default', format: format?.source ?? 'default' },
  };
}
