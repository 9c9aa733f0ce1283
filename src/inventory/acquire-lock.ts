import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { mkdir, open, readFile, rm, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { LockedError } from '../errors.js';
import { isProcessAlive } from './is-process-alive.js';
import { bootId, processStartOf } from './process-identity.js';
import { profileDir } from './profile-dir.js';

export const LOCK_FILE = '.lock';

/** Tokens of the locks this process holds: a lock naming our pid is ours only if listed here. */
const heldHere = new Set<string>();

/** How long to wait while another run is taking a stale lock over (it holds `.lock.takeover`). */
const TAKEOVER_RETRY_MS = 20;

/** How often the holder touches its lock file, to show it is still running. */
export const LOCK_HEARTBEAT_MS = 30_000;

/**
 * A lock file from another host untouched this long is stale: its run is gone (a container or pod
 * killed mid-run, a machine that died). Twenty missed heartbeats: a clock skew of minutes between
 * hosts sharing the folder is still safe.
 */
export const LOCK_STALE_MS = 10 * 60_000;

/** What `<outputDir>/<profile>/.lock` holds. */
export const lockInfoSchema = z
  .object({
    pid: z.number().int().positive(),
    hostname: z.string(),
    startedAt: z.string(),
    /** The command name, e.g. `sync` (never the whole command line: it could hold a secret). */
    command: z.string(),
    /** Random, so a holder recognises its own lock even after its pid was recycled. */
    token: z.string().optional(),
    /** Linux: the kernel's boot id when the lock was written (a lock from before a reboot is stale). */
    bootId: z.string().optional(),
    /** Linux: the holder's start time (`/proc/<pid>/stat`), which a recycled pid does not share. */
    processStart: z.string().optional(),
  })
  .loose();
export type LockInfo = z.infer<typeof lockInfoSchema>;

export interface AcquireLockOptions {
  /** The output folder; the lock is `<dir>/<profile>/.lock`. */
  dir: string;
  profile: string;
  /** @default 'sync' */
  command?: string;
  /** @default new Date() */
  now?: Date;
  /**
   * How long a lock file that cannot be parsed is still taken for one being written (a run between
   * creating and filling it). Older than that, it is stale and taken over.
   * @default 10_000
   */
  unreadableGraceMs?: number;
  /** @default LOCK_HEARTBEAT_MS */
  heartbeatMs?: number;
  /** @default LOCK_STALE_MS */
  staleMs?: number;
}

export interface ProfileLock {
  readonly path: string;
  readonly info: LockInfo;
  /** Removes the lock file if it is still ours. Safe to call more than once. */
  release(): Promise<void>;
  /** The same, synchronously: for `process.on('exit')`, which cannot wait. */
  releaseSync(): void;
}

/**
 * Takes the lock of a profile so that two runs never write the same profile at once.
 *
 * The lock file is created with `open(…, 'wx')`, which fails if it exists. The holder touches it every
 * `heartbeatMs`. An existing lock is stale when it names a pid on this host that is no longer running
 * (`process.kill(pid, 0)` gives ESRCH), our own pid without being ours, a pid that started at another
 * time or before the last reboot (Linux: see process-identity.ts), when it comes from another host and has not been touched for
 * `staleMs` (another host's pid cannot be checked from here, and containers get a new host name each
 * run), or when it cannot be parsed and is older than `unreadableGraceMs`; a stale lock is taken over.
 * Otherwise: `LockedError`, naming the pid, host and start time.
 *
 * The lock is released by `release()` (call it in a `finally`) and, as a safety net, when the process
 * exits normally. A kill -9 leaves the file behind; the next run takes it over (at once on this host,
 * once it is `staleMs` old elsewhere).
 */
export async function acquireLock(options: AcquireLockOptions): Promise<ProfileLock> {
  const base = profileDir(options.dir, options.profile);
  const path = join(base, LOCK_FILE);
  const graceMs = options.unreadableGraceMs ?? 10_000;
  const staleMs = options.staleMs ?? LOCK_STALE_MS;
  const info: LockInfo = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: (options.now ?? new Date()).toISOString(),
    command: options.command ?? 'sync',
    token: randomBytes(16).toString('hex'),
  };
  const boot = bootId();
  const start = processStartOf(process.pid);
  if (boot) info.bootId = boot;
  if (start) info.processStart = start;
  await mkdir(base, { recursive: true });
  // Ours from the moment the file may exist: a run of this process checking it meanwhile must see it held.
  heldHere.add(info.token as string);
  try {
    return await takeLock(path, info, options, graceMs, staleMs);
  } catch (error) {
    heldHere.delete(info.token as string);
    throw error;
  }
}

