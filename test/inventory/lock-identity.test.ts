import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockedError } from '../../src/errors.js';
import { acquireLock, lockInfoSchema } from '../../src/inventory/acquire-lock.js';
import { liveProcess, makeTempDir } from './helpers.js';

// A lock must never be mistaken for a live run's when its run is gone (issue 15): a container's
// PID 1 killed mid-run, a pid recycled by another process, a reboot.

const onLinux = process.platform === 'linux';
let dir: string;
let lockFile: string;
let removeTemp: () => Promise<void>;
const cleanups: (() => unknown)[] = [];
beforeEach(async () => {
  ({ dir, remove: removeTemp } = await makeTempDir('okta-lock-id-'));
  lockFile = join(dir, 'prod', '.lock');
  await acquireLock({ dir, profile: 'prod' }).then((lock) => lock.release()); // creates the folder
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await removeTemp();
});

const lockOf = (fields: Record<string, unknown>) =>
  writeFile(
    lockFile,
    JSON.stringify({
      hostname: hostname(),
      startedAt: '2026-11-29T15:00:00.000Z',
      command: 'sync',
      ...fields,
    }),
  );

async function takes(): Promise<void> {
  const lock = await acquireLock({ dir, profile: 'prod' });
  cleanups.push(() => lock.release());
  expect(JSON.parse(await readFile(lockFile, 'utf8')).pid).toBe(process.pid);
}

describe('stale locks on this host', () => {
  it('takes over a lock naming our own pid that this process does not hold (a container PID 1 killed mid-run)', async () => {
    await lockOf({ pid: process.pid, token: 'from-the-killed-run' });
    await takes();
  });

  it('still refuses a second acquire by the process that holds the lock', async () => {
    const first = await acquireLock({ dir, profile: 'prod' });
    cleanups.push(() => first.release());
    await expect(acquireLock({ dir, profile: 'prod' })).rejects.toBeInstanceOf(LockedError);
  });

  it.runIf(onLinux)('records the boot id and the process start time', async () => {
    const lock = await acquireLock({ dir, profile: 'prod' });
    cleanups.push(() => lock.release());
    const info = lockInfoSchema.parse(JSON.parse(await readFile(lockFile, 'utf8')));
    expect(info.bootId).toBe((await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim());
    const stat = await readFile('/proc/self/stat', 'utf8');
    expect(info.processStart).toBe(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  });

  it.runIf(onLinux)(
    'takes over a lock whose live pid started at another time (the pid was recycled)',
    async () => {
      const child = await liveProcess();
      cleanups.push(() => child.kill());
      await lockOf({ pid: child.pid, processStart: '1', token: 'old' });
      await takes();
    },
  );

  it.runIf(onLinux)('takes over a lock written before the last reboot', async () => {
    const child = await liveProcess();
    cleanups.push(() => child.kill());
    await lockOf({ pid: child.pid, bootId: '00000000-0000-0000-0000-000000000000', token: 'old' });
    await takes();
  });

  it.runIf(onLinux)('keeps a lock whose pid is alive with the start time it recorded', async () => {
    const child = await liveProcess();
    cleanups.push(() => child.kill());
    const stat = await readFile(`/proc/${child.pid}/stat`, 'utf8');
    const processStart = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    await lockOf({ pid: child.pid, processStart, bootId, token: 'live' });
    await expect(acquireLock({ dir, profile: 'prod' })).rejects.toBeInstanceOf(LockedError);
  });
});
