import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSI, ensureBuilt, makeWorkspace, type Workspace } from '../e2e/cli-process.js';
import { COMMANDS, commandsListed, helpOf } from './help-commands.js';

/**
 * The exact `--help` of every command and subcommand (issue 16), as a user sees it: the built CLI
 * in a child process, stdout a pipe (so commander wraps at 80 columns whatever the terminal), with
 * NO_COLOR. Each text lives in test/cli/golden-help/<command>.txt; after changing a help text,
 * regenerate them and review the diff:
 *
 *     npm run build && UPDATE_GOLDEN=1 npx vitest run --config test/vitest.config.ts test/cli/golden-help.test.ts
 */

const GOLDEN_DIR = fileURLToPath(new URL('./golden-help/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const goldenName = (command: readonly string[]) =>
  `${command.length === 0 ? 'okta-connector' : command.join('-')}.txt`;

let workspace: Workspace;
beforeAll(async () => {
  ensureBuilt();
  workspace = await makeWorkspace('okta-connector-golden-help-');
});
afterAll(() => workspace.remove());

const help = (command: readonly string[]) => helpOf(command, workspace);

describe('golden --help', () => {
  it('covers every command and subcommand the CLI lists', async () => {
    const topLevel = commandsListed((await help([])).stdout);
    expect(topLevel.length).toBeGreaterThan(0);
    const listed = [[], ...topLevel.map((name) => [name])];
    for (const name of topLevel) {
      for (const sub of commandsListed((await help([name])).stdout)) listed.push([name, sub]);
    }
    expect(listed.map(goldenName).sort()).toEqual(COMMANDS.map(goldenName).sort());
  });

  it.each(COMMANDS.map((command) => [['okta-connector', ...command].join(' '), command] as const))(
    '%s --help',
    async (_title, command) => {
      const result = await help(command);
      expect(result.exitCode).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).not.toMatch(ANSI);
      const file = path.join(GOLDEN_DIR, goldenName(command));
      if (UPDATE) {
        mkdirSync(GOLDEN_DIR, { recursive: true });
        writeFileSync(file, result.stdout);
      }
      expect(existsSync(file), `${file} is missing: see test/cli/golden-help/README.md`).toBe(true);
      expect(result.stdout).toBe(readFileSync(file, 'utf8'));
    },
  );

  it('holds no golden file for a command that no longer exists', () => {
    const files = readdirSync(GOLDEN_DIR).filter((file) => file.endsWith('.txt'));
    expect(files.sort()).toEqual(COMMANDS.map(goldenName).sort());
  });
});
