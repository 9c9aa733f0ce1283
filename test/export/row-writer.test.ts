import { describe, expect, it } from 'vitest';
import { fieldReader } from '../../src/export/field-path.js';
import type { OutputSink } from '../../src/export/output-sink.js';
import { createRowWriter, type RowFormat } from '../../src/export/row-writer.js';

/** A sink that keeps what it gets and counts the calls. */
function memorySink(): OutputSink & { text: string; calls: number } {
  return {
    text: '',
    calls: 0,
    closed: false,
    async write(text) {
      this.text += text;
      this.calls++;
    },
    async commit() {},
    async abort() {},
  };
}

const COLUMNS = ['id', 'profile.name', 'groups', 'count'].map((name) => ({ name, read: fieldReader(name) }));
const ROWS = [
  { id: '1', profile: { name: '=SUM(A1), "x"' }, groups: ['a', 'b'], count: 3 },
  { id: '2', profile: { name: 'two\nlines' }, groups: [], count: null },
  { id: '3', profile: {}, count: -1.5 },
];

async function write(format: RowFormat, rows: object[], csv = { bom: false, formulaProtection: true }) {
  const sink = memorySink();
  const writer = createRowWriter({ format, columns: COLUMNS, sink, csv });
  let promises = 0;
  for (const row of rows) {
    const pending = writer.write(row as Record<string, unknown>);
    if (pending) {
      promises++;
      await pending;
    }
  }
  await writer.end();
  return { text: sink.text, calls: sink.calls, promises };
}

describe('createRowWriter', () => {
  it('writes CSV: header, cells by the inventory rule, quoted like csv-stringify', async () => {
    const { text } = await write('csv', ROWS);
    expect(text).toBe(
      'id,profile.name,groups,count\r\n' +
        `1,"'=SUM(A1), ""x""","[""a"",""b""]",3\r\n` +
        '2,"two\nlines",[],\r\n' +
        '3,,,-1.5\r\n',
    );
  });

  it('writes the byte order mark and no formula protection when asked', async () => {
    const { text } = await write('csv', ROWS.slice(0, 1), { bom: true, formulaProtection: false });
    expect(text).toBe('\uFEFFid,profile.name,groups,count\r\n1,"=SUM(A1), ""x""","[""a"",""b""]",3\r\n');
  });

  it('writes the header alone, a JSON [] and no NDJSON line when there is no row', async () => {
    expect((await write('csv', [])).text).toBe('id,profile.name,groups,count\r\n');
    expect((await write('json', [])).text).toBe('[]\n');
    expect((await write('ndjson', [])).text).toBe('');
  });

  it('writes a JSON array with one row per line, and NDJSON', async () => {
    const json = (await write('json', ROWS)).text;
    expect(json.split('\n')).toHaveLength(ROWS.length + 3);
    expect(JSON.parse(json)).toEqual([
      { id: '1', 'profile.name': '=SUM(A1), "x"', groups: ['a', 'b'], count: 3 },
      { id: '2', 'profile.name': 'two\nlines', groups: [], count: null },
      { id: '3', 'profile.name': null, groups: null, count: -1.5 },
    ]);
    const ndjson = (await write('ndjson', ROWS)).text;
    expect(ndjson.endsWith('\n')).toBe(true);
    expect(
      ndjson
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(JSON.parse(json));
  });

  it.each(['csv', 'json', 'ndjson'] as const)(
    '%s: hands text to the sink in batches, with a promise only for a batch, and loses no row',
    async (format) => {
      const rows = Array.from({ length: 2_000 }, (_, index) => ({
        id: String(index),
        profile: { name: `user ${index}` },
        count: index,
      }));
      const batched = await write(format, rows);
      // The same rows through two writers, half each: together the same text.
      const single = await Promise.all(
        [0, 1].map(
          async (part) => (await write(format, rows.slice(part * 1_000, part * 1_000 + 1_000))).text,
        ),
      );
      expect(batched.promises).toBeGreaterThan(1);
      expect(batched.promises).toBeLessThan(rows.length / 10);
      expect(batched.calls).toBe(batched.promises + 1);
      if (format === 'csv') {
        expect(batched.text).toBe(single[0] + single[1]!.split('\r\n').slice(1).join('\r\n'));
      } else if (format === 'ndjson') {
        expect(batched.text).toBe(single.join(''));
      } else {
        expect(JSON.parse(batched.text)).toEqual([...JSON.parse(single[0]!), ...JSON.parse(single[1]!)]);
      }
    },
  );
});
