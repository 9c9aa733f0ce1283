import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sync } from '../../src/commands/sync/index.js';
import { type SampleOrg, startSampleOrg } from '../../src/demo/index.js';
import { createIo } from '../../src/ui/io.js';

let org: SampleOrg;
let root: string;

beforeAll(async () => {
  // The apps bucket binds: 10 requests per 2-second window, so sync waits for it several times.
  org = await startSampleOrg({
    size: 'tiny',
    rateLimits: { windowMs: 2_000, limits: { '/api/v1/apps': 10 } },
  });
  root = await mkdtemp(join(tmpdir(), 'okta-progress-'));
});
afterAll(async () => {
  await org?.stop();
  await rm(root, { recursive: true, force: true });
});

describe('a throttled sync is never silent', () => {
  it('without a terminal and in --log-file: status lines while it waits, naming the bucket and the time left', async () => {
    const stderr = new PassThrough();
    let errText = '';
    stderr.on('data', (chunk) => {
      errText += String(chunk);
    });
    const logFile = join(root, 'sync.log');
    const result = await sync(
      {
        profile: 'default',
        env: { OKTA_CLIENT_ORGURL: org.url, OKTA_CLIENT_TOKEN: org.token, OKTA_CONNECTOR_CONFIG_DIR: root },
        cwd: root,
        outputDir: join(root, 'out'),
        rateLimitShare: '100',
        logFile,
        // A line every 200 ms instead of every 10 s: the same rule, in test time.
        progress: { heartbeatMs: 200 },
      },
      createIo({ stdout: new PassThrough(), stderr, env: {} }),
    );
    expect(result.status).toBe('complete');
    const log = await readFile(logFile, 'utf8');
    const statusLines = log.split('\n').filter((line) => / … \d/.test(line));
    expect(statusLines.length).toBeGreaterThan(3);
    expect(log).toMatch(/ … \d+ s: [^\n]*waiting \d+ s for the apps rate limit/);
    expect(log).toMatch(/ … \d+ s: [^\n]*app_users \d+/);
    // Timestamps of consecutive lines are never more than a heartbeat (plus scheduling slack) apart.
    const times = log
      .split('\n')
      .filter(Boolean)
      .map((line) => Date.parse(line.slice(0, line.indexOf(' '))));
    for (let index = 1; index < times.length; index++)
      expect(times[index]! - times[index - 1]!).toBeLessThan(1_500);
    // The same lines on stderr (no terminal), without ANSI codes.
    expect(errText).toMatch(/… \d+ s: [^\n]*waiting \d+ s for the apps rate limit/);
    expect(errText).not.toContain('\u001b[');
  });
});
