import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { encodeCsvRecord } from '../../src/formats/encode-csv-record.js';

/** csv-stringify's options that give RFC 4180 with CRLF and quotes only where needed: the oracle. */
const CSV_SYNTAX = {
  delimiter: ',',
  quote: '"',
  escape: '"',
  record_delimiter: '\r\n',
  quoted_match: /[\r\n]/,
} as const;

/** A deterministic pseudo-random generator, so a failure names a reproducible case. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const ALPHABET = ['a', 'Z', '0', ' ', ',', '"', '\r', '\n', "'", '=', '-', '\t', ';', '日', '😀', 'é', '\\'];

describe('encodeCsvRecord', () => {
  it.each([
    [[''], '\r\n'],
    [['', ''], ',\r\n'],
    [['plain', '42'], 'plain,42\r\n'],
    [['a,b'], '"a,b"\r\n'],
    [['say "hi"'], '"say ""hi"""\r\n'],
    [['two\r\nlines', 'lone\r', 'lone\n'], '"two\r\nlines","lone\r","lone\n"\r\n'],
    [['["@All staff"]'], '"[""@All staff""]"\r\n'],
    [[' padded ', '日本 😀'], ' padded ,日本 😀\r\n'],
  ])('writes %j as %j', (cells, line) => {
    expect(encodeCsvRecord(cells)).toBe(line);
  });

  it('quotes every cell exactly as csv-stringify does (5,000 random records)', () => {
    const next = random(20261129);
    for (let record = 0; record < 5_000; record++) {
      const cells = Array.from({ length: 1 + Math.floor(next() * 5) }, () =>
        Array.from(
          { length: Math.floor(next() * 8) },
          () => ALPHABET[Math.floor(next() * ALPHABET.length)],
        ).join(''),
      );
      expect(encodeCsvRecord(cells), JSON.stringify(cells)).toBe(stringify([cells], CSV_SYNTAX));
    }
  });
});
