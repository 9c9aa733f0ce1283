import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { beginSnapshot } from '../../src/inventory/begin-snapshot.js';
import { GROUP_READABLE_MODES } from '../../src/inventory/file-modes.js';
import { saveSyncState } from '../../src/inventory/sync-state.js';
import { beginBase } from '../../src/sync/incremental-base.js';
import { deadPid, liveProcess, makeTempDir, manifestFor } from './helpers.js';

// Issue 15: a complete snapshot that latest.json could not name is reported as such; temporary
// pointer and state files of a killed run are cleaned; snapshots are private whatever the umask.

let outputDir: string;
let profileDir: string;
let removeTemp: () => Promise<void>;
const cleanups: (() => unknown)[] = [];
beforeEach(async () => {
  ({ dir: outputDir, remove: removeTemp } = await makeTempDir('okta-safety-'));
  profileDir = join(outputDir, 'prod');
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await removeTemp();
});

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

async function writeSnapshot(modes?: typeof GROUP_READABLE_MODES) {
  const handle = await beginSnapshot({ outputDir, profile: 'prod', ...(modes ? { modes } : {}) });
  const writer = handle.writer('users', 'ndjson');
  await writer.write({ id: '00u1' });
  const result = await writer.close();
  return { handle, commit: () => handle.commit(manifestFor([result])) };
}

describe('a complete snapshot latest.json could not name', () => {
  it('takes the snapshot back, so latest.json still names the last good one, and says why (exit 3)', async () => {
    const first = await writeSnapshot();
    const kept = await first.commit();
    expect(JSON.parse(await readFile(join(profileDir, 'latest.json'), 'utf8')).snapshot).toBe(kept.id);
    // A folder in the way of the new pointer: its rename fails as on a full disk.
    await rm(join(profileDir, 'latest.json'));
    await mkdir(join(profileDir, 'latest.json', 'in-the-way'), { recursive: true });
    const { commit } = await writeSnapshot();
    const error = await commit().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(
      /^latest\.json could not be updated, so snapshot \d{4}-\d\d-\d\dT\d{6}Z(-\d+)? was not kept: /,
    );
    const snapshots = (await readdir(profileDir)).filter((name) => /^\d{4}-/.test(name));
    expect(snapshots).toEqual([kept.id]);
    expect((error as ConfigError).hint).toMatch(/^latest\.json still names the previous complete snapshot\./);
    expect((error as ConfigError).exitCode).toBe(3);
  });
});

describe('temporary files of a killed run', () => {
  it('removes .latest.json.*.tmp and .state.json.*.tmp of dead processes, keeps those of live ones', async () => {
    const live = await liveProcess();
    cleanups.push(() => live.kill());
    const dead = deadPid();
    await mkdir(profileDir, { recursive: true });
    const names = [
      `.latest.json.${dead}.a1b2c3d4.tmp`,
      `.state.json.${dead}.0badf00d.tmp`,
      `.latest.json.${live.pid}.deadbeef.tmp`,
    ];
    for (const name of names) await writeFile(join(profileDir, name), '{');
    const { handle } = await writeSnapshot();
    cleanups.push(() => handle.abort());
    const left = (await readdir(profileDir)).filter((name) => name.endsWith('.tmp'));
    expect(left).toEqual([`.latest.json.${live.pid}.deadbeef.tmp`]);
  });
});

describe('file modes', () => {
  const withUmask = async (umask: number, work: () => Promise<void>) => {
    const previous = process.umask(umask);
    try {
      await work();
    } finally {
      process.umask(previous);
    }
  };

  it('snapshot, manifest, latest.json, state.json and the incremental base are 0600 in 0700 folders under umask 000', async () => {
    await withUmask(0o000, async () => {
      const { commit } = await writeSnapshot();
      const { id } = await commit();
      const base = await beginBase(profileDir, id);
      const rows = base.open('users');
      await rows.write({ id: '00u1' });
      await rows.close();
      const baseFolder = await base.commit(id);
      await saveSyncState(outputDir, 'prod', {
        formatVersion: 1,
        snapshot: id,
        lastFullSyncAt: '2026-12-01T00:00:00.000Z',
        cursors: {},
      });
      expect(await modeOf(join(profileDir, id))).toBe(0o700);
      expect(await modeOf(join(profileDir, baseFolder))).toBe(0o700);
      for (const file of await readdir(join(profileDir, id)))
        expect(await modeOf(join(profileDir, id, file))).toBe(0o600);
      for (const file of await readdir(join(profileDir, baseFolder))) {
        expect(await modeOf(join(profileDir, baseFolder, file))).toBe(0o600);
      }
      expect(await modeOf(join(profileDir, 'latest.json'))).toBe(0o600);
      expect(await modeOf(join(profileDir, 'state.json'))).toBe(0o600);
    });
  });

  it('--group-readable: 0640 in 0750 folders, even under umask 077', async () => {
    await withUmask(0o077, async () => {
      const { commit } = await writeSnapshot(GROUP_READABLE_MODES);
      const { id } = await commit();
      expect(await modeOf(join(profileDir, id))).toBe(0o750);
      for (const file of await readdir(join(profileDir, id)))
        expect(await modeOf(join(profileDir, id, file))).toBe(0o640);
      expect(await modeOf(join(profileDir, 'latest.json'))).toBe(0o640);
    });
  });
});
