import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';
import { InterruptedError, UsageError } from '../errors.js';
import type { InputStream, Io } from './io.js';

/** Questions on an interactive terminal. Prompts go to stderr, so stdout stays clean for --json. */
export interface Prompter {
  /** Asks for a line of text; an empty answer gives `defaultValue` (shown in brackets). */
  ask(question: string, defaultValue?: string): Promise<string>;
  /** Asks for a secret; nothing is echoed while typing. */
  askSecret(question: string): Promise<string>;
  close(): void;
}

/** A stream that forwards to stderr except while muted (the secret prompt). */
class MutableOutput extends Writable {
  muted = false;
  readonly columns: number | undefined;

  constructor(private readonly target: NodeJS.WritableStream & { columns?: number }) {
    super();
    this.columns = target.columns;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    if (!this.muted) this.target.write(chunk);
    callback();
  }
}

export function createPrompter(io: Io): Prompter {
  const output = new MutableOutput(io.stderr);
  const rl: Interface = createInterface({ input: io.stdin, output, terminal: io.isTTY.stdin });
  let pending: { reject: (error: Error) => void } | undefined;
  let ended: Error | undefined;
  const end = (error: Error): void => {
    ended ??= error;
    pending?.reject(ended);
    pending = undefined;
  };

  rl.on('SIGINT', () => {
    end(new InterruptedError('Interrupted; nothing was saved.'));
    rl.close();
  });
  rl.on('close', () => {
    end(
      new UsageError('The input ended before every question was answered; nothing was saved.', {
        hint: 'Run configure on a terminal, or pass --domain and --token-stdin (see okta-connector configure --help).',
      }),
    );
  });

  const question = (query: string): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      if (ended) {
        reject(ended);
        return;
      }
      pending = { reject };
      rl.question(query, (answer) => {
        pending = undefined;
        resolve(answer);
      });
    });

  return {
    async ask(text, defaultValue) {
      const suffix = defaultValue ? ` ${io.color.dim(`[${defaultValue}]`)}` : '';
      const answer = (await question(`${io.color.bold('?')} ${text}${suffix}: `)).trim();
      return answer === '' ? (defaultValue ?? '') : answer;
    },
    async askSecret(text) {
      io.stderr.write(`${io.color.bold('?')} ${text}: `);
      output.muted = true;
      try {
        return await question('');
      } finally {
        output.muted = false;
        io.stderr.write('\n');
      }
    },
    close() {
      pending = undefined;
      ended ??= new Error('The prompt is closed.');
      rl.close();
    },
  };
}

/** Reads a whole input stream (for `--token-stdin`). */
export async function readAllInput(stream: InputStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
