/**
 * Runs the sample org in its own process, so a benchmark does not count its memory against the CLI:
 *
 *   node dist/demo/serve.js --size medium --window-ms 1000 [--port N] [--latency-ms N] [--seed N]
 *     [--pipeline idx|v1] [--concurrency N] [--no-rate-limits] [--stats-file path]
 *     [--anchor <epoch ms>] [--change-set '<json>']
 *
 * Prints one JSON line, `{"url":…,"token":…}`, on stdout, then serves until SIGTERM or SIGINT.
 * `--anchor` fixes the instant the generated timestamps lie before (default: the clock at start), so
 * two processes serve the same records. With `--change-set`, the org first applies that change set (`mutate()`'s options as JSON): the same
 * size and seed then serve the org as it is after that night, so two processes give a before and after.
 * With `--stats-file`, the request counters are written there as JSON on shutdown.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ChangeSetOptions } from './apply-change-set.js';
import { type SampleOrg, startSampleOrg } from './sample-org-server.js';
import { isSampleOrgSize } from './sample-org-size.js';

export interface ServeIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

function toInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new Error(`--${name} must be a whole number, got "${value}"`);
  return number;
}

function changeSetOf(value: string | undefined): ChangeSetOptions | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error(`--change-set must be a JSON object, got "${value}"`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`--change-set must be a JSON object, got "${value}"`);
  for (const [name, count] of Object.entries(parsed)) {
    if (!Number.isInteger(count) || (count as number) < 0)
      throw new Error(`--change-set: ${name} must be a whole number, got ${JSON.stringify(count)}`);
  }
  return parsed as ChangeSetOptions;
}

/** Parses the arguments and starts the server; resolves once the URL line is printed. */
export async function serve(
  argv: string[],
  io: ServeIo,
): Promise<{ org: SampleOrg; shutdown: () => Promise<void> }> {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: 'string', default: 'tiny' },
      seed: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'window-ms': { type: 'string' },
      'latency-ms': { type: 'string' },
      concurrency: { type: 'string' },
      pipeline: { type: 'string' },
      'no-rate-limits': { type: 'boolean', default: false },
      'stats-file': { type: 'string' },
      'change-set': { type: 'string' },
      anchor: { type: 'string' },
    },
    strict: true,
  });
  if (!isSampleOrgSize(values.size))
    throw new Error(`--size must be tiny, small, medium or large, got "${values.size}"`);
  if (values.pipeline !== undefined && values.pipeline !== 'idx' && values.pipeline !== 'v1') {
    throw new Error(`--pipeline must be idx or v1, got "${values.pipeline}"`);
  }
  const changeSet = changeSetOf(values['change-set']);
  const org = await startSampleOrg({
    size: values.size,
    seed: toInteger('seed', values.seed),
    port: toInteger('port', values.port),
    host: values.host,
    pipeline: values.pipeline as 'idx' | 'v1' | undefined,
    latencyMs: toInteger('latency-ms', values['latency-ms']),
    anchor: toInteger('anchor', values.anchor),
    rateLimits: {
      windowMs: toInteger('window-ms', values['window-ms']),
      concurrency: toInteger('concurrency', values.concurrency),
      enabled: !values['no-rate-limits'],
    },
  });
  if (changeSet) org.mutate(changeSet);
  io.stdout.write(`${JSON.stringify({ url: org.url, token: org.token })}\n`);
  const statsFile = values['stats-file'];
  const shutdown = async () => {
    await org.stop();
    if (statsFile) writeFileSync(statsFile, `${JSON.stringify(org.counters, null, 2)}\n`);
  };
  return { org, shutdown };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  serve(process.argv.slice(2), process).then(
    ({ shutdown }) => {
      const stop = () => {
        shutdown().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (error: unknown) => {
      process.stderr.write(`sample org: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
}
