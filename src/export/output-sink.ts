import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { createByteSink } from '../formats/create-byte-sink.js';
import { fsyncPath } from '../formats/fsync-path.js';
import type { OutputStream } from '../ui/io.js';

/** Where an export goes: a file (whole or not at all) or a stream (stdout). */
export interface OutputSink {
  /** Queues text; resolves when the destination has room again. */
  write(text: string): Promise<void>;
  /** True once the reader of a stream went away (EPIPE, `| head`): stop producing, it is no error. */
  readonly closed: boolean;
  /** Flushes; a file is renamed into place only now. */
  commit(): Promise<void>;
  /** Drops what was written (a file's temporary copy is removed; a stream is left as it is). */
  abort(): Promise<void>;
}

/**
 * Text is handed on in pieces of about this size: fewer writes, yet every string stays well under
 * V8's large-object threshold (~128 KB; a two-byte string takes two bytes per character), because
 * large strings are freed only by a full GC and a long export would pile them up by the hundred MB.
 */
const BATCH_CHARS = 16 * 1024;

/**
 * A file written whole or not at all: the text goes to a temporary file beside the target
 * (`.<name>.<pid>.<random>.tmp`), which is flushed to disk and renamed over the target at `commit`.
 * `abort` (or a crash) never leaves a partial target; an existing target is replaced only at the end.
 */
export function openFileSink(path: string): OutputSink {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let sink: ReturnType<typeof createByteSink>;
  try {
    sink = createByteSink(temp);
  } catch (error) {
    throw new UsageError(`Cannot write ${path}: ${(error as Error).message}`);
  }
  let buffer = '';
  const flush = async () => {
    if (buffer === '') return;
    const text = buffer;
    buffer = '';
    await sink.write(text);
  };
  const failed = (error: unknown): never => {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`Cannot write ${path}${code ? ` (${code})` : ''}: ${(error as Error).message}`, {
      cause: error,
      hint: 'Check that the folder exists and is writable, and that the disk has room.',
    });
  };
  return {
    closed: false,
    async write(text) {
      buffer += text;
      if (buffer.length >= BATCH_CHARS) await flush().catch(failed);
    },
    async commit() {
      try {
        await flush();
        await sink.end();
        await fsyncPath(temp, 'file');
        await rename(temp, path);
      } catch (error) {
        await rm(temp, { force: true });
        failed(error);
      }
      await fsyncPath(dirname(path), 'directory');
    },
    async abort() {
      buffer = '';
      await sink.destroy().catch(() => undefined);
      await rm(temp, { force: true });
    },
  };
}

/**
 * A stream such as stdout, with back-pressure. When the reader goes away (`EPIPE`: `export … | head`)
 * the sink reports `closed` and swallows further writes: the export stops early and succeeds.
 */
export function openStreamSink(stream: OutputStream): OutputSink {
  let closed = false;
  let failure: Error | undefined;
  let buffer = '';
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') closed = true;
    else failure ??= error;
  };
  stream.on('error', onError);
  const flush = async (): Promise<void> => {
    if (buffer === '' || closed) return;
    const text = buffer;
    buffer = '';
    const room = stream.write(text);
    if (!room && !closed) {
      await new Promise<void>((resolve) => {
        const done = () => {
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
    if (failure) throw failure;
  };
  return {
    get closed() {
      return closed;
    },
    async write(text) {
      if (closed) return;
      buffer += text;
      if (buffer.length >= BATCH_CHARS) await flush();
    },
    // The error listener stays: an EPIPE can arrive after the last write, and must not crash.
    async commit() {
      await flush();
    },
    async abort() {
      buffer = '';
    },
  };
}
