import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { configure, renderConfigureResult } from '../commands/configure/index.js';
import { DIFF_OPTIONS as DIFF_OPTION_FLAGS, type DiffFlags } from '../commands/diff/options.js';
import {
  renderScheduleResult,
  type ScheduleFlags,
  scheduleInstall,
  schedulePrint,
  scheduleRemove,
  scheduleShow,
} from '../commands/schedule/index.js';
import { DEMO_OUTPUT_DIR, renderSyncResult, sync } from '../commands/sync/index.js';
import { renderTestConnection, testConnection } from '../commands/test-connection/index.js';
import { PROFILE_NAME_PATTERN } from '../config/schema.js';
import { ExitCode, type ExitCodeValue, toConnectorError, UsageError } from '../errors.js';
import { ENTITY_NAMES } from '../inventory/entities.js';
import { NetworkError, OktaError } from '../okta/errors.js';
import {
  canAnimate,
  createIo,
  type Env,
  type InputStream,
  type Io,
  loadSpinners,
  type OutputStream,
} from '../ui/io.js';
import { redact, registerSecret } from '../ui/redact.js';
import { VERSION } from '../version.js';
import { usageErrorOf } from './commander-usage-error.js';

/**
 * The command line: commander wiring, global options, and the one place that turns an error into
 * a message and an exit code. Commands are plain async functions `(options, io) => result`; this
 * file builds their options, calls them, and prints their result (human or `--json`).
 */

/** Where the CLI reads and writes. `process.*` in production, capture streams in tests. */
export interface CliContext {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: InputStream;
  env: Env;
  cwd: string;
}

/** Options every command accepts, before or after the command name. */
export interface GlobalOptions {
  profile: string;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  color: boolean;
}

/** What a command's block hands back to be printed. */
export interface CommandOutput {
  /** The `--json` document. */
  json: unknown;
  /** Human output (stdout for results, the Io's logger for messages). */
  human: () => void;
  /** @default ExitCode.Success */
  exitCode?: ExitCodeValue;
}

/** One line per exit code for the top-level help; keyed by ExitCode so a new code must be described here. */
const EXIT_CODE_HELP: Record<keyof typeof ExitCode, string> = {
  Success: 'success',
  Internal: 'unexpected error (a bug: please report it)',
  Usage: 'bad command-line usage',
  Config: 'missing or invalid configuration (domain, token, config file, output directory)',
  Auth: 'Okta rejected the API token (401)',
  Permission: "the token's admin may not read data sync needs (403)",
  Network: 'Okta could not be reached (DNS, TLS, proxy, timeout)',
  RateLimit: 'rate limit did not recover',
  OktaApi: 'unexpected answer from Okta',
  Partial: 'finished, but some optional data is missing',
  Locked: 'another sync of the profile is running',
  Interrupted: 'interrupted (Ctrl-C, SIGTERM)',
};

function helpSection(title: string, rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([term]) => term.length)) + 2;
  return `\n${title}:\n${rows.map(([term, text]) => `  ${term.padEnd(width)}${text}`).join('\n')}\n`;
}

/** `Examples:` block for `--help`; lines starting with `#` are comments, others get a `$ ` prompt. */
function examples(lines: string[]): string {
  const body = lines.map((line) => (line === '' ? '' : line.startsWith('#') ? `  ${line}` : `  $ ${line}`));
  return `\nExamples:\n${body.join('\n')}\n`;
}

