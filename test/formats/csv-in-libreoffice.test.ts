import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldReader } from '../../src/export/field-path.js';
import type { OutputSink } from '../../src/export/output-sink.js';
import { createRowWriter } from '../../src/export/row-writer.js';
import { createEntityWriter } from '../../src/formats/create-entity-writer.js';
import { type CalcCell, openCsvInCalc } from '../support/libreoffice.js';

/** Values a spreadsheet must show as they are, with the type Calc should give them. */
const KEPT: Record<string, [value: unknown, type: string, shown: string]> = {
  phone: ['+1 555 0100', 'string', '+1 555 0100'],
  phoneDashes: ['+1-555-0100', 'string', '+1-555-0100'],
  phoneParentheses: ['+44 (20) 7946-0000', 'string', '+44 (20) 7946-0000'],
  negativeText: ['-3', 'float', '-3'],
  plusNumber: ['+5', 'float', '5'],
  negativeNumber: [-1.5, 'float', '-1.5'],
  plain: ['Sales', 'string', 'Sales'],
};

/** Values that must never become a formula. */
const ATTACKS: Record<string, string> = {
  equals: '=1+1',
  hyperlink: '=HYPERLINK("https://example.invalid","click me")',
  dde: "=cmd|' /C calc'!A0",
  plusFunction: '+SUM(A1:A9)',
  minusArithmetic: '-2+3',
  at: '@SUM(A1)',
  tab: '\t=1+1',
  carriageReturn: '\r=1+1',
  minusDde: "-cmd|' /C calc'!A0",
};

const record = {
  id: '00u1',
  ...Object.fromEntries(Object.entries(KEPT).map(([key, [value]]) => [key, value])),
  ...ATTACKS,
};
const columns = Object.keys(record);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'okta-calc-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function syncCsv(formulaProtection: boolean): Promise<Buffer> {
  const writer = createEntityWriter({
    dir,
    entity: `users-${formulaProtection}`,
    format: 'csv',
    csv: { formulaProtection },
  });
  await writer.write(record);
  const result = await writer.close();
  return readFile(join(dir, result.file));
}

async function exportCsv(): Promise<string> {
  let text = '';
  const sink: OutputSink = {
    closed: false,
    async write(piece) {
      text += piece;
    },
    async commit() {},
    async abort() {},
  };
  const writer = createRowWriter({
    format: 'csv',
    columns: columns.map((name) => ({ name, read: fieldReader(name) })),
    sink,
    csv: { bom: false, formulaProtection: true },
  });
  await writer.write(record);
  await writer.end();
  return text;
}

function byColumn(sheet: CalcCell[][]): Map<string, CalcCell> {
  const [header = [], row = []] = sheet;
  return new Map(
    header.map((cell, index) => [cell.text, row[index] ?? { formula: undefined, type: undefined, text: '' }]),
  );
}

describe('CSV opened in LibreOffice Calc', () => {
  it.each([
    ['sync', () => syncCsv(true)],
    ['export', exportCsv],
  ])('%s: no cell becomes a formula, phone numbers and numbers arrive unchanged', async (_, write) => {
    const sheet = await openCsvInCalc(await write());
    const cells = byColumn(sheet);
    expect([...cells.keys()].sort()).toStrictEqual([...columns].sort());
    const formulas = sheet.flat().filter((cell) => cell.formula !== undefined);
    expect(formulas).toStrictEqual([]);
    for (const [name, [, type, shown]] of Object.entries(KEPT)) {
      expect({ name, type: cells.get(name)?.type, text: cells.get(name)?.text }).toStrictEqual({
        name,
        type,
        text: shown,
      });
    }
    for (const [name, value] of Object.entries(ATTACKS)) {
      expect(cells.get(name)?.type, name).toBe('string');
      // Calc shows the text with the guard's ' in front, not a result (a CR arrives as a line break).
      expect(cells.get(name)?.text, name).toBe(`'${value.replace('\r', '\n')}`);
    }
  });

  it('the check can fail: without protection Calc runs =1+1', async () => {
    const cells = byColumn(await openCsvInCalc(await syncCsv(false)));
    expect(cells.get('equals')).toMatchObject({ formula: 'of:=1+1', text: '2' });
  });
});
