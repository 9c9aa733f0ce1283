import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { superviseWorker } from '../../src/launch.js';

// The main thread's side of a sync: signals relayed to the worker, and a worker that does not
// stop is stopped (issue 15). Real workers, millisecond grace periods.

function workerOf(code: string): Worker {
  return new Worker(code, { eval: true });
}

/** A worker that reports each relayed message back, then does what `onSignal` says. */
const LISTENS = (onSignal: string) => `
  const { parentPort } = require('node:worker_threads');
  parentPort.on('message', (message) => { parentPort.postMessage({ got: message }); ${onSignal} });
  parentPort.postMessage({ ready: true });
  setInterval(() => {}, 1000);
`;

function harness(
  worker: Worker,
  options: { graceMs?: number; terminateMs?: number; now?: () => number } = {},
) {
  const signals = new EventEmitter();
  const stderr: string[] = [];
  const received: unknown[] = [];
  const forced: string[] = [];
  worker.on('message', (message: { got?: unknown }) => {
    if (message.got) received.push(message.got);
  });
  const ready = new Promise<void>((resolve) =>
    worker.on('message', (message: { ready?: boolean }) => message.ready && resolve()),
  );
  const exit = superviseWorker(worker, {
    signals,
    stderr: { write: (text: string) => stderr.push(text) },
    graceMs: options.graceMs ?? 50,
    terminateMs: options.terminateMs ?? 50,
    forceExit: (signal) => forced.push(signal),
    ...(options.now ? { now: options.now } : {}),
  });
  return { signals, stderr, received, forced, exit, ready };
}

describe('superviseWorker', () => {
  it('relays SIGTERM; a worker that cleans up and exits keeps its own exit code', async () => {
    const run = harness(workerOf(LISTENS('process.exit(130);')), { graceMs: 10_000 });
    await run.ready;
    run.signals.emit('SIGTERM', 'SIGTERM');
    expect(await run.exit).toBe(130);
    expect(run.received).toEqual([{ signal: 'SIGTERM' }]);
    expect(run.stderr).toEqual([]);
  });

  it('handles SIGHUP (a closed terminal) like SIGTERM', async () => {
    const run = harness(workerOf(LISTENS('process.exit(130);')), { graceMs: 10_000 });
    await run.ready;
    run.signals.emit('SIGHUP', 'SIGHUP');
    expect(await run.exit).toBe(130);
    expect(run.received).toEqual([{ signal: 'SIGTERM' }]);
  });

  it('terminates a worker that does not stop within the grace period, and exits 130', async () => {
    // Busy in JavaScript: it never reads the relayed message.
    const worker = workerOf(
      `require('node:worker_threads').parentPort.postMessage({ ready: true }); for (;;) {}`,
    );
    const run = harness(worker, { graceMs: 100 });
    await run.ready;
    run.signals.emit('SIGINT', 'SIGINT');
    expect(await run.exit).toBe(130);
    expect(run.stderr.join('')).toBe(
      '✖ okta-connector: the sync did not stop within 0 s of SIGINT; stopped it. The last complete snapshot is untouched; the next run removes what this one left.\n',
    );
    expect(run.forced).toEqual([]);
  });

  it('stops at once at a second Ctrl-C a moment after the first', async () => {
    let clock = 0;
    const run = harness(workerOf(LISTENS('/* keeps cleaning up */')), { graceMs: 60_000, now: () => clock });
    await run.ready;
    run.signals.emit('SIGINT', 'SIGINT');
    // The same signal delivered twice at once is not a second Ctrl-C.
    run.signals.emit('SIGINT', 'SIGINT');
    clock += 2_000;
    run.signals.emit('SIGINT', 'SIGINT');
    expect(await run.exit).toBe(130);
    expect(run.stderr.join('')).toContain('got a second SIGINT; stopped it');
  });

  it('ends the process by the signal when terminate() cannot stop a worker stuck in a system call', async () => {
    // A synchronous child process blocks the worker in C++, where terminate() does not reach
    // (like mkdirSync under /proc); it ends by itself after a second so the test leaves nothing behind.
    const worker = workerOf(
      `require('node:worker_threads').parentPort.postMessage({ ready: true }); require('node:child_process').execFileSync('sleep', ['1']);`,
    );
    const run = harness(worker, { graceMs: 50, terminateMs: 100 });
    await run.ready;
    await new Promise((resolve) => setTimeout(resolve, 50));
    run.signals.emit('SIGTERM', 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(run.forced).toEqual(['SIGTERM']);
    expect(await run.exit).toBe(130);
  });

  it("prints an uncaught error's message, not only its name", async () => {
    const run = harness(
      workerOf(`throw new TypeError('Cannot read properties of undefined (reading "id")\\n    at x')`),
    );
    expect(await run.exit).toBe(1);
    expect(run.stderr.join('')).toBe(
      '✖ okta-connector stopped on an unexpected TypeError: Cannot read properties of undefined (reading "id") (a bug: please report it).\n',
    );
  });
});
