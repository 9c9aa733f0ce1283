import type { JsonWebKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  type AuthMode,
  parseAuthMode,
  parseClientId,
  parseScopes,
  readPrivateKeyFile,
  registerPrivateKey,
} from '../../config/credentials.js';
import { parseProxyUrl, readCaFile, resolveNetwork } from '../../config/network.js';
import { resolveUserPath } from '../../config/paths.js';
import { DEFAULT_FORMAT, defaultOutputDir } from '../../config/resolve.js';
import { parseSchedule } from '../../config/schedule.js';
import { OUTPUT_FORMATS, type OutputFormat, outputFormatSchema, type Profile } from '../../config/schema.js';
import { ConfigStore, loadConfigWriter } from '../../config/store.js';
import { maskToken, normalizeToken } from '../../config/token.js';
import { ConfigError, ConnectorError, UsageError } from '../../errors.js';
import { ENTITY_NAMES } from '../../inventory/entities.js';
import { OktaClient, type OktaClientOptions } from '../../okta/client.js';
import { fetchOktaOrganization } from '../../okta/diagnostics.js';
import { NotFoundError } from '../../okta/errors.js';
import type { NetworkOptions } from '../../okta/network-options.js';
import { type OrgUrl, parseOrgUrl } from '../../okta/org-url.js';
import { describeProxy } from '../../okta/proxy-for-url.js';
import { generateSigningKey, parseSigningKey } from '../../okta/signing-key.js';
import { scopesForEntities } from '../../sync/entity-scopes.js';
import type { Env, Io } from '../../ui/io.js';
import { createPrompter, type Prompter, readAllInput } from '../../ui/prompt.js';
import { registerSecret } from '../../ui/redact.js';
import { logRequests } from '../../ui/request-log.js';
import { type DeletedSchedule, type DeleteProfileOptions, deleteProfile } from './delete-profile.js';

export interface ConfigureOptions {
  /** Profile to create, update, show or delete. */
  profile: string;
  env: Env;
  /** Relative `--output-dir` values resolve against it. */
  cwd: string;
  /** `--domain`: a host or URL, normalised by parseOrgUrl. */
  domain?: string | undefined;
  /** `--token-stdin`: read the token from stdin (a hidden prompt on a terminal). */
  tokenStdin?: boolean | undefined;
  /** `--auth token|oauth`: an API token (default) or an OAuth 2.0 service app. */
  auth?: string | undefined;
  /** OAuth: the API Services app's client id. */
  clientId?: string | undefined;
  /** OAuth: a PEM or JWK file of the private key (read, checked, stored in the 0600 profile). */
  privateKeyFile?: string | undefined;
  /** OAuth: the `kid` of the key, as the Admin Console shows it. */
  keyId?: string | undefined;
  /** OAuth: scopes to ask for, comma or space separated. */
  scopes?: string | undefined;
  /** OAuth: create a key pair, store the private key, print the public JWK. */
  generateKey?: boolean | undefined;
  /** OAuth: send DPoP proofs from the first token request. */
  dpop?: boolean | undefined;
  /** `--proxy`: a proxy URL to store, or `none` to remove it. */
  proxy?: string | undefined;
  /** `--ca-file`: a PEM file of extra CAs to store (its absolute path), or `none` to remove it. */
  caFile?: string | undefined;
  /**
   * `--trust-host`: record the domain's host as confirmed, so sync sends the token there although
   * it does not answer /.well-known/okta-organization like an Okta org.
   */
  trustHost?: boolean | undefined;
  outputDir?: string | undefined;
  format?: string | undefined;
  schedule?: string | undefined;
  show?: boolean | undefined;
  list?: boolean | undefined;
  delete?: boolean | undefined;
  /** `--yes`: `--delete` without asking. */
  yes?: boolean | undefined;
  /** `--delete` removes the profile's scheduled sync: the OS and the runner of crontab/schtasks. */
  scheduler?: Pick<DeleteProfileOptions, 'platform' | 'run'>;
  /** For the custom-domain lookup. */
  client?: Pick<OktaClientOptions, 'scheduler' | 'timeoutMs'>;
}

