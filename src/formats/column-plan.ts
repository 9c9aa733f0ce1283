/**
 * Which CSV columns to write, in order.
 *
 * The final order, stable from one run to the next:
 * 1. `fixed`, in the order given;
 * 2. for each `expand` entry, in the order given: `<prefix>.<name>` for each of its `known` names, in the
 *    order given, then `<prefix>.<name>` for every other key met under `record[prefix]` in the data,
 *    sorted by name (UTF-16 code-unit order, the same on every machine and locale).
 *
 * A column name appears once: a later duplicate (say `profile.login` both fixed and known) is dropped.
 * Without a plan, the columns are every top-level key met in the data, sorted by name.
 */
export interface ColumnPlan {
  /** Dot paths into the record, in order, e.g. `['id', 'status', 'credentials.userName']`. */
  fixed: string[];
  /** Objects whose keys become one column each, e.g. `{ prefix: 'profile', known: ['login', 'email'] }`. */
  expand?: { prefix: string; known: string[] }[];
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
