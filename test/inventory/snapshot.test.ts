import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, InternalError, UsageError } from '../../src/errors.js';
import { beginSnapshot } from '../../src/inventory/begin-snapshot.js';
import { latestPointerSchema } from '../../src/inventory/latest-pointer.js';
import { listSnapshots } from '../../src/inventory/list-snapshots.js';
import { manifestSchema } from '../../src/inventory/manifest.js';
import { pruneSnapshots } from '../../src/inventory/prune-snapshots.js';
import { readLatestSnapshot } from '../../src/inventory/read-latest-snapshot.js';
import { compareSnapshotIds, formatSnapshotId } from '../../src/inventory/snapshot-id.js';
import { deadPid, liveProcess, makeTempDir, manifestFor } from './helpers.js';

let outputDir: string;
let profileDir: string;
let removeTemp: () => Promise<void>;
const killers: (() => void)[] = [];
beforeEach(async () => {
  ({ dir: outputDir, remove: removeTemp } = await makeTempDir('okta-snapshot-'));
  profileDir = join(outputDir, 'prod');
});
afterEach(async () => {
  for (const kill of killers.splice(0)) kill();
  await removeTemp();
});

const at = (second: number): Date => new Date(Date.UTC(2026, 10, 29, 15, 35, second, 123));

/** Begins, writes a users file and commits; returns what commit returned. */
async function snapshot(second: number, status: 'complete' | 'partial' = 'complete') {
  const handle = await beginSnapshot({ outputDir, profile: 'prod', now: at(second) });
  const writer = handle.writer('users', 'ndjson');
  await writer.write({ id: `00u${second}` });
  const result = await writer.close();
  return handle.commit(manifestFor([result], { status, skipped: { devices: 'not licensed' } }));
}

async function readPointer() {
  return latestPointerSchema.parse(JSON.parse(await readFile(join(profileDir, 'latest.json'), 'utf8')));
}

describe('snapshot ids', () => {
  it('is the UTC start time without colons', () => {
    expect(formatSnapshotId(new Date('2026-11-29T15:35:10.999Z'))).toBe('2026-11-29T153510Z');
  });

  it('orders collision suffixes numerically', () => {
    const ids = ['2026-11-29T153510Z-10', '2026-11-29T153511Z', '2026-11-29T153510Z', '2026-11-29T153510Z-9'];
    expect(ids.sort(compareSnapshotIds)).toStrictEqual([
      '2026-11-29T153510Z',
      '2026-11-29T153510Z-9',
      '2026-11-29T153510Z-10',
      '2026-11-29T153511Z',
    ]);
  });
});

