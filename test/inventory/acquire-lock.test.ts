import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockedError } from '../../src/errors.js';
import { acquireLock, lockInfoSchema, takeOverStaleLock } from '../../src/inventory/acquire-lock.js';
import { deadPid, liveProcess, makeTempDir } from './helpers.js';

let dir: string;
let lockFile: string;
let removeTemp: () => Promise<void>;
const cleanups: (() => unknown)[] = [];
beforeEach(async () => {
  ({ dir, remove: removeTemp } = await makeTempDir('okta-lock-'));
  lockFile = join(dir, 'prod', '.lock');
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await removeTemp();
});

async function writeLock(content: Record<string, unknown> | string): Promise<void> {
  await acquireLock({ dir, profile: 'prod' }).then((lock) => lock.release()); // creates the folder
  await writeFile(lockFile, typeof content === 'string' ? content : JSON.stringify(content));
}

describe('acquireLock', () => {
  it('writes pid, host, start time and command into <dir>/<profile>/.lock', async () => {
    const now = new Date('2026-11-29T15:35:10.000Z');
    const lock = await acquireLock({ dir, profile: 'prod', command: 'sync', now });
    cleanups.push(() => lock.release());
    expect(lock.path).toBe(lockFile);
    const info = lockInfoSchema.parse(JSON.parse(await readFile(lockFile, 'utf8')));
    expect(info).toMatchObject({
      pid: process.pid,
      hostname: hostname(),
      startedAt: '2026-11-29T15:35:10.000Z',
      command: 'sync',
    });
  });

  it('refuses a second acquire while the holder lives, naming its pid, host and start time', async () => {
    const first = await acquireLock({ dir, profile: 'prod', now: new Date('2026-11-29T15:35:10.000Z') });
    cleanups.push(() => first.release());
    const error = await acquireLock({ dir, profile: 'prod' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LockedError);
    expect((error as LockedError).message).toContain(`pid ${process.pid}`);
    expect((error as LockedError).message).toContain(hostname());
    expect((error as LockedError).message).toContain('2026-11-29T15:35:10.000Z');
    expect((error as LockedError).hint).toContain(lockFile);
  });

  it('refuses while another live process holds the lock', async () => {
    const child = await liveProcess();
    cleanups.push(() => child.kill());
    await writeLock({
      pid: child.pid,
      hostname: hostname(),
      startedAt: '2026-11-29T15:00:00.000Z',
      command: 'sync',
    });
    await expect(acquireLock({ dir, profile: 'prod' })).rejects.toThrow(new RegExp(`pid ${child.pid} `));
    expect(JSON.parse(await readFile(lockFile, 'utf8')).pid).toBe(child.pid);
  });

  it('counts a lock from another host as held while it is touched: its pid cannot be checked from here', async () => {
    await writeLock({
      pid: deadPid(),
      hostname: 'other-host',
      startedAt: '2026-11-29T15:00:00Z',
      command: 'sync',
    });
    await expect(acquireLock({ dir, profile: 'prod' })).rejects.toThrow(/on host other-host/);
    const nineMinutesAgo = new Date(Date.now() - 9 * 60_000);
    await utimes(lockFile, nineMinutesAgo, nineMinutesAgo);
    await expect(acquireLock({ dir, profile: 'prod' })).rejects.toThrow(/on host other-host/);
  });

  it('takes over a lock from another host (a killed container or pod) once it has not been touched for 10 minutes', async () => {
    await writeLock({
      pid: deadPid(),
      hostname: 'other-host',
      startedAt: '2026-11-29T15:00:00Z',
      command: 'sync',
    });
    const elevenMinutesAgo = new Date(Date.now() - 11 * 60_000);
    await utimes(lockFile, elevenMinutesAgo, elevenMinutesAgo);
    const lock = await acquireLock({ dir, profile: 'prod' });
    cleanups.push(() => lock.release());
    expect(JSON.parse(await readFile(lockFile, 'utf8')).token).toBe(lock.info.token);
  });

  it('keeps a lock of a live process on this host however old (a paused run is still running)', async () => {
    const child = await liveProcess();
    cleanups.push(() => child.kill());
    await writeLock({
      pid: child.pid,
      hostname: hostname(),
      startedAt: '2026-11-29T15:00:00Z',
      command: 'sync',
    });
    const anHourAgo = new Date(Date.now() - 60 * 60_000);
    await utimes(lockFile, anHourAgo, anHourAgo);
    await expect(acquireLock({ dir, profile: 'prod' })).rejects.toThrow(LockedError);
  });

  it('the holder touches its lock while it runs, and stops once released', async () => {
    const lock = await acquireLock({ dir, profile: 'prod', heartbeatMs: 10 });
    const longAgo = new Date(Date.now() - 60 * 60_000);
    await utimes(lockFile, longAgo, longAgo);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { mtimeMs } = await stat(lockFile);
    expect(Date.now() - mtimeMs).toBeLessThan(60_000);
    // Still held: a second run is refused.
    await expect(acquireLock({ dir, profile: 'prod' })).rejects.toThrow(LockedError);
    await lock.release();
    await writeFile(lockFile, 'left behind');
    await utimes(lockFile, longAgo, longAgo);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(Math.abs((await stat(lockFile)).mtimeMs - longAgo.getTime())).toBeLessThan(1);
  });

  it('stops touching a lock another run has taken over', async () => {
    const lock = await acquireLock({ dir, profile: 'prod', heartbeatMs: 10 });
    cleanups.push(() => lock.release());
    await writeFile(lockFile, JSON.stringify({ ...lock.info, token: 'someone-else' }));
    const longAgo = new Date(Date.now() - 60 * 60_000);
    await utimes(lockFile, longAgo, longAgo);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(Math.abs((await stat(lockFile)).mtimeMs - longAgo.getTime())).toBeLessThan(1);
  });

  it('takes over a stale lock left by a dead process', async () => {
    await writeLock({
      pid: deadPid(),
      hostname: hostname(),
      startedAt: '2026-11-29T15:00:00Z',
      command: 'sync',
    });
    const lock = await acquireLock({ dir, profile: 'prod' });
    cleanups.push(() => lock.release());
    expect(JSON.parse(await readFile(lockFile, 'utf8')).pid).toBe(process.pid);
    expect(await readdir(join(dir, 'prod'))).toStrictEqual(['.lock']);
  });

  it('takes over an unparsable lock once it is older than the grace period, not before', async () => {
    await writeLock('{"pid": 12');
    await expect(acquireLock({ dir, profile: 'prod' })).rejects.toThrow(LockedError);
    const old = new Date(Date.now() - 60_000);
    await utimes(lockFile, old, old);
    const lock = await acquireLock({ dir, profile: 'prod' });
    cleanups.push(() => lock.release());
    expect(JSON.parse(await readFile(lockFile, 'utf8')).token).toBe(lock.info.token);
  });

  it('gives the lock to exactly one of several runs taking over the same stale lock', async () => {
    await writeLock({
      pid: deadPid(),
      hostname: hostname(),
      startedAt: '2026-11-29T15:00:00Z',
      command: 'sync',
    });
    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, () => acquireLock({ dir, profile: 'prod' })),
    );
    const won = attempts.filter((attempt) => attempt.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const attempt of attempts) {
      if (attempt.status === 'rejected') expect(attempt.reason).toBeInstanceOf(LockedError);
    }
    const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLock>>>).value;
    expect(JSON.parse(await readFile(lockFile, 'utf8')).token).toBe(winner.info.token);
    await winner.release();
  });

  it('never removes a fresh lock that replaced the stale one it judged', async () => {
    const stale = JSON.stringify({
      pid: deadPid(),
      hostname: hostname(),
      startedAt: '2026-11-29T15:00:00Z',
      command: 'sync',
    });
    await writeLock(stale);
    // Another run took the stale lock over between our reading it and our takeover…
    await takeOverStaleLock(lockFile, stale);
    const fresh = await acquireLock({ dir, profile: 'prod' });
    cleanups.push(() => fresh.release());
    // …which now goes ahead with the stale content it read.
    await takeOverStaleLock(lockFile, stale);
    expect(JSON.parse(await readFile(lockFile, 'utf8')).token).toBe(fresh.info.token);
    expect(await readdir(join(dir, 'prod'))).toStrictEqual(['.lock']);
    await expect(acquireLock({ dir, profile: 'prod' })).rejects.toThrow(LockedError);
  });

  it('clears a takeover marker left by a run that died while taking a stale lock over', async () => {
    await writeLock({
      pid: deadPid(),
      hostname: hostname(),
      startedAt: '2026-11-29T15:00:00Z',
      command: 'sync',
    });
    await writeFile(`${lockFile}.takeover`, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(`${lockFile}.takeover`, old, old);
    const lock = await acquireLock({ dir, profile: 'prod' });
    cleanups.push(() => lock.release());
    expect(await readdir(join(dir, 'prod'))).toStrictEqual(['.lock']);
  });

  it('release removes the lock only while it is still ours', async () => {
    const lock = await acquireLock({ dir, profile: 'prod' });
    await lock.release();
    expect(await readdir(join(dir, 'prod'))).toStrictEqual([]);
    await lock.release(); // twice is fine

    const mine = await acquireLock({ dir, profile: 'prod' });
    const theirs = {
      pid: 1,
      hostname: 'other-host',
      startedAt: '2026-11-29T15:00:00Z',
      command: 'sync',
      token: 'x',
    };
    await writeFile(lockFile, JSON.stringify(theirs));
    await mine.release();
    mine.releaseSync();
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toStrictEqual(theirs);
  });

  it('releases on process exit unless already released', async () => {
    const before = process.listenerCount('exit');
    const lock = await acquireLock({ dir, profile: 'prod' });
    expect(process.listenerCount('exit')).toBe(before + 1);
    const onExit = process.listeners('exit').at(-1) as (code: number) => void;
    onExit(0);
    expect(await readdir(join(dir, 'prod'))).toStrictEqual([]);
    expect(process.listenerCount('exit')).toBe(before);
    await lock.release();
  });
});
