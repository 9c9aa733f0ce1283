import type { Command } from 'commander';
import { SYNC_OPTIONS, type SyncFlags } from '../commands/sync/options.js';
import { abortOnSignals } from './abort-on-signals.js';
import { addOptions } from './add-options.js';
import { action, type Wiring } from './command-action.js';
import { examples } from './help-text.js';

/** `okta-connector sync`: its option table and examples; the sync engine is loaded when it runs. */
export function addSyncCommand(program: Command, wiring: Wiring): void {
  const command = program
    .command('sync')
    .summary('Pull the inventory into a new dated snapshot folder')
    .description(
      'Read users (every status), the user schema, groups and members, apps, app assignments, admin roles, devices and app sign-in usage from Okta into <output-dir>/<profile>/<UTC timestamp>/, one file per entity plus manifest.json. The folder appears whole or not at all; latest.json names the newest complete snapshot. Safe to run from cron: one sync per profile at a time.',
    );
  addOptions(command, SYNC_OPTIONS)
    .addHelpText(
      'after',
      examples([
        '# See it work without an Okta org (with OAuth and DPoP: --auth oauth)',
        'okta-connector sync --demo',
        '',
        '# The nightly job, as cron runs it: only changes, a full pull every 7 days',
        'okta-connector sync --incremental --quiet --keep 14 --log-file ~/okta-inventory/sync.log',
        '',
        '# Spreadsheet-ready CSV of users and assignments only',
        'okta-connector sync --format csv --bom --only users,apps,app_users',
      ]),
    )
    .action(
      action<SyncFlags>(wiring, async (options, io) => {
        const { renderSyncResult, sync } = await import('../commands/sync/index.js');
        // A second Ctrl-C means "now": leave at once (the partial folder is cleaned up next run).
        const result = await abortOnSignals(
          (signal) => sync({ ...options, env: wiring.context.env, cwd: wiring.context.cwd, signal }, io),
          { secondSignalExits: true },
        );
        return {
          json: result,
          human: () =>
            renderSyncResult(result, io, { demo: options.demo === true, outputDir: options.outputDir }),
          exitCode: result.exitCode,
        };
      }),
    );
}