describe('beginSnapshot and commit', () => {
  it('writes into a hidden .partial folder, then renames it and points latest.json at it', async () => {
    const handle = await beginSnapshot({ outputDir, profile: 'prod', now: at(10) });
    expect(handle.id).toBe('2026-11-29T153510Z');
    expect(handle.tempDir).toBe(join(profileDir, `.partial-2026-11-29T153510Z-${process.pid}`));
    const writer = handle.writer('users', 'csv', { fixed: ['id'] });
    await writer.write({ id: '00u1' });
    const result = await writer.close();
    expect(await readdir(profileDir)).toStrictEqual([`.partial-2026-11-29T153510Z-${process.pid}`]);

    const { dir, id } = await handle.commit(manifestFor([result]));
    expect(id).toBe('2026-11-29T153510Z');
    expect(dir).toBe(join(profileDir, id));
    expect((await readdir(profileDir)).sort()).toStrictEqual([id, 'latest.json']);
    expect((await readdir(dir)).sort()).toStrictEqual(['manifest.json', 'users.csv']);

    const manifestBytes = await readFile(join(dir, 'manifest.json'));
    const manifest = manifestSchema.parse(JSON.parse(manifestBytes.toString('utf8')));
    expect(manifest.entities.users).toMatchObject({ file: 'users.csv', count: 1, sha256: result.sha256 });
    expect(await readPointer()).toStrictEqual({
      snapshot: id,
      path: id,
      status: 'complete',
      finishedAt: manifest.finishedAt,
      manifestSha256: createHash('sha256').update(manifestBytes).digest('hex'),
    });
    const latest = await readLatestSnapshot(outputDir, 'prod');
    expect(latest).toStrictEqual({ id, dir, manifest });
  });

  it('leaves latest.json on the last complete snapshot after a partial run', async () => {
    const complete = await snapshot(10);
    const partial = await snapshot(20, 'partial');
    expect((await readPointer()).snapshot).toBe(complete.id);
    expect((await readLatestSnapshot(outputDir, 'prod'))?.id).toBe(complete.id);
    expect(await listSnapshots(outputDir, 'prod')).toStrictEqual([
      { id: complete.id, dir: complete.dir, status: 'complete' },
      { id: partial.id, dir: partial.dir, status: 'partial' },
    ]);
    const next = await snapshot(30);
    expect((await readPointer()).snapshot).toBe(next.id);
  });

  it('abort leaves nothing behind', async () => {
    const handle = await beginSnapshot({ outputDir, profile: 'prod', now: at(10) });
    const writer = handle.writer('users', 'csv');
    await writer.write({ id: '00u1' });
    await handle.abort();
    expect(await readdir(profileDir)).toStrictEqual([]);
    await expect(handle.commit(manifestFor([]))).rejects.toThrow(InternalError);
  });

  it('refuses to commit while a writer is open, or a manifest that does not match the files', async () => {
    const handle = await beginSnapshot({ outputDir, profile: 'prod', now: at(10) });
    const writer = handle.writer('users', 'json');
    await writer.write({ id: '00u1' });
    await expect(handle.commit(manifestFor([]))).rejects.toThrow(/writers still open for users/);
    const result = await writer.close();
    await expect(handle.commit(manifestFor([{ ...result, bytes: result.bytes + 1 }]))).rejects.toThrow(
      /users.json .* but the snapshot folder has/,
    );
    await expect(handle.commit({ ...manifestFor([result]), formatVersion: 2 as 1 })).rejects.toThrow(
      /manifest is invalid/,
    );
    expect(await readdir(profileDir)).toStrictEqual([`.partial-${handle.id}-${process.pid}`]);
    await handle.commit(manifestFor([result]));
    expect((await readdir(profileDir)).sort()).toStrictEqual([handle.id, 'latest.json']);
  });

  it('gives a run that starts in the same second a suffixed folder, never overwriting', async () => {
    const first = await snapshot(10);
    const second = await snapshot(10);
    expect(first.id).toBe('2026-11-29T153510Z');
    expect(second.id).toBe('2026-11-29T153510Z-2');
    expect(await readFile(join(first.dir, 'users.ndjson'), 'utf8')).toBe('{"id":"00u10"}\n');
    expect((await readPointer()).snapshot).toBe(second.id);
  });

  it('moves to the next suffix when the name is taken between begin and commit', async () => {
    const handle = await beginSnapshot({ outputDir, profile: 'prod', now: at(10) });
    const other = await beginSnapshot({ outputDir, profile: 'prod', now: at(10) });
    expect(other.id).toBe('2026-11-29T153510Z-2');
    await mkdir(join(profileDir, '2026-11-29T153510Z')); // an empty folder POSIX rename would replace
    const { id } = await handle.commit(manifestFor([]));
    expect(id).toBe('2026-11-29T153510Z-3');
    expect(handle.id).toBe(id);
    expect(await readdir(join(profileDir, '2026-11-29T153510Z'))).toStrictEqual([]);
    await other.abort();
  });

  it('after a crash, shows no half-written snapshot and keeps the previous pointer', async () => {
    const previous = await snapshot(10);
    const pointerBefore = await readFile(join(profileDir, 'latest.json'), 'utf8');

    // The crashed run: begun, written (even its manifest), never committed, its process gone.
    const crashed = await beginSnapshot({ outputDir, profile: 'prod', now: at(20) });
    const writer = crashed.writer('users', 'csv');
    await writer.write({ id: '00u1' });
    await writeFile(join(crashed.tempDir, 'manifest.json'), JSON.stringify(manifestFor([])));
    const crashedDir = join(profileDir, `.partial-${crashed.id}-${deadPid()}`);
    await rename(crashed.tempDir, crashedDir);

    expect(await listSnapshots(outputDir, 'prod')).toStrictEqual([
      { id: previous.id, dir: previous.dir, status: 'complete' },
    ]);
    expect((await readLatestSnapshot(outputDir, 'prod'))?.id).toBe(previous.id);

    const next = await beginSnapshot({ outputDir, profile: 'prod', now: at(30) });
    const names = await readdir(profileDir);
    expect(names).not.toContain(`.partial-${crashed.id}-${crashedDir.split('-').at(-1)}`);
    expect(names.sort()).toStrictEqual(
      [previous.id, 'latest.json', `.partial-${next.id}-${process.pid}`].sort(),
    );
    expect(await readFile(join(profileDir, 'latest.json'), 'utf8')).toBe(pointerBefore);
    await next.abort();
  });

  it('keeps the .partial folder of a run that is still alive', async () => {
    const child = await liveProcess();
    killers.push(() => child.kill());
    const running = join(profileDir, `.partial-2026-11-29T153500Z-${child.pid}`);
    await mkdir(running, { recursive: true });
    const handle = await beginSnapshot({ outputDir, profile: 'prod', now: at(10) });
    expect(await readdir(profileDir)).toContain(`.partial-2026-11-29T153500Z-${child.pid}`);
    await handle.abort();
  });
});

