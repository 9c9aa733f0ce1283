import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  crontabLine,
  findEntry,
  foreignSyncLines,
  listEntryProfiles,
  markerLine,
  parseCrontabLine,
  readCrontab,
  shQuote,
  splitShellWords,
  withEntry,
  withoutEntry,
  writeCrontab,
} from '../../src/schedule/crontab.js';
import { runCommand } from '../../src/schedule/run-command.js';
import { tempDir } from '../cli/harness.js';
import { installFakeCrontab } from './fake-crontab.js';

const ARGV = (profile: string, log = '/var/log/okta/sync.log') => [
  '/usr/bin/node',
  '/opt/okta-connector/bin/okta-connector.js',
  '--profile',
  profile,
  'sync',
  '--quiet',
  '--log-file',
  log,
  '--incremental',
];
const line = (profile: string, cron = '0 0 * * *') => crontabLine(cron, ARGV(profile));

describe('shQuote and splitShellWords', () => {
  it.each(['plain', '/path/with space/okta', "it's", '$HOME `x` "q" \\ back', '', 'ünïcode/dir', '50%/off'])(
    'round-trips %j',
    (word) => {
      expect(splitShellWords(`a ${shQuote(word)} b`)).toEqual(['a', word, 'b']);
    },
  );

  it('leaves safe words bare and quotes the rest', () => {
    expect(shQuote('/usr/bin/node')).toBe('/usr/bin/node');
    expect(shQuote('/Users/Jo Doe/x')).toBe("'/Users/Jo Doe/x'");
    expect(shQuote("O'Brien")).toBe("'O'\\''Brien'");
  });

  it('reads double quotes and backslashes as sh does', () => {
    expect(splitShellWords(`"a \\"b\\" \\$c" d\\ e`)).toEqual(['a "b" $c', 'd e']);
  });
});

describe('crontabLine and parseCrontabLine', () => {
  it('quotes paths with spaces, escapes % for cron, and parses back to the same schedule and words', () => {
    const argv = ARGV('prod', '/home/jo/My Inventory/100%/prod/sync.log');
    argv[0] = '/home/jo/.nvm/versions/node/v20.19.0/bin/node';
    const text = crontabLine('30 2 * * 1-5', argv, { OKTA_CONNECTOR_CONFIG_DIR: '/home/jo/okta config' });
    expect(text).toBe(
      "30 2 * * 1-5 OKTA_CONNECTOR_CONFIG_DIR='/home/jo/okta config' /home/jo/.nvm/versions/node/v20.19.0/bin/node /opt/okta-connector/bin/okta-connector.js --profile prod sync --quiet --log-file '/home/jo/My Inventory/100\\%/prod/sync.log' --incremental >/dev/null",
    );
    expect(parseCrontabLine(text)).toEqual({
      cron: '30 2 * * 1-5',
      env: { OKTA_CONNECTOR_CONFIG_DIR: '/home/jo/okta config' },
      argv,
    });
  });

  it('refuses a line break in a word', () => {
    expect(() => crontabLine('0 0 * * *', ['/usr/bin/node', '/tmp/a\nb'])).toThrow(/line break/);
  });

  it('does not read comments, env lines or @ forms as jobs', () => {
    expect(parseCrontabLine('# 0 0 * * * something')).toBeUndefined();
    expect(parseCrontabLine('MAILTO=admin@example.com')).toBeUndefined();
    expect(parseCrontabLine('@reboot /usr/bin/true')).toBeUndefined();
  });
});

const OTHER = [
  '# m h dom mon dow command',
  'MAILTO=ops@example.com',
  'SHELL=/bin/bash',
  '',
  '*/5 * * * * /usr/local/bin/backup --quiet  # two spaces',
  '\t0 3 * * 0 /usr/bin/find /tmp -mtime +7 -delete',
  '',
].join('\n');

