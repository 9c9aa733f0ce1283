import type { Command } from 'commander';
import {
  SCHEDULE_ENTRY_OPTIONS,
  SCHEDULE_PRINT_OPTIONS,
  type SchedulePrintFlags,
} from '../commands/schedule/options.js';
import { addOptions } from './add-options.js';
import { action, type Wiring } from './command-action.js';
import { examples } from './help-text.js';

/** `okta-connector schedule` and its subcommands; the schedule module is loaded when one runs. */
export function addScheduleCommand(program: Command, wiring: Wiring): void {
  const scheduleCommand = program
    .command('schedule')
    .summary('Run sync on a schedule with cron or Windows Task Scheduler')
    .description(
      "Install, show, remove or print the scheduled sync of a profile: one line in your crontab on Linux and macOS (other lines are never touched), one task in Task Scheduler on Windows. The job runs sync with --quiet, --incremental and a --log-file, through absolute paths to Node and okta-connector, so it works in cron's bare environment.",
    )
    .addHelpText(
      'after',
      examples([
        '# Nightly at 02:30, then check when it runs next',
        'okta-connector schedule install --schedule "30 2 * * *"',
        'okta-connector schedule show',
        '',
        '# The entry for deploying by hand (Ansible, Intune, another machine)',
        'okta-connector schedule print --profile sandbox',
      ]),
    );
  const scheduleAction = (name: 'scheduleInstall' | 'schedulePrint' | 'scheduleShow' | 'scheduleRemove') =>
    action<SchedulePrintFlags>(wiring, async (options, io) => {
      const schedule = await import('../commands/schedule/index.js');
      const result = await schedule[name](
        { ...options, env: wiring.context.env, cwd: wiring.context.cwd },
        io,
      );
      return { json: result, human: () => schedule.renderScheduleResult(result, io) };
    });
  addOptions(
    scheduleCommand
      .command('install')
      .summary("Add the profile's sync to cron or Task Scheduler (replacing its previous entry)"),
    SCHEDULE_ENTRY_OPTIONS,
  )
    .addHelpText(
      'after',
      examples([
        '# The schedule stored with "configure --schedule", or one given here',
        'okta-connector schedule install',
        'okta-connector schedule install --profile sandbox --schedule weekly --full --keep 8',
      ]),
    )
    .action(scheduleAction('scheduleInstall'));
  scheduleCommand
    .command('show')
    .summary('Print what is installed for the profile and when it next runs')
    .addHelpText('after', examples(['okta-connector schedule show', 'okta-connector schedule show --json']))
    .action(scheduleAction('scheduleShow'));
  scheduleCommand
    .command('remove')
    .summary("Remove the profile's entry (nothing installed is not an error)")
    .addHelpText('after', examples(['okta-connector schedule remove --profile sandbox']))
    .action(scheduleAction('scheduleRemove'));
  addOptions(
    scheduleCommand
      .command('print')
      .summary('Print the crontab lines or the schtasks command without installing anything'),
    SCHEDULE_PRINT_OPTIONS,
  )
    .addHelpText(
      'after',
      examples([
        'okta-connector schedule print --schedule daily >> my-crontab',
        'okta-connector schedule print --platform win32 --node-path "C:\\Program Files\\nodejs\\node.exe" --cli-path "C:\\okta\\bin\\okta-connector.js" --log-file "C:\\okta\\sync.log"',
      ]),
    )
    .action(scheduleAction('schedulePrint'));
}
