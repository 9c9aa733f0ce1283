import { UsageError } from '../errors.js';
import { type FieldReader, fieldReader, isFieldPath } from './field-path.js';
import { nearestNames } from './nearest-names.js';

/**
 * The `--where` language: comparisons on dot paths joined with `and`, `or`, `not` and parentheses.
 * Documented, with examples, in docs/export.md ("Filtering rows: --where").
 *
 * ```
 * expression := or
 * or         := and ("or" and)*
 * and        := unary ("and" unary)*
 * unary      := "not" unary | "(" expression ")" | comparison
 * comparison := path operator value
 * operator   := "=" | "!=" | "~" | "<" | ">" | "<=" | ">="
 * value      := "double quoted" | 'single quoted' | bare word
 * ```
 *
 * A bare word is typed by its look: a number (`42`, `-1.5`), a date (`2026-01-31`, or a date and time;
 * UTC unless it has an offset), a relative age (`90d`: the moment 90 days before the snapshot started;
 * also `h` hours and `w` weeks), otherwise text. A quoted value is always text.
 */

const DAY_MS = 86_400_000;
const UNIT_MS: Record<string, number> = { h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };

/** A `--where` expression that does not parse; `column` is 1-based. */
export class WhereSyntaxError extends UsageError {
  readonly column: number;
  constructor(expression: string, why: string, column: number, hint?: string) {
    const shown = expression.replace(/[\t\r\n]/g, ' ');
    super(`--where: ${why} at column ${column}\n  ${shown}\n  ${' '.repeat(column - 1)}^`, {
      hint:
        hint ?? 'See "Filtering rows" in docs/export.md, e.g. --where \'status=ACTIVE and lastSignIn<90d\'.',
    });
    this.column = column;
  }
}

type Operator = '=' | '!=' | '~' | '<' | '>' | '<=' | '>=';
const OPERATORS: readonly Operator[] = ['!=', '<=', '>=', '=', '~', '<', '>'];

interface Token {
  kind: 'word' | 'string' | 'op' | '(' | ')' | 'end';
  text: string;
  /** 0-based offset in the expression. */
  at: number;
}

type Literal =
  | { kind: 'text'; text: string }
  | { kind: 'number'; text: string; value: number }
  | { kind: 'instant'; text: string; value: number; wholeDay: boolean };

export interface CompiledWhere {
  test(row: Record<string, unknown>): boolean;
  /** The field paths the expression reads, in order of first use. */
  fields: string[];
}

export interface CompileWhereOptions {
  /** The moment relative ages count back from (the snapshot's `startedAt`), in ms. */
  now: number;
  /** When given, a field outside this set is an error (views with fixed columns). */
  knownFields?: readonly string[] | undefined;
}

