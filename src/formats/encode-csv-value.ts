/**
 * Turns one JSON value into the text of one CSV cell. The rule, one case per JSON type:
 *
 * | value                      | cell                                                      |
 * | -------------------------- | --------------------------------------------------------- |
 * | `null`, `undefined`, absent| empty                                                     |
 * | string                     | the string as is: no trimming, no Unicode normalisation   |
 * | number                     | its JSON text (`42`, `-1.5`, `1e+21`)                     |
 * | boolean                    | `true` or `false`                                         |
 * | array or object            | its compact JSON text (`["a","b"]`, `{"k":1}`)             |
 *
 * An empty string and a missing value both give an empty cell.
 *
 * Formula-injection protection (on unless `formulaProtection: false`): a **string** that a
 * spreadsheet could run gets a `'` in front (see {@link needsFormulaGuard}), so Excel, LibreOffice
 * and Google Sheets show it as text (OWASP "CSV Injection",
 * https://owasp.org/www-community/attacks/CSV_Injection). Numbers are never touched: `-3` stays `-3`.
 * Quoting (RFC 4180) is applied afterwards by the CSV writer.
 */
export function encodeCsvValue(value: unknown, options: { formulaProtection: boolean }): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') {
    return options.formulaProtection && needsFormulaGuard(value) ? `'${value}` : value;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value) ?? '';
}

/**
 * Whether a text cell could start a live formula in a spreadsheet, and so needs a `'` in front:
 *
 * - it starts with `=`, `@`, TAB or CR: always;
 * - it starts with `-`: unless it is a plain number (`-3`, `-1.5`, `-2e-7`);
 * - it starts with `+`: unless it is a plain number (`+5`) or a phone number, digits and the
 *   separators of a phone number only (space, `(`, `)`, `.`, `/`, `-`): `+1 555 0100`,
 *   `+44 (20) 7946-0000`. Without letters, quotes, `!`, `|`, `:`, `$`, `&` or another
 *   operator such a cell can name no function, cell, sheet or DDE command, so nothing in it can run
 *   or read anything; `+SUM(A1)`, `-2+3`, `+1 555 0100 ext 2` and `-cmd|' /C calc'!A0` are guarded.
 */
export function needsFormulaGuard(text: string): boolean {
  const first = text.charCodeAt(0);
  if (first === MINUS) return !PLAIN_NUMBER.test(text);
  if (first === PLUS) return !PLAIN_NUMBER.test(text) && !PHONE_NUMBER.test(text);
  return ALWAYS_GUARDED.test(text);
}

const PLUS = 0x2b;
const MINUS = 0x2d;
const ALWAYS_GUARDED = /^[=@\t\r]/;
const PLAIN_NUMBER = /^[+-](?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const PHONE_NUMBER = /^\+[\d ()./-]*\d[\d ()./-]*$/;

/**
 * The reverse of the guard, for readers of a CSV file written with protection on: takes the `'` off a
 * cell that {@link encodeCsvValue} guarded. A cell starting with `'` whose rest needs no guard (the
 * original value began with `'`) is returned unchanged.
 */
export function removeFormulaGuard(cell: string): string {
  return cell.charCodeAt(0) === APOSTROPHE && needsFormulaGuard(cell.slice(1)) ? cell.slice(1) : cell;
}

const APOSTROPHE = 0x27;
