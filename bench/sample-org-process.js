/**
 * The sample org in its own process (`dist/demo/serve.js`), so its memory and CPU are not counted
 * against the program being measured. It listens on 127.0.0.1 only; its request counters are written
 * to a JSON file when it is stopped.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exitOf, startChild, stopChild } from './child-processes.js';

/**
 * Starts `serve.js` and resolves with `{ url, token, stop }` once it printed its URL line.
 * `stop()` ends it and resolves with its counters (`{ requests, buckets, … }`).
 */
export async function startSampleOrgProcess({
  root,
  size,
  windowMs,
  statsFile,
  port,
  changeSet,
  anchor,
  // Generous: a `large` org with a change set is generated and then changed before it listens, and the
  // machine the bench runs on may be loaded.
  startTimeoutMs = 300_000,
}) {
  const serve = join(root, 'dist', 'demo', 'serve.js');
  const args = [
    serve,
    '--size',
    size,
    '--window-ms',
    String(windowMs),
    '--host',
    '127.0.0.1',
    '--stats-file',
    statsFile,
    // The same port for two runs of a size: their snapshots are of one org (diff compares only those).
    ...(port === undefined ? [] : ['--port', String(port)]),
    // The org after a scripted night (mutate's options), as the same seed generates it and then changes.
    // One anchor for the runs of a size: their generated timestamps are the same. A --root checkout
    // older than --anchor (before afa4073) refuses the option: its org anchors on its own clock.
    ...(anchor === undefined || !knowsAnchor(serve) ? [] : ['--anchor', String(anchor)]),
    ...(changeSet === undefined ? [] : ['--change-set', JSON.stringify(changeSet)]),
  ];
  const child = startChild(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text) => {
    stderr = (stderr + text).slice(-4000);
  });

  const line = await new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(
      () => reject(new Error(`the sample org did not start in ${startTimeoutMs} ms`)),
      startTimeoutMs,
    );
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text) => {
      buffered += text;
      const end = buffered.indexOf('\n');
      if (end >= 0) {
        clearTimeout(timer);
        resolve(buffered.slice(0, end));
      }
    });
    exitOf(child).then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the sample org exited (${signal ?? code}) before it started: ${stderr.trim()}`));
    });
  }).catch(async (error) => {
    await stopChild(child);
    throw error;
  });
  child.stdout.resume();

  const { url, token } = JSON.parse(line);
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) {
    await stopChild(child);
    throw new Error(`the sample org is not on 127.0.0.1: ${url}`);
  }
  return {
    url,
    token,
    pid: child.pid,
    async stop() {
      await stopChild(child, 10_000);
      try {
        return JSON.parse(await readFile(statsFile, 'utf8'));
      } catch {
        return undefined;
      }
    },
  };
}

/** Whether this build's serve.js takes `--anchor` (older checkouts measured with --root do not). */
function knowsAnchor(serve) {
  return readFileSync(serve, 'utf8').includes('--anchor');
}
