import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, makeWorkspace, runCli, type Workspace } from './cli-process.js';
import { readManifest, snapshotIds } from './snapshot-files.js';

let work: Workspace;
let port: string;

/** A free port for this file's demo org, so a parallel `sync --demo` elsewhere cannot take it. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  ensureBuilt();
  work = await makeWorkspace();
  port = String(await freePort());
}, 120_000);
afterAll(async () => {
  await work?.remove();
});

describe('the demo, from one folder: sync, export, test-connection, incremental', () => {
  it('sync --demo says how to export it, and export --demo and test-connection --demo work from there', async () => {
    const cwd = path.join(work.dir, 'demo');
    mkdirSync(cwd);
    const env = work.env(undefined, { OKTA_CONNECTOR_DEMO_PORT: port });
    const synced = await runCli(['sync', '--demo'], { env, cwd });
    expect(synced.exitCode).toBe(0);
    expect(synced.stdout).toContain(
      'okta-connector export --demo --view licence-usage --output licences.html',
    );

    const exported = await runCli(['export', '--demo', '--view', 'users', '--format', 'json'], { env, cwd });
    expect(exported.exitCode).toBe(0);
    expect((JSON.parse(exported.stdout) as unknown[]).length).toBe(40);
    const report = await runCli(
      ['export', '--demo', '--view', 'licence-usage', '--output', 'licences.html'],
      {
        env,
        cwd,
      },
    );
    expect(report.exitCode).toBe(0);
    expect(readFileSync(path.join(cwd, 'licences.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);

    const checked = await runCli(['test-connection', '--demo'], { env, cwd });
    expect(checked.exitCode).toBe(0);
    expect(checked.stdout).toContain('All checks passed');
    expect(checked.stdout).toContain(path.join(cwd, 'okta-inventory-demo'));

    // The demo org is the same org on every run: --incremental builds on the run before.
    const again = await runCli(['sync', '--demo', '--incremental', '--json'], { env, cwd });
    expect(again.exitCode).toBe(0);
    const result = JSON.parse(again.stdout) as { mode: string; fullReason: string | null; org: string };
    expect(result).toMatchObject({ mode: 'incremental', fullReason: null, org: `http://127.0.0.1:${port}` });
    const outputDir = path.join(cwd, 'okta-inventory-demo');
    const [first = '', second = ''] = snapshotIds(outputDir);
    const files = (id: string) => readManifest(path.join(outputDir, 'default', id)).entities;
    expect(readManifest(path.join(outputDir, 'default', second)).mode).toBe('incremental');
    for (const [entity, entry] of Object.entries(files(first))) {
      expect({ entity, sha256: (files(second)[entity] as { sha256?: string }).sha256 }).toStrictEqual({
        entity,
        sha256: (entry as { sha256?: string }).sha256,
      });
    }
  });

  it('a taken demo port: the run still works, on another port, and says why it cannot build on earlier runs', async () => {
    const blocker = createServer();
    const taken = await freePort();
    await new Promise<void>((resolve) => blocker.listen(taken, '127.0.0.1', resolve));
    try {
      const cwd = path.join(work.dir, 'taken');
      mkdirSync(cwd);
      const result = await runCli(['sync', '--demo'], {
        env: work.env(undefined, { OKTA_CONNECTOR_DEMO_PORT: String(taken) }),
        cwd,
      });
      expect(result.exitCode).toBe(0);
      expect(result.stderr).toContain(`Port ${taken} is in use`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