const TOP_LEVEL_HELP = [
  examples([
    '# Set up a profile interactively, then check it',
    'okta-connector configure',
    'okta-connector test-connection',
    '',
    "# No config file: the Okta SDKs' environment variables are enough",
    'export OKTA_CLIENT_ORGURL=acme.okta.com OKTA_CLIENT_TOKEN="$(cat ~/.okta-token)"',
    'okta-connector test-connection --json',
  ]),
  helpSection('Environment', [
    ['OKTA_CLIENT_ORGURL', 'Okta domain (overrides the profile; --domain overrides it)'],
    ['OKTA_CLIENT_TOKEN', 'API token (overrides the profile; --token-stdin overrides it)'],
    ['OKTA_CONNECTOR_OUTPUT_DIR', 'output directory (overrides the profile)'],
    ['OKTA_CONNECTOR_FORMAT', 'output format: json, ndjson or csv (overrides the profile)'],
    ['OKTA_CONNECTOR_CONFIG_DIR', 'folder of config.json (default: the platform config folder)'],
    ['HTTPS_PROXY', 'proxy URL for Okta, either case (--proxy overrides it)'],
    ['NO_PROXY', 'hosts reached without the proxy, either case'],
    ['NODE_EXTRA_CA_CERTS', "PEM file of extra CAs (a TLS-inspecting proxy's root)"],
    ['NO_COLOR', 'no colours'],
  ]),
  helpSection(
    'Exit codes',
    (Object.keys(ExitCode) as Array<keyof typeof ExitCode>).map((name) => [
      String(ExitCode[name]),
      EXIT_CODE_HELP[name],
    ]),
  ),
].join('');

interface RunState {
  io: Io | undefined;
  exitCode: ExitCodeValue;
}

/** Global flags as far as they can be read without commander, to print an error that happened while parsing. */
function sniffGlobalOptions(argv: string[]): Omit<GlobalOptions, 'profile'> {
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  return {
    json: args.includes('--json'),
    quiet: args.includes('--quiet') || args.includes('-q'),
    verbose: args.includes('--verbose'),
    color: !args.includes('--no-color'),
  };
}

function ioFor(context: CliContext, options: Omit<GlobalOptions, 'profile'>): Io {
  return createIo({
    ...options,
    stdout: context.stdout,
    stderr: context.stderr,
    stdin: context.stdin,
    env: context.env,
  });
}

/**
 * Wraps a command's block as a commander action: creates the Io from the global flags, validates
 * the profile name, runs the block, and prints its output as JSON or for people.
 */
function action<O>(
  context: CliContext,
  state: RunState,
  block: (options: O & GlobalOptions, io: Io) => Promise<CommandOutput>,
) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args.at(-1) as Command;
    const options = command.optsWithGlobals<O & GlobalOptions>();
    if (canAnimate({ stderr: context.stderr, quiet: options.quiet, json: options.json }))
      await loadSpinners();
    const io = ioFor(context, options);
    state.io = io;
    if ('token' in options && options.token !== undefined) {
      registerSecret(String(options.token));
      throw new UsageError(
        'okta-connector does not take the API token as an argument: other users can see arguments in the process list.',
        {
          hint: 'Pipe it in with --token-stdin, or set OKTA_CLIENT_TOKEN.',
        },
      );
    }
    if (!PROFILE_NAME_PATTERN.test(options.profile)) {
      throw new UsageError(`Invalid profile name "${options.profile}".`, {
        hint: 'Use 1 to 64 letters, digits, "-" or "_".',
      });
    }
    const output = await block(options, io);
    if (io.json) io.printJson(output.json);
    else output.human();
    state.exitCode = output.exitCode ?? ExitCode.Success;
  };
}

/** A hidden `--token <value>`, only to answer that mistake with the right way (the value is never printed). */
function tokenArgument(): Option {
  return new Option('--token <token>').hideHelp();
}

