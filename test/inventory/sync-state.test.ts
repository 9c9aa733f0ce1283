import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, InternalError } from '../../src/errors.js';
import { loadSyncState, type SyncState, saveSyncState } from '../../src/inventory/sync-state.js';
import { makeTempDir } from './helpers.js';

let dir: string;
let removeTemp: () => Promise<void>;
beforeEach(async () => {
  ({ dir, remove: removeTemp } = await makeTempDir('okta-state-'));
});
afterEach(async () => {
  await removeTemp();
});

const state: SyncState = {
  formatVersion: 1,
  snapshot: '2026-11-29T153510Z',
  lastFullSyncAt: '2026-11-29T15:36:10.000Z',
  cursors: {
    users: { lastUpdatedHighWater: '2026-11-29T15:30:00.000Z' },
    logs: { nextUrl: 'https://example.okta.com/api/v1/logs?after=abc' },
  },
};

describe('sync state', () => {
  it('is undefined before the first save', async () => {
    expect(await loadSyncState(dir, 'prod')).toBeUndefined();
  });

  it('saves atomically and loads what it saved, keeping unknown fields', async () => {
    await saveSyncState(dir, 'prod', { ...state, futureField: 1 } as SyncState);
    expect(await readdir(join(dir, 'prod'))).toStrictEqual(['state.json']);
    expect(await loadSyncState(dir, 'prod')).toStrictEqual({ ...state, futureField: 1 });
    await saveSyncState(dir, 'prod', { ...state, cursors: {} });
    expect((await loadSyncState(dir, 'prod'))?.cursors).toStrictEqual({});
  });

  it('refuses a corrupt file with a ConfigError naming it', async () => {
    await saveSyncState(dir, 'prod', state);
    const file = join(dir, 'prod', 'state.json');
    await writeFile(file, (await readFile(file, 'utf8')).slice(0, 20));
    await expect(loadSyncState(dir, 'prod')).rejects.toThrow(ConfigError);
    await expect(loadSyncState(dir, 'prod')).rejects.toThrow(file);
    await writeFile(file, JSON.stringify({ formatVersion: 1, cursors: { users: 'not an object' } }));
    await expect(loadSyncState(dir, 'prod')).rejects.toThrow(/is corrupt/);
  });

  it('refuses to save an invalid state and leaves the previous file', async () => {
    await saveSyncState(dir, 'prod', state);
    await expect(saveSyncState(dir, 'prod', { ...state, formatVersion: 2 as 1 })).rejects.toThrow(
      InternalError,
    );
    expect(await loadSyncState(dir, 'prod')).toStrictEqual(state);
    expect(await readdir(join(dir, 'prod'))).toStrictEqual(['state.json']);
  });

  it('refuses a profile name that would leave the output folder', async () => {
    await expect(loadSyncState(dir, '../elsewhere')).rejects.toThrow(ConfigError);
  });
});
