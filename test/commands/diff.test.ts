import { describe, expect, it } from 'vitest';
import { run } from '../cli/harness.js';

describe('diff: usage before any snapshot is read', () => {
  it('--json needs --output (the changes would share stdout with the summary)', async () => {
    const result = await run(['diff', '--json'], { env: { HOME: '/nonexistent' } });
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout).error.message).toContain('--json');
  });

  it('an unknown --format or entity names the choices', async () => {
    const format = await run(['diff', '--format', 'xml'], { env: { HOME: '/nonexistent' } });
    expect(format.exitCode).toBe(2);
    expect(format.stderr).toContain('ndjson, json, csv, html');
    const only = await run(['diff', '--only', 'users,people'], { env: { HOME: '/nonexistent' } });
    expect(only.exitCode).toBe(2);
    expect(only.stderr).toContain('"people"');
    expect(only.stderr).toContain('app_users');
  });

  it('no snapshot yet: exit 3 with what to do', async () => {
    const result = await run(['diff', '--output-dir', '/nonexistent/okta'], {
      env: { HOME: '/nonexistent' },
    });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('no complete snapshot');
    // The hint names diff's own flags, never export's --snapshot.
    expect(result.stderr).toContain('--from <snapshot> --to <snapshot>');
    expect(result.stderr).not.toContain('--snapshot');
  });
});
