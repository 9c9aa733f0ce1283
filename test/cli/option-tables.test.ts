import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GLOBAL_OPTIONS } from '../../src/cli/global-options.js';
import { defineOptions, flag, type OptionTable, text } from '../../src/cli/option-table.js';
import { CONFIGURE_OPTIONS } from '../../src/commands/configure/options.js';
import { DIFF_OPTIONS } from '../../src/commands/diff/options.js';
import { EXPORT_OPTIONS } from '../../src/commands/export/options.js';
import { SCHEDULE_ENTRY_OPTIONS, SCHEDULE_PRINT_OPTIONS } from '../../src/commands/schedule/options.js';
import { SYNC_OPTIONS } from '../../src/commands/sync/options.js';
import { TEST_CONNECTION_OPTIONS } from '../../src/commands/test-connection/options.js';
import { docsDrift, docsOptionRows } from './docs-option-table.js';

/**
 * Each command's docs page lists exactly the options of its table (issue 16: one table drives
 * commander, the types, validation and the docs), so the docs cannot drift from `--help`.
 */

const PAGES: Array<[page: string, table: OptionTable]> = [
  ['docs/sync.md', SYNC_OPTIONS],
  ['docs/export.md', EXPORT_OPTIONS],
  ['docs/diff.md', DIFF_OPTIONS],
  ['docs/configure.md', CONFIGURE_OPTIONS],
  ['docs/test-connection.md', TEST_CONNECTION_OPTIONS],
  // One table for install and print: print's options are install's and --platform.
  ['docs/scheduling.md', SCHEDULE_PRINT_OPTIONS],
];

describe.each(PAGES)('%s', (page, table) => {
  it("lists exactly the table's options, with --help's defaults and help lines", () => {
    const markdown = readFileSync(new URL(`../../${page}`, import.meta.url), 'utf8');
    expect(docsDrift(markdown, table, GLOBAL_OPTIONS)).toEqual([]);
  });
});

it("schedule print takes install's options and --platform, so scheduling.md's one table is both", () => {
  const { platform, ...entry } = SCHEDULE_PRINT_OPTIONS;
  expect(platform.flags).toBe('--platform <os>');
  expect(entry).toEqual(SCHEDULE_ENTRY_OPTIONS);
});

describe('docsDrift', () => {
  const TABLE = defineOptions({
    outputDir: {
      flags: '--output-dir <dir>',
      help: 'the inventory folder',
      schema: text('dir'),
      defaultHelp: '~/okta-inventory',
    },
    keep: { flags: '--keep <n>', help: 'keep n snapshots', schema: text('n'), default: '14' },
    where: { flags: '--where <expression>', help: 'keep rows matching', schema: text('expression') },
    bom: { flags: '--bom', help: 'CSV: a byte order mark', schema: flag(), default: false },
    token: { flags: '--token <token>', help: 'refused', schema: text('token'), hidden: true },
  });
  const page = (...rows: string[]) =>
    ['# cmd', '', '| option | default | meaning |', '|---|---|---|', ...rows, '', 'After.'].join('\n');
  const GOOD = [
    '| `--output-dir <dir>` | `~/okta-inventory` | the inventory folder: see [sync](sync.md) |',
    '| `--keep <n>` | `14` | keep n snapshots |',
    '| `--where <expression>` | — | keep rows matching (see "Filtering") |',
    '| `--bom` | off | CSV: a byte order mark, for Excel |',
  ];

  it('accepts a page that agrees, with more said after the help line and global options', () => {
    expect(
      docsDrift(
        page(...GOOD, '| `-q, --quiet` | off | only warnings and errors on stderr |'),
        TABLE,
        GLOBAL_OPTIONS,
      ),
    ).toEqual([]);
    expect(docsOptionRows(page(...GOOD))?.map((row) => row.option)).toEqual([
      '--output-dir <dir>',
      '--keep <n>',
      '--where <expression>',
      '--bom',
    ]);
  });

  it('finds a missing option, an unknown or hidden one, a wrong default and a drifted help line', () => {
    const [outputDir, keep, where] = GOOD as [string, string, string, string];
    const problems = docsDrift(
      page(
        outputDir.replace('`~/okta-inventory`', '`~/inventory`'),
        keep.replace('keep n snapshots', 'keeps n snapshots'),
        where,
        '| `--token <token>` | — | refused |',
        '| `--fields <list>` | — | columns |',
        where,
      ),
      TABLE,
    );
    expect(problems).toEqual([
      '--output-dir <dir>: default "~/inventory", but --help says "~/okta-inventory"',
      '--keep <n>: meaning "keeps n snapshots" does not start with the --help line "keep n snapshots"',
      '--token <token>: listed, but the command has no such option (or not with these flags)',
      '--fields <list>: listed, but the command has no such option (or not with these flags)',
      '--where <expression>: listed twice',
      '--bom: missing (--bom is in --help)',
    ]);
  });

  it('refuses a help line continued by a longer word, and a page without a table', () => {
    const [outputDir, , where, bom] = GOOD as [string, string, string, string];
    expect(
      docsDrift(page(outputDir, '| `--keep <n>` | `14` | keep n snapshotsets |', where, bom), TABLE),
    ).toEqual([
      '--keep <n>: meaning "keep n snapshotsets" does not start with the --help line "keep n snapshots"',
    ]);
    expect(docsDrift('# cmd\n\n| flag | meaning |\n|---|---|\n| `--bom` | x |\n', TABLE)).toEqual([
      'no option table (a table headed | option | default | meaning |)',
    ]);
  });
});
