import type { OpenedSnapshot } from './open-snapshot.js';

export type Row = Record<string, unknown>;

/** What a view needs besides the snapshot. */
export interface ViewContext {
  snapshot: OpenedSnapshot;
  /** licence-usage: a user is active on an app with a sign-in within this many days. */
  activeDays: number;
  /** licence-usage: one row per app, or one per user × unused app. */
  by: 'app' | 'user';
  /** One message per problem, for a person (stderr). */
  warn(message: string): void;
}

/** A view's rows and columns, ready to filter and write. */
export interface ViewData {
  /** `true` for views whose rows have exactly `columns` (joins); raw entities have open-ended fields. */
  fixedColumns: boolean;
  /** The default columns, in order. Raw entities from JSON may need a pass over the file to know them. */
  columns(): Promise<string[]>;
  /** Streams the rows; each call starts a new pass. */
  rows(): AsyncIterable<Row>;
  /**
   * Raw entities: which of `paths` the entity does not have (no column of its CSV file, nor a value in
   * any row), and the names to suggest instead. Views with fixed columns check against `columns`.
   */
  unknownFields?(paths: readonly string[]): Promise<{ unknown: string[]; known: string[] }>;
}

export const DAY_MS = 86_400_000;