async function takeLock(
  path: string,
  info: LockInfo,
  options: AcquireLockOptions,
  graceMs: number,
  staleMs: number,
): Promise<ProfileLock> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const current = await readLock(path);
      if (!current) continue; // released in the meantime: try again
      const age = Date.now() - current.mtimeMs;
      if (current.info ? isHeld(current.info, age, staleMs) : age < graceMs) {
        throw lockedError(options.profile, path, current.info);
      }
      if (!(await takeOverStaleLock(path, current.raw, graceMs))) await delay(TAKEOVER_RETRY_MS);
      continue;
    }
    try {
      await handle.writeFile(`${JSON.stringify(info, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return createLockHandle(path, info, options.heartbeatMs ?? LOCK_HEARTBEAT_MS);
  }
  throw lockedError(options.profile, path, (await readLock(path))?.info);
}

function createLockHandle(path: string, info: LockInfo, heartbeatMs: number): ProfileLock {
  const isOurs = (raw: string | undefined): boolean => {
    const parsed = raw === undefined ? undefined : parseLock(raw);
    return parsed?.token !== undefined && parsed.token === info.token;
  };
  const heartbeat = setInterval(() => {
    // Only while the lock is still ours (a run paused for longer than LOCK_STALE_MS on another host
    // may have lost it). A failed touch is no reason to stop the run; the lock only looks older.
    readFile(path, 'utf8')
      .then((raw) => {
        if (isOurs(raw)) {
          const now = new Date();
          return utimes(path, now, now);
        }
        clearInterval(heartbeat);
        return undefined;
      })
      .catch(() => {});
  }, heartbeatMs);
  heartbeat.unref();
  const onExit = (): void => lock.releaseSync();
  const lock: ProfileLock = {
    path,
    info,
    async release() {
      heldHere.delete(info.token as string);
      clearInterval(heartbeat);
      process.off('exit', onExit);
      const raw = await readFile(path, 'utf8').catch(() => undefined);
      if (isOurs(raw)) await rm(path, { force: true });
    },
    releaseSync() {
      heldHere.delete(info.token as string);
      clearInterval(heartbeat);
      process.off('exit', onExit);
      let raw: string | undefined;
      try {
        raw = readFileSync(path, 'utf8');
      } catch {
        return;
      }
      if (!isOurs(raw)) return;
      try {
        unlinkSync(path);
      } catch {
        // Already gone: nothing to release.
      }
    },
  };
  process.on('exit', onExit);
  return lock;
}

/**
 * On this host the pid says it all (a paused or suspended run keeps its lock). Another host's pid
 * cannot be checked from here, so its lock holds while its run keeps touching it.
 */
function isHeld(info: LockInfo, ageMs: number, staleMs: number): boolean {
  if (info.hostname !== hostname()) return ageMs < staleMs;
  // Our own pid, but not a lock we took: a run that had this pid before (a container's PID 1 killed
  // mid-run, whose successor is PID 1 again) is gone.
  if (info.pid === process.pid) return info.token !== undefined && heldHere.has(info.token);
  const boot = bootId();
  if (info.bootId && boot && info.bootId !== boot) return false;
  if (!isProcessAlive(info.pid)) return false;
  const start = info.processStart ? processStartOf(info.pid) : undefined;
  return !(start && start !== info.processStart);
}

async function readLock(
  path: string,
): Promise<{ raw: string; info?: LockInfo; mtimeMs: number } | undefined> {
  try {
    const [raw, stats] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { raw, info: parseLock(raw), mtimeMs: stats.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseLock(raw: string): LockInfo | undefined {
  try {
    const parsed = lockInfoSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes the lock at `path` if it still holds `staleRaw`, and never a fresh lock another run created
 * after `staleRaw` was read. Takers serialise on `<path>.takeover` (created with `wx`): only its holder
 * may delete the lock, and a fresh lock can only appear once the stale one is gone, so the check and
 * the removal cannot be overtaken. Returns false when another run is taking over (try again shortly).
 * A `.takeover` file older than `graceMs` was left by a run that died mid-takeover and is removed.
 */
export async function takeOverStaleLock(path: string, staleRaw: string, graceMs = 10_000): Promise<boolean> {
  const mutex = `${path}.takeover`;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(mutex, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const age = await stat(mutex).then(
      (stats) => Date.now() - stats.mtimeMs,
      () => 0,
    );
    if (age > graceMs) await rm(mutex, { force: true });
    return false;
  }
  try {
    await handle.close();
    const raw = await readFile(path, 'utf8').catch(() => undefined);
    if (raw === staleRaw) await rm(path, { force: true });
    return true;
  } finally {
    await rm(mutex, { force: true });
  }
}

function lockedError(profile: string, path: string, holder: LockInfo | undefined): LockedError {
  const who = holder
    ? `pid ${holder.pid} on host ${holder.hostname}, started ${holder.startedAt} (${holder.command})`
    : 'a run whose lock file is still being written';
  return new LockedError(`Another okta-connector run is using profile "${profile}": ${who}.`, {
    hint: `Wait for it to finish. If that process is no longer running, delete ${path} and try again.`,
  });
}
