import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { helpLine, type OptionTable } from '../../src/cli/option-table.js';
import { CONFIGURE_OPTIONS } from '../../src/commands/configure/options.js';
import { DIFF_OPTIONS } from '../../src/commands/diff/options.js';
import { EXPORT_OPTIONS } from '../../src/commands/export/options.js';
import { SYNC_OPTIONS } from '../../src/commands/sync/options.js';
import { TEST_CONNECTION_OPTIONS } from '../../src/commands/test-connection/options.js';
import { ConfigStore, loadConfigWriter } from '../../src/config/store.js';
import { ExitCode } from '../../src/errors.js';
import { writeSnapshot } from '../export/helpers.js';
import { run, tempDir } from './harness.js';

/** Issue 19: one meaning per option across commands. */

let dir: string;
let remove: () => Promise<void>;
let env: Record<string, string>;
beforeEach(async () => {
  ({ dir, remove } = await tempDir('okta-one-meaning-'));
  env = { HOME: path.join(dir, 'home'), OKTA_CONNECTOR_CONFIG_DIR: path.join(dir, 'config') };
});
afterEach(() => remove());

/** Two snapshots of one org, a user added in the second. */
async function twoSnapshots(): Promise<string> {
  const outputDir = path.join(dir, 'inventory');
  const ann = { id: '00u1', status: 'ACTIVE', profile: { login: 'ann@acme.test' } };
  const bob = { id: '00u2', status: 'ACTIVE', profile: { login: 'bob@acme.test' } };
  await writeSnapshot({
    outputDir,
    format: 'json',
    entities: { users: [ann] },
    startedAt: '2026-11-01T02:00:00.000Z',
  });
  await writeSnapshot({
    outputDir,
    format: 'json',
    entities: { users: [ann, bob] },
    startedAt: '2026-11-02T02:00:00.000Z',
  });
  return outputDir;
}

