import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GLOBAL_OPTIONS } from '../../src/cli/global-options.js';
import type { OptionTable } from '../../src/cli/option-table.js';
import { CONFIGURE_OPTIONS } from '../../src/commands/configure/options.js';
import { DIFF_OPTIONS } from '../../src/commands/diff/options.js';
import { EXPORT_OPTIONS } from '../../src/commands/export/options.js';
import { SCHEDULE_ENTRY_OPTIONS, SCHEDULE_PRINT_OPTIONS } from '../../src/commands/schedule/options.js';
import { SYNC_OPTIONS } from '../../src/commands/sync/options.js';
import { TEST_CONNECTION_OPTIONS } from '../../src/commands/test-connection/options.js';
import { plainText } from './docs-option-table.js';

/**
 * docs/options.md lists every option of every command once, with its one meaning and the commands
 * that take it (issue 19: one meaning per option across commands), and cannot drift from the tables.
 */

const COMMANDS: Array<[command: string, table: OptionTable]> = [
  ['configure', CONFIGURE_OPTIONS],
  ['test-connection', TEST_CONNECTION_OPTIONS],
  ['sync', SYNC_OPTIONS],
  ['export', EXPORT_OPTIONS],
  ['diff', DIFF_OPTIONS],
  ['schedule install', SCHEDULE_ENTRY_OPTIONS],
  ['schedule print', SCHEDULE_PRINT_OPTIONS],
];

/** Each visible option's flags, and the commands that take it ("every command" for the global ones). */
function commandsOfEachOption(): Map<string, string[]> {
  const commands = new Map<string, string[]>();
  for (const spec of Object.values(GLOBAL_OPTIONS)) commands.set(spec.flags, ['every command']);
  for (const [command, table] of COMMANDS) {
    for (const spec of Object.values(table)) {
      if (spec.hidden) continue;
      commands.set(spec.flags, [...(commands.get(spec.flags) ?? []), command]);
    }
  }
  return commands;
}

/** The rows of the table headed `| option | commands | meaning |`: flags -> the commands cell, split. */
function documentedOptions(markdown: string): Map<string, string[]> {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) =>
    /^\|\s*option\s*\|\s*commands\s*\|\s*meaning\s*\|$/i.test(line.trim()),
  );
  expect(start, 'docs/options.md has a table headed | option | commands | meaning |').toBeGreaterThan(-1);
  const rows = new Map<string, string[]>();
  for (const line of lines.slice(start + 2)) {
    if (!line.trim().startsWith('|')) break;
    const [option = '', commands = ''] = line
      .trim()
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map(plainText);
    expect(rows.has(option), `${option} is listed once`).toBe(false);
    rows.set(
      option,
      commands.split(',').map((command) => command.trim()),
    );
  }
  return rows;
}

describe('docs/options.md', () => {
  const markdown = readFileSync(new URL('../../docs/options.md', import.meta.url), 'utf8');

  it('lists every option once, with exactly the commands that take it', () => {
    const documented = documentedOptions(markdown);
    const expected = commandsOfEachOption();
    expect([...documented.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [option, commands] of expected) expect(documented.get(option), option).toEqual(commands);
  });

  it('says each command’s --format default, as its --help does', () => {
    for (const [command, table] of COMMANDS) {
      const format = table.format;
      if (format === undefined) continue;
      const shown = format.defaultHelp ?? String(format.default);
      expect(plainText(markdown), `${command}'s --format default`).toContain(
        `${command}: ${plainText(shown)}`,
      );
    }
  });
});