function buildProgram(context: CliContext, state: RunState): Command {
  const helpWidth = (stream: OutputStream) => (stream.isTTY ? Math.min(stream.columns ?? 80, 120) : 80);
  const program = new Command('okta-connector')
    .description(
      'Pull a software-asset inventory (users, groups, apps, assignments, admin roles, devices, sign-in usage) out of Okta.',
    )
    .usage('<command> [options]')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--profile <name>', 'config profile to use', 'default')
    .option('--json', 'print one JSON document on stdout')
    .addOption(new Option('-q, --quiet', 'only warnings and errors on stderr'))
    .addOption(new Option('--verbose', 'log each Okta request on stderr').conflicts('quiet'))
    .option('--no-color', 'no colours (also: NO_COLOR, no terminal)')
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (text) => context.stdout.write(redact(text)),
      writeErr: (text) => context.stderr.write(redact(text)),
      getOutHelpWidth: () => helpWidth(context.stdout),
      getErrHelpWidth: () => helpWidth(context.stderr),
      getOutHasColors: () => false,
      getErrHasColors: () => false,
      // Usage errors are printed by reportError, from the CommanderError runCli catches.
      outputError: () => {},
    })
    .showSuggestionAfterError()
    .exitOverride()
    .addHelpText('after', TOP_LEVEL_HELP);

  // Adding a command is one block: options, examples, and an action that calls the command's
  // function and says how to print its result. `sync` goes here too.

  program
    .command('configure')
    .summary('Save the Okta domain, API token and settings in a profile')
    .description(
      'Create or update a profile: interactively on a terminal, or from flags in scripts. The token is read from standard input or a hidden prompt, never from the command line, and stored in a config file only its owner can read (mode 0600).',
    )
    .option('--domain <host-or-url>', 'Okta domain, e.g. acme.okta.com (a pasted URL is trimmed to its host)')
    .option('--token-stdin', 'read the API token from standard input')
    .addOption(tokenArgument())
    .option('--auth <mode>', 'token (an API token, the default) or oauth (an API Services app)')
    .option('--client-id <id>', 'OAuth: the Client ID of the API Services app')
    .option('--private-key-file <file>', "OAuth: the app's private key, PEM or JWK (stored, never printed)")
    .option('--key-id <kid>', 'OAuth: the Key ID of that key in the Admin Console')
    .option('--scopes <list>', 'OAuth: scopes to ask for (default: what each sync needs)')
    .option('--generate-key', 'OAuth: create a key pair, store the private key, print the public JWK')
    .option('--dpop', 'OAuth: send DPoP proofs from the start (default: when Okta asks)')
    .option(
      '--proxy <url>',
      'proxy for runs without HTTPS_PROXY (cron), e.g. http://proxy:3128; "none" removes it',
    )
    .option('--ca-file <pem>', 'PEM file of extra CA certificates to trust; "none" removes it')
    .option(
      '--trust-host',
      'let sync use this domain although it does not answer like an Okta org (only for a host you know is yours)',
    )
    .option('--output-dir <dir>', 'folder sync writes snapshots to (default: ~/okta-inventory)')
    .option('--format <format>', 'snapshot format: json, ndjson or csv (default: json)')
    .option('--schedule <when>', 'hourly, daily, weekly or a 5-field cron expression (stored for scheduling)')
    .option('--show', 'print the profile, token masked')
    .option('--list', 'list the profiles')
    .option('--delete', 'delete the profile and its scheduled sync (asks first)')
    .option('--yes', 'with --delete: do not ask (needed without a terminal)')
    .addHelpText(
      'after',
      examples([
        '# Interactive, on a terminal',
        'okta-connector configure',
        '',
        '# Scripted: the token comes from stdin, never from the command line',
        `printf '%s\\n' "$OKTA_API_TOKEN" | okta-connector configure --domain acme.okta.com --token-stdin`,
        '',
        '# An OAuth 2.0 API Services app: create a key pair, register the printed public key, then',
        'okta-connector configure --domain acme.okta.com --auth oauth --generate-key',
        'okta-connector configure --client-id 0oa1b2c3d4e5f6g7h8i9',
        '',
        '# A second org with CSV output, synced nightly',
        'okta-connector configure --profile sandbox --domain acme.oktapreview.com --token-stdin --format csv --schedule daily < token.txt',
        'okta-connector configure --profile sandbox --show',
        'okta-connector configure --list',
        'okta-connector configure --profile sandbox --delete --yes',
      ]),
    )
    .action(
      action<ConfigureFlags>(context, state, async (options, io) => {
        const result = await configure({ ...options, env: context.env, cwd: context.cwd }, io);
        return { json: result, human: () => renderConfigureResult(result, io) };
      }),
    );

  program
    .command('test-connection')
    .summary('Check the domain, network, token and permissions sync needs')
    .description(
      'Walk the checks an Okta admin needs while onboarding: the domain, DNS, TLS, that the host is an Okta org, the API token, read access to each kind of data sync collects, rate-limit headroom, clock skew and the output directory. Each failure comes with its fix. Exits 0 when sync can run, even if optional data (System Log, admin roles, devices, user schema) is not readable.',
    )
    .option('--domain <host-or-url>', "test this Okta domain instead of the profile's")
    .option('--token-stdin', 'read the API token from standard input')
    .addOption(tokenArgument())
    .option(
      '--auth <mode>',
      'token (an API token) or oauth (an API Services app); default: what is configured',
    )
    .option('--scopes <list>', 'OAuth scopes to ask for (default: every read scope sync may need)')
    .option('--proxy <url>', 'HTTP(S) proxy, e.g. http://proxy:3128 (default: HTTPS_PROXY, then the profile)')
    .option('--ca-file <pem>', "PEM file of extra CA certificates (a TLS-inspecting proxy's root)")
    .option('--output-dir <dir>', 'check this output directory instead of the configured one')
    .option('--demo', `check the built-in sample org (what sync --demo reads) and ./${DEMO_OUTPUT_DIR}/`)
    .addHelpText(
      'after',
      examples([
        'okta-connector test-connection',
        'okta-connector test-connection --profile sandbox --json',
        '',
        '# Before configuring anything',
        `printf '%s\\n' "$OKTA_API_TOKEN" | okta-connector test-connection --domain acme.okta.com --token-stdin`,
      ]),
    )
    .action(
      action<TestConnectionFlags>(context, state, async (options, io) => {
        const report = await testConnection({ ...options, env: context.env, cwd: context.cwd }, io);
        return { json: report, human: () => renderTestConnection(report, io), exitCode: report.exitCode };
      }),
    );

  program
    .command('sync')
    .summary('Pull the inventory into a new dated snapshot folder')
    .description(
      'Read users (every status), the user schema, groups and members, apps, app assignments, admin roles, devices and app sign-in usage from Okta into <output-dir>/<profile>/<UTC timestamp>/, one file per entity plus manifest.json. The folder appears whole or not at all; latest.json names the newest complete snapshot. Safe to run from cron: one sync per profile at a time.',
    )
    .option('--domain <host-or-url>', "sync this Okta domain instead of the profile's")
    .option('--token-stdin', 'read the API token from standard input')
    .addOption(tokenArgument())
    .option(
      '--auth <mode>',
      'token (an API token) or oauth (an API Services app); default: what is configured',
    )
    .option('--scopes <list>', 'OAuth scopes to ask for (default: what the selected entities need)')
    .option('--proxy <url>', 'HTTP(S) proxy, e.g. http://proxy:3128 (default: HTTPS_PROXY, then the profile)')
    .option('--ca-file <pem>', "PEM file of extra CA certificates (a TLS-inspecting proxy's root)")
    .option('--output-dir <dir>', "folder for snapshots (default: the profile's, else ~/okta-inventory)")
    .option('--format <format>', "json, ndjson or csv (default: the profile's, else json)")
    .option('--only <entities>', `comma-separated entities to pull (${ENTITY_NAMES.join(', ')})`)
    .option('--skip <entities>', 'comma-separated entities to leave out')
    .option(
      '--incremental',
      'read only what changed since the last complete run; still writes a complete snapshot',
    )
    .option('--full', 'read everything (the default; wins over --incremental)')
    .option(
      '--full-every <days>',
      'with --incremental: run in full when the last full run is older (default: 7)',
    )
    .option('--keep <n>', 'keep the newest n snapshots (never the latest complete one)')
    .option(
      '--group-readable',
      "let the owner's group read the snapshots (0640 files in 0750 folders; default: owner only)",
    )
    .option('--bom', 'CSV: start files with a UTF-8 byte order mark (for Excel)')
    .option(
      '--no-formula-protection',
      "CSV: don't guard cells that could start a formula with ' (machine imports only)",
    )
    .option('--rate-limit-share <percent>', 'share of each Okta rate-limit bucket to use (default: 50)')
    .option('--concurrency <n>', 'requests in flight at most (default: 8)')
    .option('--log-file <path>', 'append plain progress lines and the outcome to this file (for cron)')
    .option('--demo', `run against the built-in sample org, into ./${DEMO_OUTPUT_DIR}/ unless --output-dir`)
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
      action<SyncFlags>(context, state, async (options, io) => {
        const controller = new AbortController();
        let firstSignalAt: number | undefined;
        const onSignal = () => {
          // A second Ctrl-C means "now": leave at once (the partial folder is cleaned up next run).
          // Only one a moment later counts: conf's exit hook (when-exit) re-raises the first signal
          // at once, and that must not skip the cleanup the first one started.
          if (firstSignalAt !== undefined && Date.now() - firstSignalAt > 1_000)
            process.exit(ExitCode.Interrupted);
          firstSignalAt ??= Date.now();
          controller.abort();
        };
        // A closed terminal (SIGHUP) stops a sync as SIGTERM does: cleaned up, exit 130.
        const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
        for (const signal of signals) process.on(signal, onSignal);
        try {
          const result = await sync(
            { ...options, env: context.env, cwd: context.cwd, signal: controller.signal },
            io,
          );
          return {
            json: result,
            human: () =>
              renderSyncResult(result, io, { demo: options.demo === true, outputDir: options.outputDir }),
            exitCode: result.exitCode,
          };
        } finally {
          for (const signal of signals) process.off(signal, onSignal);
        }
      }),
    );

  program
    .command('export')
    .summary('Reshape a snapshot for a SAM platform or a spreadsheet (offline)')
    .description(
      "Write one view of a snapshot as CSV, JSON, NDJSON or (licence-usage) an HTML report: a raw entity with the columns you pick, every user × app assignment joined with user, app, groups and sign-in usage, or licence usage per app with the seats to reclaim. Reads only the snapshot folder (default: the profile's latest complete one): no Okta request, no token. Data goes to stdout unless --output names a file, which is written whole or not at all. See docs/export.md.",
    )
    .requiredOption('--view <view>', `what to export: ${ENTITY_NAMES.join(', ')}, assignments, licence-usage`)
    .option(
      '--snapshot <dir|id|latest>',
      'snapshot folder, snapshot id of the profile, or latest (default: latest)',
    )
    .option(
      '--format <format>',
      "csv, json, ndjson, or html for licence-usage (default: --output's extension, else csv)",
    )
    .option('--fields <list>', 'comma-separated columns as dot paths, e.g. id,status,profile.email')
    .option('--where <expression>', 'keep rows matching, e.g. "user.status=ACTIVE and lastSignIn<90d"')
    .option('--output <file>', 'write to this file, whole or not at all (default: -, stdout)')
    .option('--output-dir <dir>', "folder of the snapshots (default: the profile's, else ~/okta-inventory)")
    .option(
      '--demo',
      `export what sync --demo wrote: the snapshots in ./${DEMO_OUTPUT_DIR}/ unless --output-dir`,
    )
    .option('--active-days <n>', 'licence-usage: active means a sign-in within n days, 1 to 90 (default: 30)')
    .option('--by <app|user>', 'licence-usage: a row per app, or per user × unused app (default: app)')
    .option('--bom', 'CSV: start with a UTF-8 byte order mark (for Excel)')
    .option(
      '--no-formula-protection',
      "CSV: don't guard cells that could start a formula with ' (machine imports only)",
    )
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
      action<{
        view?: string;
        snapshot?: string;
        format?: string;
        fields?: string;
        where?: string;
        output?: string;
        outputDir?: string;
        activeDays?: string;
        by?: string;
        bom?: boolean;
        formulaProtection?: boolean;
        demo?: boolean;
      }>(context, state, async (options, io) => {
        // Loaded on use: export needs none of the Okta client, and sync none of the export views.
        const { exportSnapshot } = await import('../commands/export/index.js');
        const controller = new AbortController();
        const onSignal = () => controller.abort();
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        try {
          const result = await exportSnapshot(
            { ...options, env: context.env, cwd: context.cwd, signal: controller.signal },
            io,
          );
          // The data went to stdout or the file; the summary line went to stderr.
          return { json: result, human: () => {} };
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      }),
    );

  const diffCommand = program
    .command('diff')
    .summary('What changed between two snapshots: joiners, leavers, access gained or lost (offline)')
    .description(
      'Compare two snapshots of one org (default: the latest complete one and the complete one before it) and list every record added, removed or changed, entity by entity, as NDJSON, JSON, CSV or an HTML report. Fields that move every night (lastLogin, lastUpdated, …) are not changes unless --include-volatile. Reads only the snapshot folders: no Okta request, no token. A summary goes to stderr (with --json, to stdout). See docs/diff.md.',
    );
  for (const option of DIFF_OPTION_FLAGS) diffCommand.option(option.flags, option.help);
  diffCommand
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
      action<DiffFlags>(context, state, async (options, io) => {
        // Loaded on use: diff needs none of the Okta client, and sync none of the diff engine.
        const { runDiff } = await import('../commands/diff/index.js');
        const controller = new AbortController();
        const onSignal = () => controller.abort();
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        try {
          const result = await runDiff(
            { ...options, env: context.env, cwd: context.cwd, signal: controller.signal },
            io,
          );
          // The changes went to stdout or the file; the summary went to stderr.
          return { json: result, human: () => {}, exitCode: result.exitCode };
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      }),
    );

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
        'okta-connector schedule install --at "30 2 * * *"',
        'okta-connector schedule show',
        '',
        '# The entry for deploying by hand (Ansible, Intune, another machine)',
        'okta-connector schedule print --profile sandbox --platform win32',
      ]),
    );
  const scheduleAction = (command: typeof scheduleInstall) =>
    action<ScheduleFlags>(context, state, async (options, io) => {
      const result = await command({ ...options, env: context.env, cwd: context.cwd }, io);
      return { json: result, human: () => renderScheduleResult(result, io) };
    });
  const entryOptions = (command: Command) =>
    command
      .option(
        '--at <when>',
        "hourly, daily, weekly or a 5-field cron expression (default: the profile's schedule)",
      )
      .option('--full', 'run sync in full every time (default: --incremental)')
      .option(
        '--log-file <path>',
        'log file of the scheduled runs (default: <output-dir>/<profile>/sync.log)',
      )
      .option(
        '--keep <n>',
        'pass --keep <n> to sync: keep the newest n snapshots (default: 14; "all": every one)',
      )
      .option('--node-path <path>', 'Node binary the job runs (default: the one running this)')
      .option('--cli-path <path>', 'okta-connector script the job runs (default: this installation)');
  entryOptions(
    scheduleCommand
      .command('install')
      .summary("Add the profile's sync to cron or Task Scheduler (replacing its previous entry)"),
  )
    .addHelpText(
      'after',
      examples([
        '# The schedule stored with "configure --schedule", or one given here',
        'okta-connector schedule install',
        'okta-connector schedule install --profile sandbox --at weekly --full --keep 8',
      ]),
    )
    .action(scheduleAction(scheduleInstall));
  scheduleCommand
    .command('show')
    .summary('Print what is installed for the profile and when it next runs')
    .addHelpText('after', examples(['okta-connector schedule show', 'okta-connector schedule show --json']))
    .action(scheduleAction(scheduleShow));
  scheduleCommand
    .command('remove')
    .summary("Remove the profile's entry (nothing installed is not an error)")
    .addHelpText('after', examples(['okta-connector schedule remove --profile sandbox']))
    .action(scheduleAction(scheduleRemove));
  entryOptions(
    scheduleCommand
      .command('print')
      .summary('Print the crontab lines or the schtasks command without installing anything'),
  )
    .option('--platform <os>', 'linux, darwin or win32 (default: this machine)')
    .addHelpText(
      'after',
      examples([
        'okta-connector schedule print --at daily >> my-crontab',
        'okta-connector schedule print --platform win32 --node-path "C:\\Program Files\\nodejs\\node.exe" --cli-path C:\\okta\\bin\\okta-connector.js --log-file C:\\okta\\sync.log',
      ]),
    )
    .action(scheduleAction(schedulePrint));

  return program;
}

