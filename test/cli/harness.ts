import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { runCli } from '../../src/cli/program.js';
import type { ExitCodeValue } from '../../src/errors.js';
import { createIo, type Io, type IoOptions } from '../../src/ui/io.js';

/** ESC, the start of every ANSI escape sequence. */
export const ANSI = /\u001b\[/;

/** A writable stream that keeps what was written; `isTTY` makes it pose as a terminal. */
export class CaptureStream extends Writable {
  readonly chunks: string[] = [];
  isTTY: boolean;
  columns = 100;

  constructor(isTTY = false) {
    super();
    this.isTTY = isTTY;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(chunk.toString());
    callback();
  }

  getColorDepth(): number {
    return 8;
  }

  // The cursor controls of a tty.WriteStream, which ora uses on a terminal.
  cursorTo(_x: number, _y?: number): boolean {
    return true;
  }

  moveCursor(_dx: number, _dy: number): boolean {
    return true;
  }

  clearLine(_direction: number): boolean {
    return true;
  }

  text(): string {
    return this.chunks.join('');
  }
}

/** An input stream with `text` already in it (then ended), posing as a terminal if `isTTY`. */
export function inputStream(text = '', isTTY = false): PassThrough & { isTTY: boolean } {
  const stream = Object.assign(new PassThrough(), { isTTY });
  if (!isTTY) stream.end(text);
  else if (text !== '') stream.write(text);
  return stream;
}

export interface FakeIo {
  io: Io;
  stdout: CaptureStream;
  stderr: CaptureStream;
}

/** An Io on capture streams, for calling commands directly. */
export function fakeIo(options: Partial<IoOptions> & { tty?: boolean; stdinText?: string } = {}): FakeIo {
  const stdout = new CaptureStream(options.tty ?? false);
  const stderr = new CaptureStream(options.tty ?? false);
  const io = createIo({ env: {}, stdin: inputStream(options.stdinText ?? ''), ...options, stdout, stderr });
  return { io, stdout, stderr };
}

export interface CliRun {
  exitCode: ExitCodeValue;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  stdin?: string;
  stdinTTY?: boolean;
  tty?: boolean;
  cwd?: string;
}

/** Runs the CLI in-process, as `okta-connector <argv>`, with capture streams. */
export async function run(argv: string[], options: RunOptions = {}): Promise<CliRun> {
  const stdout = new CaptureStream(options.tty ?? false);
  const stderr = new CaptureStream(options.tty ?? false);
  const exitCode = await runCli(argv, {
    stdout,
    stderr,
    stdin: inputStream(options.stdin ?? '', options.stdinTTY ?? false),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  });
  return { exitCode, stdout: stdout.text(), stderr: stderr.text() };
}

/** A fresh temp folder, removed by the returned function. */
export async function tempDir(
  prefix = 'okta-connector-test-',
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Every file under `dir` whose content contains `needle`. */
export async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    const file = path.join(dir, entry);
    if ((await stat(file)).isFile() && (await readFile(file, 'utf8')).includes(needle)) found.push(file);
  }
  return found;
}

/** A self-signed certificate for 127.0.0.1/localhost made with openssl, or undefined without openssl. */
export function selfSignedCertificate(
  dir: string,
  subject = '/CN=Corp Inspection CA/O=Example Proxy',
): { key: string; cert: string; certPath: string } | undefined {
  const keyPath = path.join(dir, 'key.pem');
  const certPath = path.join(dir, 'cert.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-keyout',
        keyPath,
        '-out',
        certPath,
        '-subj',
        subject,
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
  } catch {
    return undefined;
  }
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
}
