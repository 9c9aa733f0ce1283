import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { readBaseLines } from '../../src/sync/incremental-base.js';

describe('readBaseLines', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'okta-base-lines-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const readAll = async (name: string) => {
    const lines: string[] = [];
    for await (const batch of readBaseLines(dir, name)) lines.push(...batch);
    return lines;
  };

  it('gives back every line as written, across read chunks and multi-byte characters', async () => {
    const rows = Array.from({ length: 3_000 }, (_, index) =>
      JSON.stringify({ id: `00u${index}`, note: `Zoë ✓ ${'x'.repeat(index % 300)}`, text: 'a\nb' }),
    );
    await writeFile(join(dir, 'users.ndjson'), `${rows.join('\n')}\n`);
    expect(await readAll('users')).toEqual(rows);
  });

  it('has no lines for a missing file', async () => {
    expect(await readAll('devices')).toEqual([]);
  });

  it('refuses a file cut short: its last line is not an object, so it is never copied into a snapshot', async () => {
    await writeFile(
      join(dir, 'app_users.ndjson'),
      '{"appId":"0oa1","userId":"00u1"}\n{"appId":"0oa1","userId":"00',
    );
    const error = await readAll('app_users').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/last complete run is damaged .*app_users\.ndjson/);
    expect((error as ConfigError).hint).toMatch(/--full/);
  });
});
