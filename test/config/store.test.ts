import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configDir } from '../../src/config/paths.js';
import { ConfigStore, loadConfigWriter } from '../../src/config/store.js';
import { ConfigError, ExitCode } from '../../src/errors.js';
import { redact } from '../../src/ui/redact.js';
import { tempDir } from '../cli/harness.js';

// configure loads conf before it writes; these tests write profiles directly.
beforeAll(loadConfigWriter);

const TOKEN = '00StoreTestToken-abcdefghijklmnopqrstuvwx';

let dir: string;
let remove: () => Promise<void>;
let configFolder: string;
let store: ConfigStore;

beforeEach(async () => {
  ({ dir, remove } = await tempDir());
  configFolder = path.join(dir, 'config');
  store = new ConfigStore({ OKTA_CONNECTOR_CONFIG_DIR: configFolder });
});
afterEach(() => remove());

function readError(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('no error');
}

describe('ConfigStore', () => {
  it('reads a missing file as no profiles, without creating anything', () => {
    expect(store.read()).toEqual({ profiles: {} });
    expect(existsSync(configFolder)).toBe(false);
  });

  it('saves profiles in a 0600 file inside a 0700 folder', async () => {
    store.saveProfile('default', { domain: 'acme.okta.com', token: TOKEN, format: 'csv' });
    expect(store.path).toBe(path.join(configFolder, 'config.json'));
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    expect((await stat(configFolder)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(store.path, 'utf8'))).toEqual({
      profiles: { default: { domain: 'acme.okta.com', token: TOKEN, format: 'csv' } },
    });
  });

  it('tightens a config file that was readable by others', async () => {
    await mkdir(configFolder, { recursive: true });
    await writeFile(store.path, JSON.stringify({ profiles: {} }), { mode: 0o644 });
    await chmod(store.path, 0o644);
    store.saveProfile('default', { domain: 'acme.okta.com', token: TOKEN });
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
  });

  it('keeps other profiles and unknown fields when saving and deleting', async () => {
    await mkdir(configFolder, { recursive: true });
    await writeFile(
      store.path,
      JSON.stringify({ future: 1, profiles: { other: { domain: 'b.okta.com', token: TOKEN, extra: true } } }),
    );
    store.saveProfile('default', { domain: 'acme.okta.com', token: TOKEN });
    expect(store.deleteProfile('default')).toBe(true);
    expect(store.deleteProfile('default')).toBe(false);
    expect(JSON.parse(await readFile(store.path, 'utf8'))).toEqual({
      future: 1,
      profiles: { other: { domain: 'b.okta.com', token: TOKEN, extra: true } },
    });
  });

  it('registers every stored token for redaction', async () => {
    await mkdir(configFolder, { recursive: true });
    const other = '00AnotherStoredToken-0123456789abcdefghij';
    await writeFile(store.path, JSON.stringify({ profiles: { x: { token: other } } }));
    store.read();
    expect(redact(`oops ${other}`)).toBe('oops [redacted]');
  });

  describe('a corrupted or hand-edited file is reported, never cleared', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['invalid JSON', `{"profiles": {"default": {"token": "${TOKEN}",\n`, /is not valid JSON at line 2/],
      ['an empty file', '', /is not valid JSON \(it is empty\)/],
      ['JSON that is not an object', '[1, 2]', /does not hold a JSON object/],
      ['null', 'null', /does not hold a JSON object/],
      [
        'a field of the wrong type',
        JSON.stringify({ profiles: { default: { token: 42, format: 'xml' } } }),
        /wrong shape \(profiles\.default\.token: .*; profiles\.default\.format: /,
      ],
      ['profiles of the wrong type', JSON.stringify({ profiles: [] }), /wrong shape \(profiles: /],
      ['a bad profile name', JSON.stringify({ profiles: { 'a b': {} } }), /wrong shape/],
    ];
    it.each(cases)('%s', async (_name, content, message) => {
      await mkdir(configFolder, { recursive: true });
      await writeFile(store.path, content);
      const error = readError(() => store.read());
      expect(error.message).toMatch(message);
      expect(error.message).toContain(store.path);
      expect(error.hint).toMatch(/Fix the file by hand, or delete it and run "okta-connector configure"/);
      expect(error.exitCode).toBe(ExitCode.Config);
      expect(`${error.message} ${error.hint}`).not.toContain(TOKEN);
      // Saving must not overwrite the user's file either.
      readError(() => store.saveProfile('default', { domain: 'acme.okta.com', token: TOKEN }));
      expect(await readFile(store.path, 'utf8')).toBe(content);
    });
  });

  it('reports a config folder it cannot write to', async () => {
    await writeFile(path.join(dir, 'blocker'), 'a file, not a folder');
    const blocked = new ConfigStore({ OKTA_CONNECTOR_CONFIG_DIR: path.join(dir, 'blocker', 'config') });
    const error = readError(() => blocked.saveProfile('default', { domain: 'acme.okta.com', token: TOKEN }));
    expect(error.message).toMatch(/Could not write the config file .* \(ENOTDIR\)/);
    expect(error.hint).toContain('OKTA_CONNECTOR_CONFIG_DIR');
  });
});

describe('configDir', () => {
  it('prefers OKTA_CONNECTOR_CONFIG_DIR, then the platform folder', () => {
    expect(configDir({ OKTA_CONNECTOR_CONFIG_DIR: '/srv/okta' })).toBe('/srv/okta');
    expect(configDir({ HOME: '/home/ann' }, 'linux')).toBe('/home/ann/.config/okta-connector');
    expect(configDir({ HOME: '/home/ann', XDG_CONFIG_HOME: '/xdg' }, 'linux')).toBe('/xdg/okta-connector');
    expect(configDir({ HOME: '/Users/ann' }, 'darwin')).toBe('/Users/ann/Library/Preferences/okta-connector');
    expect(configDir({ HOME: 'C:/Users/ann', APPDATA: 'C:/AppData' }, 'win32')).toBe(
      path.join('C:/AppData', 'okta-connector', 'Config'),
    );
  });
});
