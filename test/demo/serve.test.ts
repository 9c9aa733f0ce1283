import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serve } from '../../src/demo/serve.js';

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

  it('refuses bad arguments', async () => {
    const io = { stdout: capture().stream, stderr: capture().stream };
    await expect(serve(['--size', 'huge'], io)).rejects.toThrow(/--size/);
    await expect(serve(['--window-ms', 'soon'], io)).rejects.toThrow(/--window-ms/);
    await expect(serve(['--colour'], io)).rejects.toThrow();
  });
});
