import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serve } from '../../src/demo/serve.js';

/** Every count a change set takes, so that one with only a few of them changes nothing else. */
const CHANGE_KINDS = [
  'addUsers',
  'updateUsers',
  'deprovisionUsers',
  'reactivateUsers',
  'deleteUsers',
  'addMemberships',
  'removeMemberships',
  'addAppAssignments',
  'removeAppAssignments',
  'appLifecycleChanges',
  'signIns',
  'failedSignIns',
];

function capture() {
  let text = '';
  return { stream: { write: (chunk: string) => (text += chunk) }, text: () => text };
}

describe('serve (dist/demo/serve.js)', () => {
  it('prints one JSON line with the URL and token, serves, and writes its counters on shutdown', async () => {
    const stdout = capture();
    const stderr = capture();
    const dir = mkdtempSync(join(tmpdir(), 'sample-org-'));
    try {
      const statsFile = join(dir, 'stats.json');
      const { shutdown } = await serve(
        ['--size', 'tiny', '--window-ms', '1000', '--latency-ms', '1', '--stats-file', statsFile],
        { stdout: stdout.stream, stderr: stderr.stream },
      );
      const lines = stdout.text().split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      const { url, token } = JSON.parse(lines[0] as string) as { url: string; token: string };
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${url}/api/v1/users/me`, { headers: { Authorization: `SSWS ${token}` } });
      expect(response.status).toBe(200);
      expect(Number(response.headers.get('x-rate-limit-reset')) * 1000 - Date.now()).toBeLessThanOrEqual(
        2_000,
      );
      await shutdown();
      const stats = JSON.parse(readFileSync(statsFile, 'utf8')) as {
        requests: number;
        urls: Record<string, unknown>;
      };
      expect(stats.requests).toBe(1);
      expect(Object.keys(stats.urls)).toEqual(['/api/v1/users/me']);
      expect(stderr.text()).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with --change-set, serves the org as it is after that change set', async () => {
    const io = { stdout: capture().stream, stderr: capture().stream };
    const listUsers = async (argv: string[]) => {
      const out = capture();
      const { shutdown } = await serve(
        ['--size', 'tiny', '--no-rate-limits', '--anchor', '1764547200000', ...argv],
        {
          ...io,
          stdout: out.stream,
        },
      );
      try {
        const { url, token } = JSON.parse(out.text().split('\n')[0] as string) as {
          url: string;
          token: string;
        };
        const response = await fetch(`${url}/api/v1/users?limit=200`, {
          headers: { Authorization: `SSWS ${token}` },
        });
        return ((await response.json()) as Record<string, unknown>[]).map(({ _links, ...user }) =>
          JSON.stringify(user),
        );
      } finally {
        await shutdown();
      }
    };
    const before = await listUsers([]);
    const after = await listUsers([
      '--change-set',
      JSON.stringify({
        ...Object.fromEntries(CHANGE_KINDS.map((kind) => [kind, 0])),
        seed: 3,
        addUsers: 2,
        deprovisionUsers: 1,
      }),
    ]);
    // One anchor, the same records (timestamps included; links name each server's port) but for the change set's. Okta's default
    // user list leaves DEPROVISIONED users out: the deprovisioned one is gone from it.
    expect(after.filter((user) => !before.includes(user))).toHaveLength(2);
    expect(before.filter((user) => !after.includes(user))).toHaveLength(1);
  });

  it('refuses bad arguments', async () => {
    const io = { stdout: capture().stream, stderr: capture().stream };
    await expect(serve(['--size', 'huge'], io)).rejects.toThrow(/--size/);
    await expect(serve(['--window-ms', 'soon'], io)).rejects.toThrow(/--window-ms/);
    await expect(serve(['--colour'], io)).rejects.toThrow();
    await expect(serve(['--change-set', '[1]'], io)).rejects.toThrow(/--change-set must be a JSON object/);
    await expect(serve(['--change-set', '{"addUsers":-1}'], io)).rejects.toThrow(
      /addUsers must be a whole number/,
    );
  });
});