/** Parses `expression` once; `test` then evaluates it per row. @throws WhereSyntaxError */
export function compileWhere(expression: string, options: CompileWhereOptions): CompiledWhere {
  const tokens = tokenize(expression);
  let position = 0;
  const fields: string[] = [];
  /** The first field the view does not have; reported after the syntax, which comes first. */
  let unknown: Token | undefined;
  const peek = (): Token => tokens[position]!;
  const next = (): Token => tokens[position++]!;
  const column = (token: Token) => token.at + 1;
  const isKeyword = (token: Token, word: string) =>
    token.kind === 'word' && token.text.toLowerCase() === word;
  const fail = (why: string, token: Token, hint?: string): never => {
    throw new WhereSyntaxError(expression, why, column(token), hint);
  };

  type Test = (row: Record<string, unknown>) => boolean;

  const parseOr = (): Test => {
    const parts = [parseAnd()];
    while (isKeyword(peek(), 'or')) {
      next();
      parts.push(parseAnd());
    }
    return parts.length === 1 ? parts[0]! : (row) => parts.some((part) => part(row));
  };
  const parseAnd = (): Test => {
    const parts = [parseUnary()];
    while (isKeyword(peek(), 'and')) {
      next();
      parts.push(parseUnary());
    }
    return parts.length === 1 ? parts[0]! : (row) => parts.every((part) => part(row));
  };
  const parseUnary = (): Test => {
    const token = peek();
    if (isKeyword(token, 'not')) {
      next();
      const inner = parseUnary();
      return (row) => !inner(row);
    }
    if (token.kind === '(') {
      next();
      const inner = parseOr();
      const close = peek();
      if (close.kind !== ')') fail('expected ")"', close);
      next();
      return inner;
    }
    return parseComparison();
  };
  const parseComparison = (): Test => {
    const field = peek();
    if (field.kind !== 'word' || isKeyword(field, 'and') || isKeyword(field, 'or')) {
      return fail('expected a comparison', field);
    }
    if (!isFieldPath(field.text)) fail(`"${field.text}" is not a field path`, field);
    if (options.knownFields && !options.knownFields.includes(field.text)) unknown ??= field;
    next();
    const operator = peek();
    if (operator.kind !== 'op')
      fail(`expected an operator (=, !=, ~, <, >, <=, >=) after "${field.text}"`, operator);
    next();
    const value = peek();
    if (value.kind !== 'word' && value.kind !== 'string') fail('expected a value', value);
    next();
    if (!fields.includes(field.text)) fields.push(field.text);
    const literal = value.kind === 'string' ? ({ kind: 'text', text: value.text } as const) : typeWord(value);
    return comparison(fieldReader(field.text), operator.text as Operator, literal);
  };
  const typeWord = (token: Token): Literal => {
    const text = token.text;
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) return { kind: 'number', text, value: Number(text) };
    const age = /^(\d+)([hdw])$/.exec(text);
    if (age) {
      const unit = age[2]!;
      return {
        kind: 'instant',
        text,
        value: options.now - Number(age[1]) * UNIT_MS[unit]!,
        wholeDay: unit !== 'h',
      };
    }
    if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
      const value = parseInstant(text);
      if (Number.isNaN(value)) {
        fail(`"${text}" is not a valid date`, token, 'Dates are 2026-01-31 or 2026-01-31T08:00:00Z.');
      }
      return { kind: 'instant', text, value, wholeDay: text.length === 10 };
    }
    return { kind: 'text', text };
  };

  const test = parseOr();
  const end = peek();
  if (end.kind !== 'end') fail('expected "and", "or" or the end', end);
  if (unknown) {
    const near = nearestNames(unknown.text, options.knownFields!);
    const guess = near.length > 0 ? `Did you mean ${near.map((name) => `"${name}"`).join(' or ')}? ` : '';
    fail(
      `unknown field "${unknown.text}"`,
      unknown,
      `${guess}Fields of this view: ${options.knownFields!.join(', ')}.`,
    );
  }
  return { test, fields };
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const char = expression[i]!;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    if (char === '(' || char === ')') {
      tokens.push({ kind: char, text: char, at: i });
      i++;
      continue;
    }
    const operator = OPERATORS.find((candidate) => expression.startsWith(candidate, i));
    if (operator) {
      tokens.push({ kind: 'op', text: operator, at: i });
      i += operator.length;
      continue;
    }
    if (char === '"' || char === "'") {
      let text = '';
      let j = i + 1;
      for (; j < expression.length && expression[j] !== char; j++) {
        if (expression[j] === '\\' && j + 1 < expression.length) j++;
        text += expression[j];
      }
      if (j >= expression.length) {
        throw new WhereSyntaxError(expression, 'unterminated string', i + 1, `Close it with ${char}.`);
      }
      tokens.push({ kind: 'string', text, at: i });
      i = j + 1;
      continue;
    }
    if (char === '!')
      throw new WhereSyntaxError(expression, 'expected "!=" ("!" alone is no operator)', i + 1);
    let j = i;
    while (j < expression.length && !/[\s()"'=!<>~]/.test(expression[j]!)) j++;
    tokens.push({ kind: 'word', text: expression.slice(i, j), at: i });
    i = j;
  }
  tokens.push({ kind: 'end', text: '', at: expression.length });
  return tokens;
}

/** An ISO date or date-time; one without an offset is UTC, so the result never depends on the machine. */
function parseInstant(text: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return Date.parse(`${text}T00:00:00Z`);
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(text)) return Date.parse(`${text}Z`);
  return Date.parse(text);
}

const NUMERIC = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  return Number.NaN;
}

function toInstant(value: unknown): number {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? parseInstant(value) : Number.NaN;
}

function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

function order(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One comparison. An empty value (missing, null, `""`, `[]`) equals only `""` and is neither less nor
 * greater than anything; an array matches when any element does; `!=` is exactly `not =`.
 */
function comparison(read: FieldReader, operator: Operator, literal: Literal) {
  const lowered = literal.text.toLowerCase();
  const matchOne = (value: unknown): boolean => {
    const empty = value === null || value === undefined || value === '';
    if (operator === '~') return toText(value).toLowerCase().includes(lowered);
    if (operator === '=' || operator === '!=') {
      if (empty) return literal.text === '';
      if (literal.kind === 'number') {
        const number = toNumber(value);
        return Number.isNaN(number) ? toText(value) === literal.text : number === literal.value;
      }
      if (literal.kind === 'instant') {
        const at = toInstant(value);
        if (Number.isNaN(at)) return false;
        return literal.wholeDay
          ? Math.floor(at / DAY_MS) === Math.floor(literal.value / DAY_MS)
          : at === literal.value;
      }
      return toText(value) === literal.text;
    }
    if (empty) return false;
    let sign: number;
    if (literal.kind === 'number') {
      const number = toNumber(value);
      if (Number.isNaN(number)) return false;
      sign = order(number, literal.value);
    } else if (literal.kind === 'instant') {
      const at = toInstant(value);
      if (Number.isNaN(at)) return false;
      sign = order(at, literal.value);
    } else {
      sign = order(toText(value), literal.text);
    }
    switch (operator) {
      case '<':
        return sign < 0;
      case '>':
        return sign > 0;
      case '<=':
        return sign <= 0;
      default:
        return sign >= 0;
    }
  };
  const matches = (row: Record<string, unknown>): boolean => {
    const value = read(row);
    if (Array.isArray(value)) return value.length === 0 ? matchOne(undefined) : value.some(matchOne);
    return matchOne(value);
  };
  return operator === '!=' ? (row: Record<string, unknown>) => !matches(row) : matches;
}
