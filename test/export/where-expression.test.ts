import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { compileWhere, WhereSyntaxError } from '../../src/export/where-expression.js';

const NOW = Date.parse('2026-11-01T12:00:00.000Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW - days * DAY).toISOString();

const rows: Record<string, unknown>[] = [
  {
    id: 'a',
    status: 'ACTIVE',
    profile: { email: 'Ana@Acme.com', department: 'Sales, EMEA' },
    lastSignIn: ago(10),
    signIns30d: 4,
    groups: ['All staff', 'Sales'],
  },
  {
    id: 'b',
    status: 'SUSPENDED',
    profile: { email: 'bo@acme.com', department: null },
    lastSignIn: ago(120),
    signIns30d: 0,
    groups: [],
  },
  // From a CSV snapshot: every value is text, empty cells are missing.
  { id: 'c', status: 'ACTIVE', profile: { email: 'cy@other.org' }, signIns30d: '12', groups: '["Ops"]' },
  { id: 'd', status: 'DEPROVISIONED', lastSignIn: ago(45), 'user.login': 'd@acme.com', active: true },
];

const ids = (expression: string) =>
  rows.filter(compileWhere(expression, { now: NOW }).test).map((row) => row.id);

describe('--where: what matches', () => {
  it.each([
    ['status=ACTIVE', ['a', 'c']],
    ['status!=ACTIVE', ['b', 'd']],
    ['status="ACTIVE"', ['a', 'c']],
    ["profile.email~'ACME.COM'", ['a', 'b']],
    ['profile.email~acme', ['a', 'b']],
    ['profile.department~"sales, emea"', ['a']],
    ['signIns30d>3', ['a', 'c']],
    ['signIns30d>=4', ['a', 'c']],
    ['signIns30d<4', ['b']],
    ['signIns30d=12', ['c']],
    ['signIns30d<=0', ['b']],
  ])('%s', (expression, expected) => {
    expect(ids(expression)).toEqual(expected);
  });

  it('relative ages count back from the snapshot: lastSignIn<90d is "older than 90 days"', () => {
    expect(ids('lastSignIn<90d')).toEqual(['b']);
    expect(ids('lastSignIn>30d')).toEqual(['a']);
    expect(ids('lastSignIn<30d')).toEqual(['b', 'd']);
    expect(ids('lastSignIn>=6w')).toEqual(['a']); // 42 days
    expect(ids('lastSignIn<1000h')).toEqual(['b', 'd']); // 41.7 days
    // A row with no sign-in is neither older nor newer; ask for it with ="".
    expect(ids('lastSignIn<90d or lastSignIn=""')).toEqual(['b', 'c']);
    // = on a relative day means that UTC day.
    expect(ids('lastSignIn=45d')).toEqual(['d']);
  });

  it('ISO dates compare as instants (UTC without an offset); = on a date is that UTC day', () => {
    expect(ids('lastSignIn<2026-09-01')).toEqual(['b']);
    expect(ids('lastSignIn>2026-10-01T00:00:00Z')).toEqual(['a']);
    expect(ids('lastSignIn>2026-10-22T11:59')).toEqual(['a']);
    expect(ids('lastSignIn>2026-10-22T12:00')).toEqual([]);
    expect(ids(`lastSignIn=${ago(10).slice(0, 10)}`)).toEqual(['a']);
    expect(ids(`lastSignIn=${ago(10)}`)).toEqual(['a']);
    expect(ids('lastSignIn>2026-10-22T13:00:00+02:00')).toEqual(['a']);
  });

  it('and binds tighter than or; not, parentheses and keywords in any case', () => {
    expect(ids('status=ACTIVE or status=SUSPENDED and signIns30d>0')).toEqual(['a', 'c']);
    expect(ids('(status=ACTIVE or status=SUSPENDED) and signIns30d<1')).toEqual(['b']);
    expect(ids('NOT status=ACTIVE AND not (id=d)')).toEqual(['b']);
    expect(ids('not not id=a')).toEqual(['a']);
  });

  it('arrays match when any element does; an empty array is an empty value', () => {
    expect(ids('groups=Sales')).toEqual(['a']);
    expect(ids('groups~staff')).toEqual(['a']);
    expect(ids('groups=""')).toEqual(['b', 'd']);
    expect(ids('groups!=Sales')).toEqual(['b', 'c', 'd']);
    // A CSV snapshot holds the array as JSON text: ~ still finds it.
    expect(ids('groups~ops')).toEqual(['c']);
  });

  it('reads a whole-path key first (view columns are named user.login), and booleans as text', () => {
    expect(ids('user.login~acme')).toEqual(['d']);
    expect(ids('active=true')).toEqual(['d']);
    expect(ids('profile.nosuch=""')).toEqual(['a', 'b', 'c', 'd']);
    expect(ids('profile.department=""')).toEqual(['b', 'c', 'd']);
  });

  it('quoted strings keep spaces, operators and escaped quotes', () => {
    const test = compileWhere('name="O\'Brien, \\"Jr\\" <x=y>" or name=\'a b\'', { now: NOW }).test;
    expect(test({ name: 'O\'Brien, "Jr" <x=y>' })).toBe(true);
    expect(test({ name: 'a b' })).toBe(true);
    expect(test({ name: 'a' })).toBe(false);
  });

  it('lists the fields it reads', () => {
    expect(compileWhere('a=1 and (b.c~x or a>2)', { now: NOW }).fields).toEqual(['a', 'b.c']);
  });
});

describe('--where: errors point at the column', () => {
  const errorOf = (expression: string, knownFields?: string[]): WhereSyntaxError => {
    try {
      compileWhere(expression, { now: NOW, knownFields });
    } catch (error) {
      expect(error).toBeInstanceOf(WhereSyntaxError);
      expect(error).toBeInstanceOf(UsageError);
      return error as WhereSyntaxError;
    }
    throw new Error(`no error for ${expression}`);
  };

  it('"status=ACTIVE and" expects a comparison at column 18, with a caret line', () => {
    const error = errorOf('status=ACTIVE and');
    expect(error.column).toBe(18);
    expect(error.message).toBe(
      '--where: expected a comparison at column 18\n  status=ACTIVE and\n                   ^',
    );
    expect(error.hint).toMatch(/docs\/export\.md/);
  });

  it.each([
    ['', 'expected a comparison', 1],
    ['status', 'expected an operator', 7],
    ['status ACTIVE', 'expected an operator', 8],
    ['status=', 'expected a value', 8],
    ['=ACTIVE', 'expected a comparison', 1],
    ['(status=ACTIVE', 'expected ")"', 15],
    ['status=ACTIVE)', 'expected "and", "or" or the end', 14],
    ['status=ACTIVE id=a', 'expected "and", "or" or the end', 15],
    ['a=1 or or b=2', 'expected a comparison', 8],
    ['name="open', 'unterminated string', 6],
    ['a!1', 'expected "!="', 2],
    ['lastSignIn<2026-13-45', 'is not a valid date', 12],
    ['not', 'expected a comparison', 4],
    ['a..b=1', 'is not a field path', 1],
  ])('%j: %s at column %i', (expression, why, column) => {
    const error = errorOf(expression);
    expect(error.message).toContain(why);
    expect(error.column).toBe(column);
    const lines = error.message.split('\n');
    expect(lines[1]).toBe(`  ${expression}`);
    expect(lines[2]).toBe(`  ${' '.repeat(column - 1)}^`);
  });

  it('a field the view does not have is named, after any syntax error', () => {
    const unknown = errorOf('user.status=ACTIVE and stauts=x', ['user.status', 'status']);
    expect(unknown.message).toMatch(/^--where: unknown field "stauts" at column 24/);
    expect(unknown.hint).toContain('user.status, status');
    expect(errorOf('stauts=x and', ['status']).message).toContain('expected a comparison at column 13');
  });

  it('a newline or tab in the expression does not shift the caret', () => {
    const error = errorOf('a=1 and\n\tor b=2');
    expect(error.column).toBe(10);
    expect(error.message.split('\n')[1]).toBe('  a=1 and  or b=2');
  });
});