interface ConfigureFlags {
  domain?: string;
  tokenStdin?: boolean;
  auth?: string;
  clientId?: string;
  privateKeyFile?: string;
  keyId?: string;
  scopes?: string;
  generateKey?: boolean;
  dpop?: boolean;
  proxy?: string;
  caFile?: string;
  trustHost?: boolean;
  outputDir?: string;
  format?: string;
  schedule?: string;
  show?: boolean;
  list?: boolean;
  delete?: boolean;
  yes?: boolean;
}

interface SyncFlags {
  domain?: string;
  tokenStdin?: boolean;
  auth?: string;
  scopes?: string;
  proxy?: string;
  caFile?: string;
  outputDir?: string;
  format?: string;
  only?: string;
  skip?: string;
  keep?: string;
  incremental?: boolean;
  full?: boolean;
  fullEvery?: string;
  groupReadable?: boolean;
  bom?: boolean;
  formulaProtection?: boolean;
  rateLimitShare?: string;
  concurrency?: string;
  logFile?: string;
  demo?: boolean;
}

interface TestConnectionFlags {
  domain?: string;
  tokenStdin?: boolean;
  auth?: string;
  scopes?: string;
  proxy?: string;
  caFile?: string;
  outputDir?: string;
  demo?: boolean;
}

