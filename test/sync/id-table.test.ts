import { describe, expect, it } from 'vitest';
import { IdTable } from '../../src/sync/id-table.js';

describe('IdTable', () => {
  it('numbers ids in the order they were first added and finds each again, through many resizes', () => {
    const table = new IdTable();
    const ids = Array.from({ length: 50_000 }, (_, index) => `00u${index.toString(36).padStart(17, '_')}`);
    ids.forEach((id, index) => {
      expect(table.add(id)).toBe(index);
    });
    // Adding again changes nothing.
    expect(table.add(ids[123] as string)).toBe(123);
    expect(table.size).toBe(ids.length);
    for (let index = 0; index < ids.length; index += 997) {
      expect(table.indexOf(ids[index] as string)).toBe(index);
      expect(table.idAt(index)).toBe(ids[index]);
    }
    expect(ids.every((id, index) => table.idAt(index) === id)).toBe(true);
    expect(table.has('00u-never-added')).toBe(false);
    expect(table.indexOf('')).toBe(-1);
  });

  it('keeps ids apart that differ by one character, by length, or only beyond ASCII', () => {
    const table = new IdTable();
    const ids = ['a', 'b', 'ab', 'ba', 'abc', '', 'Zoë', 'Zoe', '健太', '🧩', 'x'.repeat(300)];
    for (const id of ids) table.add(id);
    expect(table.size).toBe(ids.length);
    ids.forEach((id, index) => {
      expect(table.indexOf(id)).toBe(index);
      expect(table.idAt(index)).toBe(id);
    });
    expect(table.has('Zoé')).toBe(false);
    expect(() => table.idAt(ids.length)).toThrow(RangeError);
  });
});
