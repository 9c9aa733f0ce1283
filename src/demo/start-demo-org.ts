import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEMO_OUTPUT_DIR } from './demo-output-dir.js';
import { type SampleOrg, type SampleOrgOptions, startSampleOrg } from './sample-org-server.js';

export { DEMO_OUTPUT_DIR };

/**
 * The port the demo org listens on, so that it is the same org from one run to the next: its origin
 * is the org's identity in snapshots and `state.json` (an incremental run builds only on a run of the
 * same org) and in the System Log link an incremental run resumes from, which must be on the org's
 * origin. Below Linux's ephemeral range (32768–60999), so no outgoing connection holds it by chance.
 */
export const DEMO_PORT = 28_734;

/** {@link DEMO_PORT}, or `OKTA_CONNECTOR_DEMO_PORT` (a port number) when set: for tests, or when 28734 is taken for good. */
export function demoPort(env: Record<string, string | undefined>): number {
  const port = Number(env.OKTA_CONNECTOR_DEMO_PORT);
  return Number.isInteger(port) && port > 0 && port < 65_536 ? port : DEMO_PORT;
}

/**
 * Starts the sample org for `--demo` on `port` (127.0.0.1; default {@link DEMO_PORT}), or, when that port is taken
 * (another demo running), on a free one: that run then is of "another org" and cannot build on the
 * earlier ones, which `onFallback` is told so the caller can say it.
 */
export async function startDemoOrg(
  options: Omit<SampleOrgOptions, 'port' | 'host' | 'anchor'>,
  onFallback: (why: string) => void,
  port = DEMO_PORT,
  anchor?: number,
): Promise<SampleOrg> {
  const start = (at: number | undefined) =>
    startSampleOrg({
      ...options,
      host: '127.0.0.1',
      ...(at === undefined ? {} : { port: at }),
      ...(anchor === undefined ? {} : { anchor }),
    });
  try {
    return await start(port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    onFallback(
      `Port ${port} is in use (another --demo run?): the sample org runs on another port this time, so this run cannot build on earlier demo runs.`,
    );
    return start(undefined);
  }
}

/** `<output-dir>/.demo-org.json`: the instant the demo org's data is anchored to in that folder. */
const ANCHOR_FILE = '.demo-org.json';

/**
 * The demo org's data anchor for an output folder: read from `.demo-org.json` there, else now (and,
 * with `save`, written there), so every later run in that folder sees the same org, timestamps and
 * all, and an incremental run equals a full one. Delete the file (or the folder) to start afresh.
 */
export async function demoAnchor(outputDir: string, save: boolean, now = Date.now()): Promise<number> {
  const file = join(outputDir, ANCHOR_FILE);
  try {
    const saved = Date.parse((JSON.parse(await readFile(file, 'utf8')) as { anchor?: string }).anchor ?? '');
    if (Number.isFinite(saved)) return saved;
  } catch {
    // Missing or unreadable: a new anchor.
  }
  if (save) {
    await mkdir(outputDir, { recursive: true });
    await writeFile(file, `${JSON.stringify({ anchor: new Date(now).toISOString() })}\n`);
  }
  return now;
}