/** stdout holds exactly one JSON document. */
function oneJsonDocument(stdout: string): Record<string, unknown> {
  expect(stdout.trim().split('\n').length === 1 || stdout.trim().startsWith('{')).toBe(true);
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('--json: one JSON document on stdout, the data where --output says', () => {
  it.each([
    ['export', ['--view', 'users']],
    ['diff', []],
  ])(
    '%s --json without --output: exit 2, naming --output, and the error is the one document',
    async (command, args) => {
      const outputDir = await twoSnapshots();
      const result = await run([command, ...args, '--output-dir', outputDir, '--json'], { env });
      expect(result.exitCode).toBe(ExitCode.Usage);
      const document = oneJsonDocument(result.stdout);
      expect(document.error).toMatchObject({
        message: `${command} --json prints its summary on stdout, so the ${command === 'export' ? 'rows' : 'changes'} need a file: add --output <file>.`,
      });
    },
  );

  it.each([
    ['export', ['--view', 'users', '--format', 'ndjson'], 'rows.ndjson'],
    ['diff', [], 'changes.ndjson'],
  ])('%s --json --output: the summary on stdout, the data in the file', async (command, args, file) => {
    const outputDir = await twoSnapshots();
    const output = path.join(dir, file);
    const result = await run([command, ...args, '--output-dir', outputDir, '--output', output, '--json'], {
      env,
    });
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(oneJsonDocument(result.stdout)).toMatchObject({ format: 'ndjson' });
    const lines = readFileSync(output, 'utf8').trim().split('\n');
    expect(lines.length).toBe(command === 'export' ? 2 : 1);
    expect(lines.join('\n')).toContain('bob@acme.test');
  });
});

describe('--output <file>: the extension gives the format, in export and diff alike', () => {
  it.each([
    ['csv', 'changes.csv', /^entity,/],
    ['json', 'changes.json', /^\[/],
    ['ndjson', 'changes.ndjson', /^\{"entity"/],
    ['html', 'changes.html', /^<!doctype html>/i],
  ])('diff --output x.%s writes %s', async (format, file, start) => {
    const outputDir = await twoSnapshots();
    const output = path.join(dir, file);
    const result = await run(['diff', '--output-dir', outputDir, '--output', output, '--json'], { env });
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(oneJsonDocument(result.stdout)).toMatchObject({ format });
    expect(readFileSync(output, 'utf8')).toMatch(start);
  });

  it.each(['export', 'diff'])(
    '%s --format csv --output x.html: refused (exit 2), nothing written',
    async (command) => {
      const outputDir = await twoSnapshots();
      const output = path.join(dir, 'report.html');
      const view = command === 'export' ? ['--view', 'licence-usage'] : [];
      const result = await run(
        [command, ...view, '--output-dir', outputDir, '--format', 'csv', '--output', output],
        { env },
      );
      expect(result.exitCode).toBe(ExitCode.Usage);
      expect(result.stderr).toContain(`--output ${output} names a .html file, but --format is csv.`);
      expect(() => readFileSync(output)).toThrow();
    },
  );
});

describe('--output-dir: the inventory folder, the same help everywhere', () => {
  const TABLES: Array<[string, OptionTable]> = [
    ['configure', CONFIGURE_OPTIONS],
    ['test-connection', TEST_CONNECTION_OPTIONS],
    ['sync', SYNC_OPTIONS],
    ['export', EXPORT_OPTIONS],
    ['diff', DIFF_OPTIONS],
  ];

  it('every command says it with one help line', () => {
    const lines = new Set(TABLES.map(([, table]) => helpLine(table.outputDir!)));
    expect([...lines]).toEqual([helpLine(SYNC_OPTIONS.outputDir)]);
    expect(helpLine(SYNC_OPTIONS.outputDir)).toMatch(/^the inventory folder/);
  });

  it.each(TABLES.map(([command]) => command))('%s --help shows it', async (command) => {
    const help = (await run([command, '--help'], { env })).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`--output-dir <dir> ${helpLine(SYNC_OPTIONS.outputDir)}`);
  });
});

describe('the schedule: --schedule <when> in configure and schedule alike', () => {
  beforeEach(async () => {
    await loadConfigWriter();
    new ConfigStore(env).saveProfile('default', {
      domain: 'acme.okta.com',
      token: '00OneMeaning_0123456789abcdefghijklm',
    });
  });

  it('schedule print --schedule weekly prints the weekly entry', async () => {
    const result = await run(['schedule', 'print', '--schedule', 'weekly'], { env });
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stdout.split('\n')[1]).toMatch(/^0 0 \* \* 0 /);
  });

  it('--at still works, unlisted in --help', async () => {
    const result = await run(['schedule', 'print', '--at', 'weekly'], { env });
    expect(result.exitCode).toBe(ExitCode.Success);
    expect(result.stdout.split('\n')[1]).toMatch(/^0 0 \* \* 0 /);
    for (const sub of ['install', 'print']) {
      const help = (await run(['schedule', sub, '--help'], { env })).stdout;
      expect(help).toContain('--schedule <when>');
      expect(help).not.toContain('--at');
    }
  });
});

describe("--format: each command's default, said in its --help", () => {
  it.each([
    ['sync', SYNC_OPTIONS],
    ['export', EXPORT_OPTIONS],
    ['diff', DIFF_OPTIONS],
    ['configure', CONFIGURE_OPTIONS],
  ] as Array<[string, OptionTable]>)('%s', (_command, table) => {
    expect(helpLine(table.format!)).toMatch(/\(default: [^)]+\)$|; default: [^)]+\)$/);
  });

  it('sync and export say why their defaults differ', () => {
    expect(helpLine(SYNC_OPTIONS.format)).toMatch(/json keeps/);
    expect(helpLine(EXPORT_OPTIONS.format)).toMatch(/csv for/);
  });
});
