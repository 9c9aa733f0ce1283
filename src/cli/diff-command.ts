import type { Command } from 'commander';
import { DIFF_OPTIONS, type DiffFlags } from '../commands/diff/options.js';
import { abortOnSignals } from './abort-on-signals.js';
import { addOptions } from './add-options.js';
import { action, type Wiring } from './command-action.js';
import { examples } from './help-text.js';

/** `okta-connector diff`: its option table and examples; the diff engine is loaded when it runs. */
export function addDiffCommand(program: Command, wiring: Wiring): void {
  const command = program
    .command('diff')
    .summary('What changed between two snapshots: joiners, leavers, access gained or lost (offline)')
    .description(
      'Compare two snapshots of one org (default: the latest complete one and the complete one before it) and list every record added, removed or changed, entity by entity, as NDJSON, JSON, CSV or an HTML report. Fields that move every night (lastLogin, lastUpdated, …) are not changes unless --include-volatile. Reads only the snapshot folders: no Okta request, no token. A summary goes to stderr (with --json, to stdout). See docs/diff.md.',
    );
  addOptions(command, DIFF_OPTIONS)
    .addHelpText(
      'after',
      examples([
        '# What changed since the previous sync',
        'okta-connector diff',
        '',
        '# Who gained or lost access to apps, for a spreadsheet',
        'okta-connector diff --only app_users,app_groups --format csv --output access-changes.csv',
        '',
        '# The report for an audit, between two named snapshots',
        'okta-connector diff --from 2026-11-01T020000Z --to 2026-12-01T020000Z --format html --output changes.html',
        '',
        '# In a script: exit 1 when anything changed',
        'okta-connector diff --exit-code --quiet --output /dev/null || echo "the org changed"',
      ]),
    )
    .action(
      action<DiffFlags>(wiring, async (options, io) => {
        const { runDiff } = await import('../commands/diff/index.js');
        const result = await abortOnSignals((signal) =>
          runDiff({ ...options, env: wiring.context.env, cwd: wiring.context.cwd, signal }, io),
        );
        // The changes went to stdout or the file; the summary went to stderr.
        return { json: result, human: () => {}, exitCode: result.exitCode };
      }),
    );
}
