import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { ConfigError, InterruptedError } from '../errors.js';

/** What the manifest says about a file, to check it against while reading. */
export interface ExpectedFile {
  bytes: number;
  sha256: string;
}

/**
 * Streams a snapshot file as UTF-8 text, one chunk at a time (a multi-byte character split between
 * two reads is kept whole), and checks its size and SHA-256 against the manifest once the last byte
 * is read. A file changed or damaged after sync is an error, not silently different numbers.
 */
export async function* readFileChunks(
  path: string,
  expected: ExpectedFile | undefined,
  signal?: AbortSignal,
): AsyncGenerator<string, void, undefined> {
  const decoder = new StringDecoder('utf8');
  const hash = createHash('sha256');
  let bytes = 0;
  let stream: ReturnType<typeof createReadStream>;
  try {
    // Small reads on purpose: a decoded chunk over ~128 KB lands in V8's large-object space, which only
    // a full GC frees, and a 300 MB file then lifts the process's memory by a hundred megabytes or more.
    stream = createReadStream(path, { highWaterMark: 32 * 1024 });
    for await (const buffer of stream as AsyncIterable<Buffer>) {
      if (signal?.aborted) throw new InterruptedError(`Interrupted while reading ${path}.`);
      hash.update(buffer);
      bytes += buffer.byteLength;
      const text = decoder.write(buffer);
      if (text !== '') yield text;
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof InterruptedError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    throw new ConfigError(`Cannot read ${path} (${code}).`, {
      cause: error,
      hint: 'Check that the snapshot folder is complete and readable.',
    });
  }
  const rest = decoder.end();
  if (rest !== '') yield rest;
  if (!expected) return;
  const sha256 = hash.digest('hex');
  if (bytes !== expected.bytes || sha256 !== expected.sha256) {
    throw new ConfigError(
      `${path} does not match its manifest (${bytes === expected.bytes ? 'SHA-256' : `${bytes} bytes, the manifest says ${expected.bytes}`} differs): it changed after sync or is damaged.`,
      { hint: 'Export another snapshot, or run sync again.' },
    );
  }
}
