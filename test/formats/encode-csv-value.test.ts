import { describe, expect, it } from 'vitest';
import { encodeCsvValue, needsFormulaGuard, removeFormulaGuard } from '../../src/formats/encode-csv-value.js';

const on = { formulaProtection: true };

describe('the CSV formula guard', () => {
  it('keeps plain numbers and phone numbers as they are', () => {
    for (const text of [
      '+1 555 0100',
      '+44 (20) 7946-0000',
      '+1-555-0100',
      '+81.3.1234.5678',
      '+49 30/1234',
    ]) {
      expect(encodeCsvValue(text, on), text).toBe(text);
    }
    for (const text of ['-3', '+5', '-1.5', '+.5', '-2e-7', '+1E+21', '42', '0']) {
      expect(encodeCsvValue(text, on), text).toBe(text);
    }
  });

  it('guards every cell that could start a formula', () => {
    const formulas = [
      '=1+1',
      '@SUM(A1)',
      '\t=1+1',
      '\r=1+1',
      '+SUM(A1:A9)',
      '-2+3',
      '-1-1',
      '+1 555 0100 ext 2',
      "-cmd|' /C calc'!A0",
      "+cmd|' /C calc'!A0",
      '+A1',
      '-A1',
      '+',
      '-',
      '+1*2',
      '+1^2',
      '+"x"',
      '+1&A1',
    ];
    for (const text of formulas) {
      expect(needsFormulaGuard(text), JSON.stringify(text)).toBe(true);
      expect(encodeCsvValue(text, on)).toBe(`'${text}`);
    }
  });

  it('leaves text that starts otherwise alone, and everything when protection is off', () => {
    for (const text of ['Sales', ' =1+1', "'=1", '1+1', '']) expect(needsFormulaGuard(text)).toBe(false);
    expect(encodeCsvValue('=1+1', { formulaProtection: false })).toBe('=1+1');
    expect(encodeCsvValue(-3, on)).toBe('-3');
  });

  it('removeFormulaGuard takes off exactly the guard it put on', () => {
    for (const text of ['=1+1', '+SUM(A1)', '-2+3', '@x', '\tx']) {
      expect(removeFormulaGuard(encodeCsvValue(text, on))).toBe(text);
    }
    // A value that really starts with ' and needs no guard keeps it.
    for (const text of ["'+1 555 0100", "'-3", "'quoted", "'"]) expect(removeFormulaGuard(text)).toBe(text);
  });
});
