import { describe, expect, it } from 'vitest';
import { type JsonArrayBody, scanJsonArray } from '../../src/okta/json-array-body.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

function elementsOf(text: string): unknown[] {
  const scan = scanJsonArray(bytes(text));
  if (scan.kind !== 'array') throw new Error(`expected an array, got ${scan.kind}`);
  return Array.from({ length: scan.body.length }, (_, index) => scan.body.at(index));
}

const TRICKY = [
  { id: '00u1', profile: { name: 'Zoë "Zo" O\'Brien', note: 'a\\', path: 'C:\\temp\\' } },
  { id: '00u2', profile: { name: '健太 Brown 🧩', list: [1, [2, [3]], { a: ']' }], brace: '}{', empty: '' } },
  'a string with \\"escaped\\" quotes, commas, ] and }',
  42,
  -1.5e3,
  true,
  false,
  null,
  [],
  {},
];

describe('scanJsonArray', () => {
  it('yields every element equal to what JSON.parse makes of it, whatever the strings hold', () => {
    const text = JSON.stringify(TRICKY);
    expect(elementsOf(text)).toEqual(JSON.parse(text));
    // Pretty-printed, with every kind of JSON whitespace around the separators.
    const spaced = JSON.stringify(TRICKY, null, '\t').replaceAll('\n', '\r\n ');
    expect(elementsOf(` \n${spaced}\n `)).toEqual(JSON.parse(text));
  });

  it('reads an empty array, with or without whitespace inside', () => {
    expect(elementsOf('[]')).toEqual([]);
    expect(elementsOf(' [ \n ] ')).toEqual([]);
  });

  it('finds every body cut short before its closing bracket, wherever the cut falls', () => {
    const whole = bytes(JSON.stringify(TRICKY));
    const kinds = new Set<string>();
    for (let length = 1; length < whole.length; length++) {
      const kind = scanJsonArray(whole.subarray(0, length)).kind;
      kinds.add(kind);
      if (kind !== 'truncated') throw new Error(`a body cut at ${length} bytes was taken as ${kind}`);
    }
    expect(kinds).toEqual(new Set(['truncated']));
    expect(scanJsonArray(whole).kind).toBe('array');
  });

  it('says when the answer is not an array, so it is parsed whole', () => {
    expect(scanJsonArray(bytes('{"errorCode":"E0000047"}')).kind).toBe('not-array');
    expect(scanJsonArray(bytes('<html>gateway</html>')).kind).toBe('not-array');
    expect(scanJsonArray(bytes('')).kind).toBe('not-array');
  });

  it('refuses what is not one JSON array: trailing bytes, a missing separator, an empty element', () => {
    expect(scanJsonArray(bytes('[1,2] [3]')).kind).toBe('invalid');
    expect(scanJsonArray(bytes('[{"a":1} {"b":2}]')).kind).toBe('invalid');
    expect(scanJsonArray(bytes('[1,]')).kind).toBe('invalid');
    expect(scanJsonArray(bytes('[,1]')).kind).toBe('invalid');
  });

  it('leaves the checking of an element to JSON.parse, when that element is read', () => {
    const scan = scanJsonArray(bytes('[{"id":"ok"},{"id":nope}]'));
    expect(scan.kind).toBe('array');
    const body = (scan as { body: JsonArrayBody }).body;
    expect(body.at(0)).toEqual({ id: 'ok' });
    expect(() => body.at(1)).toThrow(SyntaxError);
    expect(() => body.at(2)).toThrow(RangeError);
  });
});
