import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEntityWriter } from '../../src/formats/create-entity-writer.js';
import type {
  ColumnPlan,
  CsvOptions,
  EntityFileResult,
  OutputFormat,
} from '../../src/formats/entity-writer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'okta-writer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Strings that break naive writers. NFD and NFC spellings of "Zoë" must both survive unchanged. */
const tricky: Record<string, unknown> = {
  id: '00u1',
  nfc: 'Zo\u00eb',
  nfd: 'Zoe\u0308',
  emoji: '👩🏽‍💻 and 👨‍👩‍👧‍👦',
  comma: 'a,b',
  quote: 'say "hi"',
  crlf: 'line1\r\nline2',
  cr: 'line1\rline2',
  lf: 'line1\nline2',
  tab: 'a\tb',
  formula: '=1+1',
  plus: '+1',
  minus: '-1',
  phone: '+1 555 0100',
  plusFormula: '+SUM(A1)',
  minusFormula: '-2+3',
  at: '@SUM(A1)',
  tabStart: '\tx',
  crStart: '\rx',
  spaces: '  padded  ',
  empty: '',
  bomInside: '\uFEFFx',
  lineSeparator: 'a\u2028b',
  long: 'x'.repeat(100_000),
  nothing: null,
  nested: { a: [1, { b: 'c,"d"' }] },
  list: ['a', 'b'],
  negative: -5,
  float: 1.5,
  flag: false,
};

async function writeAll(
  format: OutputFormat,
  records: Record<string, unknown>[],
  extra: { columns?: ColumnPlan; csv?: CsvOptions } = {},
): Promise<{ result: EntityFileResult; bytes: Buffer }> {
  const writer = createEntityWriter({ dir, entity: 'users', format, ...extra });
  for (const record of records) await writer.write(record);
  const result = await writer.close();
  return { result, bytes: await readFile(join(dir, result.file)) };
}