describe('withEntry and withoutEntry', () => {
  it('appends our entry and keeps every other byte', () => {
    const table = withEntry(OTHER, 'default', line('default'));
    expect(table.startsWith(OTHER)).toBe(true);
    expect(table.slice(OTHER.length)).toBe(`${markerLine('default')}\n${line('default')}\n`);
    expect(withoutEntry(table, 'default')).toEqual({ table: OTHER, removed: true });
  });

  it('is idempotent and replaces the entry in place', () => {
    const once = withEntry(`${OTHER}# after\n`, 'default', line('default'));
    const withTail = `${once}30 4 * * * /bin/true\n`;
    expect(withEntry(withTail, 'default', line('default'))).toBe(withTail);
    const replaced = withEntry(withTail, 'default', line('default', '15 1 * * *'));
    expect(replaced).toBe(withTail.replace(line('default'), line('default', '15 1 * * *')));
    expect(replaced.split(markerLine('default')).length).toBe(2);
  });

  it('keeps one entry per profile', () => {
    let table = withEntry(OTHER, 'default', line('default'));
    table = withEntry(table, 'sandbox', line('sandbox', '0 * * * *'));
    table = withEntry(table, 'default', line('default', '0 6 * * *'));
    expect(listEntryProfiles(table)).toEqual(['default', 'sandbox']);
    expect(findEntry(table, 'default')?.parsed?.cron).toBe('0 6 * * *');
    expect(findEntry(table, 'sandbox')?.parsed?.cron).toBe('0 * * * *');
    const { table: rest } = withoutEntry(table, 'default');
    expect(findEntry(rest, 'default')).toBeUndefined();
    expect(findEntry(rest, 'sandbox')?.line).toBe(line('sandbox', '0 * * * *'));
    expect(withoutEntry(rest, 'sandbox').table).toBe(OTHER);
  });

  it('does not confuse profiles that share a prefix', () => {
    const table = withEntry(withEntry('', 'prod', line('prod')), 'prod-eu', line('prod-eu'));
    expect(withoutEntry(table, 'prod').table).toBe(`${markerLine('prod-eu')}\n${line('prod-eu')}\n`);
  });

  it('keeps CRLF lines and a last line without a newline', () => {
    const crlf = 'MAILTO=""\r\n0 1 * * * /bin/a\r\n# no newline at the end';
    const table = withEntry(crlf, 'default', line('default'));
    expect(table).toBe(`${crlf}\n${markerLine('default')}\n${line('default')}\n`);
    // The line that had no newline keeps its bytes; it now ends with the newline crontab requires.
    expect(withoutEntry(table, 'default').table).toBe(`${crlf}\n`);
  });

  it('finds its entry in a CRLF table', () => {
    const table = `${markerLine('default')}\r\n${line('default')}\r\nMAILTO=x\r\n`;
    expect(findEntry(table, 'default')?.line).toBe(line('default'));
    expect(withoutEntry(table, 'default').table).toBe('MAILTO=x\r\n');
  });

  it('removes an entry at the unterminated end of a table', () => {
    const table = `A=1\n\n${markerLine('default')}\n${line('default')}`;
    expect(withoutEntry(table, 'default').table).toBe('A=1\n\n');
    expect(withEntry(table, 'default', line('default'))).toBe(`${table}\n`);
  });

  it('keeps bytes that are not UTF-8', () => {
    const latin1 = Buffer.from('# caf\xe9 in latin-1\n', 'latin1').toString('latin1');
    const table = withEntry(latin1, 'default', line('default'));
    expect(Buffer.from(table, 'latin1').subarray(0, latin1.length)).toEqual(Buffer.from(latin1, 'latin1'));
  });

  it('writes non-ASCII paths as UTF-8 and reads them back', () => {
    const text = crontabLine('0 0 * * *', ARGV('default', '/home/zoë/sync.log'));
    const table = withEntry('', 'default', text);
    expect(Buffer.from(table, 'latin1').toString('utf8')).toContain('/home/zoë/sync.log');
    expect(findEntry(table, 'default')?.parsed?.argv).toContain('/home/zoë/sync.log');
  });

  it('removes a marker whose line was deleted by hand, and duplicates', () => {
    const table = `${markerLine('default')}\n0 1 * * * /bin/mine\n${markerLine('default')}\n${line('default')}\n`;
    expect(withoutEntry(table, 'default').table).toBe('0 1 * * * /bin/mine\n');
    expect(withEntry(table, 'default', line('default'))).toBe(
      `${markerLine('default')}\n${line('default')}\n0 1 * * * /bin/mine\n`,
    );
  });

  it('reports okta-connector jobs it does not manage', () => {
    const table = withEntry(
      'MAILTO=x\n15 2 * * * /usr/bin/env okta-connector sync --quiet\n',
      'default',
      line('default'),
    );
    expect(foreignSyncLines(table)).toEqual([2]);
  });

  it('reports nothing to remove in a table without our entry', () => {
    expect(withoutEntry(OTHER, 'default')).toEqual({ table: OTHER, removed: false });
    expect(withoutEntry('', 'default')).toEqual({ table: '', removed: false });
  });
});

describe('readCrontab and writeCrontab with a fake crontab on PATH', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let env: Record<string, string>;
  let table: string;
  beforeAll(async () => {
    ({ dir, remove } = await tempDir('okta-crontab-'));
    const bin = await installFakeCrontab(dir);
    env = { PATH: `${bin}${path.delimiter}${process.env.PATH}`, FAKE_CRONTAB_FILE: path.join(dir, 'table') };
    table = env.FAKE_CRONTAB_FILE!;
  });
  afterAll(() => remove());
  beforeEach(() => {
    writeFileSync(`${table}.calls`, '');
    if (existsSync(table)) writeFileSync(table, '');
  });

  it('reads no table as empty, writes it through "crontab -", and reads it back byte for byte', async () => {
    rmSync(table, { force: true });
    expect(await readCrontab(runCommand, env)).toBe('');
    const bytes = Buffer.concat([Buffer.from(`${OTHER}# caf`), Buffer.from([0xe9, 0x0a])]);
    await writeCrontab(runCommand, env, bytes.toString('latin1'));
    expect(readFileSync(table)).toEqual(bytes);
    expect(Buffer.from(await readCrontab(runCommand, env), 'latin1')).toEqual(bytes);
    expect(readFileSync(`${table}.calls`, 'utf8')).toBe('["-l"]\n["-"]\n["-l"]\n');
  });

  it('turns a refusal into a ConfigError that says nothing changed', async () => {
    const error = await writeCrontab(runCommand, env, 'no newline').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/refused .* missing newline/);
  });

  it('says crontab is missing when it is not on PATH', async () => {
    const error = await readCrontab(runCommand, { PATH: dir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/crontab command is not installed/);
    expect((error as ConfigError).hint).toMatch(/schedule print/);
  });

  it('does not read other failures as an empty table', async () => {
    const failing = async () => ({
      exitCode: 1,
      stdout: Buffer.alloc(0),
      stderr: Buffer.from('You (jo) are not allowed to use this program (crontab)\n'),
    });
    await expect(readCrontab(failing, env)).rejects.toThrow(/crontab -l" failed .* not allowed/);
  });
});
