import type { Command } from 'commander';
import { EXPORT_OPTIONS, type ExportFlags } from '../commands/export/options.js';
import { abortOnSignals } from './abort-on-signals.js';
import { addOptions } from './add-options.js';
import { action, type Wiring } from './command-action.js';
import { examples } from './help-text.js';

/** `okta-connector export`: its option table and examples; the export views are loaded when it runs. */
export function addExportCommand(program: Command, wiring: Wiring): void {
  const command = program
    .command('export')
    .summary('Reshape a snapshot for a SAM platform or a spreadsheet (offline)')
    .description(
      "Write one view of a snapshot as CSV, JSON, NDJSON or (licence-usage) an HTML report: a raw entity with the columns you pick, every user × app assignment joined with user, app, groups and sign-in usage, or licence usage per app with the seats to reclaim. Reads only the snapshot folder (default: the profile's latest complete one): no Okta request, no token. Data goes to stdout unless --output names a file, which is written whole or not at all. See docs/export.md.",
    );
  addOptions(command, EXPORT_OPTIONS)
    .addHelpText(
      'after',
      examples([
        '# The columns a SAM import expects, from the latest snapshot',
        'okta-connector export --view users --fields id,status,profile.email,profile.department --output users.csv',
        '',
        '# Who has which app, and through which groups',
        'okta-connector export --view assignments --format ndjson | jq .',
        '',
        '# Seats to reclaim: the report, and the list of unused assignments',
        'okta-connector export --view licence-usage --output licences.html',
        'okta-connector export --view licence-usage --by user --active-days 60 --where \'lastSignIn<60d or lastSignIn=""\'',
      ]),
    )
    .action(
      action<ExportFlags>(wiring, async (options, io) => {
        const { exportSnapshot } = await import('../commands/export/index.js');
        const result = await abortOnSignals((signal) =>
          exportSnapshot({ ...options, env: wiring.context.env, cwd: wiring.context.cwd, signal }, io),
        );
        // The data went to stdout or the file; the summary line went to stderr.
        return { json: result, human: () => {} };
      }),
    );
}