/** A profile as shown to people: the token masked, missing settings filled with their defaults. */
export interface ProfileView {
  name: string;
  domain: string | null;
  /** `00ab…wxyz`, or null when the profile has no token. */
  token: string | null;
  outputDir: string;
  format: OutputFormat;
  schedule: string | null;
  /** Only for an OAuth profile (an API token is the default). */
  auth?: 'oauth';
  /** OAuth: the client id, and the key described (never shown). */
  clientId?: string;
  privateKey?: string;
  keyId?: string;
  scopes?: string;
  /** The proxy URL, its password masked (only when set). */
  proxy?: string;
  /** Only when set. */
  caFile?: string;
  /** Only when set: the host confirmed with --trust-host. */
  trustedHost?: string;
  /** Settings the profile does not set, shown with their default. */
  defaults: Array<'outputDir' | 'format'>;
}

/** What the custom-domain lookup found. */
export interface OrganizationLookup {
  verified: boolean;
  engine?: string;
  organizationUrl?: string;
  /** Why it could not be verified (never fatal). */
  warning?: string;
}

export type ConfigureResult =
  | {
      action: 'saved';
      created: boolean;
      configPath: string;
      profile: ProfileView;
      organization: OrganizationLookup | null;
      /** `--generate-key`: the public JWK to register on the app. */
      generatedKey?: ConfigureGeneratedKey;
    }
  | { action: 'shown'; configPath: string; profile: ProfileView }
  | {
      action: 'listed';
      configPath: string;
      profiles: Array<{ name: string; domain: string | null; hasToken: boolean }>;
    }
  | { action: 'deleted'; configPath: string; profile: string; schedule: DeletedSchedule }
  | { action: 'kept'; configPath: string; profile: string };

const MAX_ATTEMPTS = 5;

const SCRIPTED_EXAMPLE = `printf '%s\\n' "$OKTA_API_TOKEN" | okta-connector configure --domain acme.okta.com --token-stdin`;

/** How a domain is stored: the host for https, the whole origin on loopback (it may be http). */
export function domainForStorage(orgUrl: OrgUrl): string {
  return orgUrl.kind === 'loopback' ? orgUrl.origin : orgUrl.host;
}

function viewOf(name: string, profile: Profile, env: Env): ProfileView {
  const defaults: ProfileView['defaults'] = [];
  if (!profile.outputDir) defaults.push('outputDir');
  if (!profile.format) defaults.push('format');
  return {
    name,
    domain: profile.domain ?? null,
    token: profile.token ? maskToken(profile.token) : null,
    outputDir: profile.outputDir ?? defaultOutputDir(env),
    format: profile.format ?? DEFAULT_FORMAT,
    schedule: profile.schedule ?? null,
    ...(profile.auth === 'oauth' ? { auth: 'oauth' as const } : {}),
    ...(profile.clientId ? { clientId: profile.clientId } : {}),
    ...(profile.privateKey ? { privateKey: describeKey(profile.privateKey) } : {}),
    ...(profile.keyId ? { keyId: profile.keyId } : {}),
    ...(profile.scopes ? { scopes: profile.scopes } : {}),
    ...(profile.proxy ? { proxy: maskedProxy(profile.proxy) } : {}),
    ...(profile.caFile ? { caFile: profile.caFile } : {}),
    ...(profile.trustedHost ? { trustedHost: profile.trustedHost } : {}),
    defaults,
  };
}

/** `RSA key (RS256)`: what a stored private key is, never the key. */
function describeKey(text: string): string {
  try {
    const key = parseSigningKey(text, 'the profile');
    return `${key.key.asymmetricKeyType === 'rsa' ? 'RSA' : 'EC'} key (${key.alg})`;
  } catch {
    return '(invalid key)';
  }
}

function maskedProxy(value: string): string {
  try {
    return describeProxy(parseProxyUrl(value, 'the profile'));
  } catch {
    return '(invalid)';
  }
}

const NONE = /^none$/i;