describe('json and ndjson', () => {
  it('round-trips tricky records byte for byte as one JSON array', async () => {
    const records = [tricky, { id: '00u2' }];
    const { result, bytes } = await writeAll('json', records);
    expect(result).toMatchObject({ entity: 'users', file: 'users.json', format: 'json', count: 2 });
    expect(JSON.parse(bytes.toString('utf8'))).toStrictEqual(records);
    expect(bytes.includes(Buffer.from('Zoe\u0308', 'utf8'))).toBe(true);
    expect(bytes.includes(Buffer.from('Zo\u00eb', 'utf8'))).toBe(true);
    expect(bytes.subarray(0, 2).toString()).toBe('[\n');
  });

  it('writes [] for no records', async () => {
    const { result, bytes } = await writeAll('json', []);
    expect(bytes.toString('utf8')).toBe('[]\n');
    expect(JSON.parse(bytes.toString('utf8'))).toStrictEqual([]);
    expect(result.count).toBe(0);
  });

  it('writes one object per line, each ending with \\n', async () => {
    const records = [tricky, { id: '00u2', nested: { deep: ['x'] } }, { id: '00u3' }];
    const { result, bytes } = await writeAll('ndjson', records);
    const text = bytes.toString('utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.map((line) => JSON.parse(line))).toStrictEqual(records);
    expect(result.file).toBe('users.ndjson');
    expect(bytes.includes(Buffer.from('👩🏽‍💻', 'utf8'))).toBe(true);
  });

  it.each(['json', 'ndjson', 'csv'] as const)(
    '%s: pages written without awaiting each other, in pieces, land whole and in call order, with the right sha256',
    async (format) => {
      // Pages far larger than one piece (32 k characters), some records larger than a piece on their own.
      const page = (n: number) =>
        Array.from({ length: 300 }, (_, index) => ({
          id: `00u${n}-${index}`,
          note: index % 50 === 0 ? `${'健'.repeat(40_000)}${n}` : `record ${index} of page ${n}`,
        }));
      const pages = [page(1), page(2), page(3)];
      const writer = createEntityWriter({ dir, entity: 'users', format });
      await Promise.all(pages.map((records) => writer.writeMany(records)));
      const result = await writer.close();
      const bytes = await readFile(join(dir, result.file));
      const all = pages.flat();
      const read =
        format === 'json'
          ? JSON.parse(bytes.toString('utf8'))
          : format === 'ndjson'
            ? bytes
                .toString('utf8')
                .trimEnd()
                .split('\n')
                .map((line) => JSON.parse(line))
            : parse(bytes, { columns: true });
      expect(read).toStrictEqual(all);
      expect(result.count).toBe(all.length);
      expect(result.bytes).toBe(bytes.length);
      expect(result.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    },
  );

  it('writes an empty file for no ndjson records', async () => {
    const { bytes, result } = await writeAll('ndjson', []);
    expect(bytes.length).toBe(0);
    expect(result.bytes).toBe(0);
  });

  it.each(['json', 'ndjson', 'csv'] as const)(
    'reports the size and SHA-256 of the %s file',
    async (format) => {
      const { result, bytes } = await writeAll(format, [tricky, { id: '2' }]);
      expect(result.bytes).toBe(bytes.length);
      expect(result.bytes).toBe((await stat(join(dir, result.file))).size);
      expect(result.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    },
  );
});

describe('csv', () => {
  const plan: ColumnPlan = {
    fixed: ['id', 'status', 'credentials.provider.type'],
    expand: [{ prefix: 'profile', known: ['login', 'email'] }],
  };

  it('round-trips tricky values through a real CSV parser, byte for byte', async () => {
    const keys = Object.keys(tricky).filter((key) => key !== 'id');
    const record = { id: '00u1', status: 'ACTIVE', profile: { login: 'a@example.com', ...tricky } };
    const { result, bytes } = await writeAll('csv', [record], { columns: plan });
    const rows = parse(bytes, { encoding: 'utf8' }) as string[][];
    const header = ['id', 'status', 'credentials.provider.type', 'profile.login', 'profile.email'];
    const extras = [...keys, 'id']
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((key) => `profile.${key}`);
    expect(rows[0]).toStrictEqual([...header, ...extras]);
    expect(result.columns).toStrictEqual(rows[0]);

    const cell = Object.fromEntries(rows[0]!.map((name, index) => [name, rows[1]![index]]));
    expect(cell['credentials.provider.type']).toBe('');
    expect(cell['profile.email']).toBe('');
    expect(cell['profile.login']).toBe('a@example.com');
    expect(cell['profile.nfc']).toBe('Zo\u00eb');
    expect(cell['profile.nfd']).toBe('Zoe\u0308');
    expect(cell['profile.emoji']).toBe(tricky.emoji);
    expect(cell['profile.comma']).toBe('a,b');
    expect(cell['profile.quote']).toBe('say "hi"');
    expect(cell['profile.crlf']).toBe('line1\r\nline2');
    expect(cell['profile.cr']).toBe('line1\rline2');
    expect(cell['profile.lf']).toBe('line1\nline2');
    expect(cell['profile.tab']).toBe('a\tb');
    expect(cell['profile.formula']).toBe("'=1+1");
    expect(cell['profile.plus']).toBe('+1');
    expect(cell['profile.minus']).toBe('-1');
    expect(cell['profile.phone']).toBe('+1 555 0100');
    expect(cell['profile.plusFormula']).toBe("'+SUM(A1)");
    expect(cell['profile.minusFormula']).toBe("'-2+3");
    expect(cell['profile.at']).toBe("'@SUM(A1)");
    expect(cell['profile.tabStart']).toBe("'\tx");
    expect(cell['profile.crStart']).toBe("'\rx");
    expect(cell['profile.spaces']).toBe('  padded  ');
    expect(cell['profile.empty']).toBe('');
    expect(cell['profile.bomInside']).toBe('\uFEFFx');
    expect(cell['profile.lineSeparator']).toBe('a\u2028b');
    expect(cell['profile.long']).toBe('x'.repeat(100_000));
    expect(cell['profile.nothing']).toBe('');
    expect(cell['profile.nested']).toBe('{"a":[1,{"b":"c,\\"d\\""}]}');
    expect(cell['profile.list']).toBe('["a","b"]');
    expect(cell['profile.negative']).toBe('-5');
    expect(cell['profile.float']).toBe('1.5');
    expect(cell['profile.flag']).toBe('false');
    expect(rows).toHaveLength(2);
    expect(bytes.includes(Buffer.from('Zoe\u0308', 'utf8'))).toBe(true);
  });

  it('separates records with CRLF and quotes every field holding a comma, quote, CR or LF', async () => {
    const { bytes } = await writeAll('csv', [{ a: 'x\ry', b: 'x\ny', c: 'p,q', d: 'say "hi"', e: 'plain' }], {
      csv: { formulaProtection: false },
    });
    expect(bytes.toString('utf8')).toBe('a,b,c,d,e\r\n"x\ry","x\ny","p,q","say ""hi""",plain\r\n');
  });

  it('writes the example of docs/output-formats.md exactly', async () => {
    const records = [
      { id: '00u1', note: 'say "hi", then\nleave' },
      { id: '00u2', note: '=HYPERLINK("x")' },
    ];
    const { bytes } = await writeAll('csv', records, { columns: { fixed: ['id', 'note'] } });
    expect(bytes.toString('utf8')).toBe(
      'id,note\r\n00u1,"say ""hi"", then\nleave"\r\n00u2,"\'=HYPERLINK(""x"")"\r\n',
    );
  });

  it('writes the header row when there are no records', async () => {
    const { bytes, result } = await writeAll('csv', [], { columns: plan });
    expect(bytes.toString('utf8')).toBe(
      'id,status,credentials.provider.type,profile.login,profile.email\r\n',
    );
    expect(result.count).toBe(0);
    expect(parse(bytes)).toStrictEqual([result.columns]);
  });

  it('appends extra attributes after the known ones, sorted by name, in a stable order', async () => {
    const records = [
      { id: '1', profile: { zeta: 'z', login: 'l1' } },
      { id: '2', profile: { alpha: 'a', Beta: 'B', email: 'e2' } },
      { id: '3', profile: 'not an object' },
      { id: '4' },
    ];
    const first = await writeAll('csv', records, { columns: plan });
    expect(first.result.columns).toStrictEqual([
      'id',
      'status',
      'credentials.provider.type',
      'profile.login',
      'profile.email',
      'profile.Beta',
      'profile.alpha',
      'profile.zeta',
    ]);
    expect(parse(first.bytes).slice(1)).toStrictEqual([
      ['1', '', '', 'l1', '', '', '', 'z'],
      ['2', '', '', '', 'e2', 'B', 'a', ''],
      ['3', '', '', '', '', '', '', ''],
      ['4', '', '', '', '', '', '', ''],
    ]);
    await rm(join(dir, 'users.csv'));
    const again = await writeAll('csv', [...records].reverse(), { columns: plan });
    expect(again.result.columns).toStrictEqual(first.result.columns);
  });

  it('writes each column once when a fixed path and a known attribute coincide', async () => {
    const { result } = await writeAll('csv', [{ profile: { login: 'x' } }], {
      columns: { fixed: ['profile.login'], expand: [{ prefix: 'profile', known: ['login', 'email'] }] },
    });
    expect(result.columns).toStrictEqual(['profile.login', 'profile.email']);
  });

  it('uses the sorted top-level keys when there is no column plan', async () => {
    const { result, bytes } = await writeAll('csv', [{ b: 1, a: { x: 1 } }, { c: true }]);
    expect(result.columns).toStrictEqual(['a', 'b', 'c']);
    expect(parse(bytes)).toStrictEqual([
      ['a', 'b', 'c'],
      ['{"x":1}', '1', ''],
      ['', '', 'true'],
    ]);
  });

  it('leaves formulas as they are when formula protection is off', async () => {
    const record = { a: '=1+1', b: '+1', c: '-1', d: '@x', e: '\tx' };
    const { bytes } = await writeAll('csv', [record], { csv: { formulaProtection: false } });
    expect(parse(bytes, { relax_column_count: false })[1]).toStrictEqual(['=1+1', '+1', '-1', '@x', '\tx']);
  });

  it('never touches numbers, even negative ones', async () => {
    const { bytes } = await writeAll('csv', [{ n: -1, s: '-1', t: '-1-1' }]);
    expect(parse(bytes)[1]).toStrictEqual(['-1', '-1', "'-1-1"]);
  });

  it('writes a UTF-8 byte order mark only when asked', async () => {
    const without = await writeAll('csv', [{ a: 'é' }]);
    expect(without.bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    await rm(join(dir, 'users.csv'));
    const withBom = await writeAll('csv', [{ a: 'é' }], { csv: { bom: true } });
    expect(withBom.bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    expect(withBom.bytes.subarray(3).equals(without.bytes)).toBe(true);
    expect(withBom.result.bytes).toBe(without.result.bytes + 3);
  });

  it('leaves only the CSV file behind: the spool is removed at close', async () => {
    await writeAll('csv', [{ a: 1 }], { columns: plan });
    expect(await readdir(dir)).toStrictEqual(['users.csv']);
  });
});

describe('writeMany', () => {
  it.each(['json', 'ndjson', 'csv'] as const)(
    'writes a batch to the same %s bytes as one record at a time, in order, across batches',
    async (format) => {
      const records = [tricky, { id: '2', status: '=x' }, { id: '3' }, { id: '4', profile: { extra: 1 } }];
      const one = await writeAll(format, records);
      const batchDir = await mkdtemp(join(tmpdir(), 'okta-writer-batch-'));
      try {
        const writer = createEntityWriter({ dir: batchDir, entity: 'users', format });
        await writer.writeMany(records.slice(0, 2));
        await writer.writeMany([]);
        await writer.writeMany(records.slice(2));
        const result = await writer.close();
        expect(result.count).toBe(records.length);
        expect(await readFile(join(batchDir, result.file))).toEqual(one.bytes);
      } finally {
        await rm(batchDir, { recursive: true, force: true });
      }
    },
  );
});

describe('writeJsonLines', () => {
  it.each(['json', 'ndjson', 'csv'] as const)(
    'writes records given as JSON text to the same %s bytes as writeMany of the records, mixed in order',
    async (format) => {
      const records = [tricky, { id: '2', status: '=x' }, { id: '3' }, { id: '4', profile: { extra: 1 } }];
      const one = await writeAll(format, records);
      const linesDir = await mkdtemp(join(tmpdir(), 'okta-writer-lines-'));
      try {
        const writer = createEntityWriter({ dir: linesDir, entity: 'users', format });
        await writer.writeJsonLines([JSON.stringify(records[0])]);
        await writer.writeMany([records[1] as Record<string, unknown>]);
        await writer.writeJsonLines([]);
        await writer.writeJsonLines(records.slice(2).map((record) => JSON.stringify(record)));
        const result = await writer.close();
        expect(result.count).toBe(records.length);
        expect(await readFile(join(linesDir, result.file))).toEqual(one.bytes);
      } finally {
        await rm(linesDir, { recursive: true, force: true });
      }
    },
  );

  it.each(['json', 'ndjson', 'csv'] as const)(
    'refuses a %s line that is not a JSON object',
    async (format) => {
      const writer = createEntityWriter({ dir, entity: 'users', format });
      await expect(writer.writeJsonLines(['[1,2]'])).rejects.toThrow(/not a JSON object/);
      await writer.abort();
    },
  );
});

describe('keepNdjsonAt: the records also as NDJSON, written once', () => {
  const records = [tricky, { id: '2', status: '=x' }, { id: '3', profile: { extra: 1 } }];

  it.each(['ndjson', 'csv'] as const)(
    'a %s writer leaves exactly the bytes of an ndjson writer at the path, and its own file unchanged',
    async (format) => {
      const ndjson = await writeAll('ndjson', records);
      const plain = format === 'ndjson' ? ndjson : await writeAll('csv', records);
      const keepDir = await mkdtemp(join(tmpdir(), 'okta-writer-keep-'));
      const outDir = await mkdtemp(join(tmpdir(), 'okta-writer-out-'));
      try {
        const keep = join(keepDir, 'users.ndjson');
        const writer = createEntityWriter({ dir: outDir, entity: 'users', format, keepNdjsonAt: keep });
        await writer.writeMany(records.slice(0, 1));
        await writer.writeMany(records.slice(1));
        const result = await writer.close();
        expect(await readFile(keep)).toEqual(ndjson.bytes);
        expect(await readdir(outDir)).toStrictEqual([result.file]);
        const own = await readFile(join(outDir, result.file));
        expect(own).toEqual(plain.bytes);
        expect(result.sha256).toBe(createHash('sha256').update(own).digest('hex'));
      } finally {
        await rm(keepDir, { recursive: true, force: true });
        await rm(outDir, { recursive: true, force: true });
      }
    },
  );

  it('an ndjson file is linked, not written a second time', async () => {
    const keep = join(dir, 'kept.ndjson');
    const writer = createEntityWriter({ dir, entity: 'users', format: 'ndjson', keepNdjsonAt: keep });
    await writer.write({ id: '1' });
    const result = await writer.close();
    expect((await stat(keep)).ino).toBe((await stat(join(dir, result.file))).ino);
  });

  it.each(['ndjson', 'csv'] as const)(
    'abort of a %s writer removes the kept file too, also after close',
    async (format) => {
      for (const closeFirst of [false, true]) {
        const keep = join(dir, 'kept.ndjson');
        const writer = createEntityWriter({ dir, entity: 'groups', format, keepNdjsonAt: keep });
        await writer.write({ id: 'g1' });
        if (closeFirst) await writer.close();
        await writer.abort();
        expect(await readdir(dir)).toStrictEqual([]);
      }
    },
  );

  it('refuses it for json, whose file is not NDJSON', () => {
    expect(() =>
      createEntityWriter({ dir, entity: 'users', format: 'json', keepNdjsonAt: join(dir, 'k.ndjson') }),
    ).toThrow(/cannot keep/);
  });
});

describe('writer lifecycle', () => {
  it.each(['json', 'ndjson', 'csv'] as const)('abort removes what the %s writer wrote', async (format) => {
    const writer = createEntityWriter({ dir, entity: 'groups', format });
    await writer.write({ id: 'g1' });
    await writer.abort();
    expect(await readdir(dir)).toStrictEqual([]);
  });

  it('abort after close removes the finished file', async () => {
    const writer = createEntityWriter({ dir, entity: 'groups', format: 'csv' });
    await writer.write({ id: 'g1' });
    await writer.close();
    await writer.abort();
    expect(await readdir(dir)).toStrictEqual([]);
  });

  it('refuses records after close, and a second writer for the same file', async () => {
    const writer = createEntityWriter({ dir, entity: 'apps', format: 'ndjson' });
    await writer.close();
    await expect(writer.write({ id: 'a' })).rejects.toThrow(/closed/);
    const second = createEntityWriter({ dir, entity: 'apps', format: 'ndjson' });
    await expect(second.write({ id: 'a' }).then(() => second.close())).rejects.toMatchObject({
      code: 'EEXIST',
    });
  });

  it('refuses entity names that are not plain file names', () => {
    expect(() => createEntityWriter({ dir, entity: '../users', format: 'json' })).toThrow(
      /Invalid entity name/,
    );
  });

  it('refuses a record that is not an object', async () => {
    const writer = createEntityWriter({ dir, entity: 'apps', format: 'json' });
    await expect(writer.write([] as unknown as Record<string, unknown>)).rejects.toThrow(/not an object/);
    await writer.abort();
  });
});
