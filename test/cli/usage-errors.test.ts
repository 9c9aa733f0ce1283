import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { ensureBuilt, runCli } from '../e2e/cli-process.js';

/**
 * Commander's own usage errors, as the built CLI prints them: the tool's "Error: …" line and a hint
 * with the suggestion and the --help to read, exit 2, no stack trace (not even with --verbose), and
 * with --json one error document on stdout.
 */

beforeAll(() => ensureBuilt(), 120_000);

const env = { PATH: process.env.PATH ?? '', HOME: '/nonexistent-home', NO_COLOR: '1' };
const cli = (args: string[]) => runCli(args, { env });

describe('commander usage errors through the built CLI', () => {
  it.each([
    [
      'an unknown command',
      ['test-conection'],
      'Error: Unknown command "test-conection".\n  Did you mean test-connection? See okta-connector --help.\n',
    ],
    [
      'an unknown subcommand',
      ['schedule', 'instal'],
      'Error: Unknown command "instal" for schedule.\n  Did you mean install? See okta-connector schedule --help.\n',
    ],
    [
      'an unknown option',
      ['configure', '--domian', 'acme.okta.com'],
      'Error: Unknown option --domian for configure.\n  Did you mean --domain? See okta-connector configure --help.\n',
    ],
    [
      'an unknown option with nothing close',
      ['export', '--view', 'users', '--zzzzzz'],
      'Error: Unknown option --zzzzzz for export.\n  See okta-connector export --help.\n',
    ],
    [
      'an option without its value',
      ['configure', '--domain'],
      'Error: --domain needs a value: --domain <host-or-url>.\n  See okta-connector configure --help.\n',
    ],
    [
      'a missing required option',
      ['export'],
      'Error: export needs --view <view>.\n  See okta-connector export --help.\n',
    ],
    [
      'an argument where none is taken',
      ['configure', 'extra'],
      'Error: Unexpected argument "extra" for configure (it takes none).\n  See okta-connector configure --help.\n',
    ],
    [
      'two options that conflict, --verbose among them',
      ['--quiet', '--verbose', 'configure', '--list'],
      'Error: --verbose and --quiet cannot be used together.\n  See okta-connector configure --help.\n',
    ],
  ])('%s: one Error line and its hint, exit 2', async (_what, args, expected) => {
    const result = await cli(args);
    expect(result.exitCode).toBe(ExitCode.Usage);
    expect(result.stderr).toBe(expected);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toMatch(/^error:|\n\s+at /m);
  });

  it('with --json, the same error as one document on stdout, and the line on stderr', async () => {
    const result = await cli(['--json', 'configure', '--domian', 'x']);
    expect(result.exitCode).toBe(ExitCode.Usage);
    expect(JSON.parse(result.stdout)).toEqual({
      error: {
        code: 'ERR_USAGE',
        message: 'Unknown option --domian for configure.',
        hint: 'Did you mean --domain? See okta-connector configure --help.',
        exitCode: 2,
      },
    });
    expect(result.stderr).toBe(
      'Error: Unknown option --domian for configure.\n  Did you mean --domain? See okta-connector configure --help.\n',
    );
  });

  it('no command at all: the top-level help on stderr, exit 2', async () => {
    const result = await cli([]);
    expect(result.exitCode).toBe(ExitCode.Usage);
    expect(result.stderr).toMatch(/^Usage: okta-connector <command> \[options\]/);
  });
});