/**
 * The one error printer: a message and its hint on stderr (plus `{"error": …}` on stdout with
 * `--json`), Okta's request id when there is one, a stack trace only with `--verbose`. Everything
 * printed goes through the Io's redaction.
 * @returns the exit code of the error.
 */
export function reportError(error: unknown, io: Io): ExitCodeValue {
  const failure = toConnectorError(error);
  const okta = failure instanceof OktaError ? failure : undefined;
  if (io.json) {
    io.printJson({
      error: {
        code: failure.code,
        message: failure.message,
        hint: failure.hint ?? null,
        exitCode: failure.exitCode,
        ...(okta?.status === undefined ? {} : { status: okta.status }),
        ...(okta?.errorCode === undefined ? {} : { oktaErrorCode: okta.errorCode }),
        ...(okta?.requestId === undefined ? {} : { requestId: okta.requestId }),
        ...(failure instanceof NetworkError && failure.networkCode
          ? { networkCode: failure.networkCode }
          : {}),
      },
    });
  }
  const lines = [`${io.color.red('Error:')} ${failure.message}`];
  if (failure.hint) lines.push(`  ${failure.hint}`);
  if (okta?.requestId) {
    lines.push(
      io.color.dim(
        `  Okta request id: ${okta.requestId}${okta.errorId ? ` (error id ${okta.errorId})` : ''}`,
      ),
    );
  }
  if (io.verbose) {
    for (let current: unknown = failure, depth = 0; current instanceof Error && depth < 5; depth++) {
      if (current.stack) lines.push(io.color.dim(current.stack));
      current = current.cause;
    }
  }
  io.stderr.write(`${io.redact(lines.join('\n'))}\n`);
  return failure.exitCode;
}