function parseFormat(value: string): OutputFormat {
  const parsed = outputFormatSchema.safeParse(value.trim().toLowerCase());
  if (!parsed.success) {
    throw new UsageError(`Unknown output format "${value}".`, {
      hint: `Use one of ${OUTPUT_FORMATS.join(', ')}.`,
    });
  }
  return parsed.data;
}

function noProfile(name: string, store: ConfigStore): ConfigError {
  const names = Object.keys(store.read().profiles);
  return new ConfigError(`There is no profile "${name}" in ${store.path}.`, {
    hint:
      names.length > 0
        ? `Existing profiles: ${names.join(', ')}. Create this one with: okta-connector configure --profile ${name}`
        : `Create it with: okta-connector configure --profile ${name}`,
  });
}

/** Asks until `parse` accepts the answer, showing each error and its hint. The input ending is not retried. */
async function askUntilValid<T>(
  io: Io,
  ask: () => Promise<string>,
  parse: (answer: string) => T,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const answer = await ask();
    try {
      return parse(answer);
    } catch (error) {
      if (!(error instanceof ConnectorError) || attempt >= MAX_ATTEMPTS) throw error;
      io.logger.error(error.message);
      if (error.hint) io.logger.info(`  ${error.hint}`);
    }
  }
}

/** Looks up a custom domain's canonical org. Any failure is a warning: the profile is saved anyway. */
async function lookUpOrganization(
  orgUrl: OrgUrl,
  token: string,
  options: ConfigureOptions,
  io: Io,
  network: NetworkOptions,
  trusted: boolean,
): Promise<OrganizationLookup> {
  const spinner = io.spinner(`Checking that ${orgUrl.host} is an Okta org…`);
  const client = new OktaClient({
    orgUrl,
    credentials: { kind: 'ssws', token },
    network,
    timeoutMs: options.client?.timeoutMs ?? 10_000,
    scheduler: { maxRetries: 1, ...options.client?.scheduler },
    onRequest: logRequests(io),
  });
  try {
    const org = await fetchOktaOrganization(client);
    const canonical = org.organizationUrl ? `; its Okta URL is ${org.organizationUrl}` : '';
    spinner.succeed(`${orgUrl.host} is a custom domain of an Okta org (${org.engine})${canonical}.`);
    return {
      verified: true,
      engine: org.engine,
      ...(org.organizationUrl ? { organizationUrl: org.organizationUrl } : {}),
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const warning =
      error instanceof NotFoundError
        ? `${orgUrl.host} does not look like an Okta org (no /.well-known/okta-organization). Check the domain.`
        : `Could not confirm that ${orgUrl.host} is an Okta org: ${reason}`;
    spinner.warn(
      trusted
        ? `${warning} The profile is saved; sync uses this host because you confirmed it (--trust-host).`
        : `${warning} The profile is saved anyway, but sync will not send the token there: run "okta-connector test-connection" to check, and only if this host is yours, confirm it with "okta-connector configure --trust-host".`,
    );
    return { verified: false, warning };
  }
}

/**
 * `okta-connector configure`: creates or updates a profile (interactively on a terminal, or from
 * flags), or shows, lists or deletes profiles. The token is read only from stdin or a hidden prompt.
 */
export async function configure(options: ConfigureOptions, io: Io): Promise<ConfigureResult> {
  await loadConfigWriter();
  const store = new ConfigStore(options.env);
  const name = options.profile;
  const modes = (['show', 'list', 'delete'] as const).filter((mode) => options[mode]);
  const settingFlags = (
    [
      'domain',
      'tokenStdin',
      'auth',
      'clientId',
      'privateKeyFile',
      'keyId',
      'scopes',
      'generateKey',
      'dpop',
      'proxy',
      'caFile',
      'trustHost',
      'outputDir',
      'format',
      'schedule',
    ] as const
  ).filter((flag) => options[flag] !== undefined && options[flag] !== false);
  if (modes.length > 1) {
    throw new UsageError(`--${modes[0]} and --${modes[1]} cannot be used together.`);
  }
  if (modes.length === 1 && settingFlags.length > 0) {
    const flag = settingFlags[0]!.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    throw new UsageError(`--${modes[0]} cannot be combined with --${flag}.`);
  }

  if (options.list) {
    const profiles = Object.entries(store.read().profiles).map(([profileName, profile]) => ({
      name: profileName,
      domain: profile.domain ?? null,
      hasToken: Boolean(profile.token),
    }));
    return { action: 'listed', configPath: store.path, profiles };
  }
  if (options.show) {
    const profile = store.getProfile(name);
    if (!profile) throw noProfile(name, store);
    return { action: 'shown', configPath: store.path, profile: viewOf(name, profile, options.env) };
  }
  if (options.yes && !options.delete) throw new UsageError('--yes goes with --delete.');
  if (options.delete) {
    if (!store.getProfile(name)) throw noProfile(name, store);
    const schedule = await deleteProfile(
      store,
      { ...options.scheduler, profile: name, env: options.env, yes: options.yes },
      io,
    );
    if (schedule === 'kept') return { action: 'kept', configPath: store.path, profile: name };
    return { action: 'deleted', configPath: store.path, profile: name, schedule };
  }

  const existing = store.getProfile(name);
  const interactive = io.isTTY.stdin;
  const wizard = interactive && settingFlags.length === 0;
  const needsDomain = options.domain === undefined && !existing?.domain;
  let oauth =
    (options.auth !== undefined ? parseAuthMode(options.auth, '--auth', true) : existing?.auth) === 'oauth' ||
    (options.auth === undefined &&
      (options.clientId !== undefined ||
        options.privateKeyFile !== undefined ||
        options.generateKey === true));
  const needsToken = !oauth && !options.tokenStdin && !existing?.token;
  if (!interactive && (settingFlags.length === 0 || needsDomain || needsToken)) {
    const missing = [needsDomain ? '--domain' : '', needsToken ? '--token-stdin' : ''].filter(Boolean);
    throw new UsageError(
      settingFlags.length === 0
        ? 'configure asks its questions on a terminal; without one, give the settings as flags.'
        : `Profile "${name}" needs ${missing.join(' and ')} (standard input is not a terminal, so configure cannot ask).`,
      { hint: `For example: ${SCRIPTED_EXAMPLE}` },
    );
  }

  // Flags first: a bad flag fails before any question or read from stdin.
  let orgUrl = options.domain === undefined ? undefined : parseOrgUrl(options.domain);
  let format = options.format === undefined ? undefined : parseFormat(options.format);
  let schedule = options.schedule === undefined ? undefined : parseSchedule(options.schedule);
  const proxy =
    options.proxy === undefined || NONE.test(options.proxy.trim())
      ? options.proxy?.trim()
      : parseProxyUrl(options.proxy, '--proxy', true).href;
  let caFile: string | undefined;
  if (options.caFile !== undefined) {
    caFile = NONE.test(options.caFile.trim())
      ? 'none'
      : resolveUserPath(options.caFile.trim(), options.env, options.cwd);
    if (caFile !== 'none') readCaFile(caFile, '--ca-file', true);
  }
  let outputDir =
    options.outputDir === undefined
      ? undefined
      : resolveUserPath(options.outputDir, options.env, options.cwd);
  let token: string | undefined;
  let oauthAnswers: OAuthSettings = {};

  const acceptToken = (raw: string, source: string): string => {
    registerSecret(raw.trim());
    const normalized = normalizeToken(raw, source);
    for (const note of normalized.notes) io.logger.warn(note);
    registerSecret(normalized.token);
    return normalized.token;
  };

  let prompter: Prompter | undefined;
  const prompt = (): Prompter => {
    prompter ??= createPrompter(io);
    return prompter;
  };
  try {
    if (options.tokenStdin && !interactive) {
      token = acceptToken(await readAllInput(io.stdin), 'standard input');
    }
    if (wizard || (interactive && needsDomain)) {
      if (wizard) io.logger.info(`Setting up profile "${name}" (Enter keeps the value in brackets).`);
      orgUrl = await askUntilValid(
        io,
        () => prompt().ask('Okta domain (e.g. acme.okta.com)', existing?.domain),
        (answer) => parseOrgUrl(answer),
      );
    }
    if (wizard) {
      oauth =
        (await askUntilValid(
          io,
          () =>
            prompt().ask(
              'Authentication: 1) API token, 2) OAuth 2.0 service app',
              existing?.auth === 'oauth' ? '2' : '1',
            ),
          parseAuthChoice,
        )) === 'oauth';
      if (oauth) oauthAnswers = await askOAuth(io, prompt(), existing, options);
    }
    if (!oauth && token === undefined && (wizard || options.tokenStdin || needsToken)) {
      const keep = existing?.token && !options.tokenStdin ? existing.token : undefined;
      const question = keep ? `API token (Enter keeps ${maskToken(keep)})` : 'API token (input is hidden)';
      token = await askUntilValid(
        io,
        () => prompt().askSecret(question),
        (answer) => (keep && answer.trim() === '' ? keep : acceptToken(answer, 'the prompt')),
      );
    }
    if (wizard) {
      outputDir = await askUntilValid(
        io,
        () => prompt().ask('Output directory', existing?.outputDir ?? defaultOutputDir(options.env)),
        (answer) => resolveUserPath(answer, options.env, options.cwd),
      );
      format = await askUntilValid(
        io,
        () =>
          prompt().ask(`Output format (${OUTPUT_FORMATS.join(', ')})`, existing?.format ?? DEFAULT_FORMAT),
        parseFormat,
      );
      schedule = await askUntilValid(
        io,
        () =>
          prompt().ask(
            'Schedule (hourly, daily, weekly, a cron expression, or "none")',
            existing?.schedule ?? 'none',
          ),
        (answer) => (answer.trim().toLowerCase() === 'none' ? '' : parseSchedule(answer)),
      );
    }
  } finally {
    prompter?.close();
  }

  const finalOrgUrl = orgUrl ?? parseOrgUrl(existing?.domain);
  const finalToken = token ?? existing?.token;
  if (!finalToken && !oauth) throw new UsageError(`Profile "${name}" needs a token: pass --token-stdin.`);
  const profile: Profile = { ...existing, domain: domainForStorage(finalOrgUrl) };
  if (finalToken) profile.token = finalToken;
  let generated: ConfigureGeneratedKey | undefined;
  if (oauth) generated = applyOAuth(profile, { ...options, ...oauthAnswers });
  // An explicit choice of the API token (`--auth token`, the wizard) turns OAuth off.
  else if (profile.auth === 'oauth' && (wizard || options.auth !== undefined)) delete profile.auth;
  if (outputDir !== undefined) profile.outputDir = outputDir;
  if (format !== undefined) profile.format = format;
  if (schedule === '') delete profile.schedule;
  else if (schedule !== undefined) profile.schedule = schedule;
  if (proxy !== undefined && NONE.test(proxy)) delete profile.proxy;
  else if (proxy !== undefined) profile.proxy = proxy;
  if (caFile === 'none') delete profile.caFile;
  else if (caFile !== undefined) profile.caFile = caFile;
  if (options.trustHost) profile.trustedHost = finalOrgUrl.host;
  // A confirmation is of one host: another domain must be checked (and confirmed) anew.
  else if (profile.trustedHost !== undefined && profile.trustedHost !== finalOrgUrl.host)
    delete profile.trustedHost;

  const organization =
    finalOrgUrl.kind === 'custom'
      ? await lookUpOrganization(
          finalOrgUrl,
          finalToken ?? '',
          options,
          io,
          lookUpNetwork(profile, options),
          profile.trustedHost === finalOrgUrl.host,
        )
      : null;
  store.saveProfile(name, profile);
  return {
    action: 'saved',
    created: existing === undefined,
    configPath: store.path,
    profile: viewOf(name, profile, options.env),
    organization,
    ...(generated ? { generatedKey: generated } : {}),
  };
}

/** The OAuth settings of a profile, as the scripted flags give them (the wizard's answers take this shape too). */
type OAuthSettings = Pick<
  ConfigureOptions,
  'clientId' | 'privateKeyFile' | 'generateKey' | 'keyId' | 'scopes' | 'dpop'
>;

/** What the wizard's scopes question offers: every read scope a sync may need. */
const SYNC_READ_SCOPES = scopesForEntities(ENTITY_NAMES);

/** `1`, `2`, `token`, `oauth`, or the words of the choices. */
function parseAuthChoice(answer: string): AuthMode {
  const choice = answer.trim().toLowerCase();
  if (choice === '1' || choice === 'api token') return 'token';
  if (choice === '2' || choice.startsWith('oauth')) return 'oauth';
  try {
    return parseAuthMode(choice, 'The answer', true);
  } catch {
    throw new UsageError('That is not one of the choices.', {
      hint: 'Answer 1 (an API token) or 2 (an OAuth 2.0 API Services app).',
    });
  }
}

/** A pasted key (a PEM line, a JWK) instead of the path of its file: refused without repeating it. */
function looksLikeKeyMaterial(answer: string, path: string): boolean {
  return /^(-----|\{)/.test(answer) || (/^[A-Za-z0-9+/=_-]{40,}$/.test(answer) && !existsSync(path));
}

/**
 * The wizard's OAuth questions. Each answer is checked with what checks the matching flag and asked
 * again when wrong; the answers then go through {@link applyOAuth} like the flags would.
 */
async function askOAuth(
  io: Io,
  prompter: Prompter,
  existing: Profile | undefined,
  options: ConfigureOptions,
): Promise<OAuthSettings> {
  const answers: OAuthSettings = {};
  // Without a key yet, the app may not exist yet either: generate the key now, add the id later.
  const canWait = !existing?.clientId && !existing?.privateKey;
  const clientId = await askUntilValid(
    io,
    () =>
      prompter.ask(
        `Client ID of the API Services app${canWait ? ' (Enter if the app does not exist yet)' : ''}`,
        existing?.clientId,
      ),
    (answer) => (canWait && answer.trim() === '' ? '' : parseClientId(answer, 'The client id')),
  );
  if (clientId) answers.clientId = clientId;

  const keep = existing?.privateKey ? 'keep' : undefined;
  let fileKid: string | undefined;
  const key = await askUntilValid(
    io,
    () =>
      prompter.ask(
        `Private key: the path of a PEM or JWK file, or "generate" for a new key pair${keep ? ', or "keep"' : ''}`,
        keep ?? 'generate',
      ),
    (answer): 'keep' | 'generate' | { file: string } => {
      const value = answer.trim();
      if (keep && value.toLowerCase() === 'keep') return 'keep';
      if (/^generate$/i.test(value)) return 'generate';
      if (looksLikeKeyMaterial(value, resolveUserPath(value, options.env, options.cwd))) {
        registerPrivateKey(value);
        throw new UsageError(
          'That looks like the key itself; give the path of its file (nothing of it is kept).',
          {
            hint: 'Save the key in a file only you can read (chmod 600), then give its path.',
          },
        );
      }
      if (!clientId) {
        throw new UsageError('Without a client id, only "generate" works here.', {
          hint: 'Answer "generate" to create a key pair to register on the new app, or run configure again with the Client ID of the app that has this key.',
        });
      }
      const file = readPrivateKeyFile(value, options.env, options.cwd);
      fileKid = parseSigningKey(file.text, `the file ${file.path}`).kid;
      return { file: value };
    },
  );
  if (key === 'generate') answers.generateKey = true;
  else if (key !== 'keep') answers.privateKeyFile = key.file;

  if (key !== 'generate') {
    const kid = await askUntilValid(
      io,
      () =>
        prompter.ask(
          'Key ID (kid) shown on the app (optional: without it Okta tries each key)',
          existing?.keyId ?? fileKid,
        ),
      (answer) => answer.trim(),
    );
    if (kid !== '') answers.keyId = kid;
  }

  const defaultScopes = existing?.scopes ?? SYNC_READ_SCOPES.join(' ');
  const scopes = await askUntilValid(
    io,
    () => prompter.ask('Scopes to ask for (Enter: the read scopes sync needs)', defaultScopes),
    (answer) => {
      const parsed = parseScopes(answer);
      if (parsed.length === 0) {
        throw new UsageError('No scopes given.', { hint: `For example: ${SYNC_READ_SCOPES.join(' ')}` });
      }
      return parsed.join(' ');
    },
  );
  // Enter keeps the default: store nothing, so each run asks for what it needs (as without --scopes).
  const isDefault =
    parseScopes(defaultScopes).length === parseScopes(scopes).length &&
    parseScopes(scopes).every((scope) => parseScopes(defaultScopes).includes(scope));
  if (!isDefault) answers.scopes = scopes;

  const dpop = await askUntilValid(
    io,
    () =>
      prompter.ask(
        'Does the app require DPoP? New API Services apps do by default (yes/no)',
        existing?.auth === 'oauth' && !existing.dpop ? 'no' : 'yes',
      ),
    parseYesNo,
  );
  // As the flags: `--dpop` stores true, no flag stores nothing (DPoP is then used when Okta asks).
  if (dpop) answers.dpop = true;
  else if (existing?.dpop) answers.dpop = false;
  return answers;
}

function parseYesNo(answer: string): boolean {
  const value = answer.trim().toLowerCase();
  if (value === 'y' || value === 'yes') return true;
  if (value === 'n' || value === 'no') return false;
  throw new UsageError('Answer yes or no.');
}

/** The public half of a key made by `--generate-key`, to paste into the Admin Console. */
export interface ConfigureGeneratedKey {
  publicJwk: JsonWebKey;
  kid: string;
}

/**
 * Puts the OAuth settings into `profile`: the key read from `--private-key-file` (checked, then
 * stored as text in the 0600 file) or made by `--generate-key`, client id, key id, scopes, DPoP.
 */
function applyOAuth(
  profile: Profile,
  options: OAuthSettings & Pick<ConfigureOptions, 'profile' | 'env' | 'cwd'>,
): ConfigureGeneratedKey | undefined {
  profile.auth = 'oauth';
  let generated: ConfigureGeneratedKey | undefined;
  if (options.generateKey && options.privateKeyFile) {
    throw new UsageError('--generate-key and --private-key-file cannot be used together.');
  }
  if (options.generateKey) {
    const key = generateSigningKey();
    registerPrivateKey(key.privateKeyPem);
    profile.privateKey = key.privateKeyPem;
    profile.keyId = key.kid;
    generated = { publicJwk: key.publicJwk, kid: key.kid };
  } else if (options.privateKeyFile) {
    const file = readPrivateKeyFile(options.privateKeyFile, options.env, options.cwd);
    const key = parseSigningKey(file.text, `--private-key-file ${file.path}`);
    profile.privateKey = file.text.trim();
    if (key.kid && !options.keyId) profile.keyId = key.kid;
  }
  if (options.clientId !== undefined) profile.clientId = parseClientId(options.clientId, '--client-id');
  if (options.keyId !== undefined) profile.keyId = options.keyId.trim();
  if (options.scopes !== undefined) profile.scopes = parseScopes(options.scopes).join(' ');
  if (options.dpop !== undefined) profile.dpop = options.dpop;
  if (!profile.privateKey) {
    throw new UsageError(`Profile "${options.profile}" needs the app's private key.`, {
      hint: 'Pass --private-key-file <pem or jwk file>, or --generate-key to create a key pair and print the public key to register.',
    });
  }
  if (!profile.clientId && !generated) {
    throw new UsageError(`Profile "${options.profile}" needs the app's client id: pass --client-id.`, {
      hint: 'It is the Client ID of the API Services app (Admin Console > Applications > the app > General).',
    });
  }
  return generated;
}

/** The proxy and CAs the saved profile will use, for the custom-domain lookup (a failure is only a warning there). */
function lookUpNetwork(profile: Profile, options: ConfigureOptions): NetworkOptions {
  try {
    return resolveNetwork({
      env: options.env,
      profile: options.profile,
      loadProfile: () => profile,
      cwd: options.cwd,
    }).options;
  } catch {
    return {};
  }
}

function profileLines(view: ProfileView, io: Io): string[] {
  const dim = (text: string) => io.color.dim(text);
  const rows: Array<[string, string]> = [['domain', view.domain ?? dim('(not set)')]];
  if (view.auth === 'oauth') {
    rows.push(['auth', 'OAuth 2.0 service app (private_key_jwt)']);
    rows.push(['client id', view.clientId ?? dim('(not set: OKTA_CLIENT_CLIENTID must provide it)')]);
    rows.push(['key', `${view.privateKey ?? dim('(not set)')}${view.keyId ? `, kid ${view.keyId}` : ''}`]);
    rows.push(['scopes', view.scopes ?? dim('(what each sync needs)')]);
  } else {
    rows.push(['token', view.token ?? dim('(not set: OKTA_CLIENT_TOKEN must provide it)')]);
  }
  rows.push(
    ['output dir', `${view.outputDir}${view.defaults.includes('outputDir') ? dim(' (default)') : ''}`] as [
      string,
      string,
    ],
    ['format', `${view.format}${view.defaults.includes('format') ? dim(' (default)') : ''}`],
    ['schedule', view.schedule ?? dim('(none)')] as [string, string],
  );
  if (view.proxy) rows.push(['proxy', view.proxy]);
  if (view.caFile) rows.push(['CA file', view.caFile]);
  if (view.trustedHost) rows.push(['trusted', `${view.trustedHost} (--trust-host)`]);
  return rows.map(([label, value]) => `  ${label.padEnd(11)}${value}`);
}

/** Human output of {@link configure}. */
export function renderConfigureResult(result: ConfigureResult, io: Io): void {
  switch (result.action) {
    case 'saved':
      io.logger.success(
        `${result.created ? 'Created' : 'Updated'} profile "${result.profile.name}" in ${result.configPath}`,
      );
      for (const line of profileLines(result.profile, io)) io.print(line);
      if (result.generatedKey) {
        io.print('');
        io.print('Public key (JWK) to register on the API Services app:');
        io.print(JSON.stringify(result.generatedKey.publicJwk, null, 2));
        const saveClientId = result.profile.clientId
          ? '.'
          : `, and save the Client ID: okta-connector configure${result.profile.name === 'default' ? '' : ` --profile ${result.profile.name}`} --client-id <id>`;
        io.logger.info(
          `In the Admin Console: Applications > Applications > Create App Integration > API Services (or open the app) > General > Client Credentials > Edit > Client authentication: Public key / Private key > Add key > paste this JWK > Save. Then grant the Okta API Scopes (okta.users.read …), assign the Read-Only Administrator role (Admin roles tab)${saveClientId}`,
        );
      }
      io.logger.info(
        `Next: okta-connector test-connection${result.profile.name === 'default' ? '' : ` --profile ${result.profile.name}`}`,
      );
      return;
    case 'shown':
      io.print(`Profile "${result.profile.name}" ${io.color.dim(`(${result.configPath})`)}`);
      for (const line of profileLines(result.profile, io)) io.print(line);
      return;
    case 'listed': {
      if (result.profiles.length === 0) {
        io.logger.info(`No profiles yet in ${result.configPath}. Create one with: okta-connector configure`);
        return;
      }
      const width = Math.max(7, ...result.profiles.map((profile) => profile.name.length)) + 2;
      const domainWidth =
        Math.max(6, ...result.profiles.map((profile) => (profile.domain ?? '-').length)) + 2;
      io.print(io.color.bold(`${'PROFILE'.padEnd(width)}${'DOMAIN'.padEnd(domainWidth)}TOKEN`));
      for (const profile of result.profiles) {
        io.print(
          `${profile.name.padEnd(width)}${(profile.domain ?? '-').padEnd(domainWidth)}${profile.hasToken ? 'yes' : io.color.yellow('no')}`,
        );
      }
      return;
    }
    case 'deleted': {
      const where = result.schedule.scheduler === 'cron' ? 'your crontab' : 'Task Scheduler';
      const schedule = result.schedule.removed ? `, and its scheduled sync from ${where}` : '';
      io.logger.success(`Deleted profile "${result.profile}" from ${result.configPath}${schedule}`);
      return;
    }
    case 'kept':
      io.logger.info(`Kept profile "${result.profile}": nothing was deleted.`);
      return;
  }
}
