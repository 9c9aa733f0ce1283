/**
 * Which CSV columns to write, in order.
 *
 * The final order, stable from one run to the next:
 * 1. `fixed`, in the order given;
 * 2. for each `expand` entry, in the order given: `<prefix>.<name>` for each of its `known` names, in the
 *    order given, then `<prefix>.<name>` for every other key met under `record[prefix]` in the data,
 *    sorted by name (UTF-16 code-unit order, the same on every machine and locale);
 * 3. with `rest`: every other field met in the data, as the dot path of its value, sorted by name. A
 *    value that is not an object (a string, number, boolean, null or array) is a leaf; an object is
 *    followed into, except the paths in `rest.json` (one JSON cell each) and empty objects (nothing
 *    to show). Paths in `rest.omit`, the `expand` prefixes and the columns above are not repeated.
 *
 * A column name appears once: a later duplicate (say `profile.login` both fixed and known) is dropped.
 * Without a plan, the columns are every top-level key met in the data, sorted by name.
 */
export interface ColumnPlan {
  /** Dot paths into the record, in order, e.g. `['id', 'status', 'credentials.userName']`. */
  fixed: string[];
  /** Objects whose keys become one column each, e.g. `{ prefix: 'profile', known: ['login', 'email'] }`. */
  expand?: { prefix: string; known: string[] }[];
  /** Every other field met in the data gets a column (see above): nothing Okta sent is lost. */
  rest?: {
    /** Dot paths whose value is one JSON cell, e.g. `settings`, whose keys vary per app type. */
    json?: string[];
    /** Dot paths left out of the CSV. */
    omit?: string[];
  };
}

/** Options of the CSV format. */
export interface CsvOptions {
  /**
   * Start the file with a UTF-8 byte order mark, which Excel needs to read UTF-8 on double-click.
   * @default false
   */
  bom?: boolean;
  /**
   * Prefix string cells that start with `=`, `+`, `-`, `@`, TAB or CR with `'` (see `encodeCsvValue`).
   * Turn off only for files read by machines, never by a spreadsheet.
   * @default true
   */
  formulaProtection?: boolean;
}