function processContext(): CliContext {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code.
 * Never throws and never calls `process.exit`, so tests can run it in-process.
 */
export async function runCli(argv: string[], context: CliContext = processContext()): Promise<ExitCodeValue> {
  const state: RunState = { io: undefined, exitCode: ExitCode.Success };
  const program = buildProgram(context, state);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed help or the version (exit 0), or the help for no command (usage).
      if (error.exitCode === 0 || error.code === 'commander.version') return ExitCode.Success;
      if (error.code === 'commander.help') return ExitCode.Usage;
      // Its usage errors are ours to print (it prints none: see outputError), in the tool's style.
      // No stack trace for a usage error, even with --verbose: there is no bug to trace.
      const io = ioFor(context, { ...sniffGlobalOptions(argv), verbose: false });
      return reportError(usageErrorOf(error, program, argv), io);
    }
    return reportError(error, state.io ?? ioFor(context, sniffGlobalOptions(argv)));
  }
}

/**
 * Runs the command line as the program: its exit code becomes the process's (or the worker
 * thread's, for `sync`, see launch.ts).
 */
export async function runAsProgram(argv: string[]): Promise<void> {
  const exitCode = await runCli(argv);
  // After an interruption, requests abandoned in flight must not keep the process alive.
  if (exitCode === ExitCode.Interrupted) process.exit(exitCode);
  process.exitCode = exitCode;
}

/** True when this module is run directly (`node dist/cli/program.js`: no worker thread for sync). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `okta-connector … | head` closes stdout early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  await runAsProgram(process.argv.slice(2));
}
