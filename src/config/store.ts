import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type Conf from 'conf';
import type { z } from 'zod';
import { ConfigError, InternalError } from '../errors.js';
import type { Env } from '../ui/io.js';
import { registerSecret } from '../ui/redact.js';
import { CONFIG_FILE_NAME, configDir } from './paths.js';
import { type ConfigFile, configFileSchema, type Profile } from './schema.js';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** Thrown by our `deserialize` when the file is JSON but not an object (`null`, `[]`, `"text"`). */
class NotAnObjectError extends Error {}

function deserialize(text: string): Record<string, unknown> {
  const data: unknown = JSON.parse(text);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new NotAnObjectError();
  return data as Record<string, unknown>;
}

/** `line 3, column 14` from the position in a JSON.parse message. The message itself may quote the file, so it is never shown. */
function locateSyntaxError(error: unknown, text: string | undefined): string {
  const position = /position (\d+)/.exec(error instanceof Error ? error.message : '');
  if (!position || text === undefined) return '';
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return ` at line ${line}, column ${column}`;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`)
    .join('; ');
}

let ConfClass: typeof Conf | undefined;

/**
 * Loads conf, which writes the config file (atomically, mode 0600). Only `configure` writes, so a
 * sync, which only reads the file, never loads conf and the JSON-schema validator it brings along
 * (~6 MB resident). Call before `saveProfile` or `deleteProfile`.
 */
export async function loadConfigWriter(): Promise<void> {
  ConfClass ??= (await import('conf')).default;
}

/**
 * The config file: `profiles.<name> = { domain, token, outputDir?, format?, schedule? }`, kept by conf
 * in a 0600 file inside a 0700 folder. A file that is not valid JSON or has the wrong shape is never
 * overwritten or cleared: it is reported as a ConfigError naming the file and the fix.
 */
export class ConfigStore {
  /** Folder of the config file. */
  readonly dir: string;
  /** Absolute path of the config file. */
  readonly path: string;
  #conf: Conf<Record<string, unknown>> | undefined;

  readonly #fromEnv: boolean;

  constructor(env: Env) {
    this.#fromEnv = Boolean(env.OKTA_CONNECTOR_CONFIG_DIR);
    this.dir = configDir(env);
    this.path = path.join(this.dir, CONFIG_FILE_NAME);
  }

  /** Whether the config file exists yet. */
  exists(): boolean {
    return existsSync(this.path);
  }

  /** The whole file, validated. A missing file reads as no profiles. Registers every token for redaction. */
  read(): ConfigFile {
    if (!this.exists()) {
      this.#refuseFileAsDir();
      return { profiles: {} };
    }
    const result = configFileSchema.safeParse(this.#readFile());
    if (!result.success) {
      throw new ConfigError(
        `The config file ${this.path} has the wrong shape (${describeIssues(result.error)}).`,
        { hint: this.#fixHint() },
      );
    }
    for (const profile of Object.values(result.data.profiles)) {
      registerSecret(profile.token);
      // An OAuth private key: whole, and line by line (a PEM body).
      registerSecret(profile.privateKey?.trim());
      for (const line of profile.privateKey?.split('\n') ?? []) registerSecret(line.trim());
    }
    return result.data;
  }

  getProfile(name: string): Profile | undefined {
    return this.read().profiles[name];
  }

  /** Creates or replaces a profile. Creates the folder (0700) and file (0600) if needed. */
  saveProfile(name: string, profile: Profile): void {
    const profiles = { ...this.read().profiles, [name]: profile };
    this.#write(profiles);
  }

  /** @returns false if there was no such profile. */
  deleteProfile(name: string): boolean {
    const { profiles } = this.read();
    if (!(name in profiles)) return false;
    const { [name]: _removed, ...rest } = profiles;
    this.#write(rest);
    return true;
  }

  /** A config folder that is a file would read as "no profiles" and end in a misleading "No Okta domain". */
  #refuseFileAsDir(): void {
    let isFile = false;
    try {
      isFile = !statSync(this.dir).isDirectory();
    } catch {
      return;
    }
    if (!isFile) return;
    const named = this.#fromEnv;
    throw new ConfigError(
      named
        ? `OKTA_CONNECTOR_CONFIG_DIR names ${this.dir}, which is a file, not a folder.`
        : `The config folder ${this.dir} is a file, not a folder.`,
      {
        hint: named
          ? 'Point OKTA_CONNECTOR_CONFIG_DIR at the folder that holds config.json (it is created by okta-connector configure), or unset it.'
          : 'Move that file away, then run okta-connector configure.',
      },
    );
  }

  #fixHint(): string {
    return `Fix the file by hand, or delete it and run "okta-connector configure" again (it holds your profiles and tokens).`;
  }

  #write(profiles: Record<string, Profile>): void {
    try {
      if (!existsSync(this.dir)) createFolders(this.dir, DIR_MODE);
      this.#open().set('profiles', profiles);
      // conf writes with configFileMode, but a file created by an older run or by hand keeps its mode.
      chmodSync(this.path, FILE_MODE);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigError(`Could not write the config file ${this.path}${code ? ` (${code})` : ''}.`, {
        cause: error,
        hint: `Check that you can write to ${this.dir}, or point OKTA_CONNECTOR_CONFIG_DIR at a folder you own.`,
      });
    }
  }

  /** The file's content, read as conf reads it (reading needs no conf). */
  #readFile(): Record<string, unknown> {
    try {
      return deserialize(readFileSync(this.path, 'utf8'));
    } catch (error) {
      throw this.#readError(error);
    }
  }

  #open(): Conf<Record<string, unknown>> {
    if (this.#conf) return this.#conf;
    if (!ConfClass) throw new InternalError('loadConfigWriter() must run before the config file is written.');
    try {
      this.#conf = new ConfClass<Record<string, unknown>>({
        projectName: 'okta-connector',
        projectSuffix: '',
        cwd: this.dir,
        configName: 'config',
        configFileMode: FILE_MODE,
        // Never: a corrupted file holds the user's profiles; we report it instead.
        clearInvalidConfig: false,
        deserialize,
      });
      return this.#conf;
    } catch (error) {
      throw this.#readError(error);
    }
  }

  #readError(error: unknown): ConfigError {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof NotAnObjectError) {
      return new ConfigError(`The config file ${this.path} does not hold a JSON object.`, {
        hint: this.#fixHint(),
      });
    }
    if (error instanceof SyntaxError) {
      let text: string | undefined;
      try {
        text = readFileSync(this.path, 'utf8');
      } catch {}
      const where = text?.trim() === '' ? ' (it is empty)' : locateSyntaxError(error, text);
      return new ConfigError(`The config file ${this.path} is not valid JSON${where}.`, {
        hint: this.#fixHint(),
      });
    }
    if (code === 'EACCES' || code === 'EPERM') {
      return new ConfigError(`Permission denied reading the config file ${this.path}.`, {
        hint: `Run as the user who ran configure, or fix the file's owner and mode (chmod 600 ${this.path}).`,
      });
    }
    return new ConfigError(`Could not read the config file ${this.path}${code ? ` (${code})` : ''}.`, {
      cause: error,
      hint: this.#fixHint(),
    });
  }
}

/**
 * Creates `dir` and its missing parents one level at a time: Node's recursive mkdir never returns
 * under /proc (mkdir answers ENOENT for a parent that exists), and a configure must not hang.
 */
function createFolders(dir: string, mode: number): void {
  const missing: string[] = [];
  for (let current = path.resolve(dir); !existsSync(current); current = path.dirname(current)) {
    missing.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder, { mode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
