import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';

type Chunk = string | Uint8Array;

/**
 * How much text writers hand to a sink in one piece, in characters. A page of records as one string would be up to
 * a megabyte, which V8 keeps in its large-object space until a full collection; pieces this size
 * (64 kB at most, two bytes a character) die young.
 */
export const PIECE_CHARS = 32 * 1024;

/** The texts of `items`, joined into pieces of about PIECE_CHARS characters, in order. */
export function joinInPieces<T>(items: readonly T[], textOf: (item: T) => string): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const item of items) {
    piece += textOf(item);
    if (piece.length >= PIECE_CHARS) {
      pieces.push(piece);
      piece = '';
    }
  }
  if (piece !== '') pieces.push(piece);
  return pieces;
}

/** A file being written, with its size and SHA-256 computed from the bytes as they go out. */
export interface ByteSink {
  /**
   * Resolves once the chunk (or every piece of it, in order) is handed to the file stream and the
   * stream is below its high-water mark.
   */
  write(chunk: Chunk | readonly Chunk[]): Promise<void>;
  /** Flushes and closes the file. */
  end(): Promise<{ bytes: number; sha256: string }>;
  /** Closes the file without flushing what is pending; the caller removes it. */
  destroy(): Promise<void>;
}

/**
 * Opens `path` for writing (it must not exist: `wx`). Every `write` awaits `'drain'` when the stream
 * is full, so the memory in flight stays at the stream's high-water mark whatever the record count.
 */
export function createByteSink(path: string): ByteSink {
  const stream = createWriteStream(path, { flags: 'wx' });
  const hash = createHash('sha256');
  let bytes = 0;
  let failure: Error | undefined;
  // An fs stream error with no listener would crash the process; keep it and throw it from the next call.
  stream.on('error', (error) => {
    failure ??= error;
  });

  const closed = async (): Promise<void> => {
    if (!stream.closed) await once(stream, 'close').catch(() => undefined);
  };

  return {
    async write(chunk) {
      if (failure) throw failure;
      let full = false;
      // All pieces before any await: writes that are not awaited stay in order.
      for (const piece of typeof chunk === 'string' || chunk instanceof Uint8Array ? [chunk] : chunk) {
        const buffer = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
        hash.update(buffer);
        bytes += buffer.byteLength;
        if (!stream.write(buffer)) full = true;
      }
      if (full) await drained(stream);
      if (failure) throw failure;
    },
    async end() {
      if (failure) throw failure;
      await new Promise<void>((resolve, reject) => {
        stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
      });
      await closed();
      if (failure) throw failure;
      return { bytes, sha256: hash.digest('hex') };
    },
    async destroy() {
      stream.destroy();
      await closed();
    },
  };
}

/** Waits for `'drain'`, or for the stream to fail or close (then the caller's next check throws). */
function drained(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}
