import type { WriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * Every file stream the writers open is watched: after each `write`, how many bytes wait in its buffer.
 * A writer that ignored `false` from `write()` would let 200k records pile up there (the loop below
 * never yields to the event loop unless the writer awaits 'drain').
 */
const watched: { path: string; maxBuffered: number; drains: number }[] = [];
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const createWriteStream = ((path: string, options?: Parameters<typeof fs.createWriteStream>[1]) => {
    const stream: WriteStream = fs.createWriteStream(path, options);
    const entry = { path, maxBuffered: 0, drains: 0 };
    watched.push(entry);
    const write = stream.write.bind(stream) as (chunk: unknown) => boolean;
    stream.write = ((chunk: unknown) => {
      const ok = write(chunk);
      entry.maxBuffered = Math.max(entry.maxBuffered, stream.writableLength);
      return ok;
    }) as WriteStream['write'];
    stream.on('drain', () => {
      entry.drains += 1;
    });
    return stream;
  }) as typeof fs.createWriteStream;
  return { ...fs, default: { ...fs, createWriteStream }, createWriteStream };
});

const { createEntityWriter } = await import('../../src/formats/create-entity-writer.js');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'okta-backpressure-'));
  watched.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HIGH_WATER_MARK = 64 * 1024; // fs.WriteStream's default
const RECORDS = 200_000;

describe('backpressure', () => {
  it.each(['ndjson', 'json', 'csv'] as const)(
    'keeps at most one buffer of %s in memory while writing 200k records',
    async (format) => {
      const writer = createEntityWriter({
        dir,
        entity: 'users',
        format,
        columns: { fixed: ['id', 'login'] },
      });
      for (let i = 0; i < RECORDS; i += 1) {
        await writer.write({ id: `00u${i}`, login: `user${i}@example.com`, profile: { n: i } });
      }
      const result = await writer.close();
      expect(result.count).toBe(RECORDS);
      // ~50 bytes a record: 10 MB in all, so a writer that buffered would exceed the bound 150-fold.
      expect(result.bytes).toBeGreaterThan(5_000_000);
      expect(watched.length).toBeGreaterThan(0);
      for (const stream of watched) {
        expect(stream.maxBuffered, stream.path).toBeLessThan(HIGH_WATER_MARK + 1024);
        expect(stream.drains, stream.path).toBeGreaterThan(10);
      }
      const text = await readFile(join(dir, result.file), 'utf8');
      expect(text).toContain(`00u${RECORDS - 1}`);
    },
  );
});
