import { ConfigError, UsageError } from '../errors.js';
import type { Env } from '../ui/io.js';
import type { CommandRunner } from './run-command.js';

/**
 * The user's crontab, read with `crontab -l` and written with `crontab -` (never the spool files).
 *
 * A table is handled as a "byte string" (latin1: one character per byte), so every line we do not
 * own goes back exactly as it came, whatever its encoding, line ending or trailing newline. Our entry
 * is two lines: a marker comment naming the profile, then the cron line.
 */

const MARKER_PREFIX = '# okta-connector:profile=';
const MARKER = /^# okta-connector:profile=([A-Za-z0-9_-]+)(?=[\s(]|$)/;

/** The comment line above our cron line: `# okta-connector:profile=default (managed by …)`. */
export function markerLine(profile: string): string {
  return `${MARKER_PREFIX}${profile} (managed by okta-connector schedule; do not edit)`;
}

/** Text (UTF-8) as a byte string, to put into a table. */
export function toTableText(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** A byte string from a table as text (UTF-8). */
export function fromTableText(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

const SH_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word for sh: unchanged when safe, else in single quotes (`'` written as `'\''`). */
export function shQuote(word: string): string {
  if (SH_SAFE.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Splits a sh command line into words: single quotes, double quotes (with `\"`, `\\`, `\$`, `` \` ``)
 * and backslash escapes. Enough to read back the lines {@link crontabLine} writes, and simple hand edits.
 */
export function splitShellWords(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let index = 0; index < command.length; index++) {
    const char = command[index]!;
    if (char === "'") {
      const end = command.indexOf("'", index + 1);
      word += command.slice(index + 1, end === -1 ? undefined : end);
      index = end === -1 ? command.length : end;
      inWord = true;
    } else if (char === '"') {
      index++;
      for (; index < command.length && command[index] !== '"'; index++) {
        if (command[index] === '\\' && '"\\$`'.includes(command[index + 1] ?? '')) index++;
        word += command[index];
      }
      inWord = true;
    } else if (char === '\\') {
      word += command[++index] ?? '';
      inWord = true;
    } else if (char === ' ' || char === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * The cron line that runs `argv`: the expression, `NAME=value` assignments for the environment, then
 * the words quoted for sh, then `>/dev/null`: cron mails whatever a job prints, and sync prints its
 * summary table on stdout even with --quiet, so only errors (stderr) reach the mail. Cron turns an
 * unescaped `%` into a newline, so each `%` is written `\%` (cron removes the backslash before sh).
 * @throws UsageError if a word holds a line break (a crontab line cannot).
 */
export function crontabLine(cron: string, argv: string[], env: Record<string, string> = {}): string {
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${shQuote(value)}`);
  const words = [...assignments, ...argv.map(shQuote)];
  for (const word of [...Object.values(env), ...argv]) {
    if (/[\r\n]/.test(word)) {
      throw new UsageError(`Cannot schedule a command with a line break in "${word}".`, {
        hint: 'Use paths without line breaks (--log-file, the output folder).',
      });
    }
  }
  return `${cron} ${words.join(' ').replaceAll('%', '\\%')} >/dev/null`;
}

/** A cron line read back: its expression, environment assignments and command words. */
export interface ParsedCrontabLine {
  cron: string;
  env: Record<string, string>;
  argv: string[];
}

/** Reads a line written by {@link crontabLine}. @returns undefined for a line that is not a 5-field job. */
export function parseCrontabLine(line: string): ParsedCrontabLine | undefined {
  const match = /^\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(.*?)\r?$/.exec(line);
  if (!match || match[1]!.startsWith('#') || match[1]!.startsWith('@')) return undefined;
  // Redirections are not words of the command.
  const words = splitShellWords(match[6]!.replace(/\\%/g, '%')).filter((word) => !/^\d?>/.test(word));
  const env: Record<string, string> = {};
  while (words.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) {
    const assignment = words.shift()!;
    const equals = assignment.indexOf('=');
    env[assignment.slice(0, equals)] = assignment.slice(equals + 1);
  }
  return { cron: match.slice(1, 6).join(' '), env, argv: words };
}

/** Whether `line` is the cron line of our entry for `profile` (every line we write has `--profile <p> sync`). */
function isOurCommand(line: string, profile: string): boolean {
  const parsed = parseCrontabLine(line);
  if (!parsed) return false;
  const at = parsed.argv.indexOf('--profile');
  return at >= 0 && parsed.argv[at + 1] === profile && parsed.argv[at + 2] === 'sync';
}

function markerProfile(line: string): string | undefined {
  return MARKER.exec(line.replace(/\r$/, ''))?.[1];
}

/** Where our entry for a profile is: the marker line, and the cron line under it if there is one. */
interface EntryLocation {
  marker: number;
  command: number | undefined;
}

function locate(lines: string[], profile: string): EntryLocation[] {
  const found: EntryLocation[] = [];
  lines.forEach((line, index) => {
    if (markerProfile(line) !== profile) return;
    const next = lines[index + 1];
    found.push({
      marker: index,
      command: next !== undefined && isOurCommand(next, profile) ? index + 1 : undefined,
    });
  });
  return found;
}

/** Our entry for a profile, as found in a table. */
export interface CrontabEntry {
  profile: string;
  /** The cron line (text, not bytes), or undefined when only the marker is left. */
  line: string | undefined;
  parsed: ParsedCrontabLine | undefined;
}

/** Our entry for `profile` in a table (the first, if a hand edit duplicated it). */
export function findEntry(table: string, profile: string): CrontabEntry | undefined {
  const lines = table.split('\n');
  const [first] = locate(lines, profile);
  if (!first) return undefined;
  const line =
    first.command === undefined ? undefined : fromTableText(lines[first.command]!.replace(/\r$/, ''));
  return { profile, line, parsed: line === undefined ? undefined : parseCrontabLine(line) };
}

/** The profiles that have an entry of ours in a table. */
export function listEntryProfiles(table: string): string[] {
  const profiles = table.split('\n').map(markerProfile);
  return [...new Set(profiles.filter((profile): profile is string => profile !== undefined))];
}

/**
 * Lines of the table that run okta-connector but are not an entry of ours (e.g. added by hand from
 * the README), 1-based; a second job for the same profile would only meet sync's lock.
 */
export function foreignSyncLines(table: string): number[] {
  const lines = table.split('\n');
  const ours = new Set<number>();
  for (const profile of listEntryProfiles(table)) {
    for (const entry of locate(lines, profile)) if (entry.command !== undefined) ours.add(entry.command);
  }
  const found: number[] = [];
  lines.forEach((line, index) => {
    if (ours.has(index) || line.trimStart().startsWith('#')) return;
    if (/okta-connector/.test(line) && /\ssync(\s|$)/.test(line)) found.push(index + 1);
  });
  return found;
}

/**
 * The table with our entry for `profile` set to `line`: replaced where it was (duplicates removed),
 * or appended at the end. Every other line is kept byte for byte; a last line without a newline gets
 * one, since our entry has to start on a line of its own.
 */
export function withEntry(table: string, profile: string, line: string): string {
  const entry = [toTableText(markerLine(profile)), toTableText(line)];
  const lines = table.split('\n');
  const found = locate(lines, profile);
  if (found.length === 0) {
    const separator = table === '' || table.endsWith('\n') ? '' : '\n';
    return `${table}${separator}${entry.join('\n')}\n`;
  }
  const [first, ...duplicates] = found;
  const drop = new Set<number>();
  for (const duplicate of duplicates) {
    drop.add(duplicate.marker);
    if (duplicate.command !== undefined) drop.add(duplicate.command);
  }
  const result: string[] = [];
  lines.forEach((current, index) => {
    if (drop.has(index) || index === first!.command) return;
    if (index === first!.marker) result.push(...entry);
    else result.push(current);
  });
  // crontab(1) refuses a table whose last line has no newline; ours may now be the last line.
  if (result.at(-1) !== '') result.push('');
  return result.join('\n');
}

/** The table without our entry for `profile`; every other line byte for byte. */
export function withoutEntry(table: string, profile: string): { table: string; removed: boolean } {
  const lines = table.split('\n');
  const found = locate(lines, profile);
  if (found.length === 0) return { table, removed: false };
  const drop = new Set<number>();
  for (const entry of found) {
    drop.add(entry.marker);
    if (entry.command !== undefined) drop.add(entry.command);
  }
  const kept = lines.filter((_, index) => !drop.has(index));
  // Our entry was the unterminated end: the line before it keeps the newline it had.
  if (drop.has(lines.length - 1) && kept.length > 0) kept.push('');
  return { table: kept.join('\n'), removed: true };
}

const CRONTAB_HINT =
  'Install cron (Debian/Ubuntu: apt-get install cron; RHEL/Fedora: dnf install cronie), or print the entry with "okta-connector schedule print" and deploy it with your own tools.';

function describe(stderr: Buffer): string {
  const text = stderr.toString('utf8').trim().split('\n').slice(0, 3).join(' ');
  return text === '' ? '' : `: ${text}`;
}

function notStarted(error: unknown): ConfigError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new ConfigError('The crontab command is not installed on this machine (or not on PATH).', {
      hint: CRONTAB_HINT,
      cause: error,
    });
  }
  return new ConfigError(`Could not run crontab${code ? ` (${code})` : ''}.`, {
    hint: CRONTAB_HINT,
    cause: error,
  });
}

/**
 * `crontab -l` says "no crontab for <user>" (cronie, Vixie cron, macOS) or "can't open … No such
 * file" (BusyBox) and exits 1 when the user has no table yet: that is an empty table. Any other
 * failure must not be read as empty, or writing would wipe the user's jobs.
 */
const NO_TABLE = /no crontab for|can't open.*no such file/i;

/** The current user's crontab as a byte string ('' when there is none). */
export async function readCrontab(run: CommandRunner, env: Env): Promise<string> {
  const outcome = await run('crontab', ['-l'], { env }).catch((error: unknown) => {
    throw notStarted(error);
  });
  if (outcome.exitCode === 0) return outcome.stdout.toString('latin1');
  if (NO_TABLE.test(outcome.stderr.toString('utf8'))) return '';
  throw new ConfigError(`"crontab -l" failed (exit ${outcome.exitCode})${describe(outcome.stderr)}.`, {
    hint: 'Check that you may use cron (cron.allow / cron.deny), or deploy the entry from "okta-connector schedule print" yourself.',
  });
}

/** Replaces the current user's crontab with `table` (a byte string) through `crontab -`. */
export async function writeCrontab(run: CommandRunner, env: Env, table: string): Promise<void> {
  const outcome = await run('crontab', ['-'], { env, input: Buffer.from(table, 'latin1') }).catch(
    (error: unknown) => {
      throw notStarted(error);
    },
  );
  if (outcome.exitCode !== 0) {
    throw new ConfigError(
      `"crontab -" refused the new table (exit ${outcome.exitCode})${describe(outcome.stderr)}.`,
      {
        hint: 'Nothing was changed. Check the lines "crontab -l" prints, or deploy the entry from "okta-connector schedule print" yourself.',
      },
    );
  }
}