describe('readLatestSnapshot', () => {
  it('is undefined before the first complete snapshot', async () => {
    expect(await readLatestSnapshot(outputDir, 'prod')).toBeUndefined();
    await snapshot(10, 'partial');
    expect(await readLatestSnapshot(outputDir, 'prod')).toBeUndefined();
  });

  it('refuses a corrupt pointer with a ConfigError naming the file and the newest complete snapshot', async () => {
    const good = await snapshot(10);
    await writeFile(join(profileDir, 'latest.json'), '{"snapshot": "2026-11-29T1535');
    const error = await readLatestSnapshot(outputDir, 'prod').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(join(profileDir, 'latest.json'));
    expect((error as ConfigError).message).toContain('not valid JSON');
    expect((error as ConfigError).hint).toContain(good.dir);
  });

  it('refuses a pointer that does not match the schema', async () => {
    await snapshot(10);
    await writeFile(
      join(profileDir, 'latest.json'),
      JSON.stringify({ snapshot: '../../etc', path: '../../etc' }),
    );
    await expect(readLatestSnapshot(outputDir, 'prod')).rejects.toThrow(/latest\.json is corrupt/);
  });

  it('refuses a pointer whose manifest changed or whose folder is gone', async () => {
    const good = await snapshot(10);
    const manifestFile = join(good.dir, 'manifest.json');
    await writeFile(manifestFile, `${await readFile(manifestFile, 'utf8')} `);
    await expect(readLatestSnapshot(outputDir, 'prod')).rejects.toThrow(/does not match the pointer/);
    await rename(good.dir, join(profileDir, 'moved'));
    await expect(readLatestSnapshot(outputDir, 'prod')).rejects.toThrow(/cannot be read \(ENOENT\)/);
  });
});

describe('pruneSnapshots', () => {
  it('removes the oldest beyond keep but never the one latest.json names', async () => {
    const pointed = await snapshot(10);
    const partials = [
      await snapshot(20, 'partial'),
      await snapshot(30, 'partial'),
      await snapshot(40, 'partial'),
    ];
    await mkdir(join(profileDir, 'notes'));
    await mkdir(join(profileDir, '2026-01-01T000000Z')); // looks like an id, but has no manifest

    const { removed, kept } = await pruneSnapshots({ outputDir, profile: 'prod', keep: 1 });
    expect(removed).toStrictEqual([partials[0]!.id, partials[1]!.id]);
    expect(kept).toStrictEqual([pointed.id, partials[2]!.id]);
    expect((await readdir(profileDir)).sort()).toStrictEqual(
      ['2026-01-01T000000Z', pointed.id, partials[2]!.id, 'latest.json', 'notes'].sort(),
    );
    expect((await readLatestSnapshot(outputDir, 'prod'))?.id).toBe(pointed.id);
  });

  it('keeps the newest ones', async () => {
    const all = [await snapshot(10), await snapshot(20), await snapshot(30), await snapshot(40)];
    const { removed } = await pruneSnapshots({ outputDir, profile: 'prod', keep: 2 });
    expect(removed).toStrictEqual([all[0]!.id, all[1]!.id]);
    expect((await listSnapshots(outputDir, 'prod')).map((entry) => entry.id)).toStrictEqual([
      all[2]!.id,
      all[3]!.id,
    ]);
  });

  it('never touches the .partial folder of a live run, and clears those of dead ones', async () => {
    await snapshot(10);
    const child = await liveProcess();
    killers.push(() => child.kill());
    const live = `.partial-2026-11-29T153520Z-${child.pid}`;
    const dead = `.partial-2026-11-29T153515Z-${deadPid()}`;
    await mkdir(join(profileDir, live));
    await mkdir(join(profileDir, dead));
    await pruneSnapshots({ outputDir, profile: 'prod', keep: 1 });
    const names = await readdir(profileDir);
    expect(names).toContain(live);
    expect(names).not.toContain(dead);
  });

  it('stops on a corrupt pointer and on a keep below 1', async () => {
    await snapshot(10);
    await snapshot(20);
    await expect(pruneSnapshots({ outputDir, profile: 'prod', keep: 0 })).rejects.toThrow(UsageError);
    await writeFile(join(profileDir, 'latest.json'), 'garbage');
    await expect(pruneSnapshots({ outputDir, profile: 'prod', keep: 1 })).rejects.toThrow(ConfigError);
    expect(await listSnapshots(outputDir, 'prod')).toHaveLength(2);
  });
});
