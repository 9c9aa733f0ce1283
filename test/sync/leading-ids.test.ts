import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBaseLines, readBaseRows } from '../../src/sync/incremental-base.js';
import { idsOfLine, leadingIds } from '../../src/sync/leading-ids.js';

describe('leadingIds and idsOfLine', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['plain', { appId: '0oa1', userId: '00u1', scope: 'USER' }],
    ['an escaped quote in the id', { appId: '0oa"1', userId: '00u1' }],
    ['a backslash in the second id', { appId: '0oa1', userId: '00u\\1' }],
    ['keys in another order', { userId: '00u1', appId: '0oa1' }],
    ['a number id', { appId: 7, userId: '00u1' }],
    ['a null id', { appId: null, userId: '00u1' }],
    ['a prefix of another key', { appIdx: 'x', appId: '0oa1', userId: '00u1' }],
    ['unicode', { appId: 'Zoë👩🏽‍💻', userId: '00u1' }],
  ];

  it.each(cases)('gives what JSON.parse gives: %s', (_name, row) => {
    const line = JSON.stringify(row);
    expect(idsOfLine(line, ['appId', 'userId'])).toEqual([String(row.appId), String(row.userId)]);
  });

  it('reads the text only when the line starts with the keys as strings without escapes', () => {
    expect(leadingIds('{"appId":"0oa1","userId":"00u1","x":1}', ['appId', 'userId'])).toEqual([
      '0oa1',
      '00u1',
    ]);
    expect(leadingIds(JSON.stringify({ appId: '0oa"1', userId: 'u' }), ['appId', 'userId'])).toBeUndefined();
    expect(leadingIds(JSON.stringify({ userId: 'u', appId: 'a' }), ['appId', 'userId'])).toBeUndefined();
    expect(leadingIds(JSON.stringify({ appId: 1, userId: 'u' }), ['appId'])).toBeUndefined();
    expect(leadingIds('{"appId":"0oa1', ['appId'])).toBeUndefined();
  });

  it('a line that is not a JSON object is a damaged base', () => {
    expect(() => idsOfLine('{"appId":', ['appId'])).toThrow(/damaged/);
  });
});

describe('readBaseLines', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'okta-base-lines-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives each record line once, across read chunks and multi-byte characters, in batches of 1000', async () => {
    // Lines longer than a read chunk (256 kB), multi-byte characters everywhere, and no final newline.
    const rows = Array.from({ length: 2_500 }, (_, index) => ({
      id: `00u${index}`,
      name: index % 500 === 0 ? 'é👩🏽‍💻'.repeat(40_000) : `Zoë ${index}\n"quoted"`,
    }));
    const text = rows.map((row) => JSON.stringify(row)).join('\n');
    await writeFile(join(dir, 'users.ndjson'), text);
    const batches: string[][] = [];
    for await (const lines of readBaseLines(dir, 'users')) batches.push(lines);
    expect(batches.map((lines) => lines.length)).toEqual([1000, 1000, 500]);
    expect(batches.flat()).toEqual(rows.map((row) => JSON.stringify(row)));
    const parsed: unknown[] = [];
    for await (const batch of readBaseRows(dir, 'users')) parsed.push(...batch);
    expect(parsed).toEqual(rows);
  });

  it('has no lines for a missing file and skips empty lines', async () => {
    const none: string[][] = [];
    for await (const lines of readBaseLines(dir, 'groups')) none.push(lines);
    expect(none).toEqual([]);
    await writeFile(join(dir, 'groups.ndjson'), '{"id":"a"}\n\n{"id":"b"}\n');
    const lines: string[] = [];
    for await (const batch of readBaseLines(dir, 'groups')) lines.push(...batch);
    expect(lines).toEqual(['{"id":"a"}', '{"id":"b"}']);
  });

  it('a damaged line fails the read with what to do', async () => {
    await writeFile(join(dir, 'apps.ndjson'), '{"id":"a"}\n{"id":\n');
    const read = async () => {
      for await (const _ of readBaseRows(dir, 'apps'));
    };
    await expect(read()).rejects.toThrow(/damaged/);
  });
});
