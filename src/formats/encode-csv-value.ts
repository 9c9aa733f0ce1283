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
 * Formula-injection protection (on unless `formulaProtection: false`): a **string** whose first
 * character is `=`, `+`, `-`, `@`, TAB or CR gets a `'` in front, so Excel, LibreOffice and Google
 * Sheets show it as text instead of running it (OWASP "CSV Injection",
 * https://owasp.org/www-community/attacks/CSV_Injection). Numbers are never touched: `-3` stays `-3`.
 * Quoting (RFC 4180) is applied afterwards by the CSV writer.
 */
export function encodeCsvValue(value: unknown, options: { formulaProtection: boolean }): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') {
    return options.formulaProtection && FORMULA_START.test(value) ? `'${value}` : value;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value) ?? '';
}

const FORMULA_START = /^[=+\-@\t\r]/;
