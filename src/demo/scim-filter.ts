/**
 * The subset of Okta's SCIM-style `filter`/`search` expressions the sample org understands:
 * `attr eq|ne|gt|ge|lt|le|sw|ew|co "value"`, `attr pr`, `and`, `or`, `not (…)` and parentheses.
 * Values are strings in double quotes (with `\"` escapes), numbers, `true`, `false` or `null`.
 * https://developer.okta.com/docs/api/#filter
 */

/** Reads an attribute of the record being tested; arrays match when any element matches. */
export type AttributeReader = (path: string) => unknown;
export type RecordPredicate = (read: AttributeReader) => boolean;

/** The expression could not be parsed. The server answers 400 (E0000031, or E0000053 for logs). */
export class FilterSyntaxError extends Error {}

type Operator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'sw' | 'ew' | 'co' | 'pr';
const OPERATORS = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'sw', 'ew', 'co', 'pr']);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

type Token = { kind: 'word'; text: string } | { kind: 'string'; text: string } | { kind: '(' | ')' };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const char = input[i] as string;
    if (/\s/.test(char)) {
      i++;
    } else if (char === '(' || char === ')') {
      tokens.push({ kind: char });
      i++;
    } else if (char === '"') {
      let text = '';
      i++;
      while (i < input.length && input[i] !== '"') {
        if (input[i] === '\\' && i + 1 < input.length) i++;
        text += input[i];
        i++;
      }
      if (i >= input.length) throw new FilterSyntaxError('Unterminated string');
      tokens.push({ kind: 'string', text });
      i++;
    } else {
      let text = '';
      while (i < input.length && !/[\s()"]/.test(input[i] as string)) text += input[i++];
      tokens.push({ kind: 'word', text });
    }
  }
  return tokens;
}

interface Comparison {
  path: string;
  operator: Operator;
  value: string | number | boolean | null;
  /** The value as epoch ms when it is an ISO timestamp, so dates compare as dates. */
  time: number | undefined;
}

function compareScalar(actual: unknown, test: Comparison): boolean {
  const { operator, value } = test;
  if (operator === 'pr') return actual !== null && actual !== undefined;
  if (actual === undefined) return false;
  if (value === null || actual === null) {
    return operator === 'eq' ? actual === value : operator === 'ne' ? actual !== value : false;
  }
  if (typeof actual === 'string' && typeof value === 'string') {
    if (test.time !== undefined && ISO_DATE.test(actual)) {
      return order(Date.parse(actual) - test.time, operator);
    }
    // Okta: attribute names are case-sensitive, string values are not. Ids are identifiers, so exact.
    const caseSensitive = test.path === 'id' || test.path.endsWith('.id');
    const left = caseSensitive ? actual : actual.toLowerCase();
    const right = caseSensitive ? value : value.toLowerCase();
    if (operator === 'sw') return left.startsWith(right);
    if (operator === 'ew') return left.endsWith(right);
    if (operator === 'co') return left.includes(right);
    return order(left < right ? -1 : left > right ? 1 : 0, operator);
  }
  if (typeof actual === 'number' && typeof value === 'number') return order(actual - value, operator);
  if (typeof actual === 'boolean' && typeof value === 'boolean') {
    return operator === 'eq' ? actual === value : operator === 'ne' ? actual !== value : false;
  }
  return operator === 'ne';
}

function order(difference: number, operator: Operator): boolean {
  switch (operator) {
    case 'eq':
      return difference === 0;
    case 'ne':
      return difference !== 0;
    case 'gt':
      return difference > 0;
    case 'ge':
      return difference >= 0;
    case 'lt':
      return difference < 0;
    case 'le':
      return difference <= 0;
    default:
      return false;
  }
}

/** Compiles an expression into a predicate; throws FilterSyntaxError. */
export function compileFilter(expression: string): RecordPredicate {
  const tokens = tokenize(expression);
  let position = 0;
  const peekWord = (): string | undefined => {
    const token = tokens[position];
    return token?.kind === 'word' ? token.text.toLowerCase() : undefined;
  };

  const parseOr = (): RecordPredicate => {
    const parts = [parseAnd()];
    while (peekWord() === 'or') {
      position++;
      parts.push(parseAnd());
    }
    return parts.length === 1 ? (parts[0] as RecordPredicate) : (read) => parts.some((part) => part(read));
  };
  const parseAnd = (): RecordPredicate => {
    const parts = [parseUnary()];
    while (peekWord() === 'and') {
      position++;
      parts.push(parseUnary());
    }
    return parts.length === 1 ? (parts[0] as RecordPredicate) : (read) => parts.every((part) => part(read));
  };
  const parseUnary = (): RecordPredicate => {
    const token = tokens[position];
    if (!token) throw new FilterSyntaxError('Unexpected end of expression');
    if (token.kind === '(') {
      position++;
      const inner = parseOr();
      if (tokens[position]?.kind !== ')') throw new FilterSyntaxError('Missing )');
      position++;
      return inner;
    }
    if (peekWord() === 'not') {
      position++;
      const inner = parseUnary();
      return (read) => !inner(read);
    }
    return parseComparison();
  };
  const parseComparison = (): RecordPredicate => {
    const pathToken = tokens[position++];
    const operatorToken = tokens[position++];
    if (pathToken?.kind !== 'word' || operatorToken?.kind !== 'word') {
      throw new FilterSyntaxError('Expected an attribute and an operator');
    }
    const operator = operatorToken.text.toLowerCase();
    if (!OPERATORS.has(operator)) throw new FilterSyntaxError(`Unknown operator ${operatorToken.text}`);
    const test: Comparison = {
      path: pathToken.text,
      operator: operator as Operator,
      value: null,
      time: undefined,
    };
    if (operator !== 'pr') {
      const valueToken = tokens[position++];
      if (valueToken?.kind === 'string') {
        test.value = valueToken.text;
        if (ISO_DATE.test(valueToken.text)) test.time = Date.parse(valueToken.text);
      } else if (valueToken?.kind === 'word') {
        const word = valueToken.text;
        if (word === 'true' || word === 'false') test.value = word === 'true';
        else if (word === 'null') test.value = null;
        else if (word !== '' && Number.isFinite(Number(word))) test.value = Number(word);
        else throw new FilterSyntaxError(`Invalid value ${word}`);
      } else {
        throw new FilterSyntaxError('Expected a value');
      }
    }
    return (read) => {
      const actual = read(test.path);
      return Array.isArray(actual)
        ? actual.some((item) => compareScalar(item, test))
        : compareScalar(actual, test);
    };
  };

  const predicate = parseOr();
  if (position !== tokens.length) throw new FilterSyntaxError('Unexpected text after the expression');
  return predicate;
}
