import { createHash } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { openSnapshot } from '../../src/export/open-snapshot.js';
import { readEntityRows } from '../../src/export/read-entity-rows.js';
import { parseCsvRows } from '../../src/formats/parse-csv-rows.js';
import { parseJsonRecords } from '../../src/formats/parse-json-records.js';
import { writeSnapshot } from './helpers.js';

/** Feeds `text` in pieces of `size` characters, so every boundary case lands between two chunks. */
async function* piecesOf(text: string, size: number): AsyncGenerator<string> {
  for (let start = 0; start < text.length; start += size) yield text.slice(start, start + size);
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

const tricky = [
  { id: '1', note: 'braces } { ] [ and "quotes" and \\ backslash \\"', list: [1, { a: '}' }] },
  { id: '2', note: 'ends with a backslash \\', nested: { deep: { deeper: ['x', ''] } } },
  { id: '3', note: 'newline\nand tab\t and unicode 日本 😀 مرحبا', empty: {} },
];

describe('JSON snapshot files', () => {
  const layouts: [string, string][] = [
    ['our writer (one record per line)', `[\n${tricky.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`],
    ['pretty-printed', `${JSON.stringify(tricky, null, 2)}\n`],
    ['minified', JSON.stringify(tricky)],
    ['NDJSON saved as .json', `${tricky.map((r) => JSON.stringify(r)).join('\n')}\n`],
    [
      'with a byte order mark and CRLF',
      `\uFEFF[\r\n${tricky.map((r) => JSON.stringify(r)).join(',\r\n')}\r\n]`,
    ],
  ];
  it.each(layouts)('reads %s, whatever the chunk boundaries', async (_name, text) => {
    for (const size of [1, 2, 3, 7, 64, 100_000]) {
      expect(await collect(parseJsonRecords(piecesOf(text, size), 'x.json'))).toEqual(tricky);
    }
  });

  it('reads an empty array and an empty file as no records', async () => {
    expect(await collect(parseJsonRecords(piecesOf('[]\n', 1), 'x.json'))).toEqual([]);
    expect(await collect(parseJsonRecords(piecesOf('', 1), 'x.json'))).toEqual([]);
  });

  it.each([
    ['[\n{"id":"1"},\n{"id":"2"', 'ends inside a record'],
    ['[\n{"id":"1"}', 'ends before the closing "]"'],
    ['[\n{"id":"1"},\n42\n]', 'unexpected "4"'],
    ['[\n{"id":"1",}\n]', 'a record is not valid JSON'],
    ['[\n{"id":"1"}\n]\n{"id":"2"}', 'unexpected "{"'],
  ])('refuses %j with a ConfigError naming the file and position', async (text, why) => {
    const error = await collect(parseJsonRecords(piecesOf(text, 3), '/snap/users.json')).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('/snap/users.json');
    expect(error.message).toContain(why);
    expect(error.message).toMatch(/at character \d+/);
  });
});

describe('CSV snapshot files', () => {
  const text =
    '\uFEFFid,note,empty\r\n' +
    '1,"a, ""quoted"" value",\r\n' +
    '2,"two\r\nlines and\na lone LF",x\r\n' +
    '3,plain,"" \r\n'.replace(' ', '') +
    '4,"ends with quote """,\n' +
    '5,lf ending,y';
  const expected = [
    ['id', 'note', 'empty'],
    ['1', 'a, "quoted" value', ''],
    ['2', 'two\r\nlines and\na lone LF', 'x'],
    ['3', 'plain', ''],
    ['4', 'ends with quote "', ''],
    ['5', 'lf ending', 'y'],
  ];
  it('reads RFC 4180 (and LF endings) whatever the chunk boundaries', async () => {
    for (const size of [1, 2, 3, 5, 1000]) {
      expect(await collect(parseCsvRows(piecesOf(text, size), 'x.csv'))).toEqual(expected);
    }
  });

  it('leaves the columns not asked for empty, without losing the row structure, whatever the chunk boundaries', async () => {
    const keepNote = (name: string) => name !== 'note';
    const keepOnlyNote = (name: string) => name === 'note';
    for (const size of [1, 2, 3, 5, 1000]) {
      expect(await collect(parseCsvRows(piecesOf(text, size), 'x.csv', keepNote))).toEqual(
        expected.map((row, index) => (index === 0 ? row : [row[0], '', row[2]])),
      );
      expect(await collect(parseCsvRows(piecesOf(text, size), 'x.csv', keepOnlyNote))).toEqual(
        expected.map((row, index) => (index === 0 ? row : ['', row[1], ''])),
      );
    }
    // A column left out is still checked.
    const error = await collect(
      parseCsvRows(piecesOf('a,b\r\n1,x"y\r\n', 2), 'x.csv', (name) => name === 'a'),
    ).catch((caught) => caught);
    expect(error).toBeInstanceOf(ConfigError);
  });

  it.each([
    ['a,b\r\n1,"open', 'ends inside a quoted field'],
    ['a,b\r\n1,"x"y\r\n', 'a character after a closing quote'],
    ['a,b\r\n1,x"y\r\n', 'a quote inside an unquoted field'],
  ])('refuses %j', async (bad, why) => {
    const error = await collect(parseCsvRows(piecesOf(bad, 2), '/snap/users.csv')).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(why);
    expect(error.message).toContain('/snap/users.csv');
  });
});

describe('snapshots: formats, versions, partial runs, damage', () => {
  let root: string;
  const users = [
    {
      id: '00u1',
      status: 'ACTIVE',
      lastLogin: null,
      profile: { login: 'a@x', email: 'a@x', title: '=1+1', note: "'=not protected", seats: 3 },
      credentials: { provider: { type: 'OKTA' } },
    },
    { id: '00u2', status: 'SUSPENDED', profile: { login: 'b@x', title: '+44 20', bio: 'x\r\ny, "z"' } },
  ];
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'okta-export-readers-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads the same records from json and ndjson; CSV gives text, nested again, protection undone', async () => {
    const read = async (format: 'json' | 'ndjson' | 'csv', fields?: string[]) => {
      const outputDir = join(root, `fmt-${format}-${fields?.length ?? 0}`);
      await writeSnapshot({ outputDir, format, entities: { users } });
      const snapshot = await openSnapshot({
        snapshot: undefined,
        outputDir,
        profile: 'default',
        env: {},
        cwd: root,
        warn: () => {},
      });
      return collect(readEntityRows(snapshot, 'users', fields ? { fields } : {}));
    };
    expect(await read('json')).toEqual(users);
    expect(await read('ndjson')).toEqual(users);
    // Asking for some fields: json and ndjson give whole records; CSV only those fields.
    expect(await read('ndjson', ['id', 'profile.login'])).toEqual(users);
    expect(JSON.parse(JSON.stringify(await read('csv', ['id', 'profile.login', 'credentials'])))).toEqual([
      { id: '00u1', profile: { login: 'a@x' }, credentials: { provider: { type: 'OKTA' } } },
      { id: '00u2', profile: { login: 'b@x' } },
    ]);
    const fromCsv = await read('csv');
    expect(JSON.parse(JSON.stringify(fromCsv))).toEqual([
      {
        id: '00u1',
        status: 'ACTIVE',
        credentials: { provider: { type: 'OKTA' } },
        // The writer protected =1+1 as '=1+1; the reader takes the ' off again. A value that
        // really started with '= cannot be told apart (see docs/export.md).
        profile: { login: 'a@x', email: 'a@x', title: '=1+1', note: '=not protected', seats: '3' },
      },
      { id: '00u2', status: 'SUSPENDED', profile: { login: 'b@x', title: '+44 20', bio: 'x\r\ny, "z"' } },
    ]);
  });

  it('refuses a manifest of a newer or older formatVersion, naming both versions', async () => {
    const outputDir = join(root, 'versions');
    const { dir } = await writeSnapshot({ outputDir, format: 'json', entities: { users } });
    const manifestFile = join(dir, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    const open = (snapshot: string | undefined) =>
      openSnapshot({ snapshot, outputDir, profile: 'default', env: {}, cwd: root, warn: () => {} });

    for (const [version, pattern] of [
      [
        2,
        /has formatVersion 2 \(written by okta-connector 9\.0\.0\); okta-connector \S+ reads formatVersion 1 only/,
      ],
      [0, /has formatVersion 0 .*no longer reads/],
      ['1', /no valid formatVersion/],
    ] as const) {
      const text = `${JSON.stringify({ ...manifest, formatVersion: version, tool: { name: 'okta-connector', version: '9.0.0' } }, null, 2)}\n`;
      await writeFile(manifestFile, text);
      // Through latest.json (its SHA-256 updated, so only the version is wrong) and named explicitly.
      const pointerFile = join(outputDir, 'default', 'latest.json');
      const pointer = JSON.parse(await readFile(pointerFile, 'utf8'));
      pointer.manifestSha256 = createHash('sha256').update(text).digest('hex');
      await writeFile(pointerFile, JSON.stringify(pointer));
      for (const named of [undefined, dir]) {
        const error = await open(named).catch((e) => e);
        expect(error).toBeInstanceOf(ConfigError);
        expect(error.message).toMatch(pattern);
      }
    }
  });

  it('opens a partial snapshot only when named, with a warning; latest never names one', async () => {
    const outputDir = join(root, 'partial');
    const { dir, id } = await writeSnapshot({
      outputDir,
      format: 'json',
      entities: { users },
      status: 'partial',
      skipped: { app_usage: 'Okta refused to read the System Log (403).' },
    });
    const warnings: string[] = [];
    const open = (snapshot: string | undefined) =>
      openSnapshot({
        snapshot,
        outputDir,
        profile: 'default',
        env: {},
        cwd: root,
        warn: (m) => warnings.push(m),
      });
    const latest = await open(undefined).catch((e) => e);
    expect(latest).toBeInstanceOf(ConfigError);
    expect(latest.message).toMatch(/no complete snapshot/);
    expect(latest.hint).toMatch(/okta-connector sync/);

    for (const named of [id, dir]) {
      const snapshot = await open(named);
      expect(snapshot.manifest.status).toBe('partial');
      expect(await collect(readEntityRows(snapshot, 'users'))).toEqual(users);
    }
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/is partial \(no app_usage\)/);
  });

  it('names a folder that is not a snapshot', async () => {
    const folder = join(root, 'not-a-snapshot');
    await mkdir(folder, { recursive: true });
    const error = await openSnapshot({
      snapshot: folder,
      outputDir: root,
      profile: 'default',
      env: {},
      cwd: root,
      warn: () => {},
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(`${folder} is not a snapshot: it has no manifest.json.`);
  });

  it('refuses a file changed after sync (size or SHA-256 differ from the manifest)', async () => {
    const outputDir = join(root, 'damaged');
    const { dir } = await writeSnapshot({ outputDir, format: 'ndjson', entities: { users } });
    await appendFile(join(dir, 'users.ndjson'), `${JSON.stringify({ id: '00u3' })}\n`);
    const snapshot = await openSnapshot({
      snapshot: dir,
      outputDir,
      profile: 'default',
      env: {},
      cwd: root,
      warn: () => {},
    });
    const error = await collect(readEntityRows(snapshot, 'users')).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/users\.ndjson does not match its manifest/);
  });
});
