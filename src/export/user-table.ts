import type { OpenedSnapshot } from './open-snapshot.js';
import { readEntityRows, writtenEntity } from './read-entity-rows.js';
import { Interner, objectOf, ownString, ownTextOf, textOf } from './values.js';

/** The columns a view shows about a user. */
export interface UserDetails {
  id: string;
  login: string | null;
  email: string | null;
  /** `profile.displayName`, else `firstName lastName`. */
  name: string | null;
  status: string | null;
  department: string | null;
  /** `lastLogin`: the last Okta sign-in, ISO. */
  lastLogin: string | null;
}

/**
 * The users of a snapshot as compact columns indexed by a small number, for joins.
 *
 * Holds per user: the id (as the key of one Map), a status code (one byte), and, only when `details`
 * is asked for, login, email and name strings (email shares login's string when equal), a department
 * code and the `lastLogin` string. Never whole records: ~100 bytes per user without details, ~300 with.
 */
export class UserTable {
  readonly #index = new Map<string, number>();
  readonly ids: string[] = [];
  readonly #statuses = new Interner();
  #status: Uint8Array;
  readonly #details: boolean;
  readonly #login: (string | null)[] = [];
  readonly #email: (string | null)[] = [];
  readonly #name: (string | null)[] = [];
  readonly #departments = new Interner();
  #department: Uint32Array;
  readonly #lastLogin: (string | null)[] = [];

  constructor(options: { details: boolean; capacity: number }) {
    this.#details = options.details;
    const capacity = Math.max(16, options.capacity);
    this.#status = new Uint8Array(capacity);
    this.#department = new Uint32Array(options.details ? capacity : 0);
  }

  get size(): number {
    return this.ids.length;
  }

  indexOf(id: string): number | undefined {
    return this.#index.get(id);
  }

  /** The index of `id`, adding a user with nothing known (not in the users file) when missing. */
  ensure(id: string): number {
    return this.#index.get(id) ?? this.#add(ownString(id), null, undefined);
  }

  /** Adds one users row. */
  add(row: Record<string, unknown>): void {
    const id = textOf(row.id);
    if (id === null || this.#index.has(id)) return;
    this.#add(ownString(id), textOf(row.status), row);
  }

  status(index: number): string | null {
    return this.#statuses.values[this.#status[index]!] ?? null;
  }

  login(index: number): string | null {
    return this.#login[index] ?? null;
  }

  email(index: number): string | null {
    return this.#email[index] ?? null;
  }

  name(index: number): string | null {
    return this.#name[index] ?? null;
  }

  department(index: number): string | null {
    return this.#details ? (this.#departments.values[this.#department[index]!] ?? null) : null;
  }

  lastLogin(index: number): string | null {
    return this.#lastLogin[index] ?? null;
  }

  /** All of the above at once (one object: for views that show a few rows per user). */
  details(index: number): UserDetails {
    return {
      id: this.ids[index]!,
      login: this.#login[index] ?? null,
      email: this.#email[index] ?? null,
      name: this.#name[index] ?? null,
      status: this.status(index),
      department: this.#details ? (this.#departments.values[this.#department[index]!] ?? null) : null,
      lastLogin: this.#lastLogin[index] ?? null,
    };
  }

  #add(id: string, status: string | null, row: Record<string, unknown> | undefined): number {
    const index = this.ids.length;
    this.#index.set(id, index);
    this.ids.push(id);
    this.#grow(index + 1);
    const code = this.#statuses.code(status);
    // More than 255 distinct statuses would be a corrupt file; they share the last code rather than wrap.
    this.#status[index] = Math.min(code, 255);
    if (!this.#details) return index;
    const profile = objectOf(row?.profile) ?? {};
    // Kept for the whole export: copies, never slices of the file (see ownString).
    const login = ownTextOf(profile.login);
    const email = textOf(profile.email);
    const display = ownTextOf(profile.displayName);
    const full = [textOf(profile.firstName), textOf(profile.lastName)].filter(Boolean).join(' ');
    this.#login.push(login);
    this.#email.push(email === login ? login : email === null ? null : ownString(email));
    this.#name.push(display ?? (full === '' ? null : full));
    this.#department[index] = this.#departments.code(textOf(profile.department));
    this.#lastLogin.push(ownTextOf(row?.lastLogin));
    return index;
  }

  #grow(size: number): void {
    if (size <= this.#status.length) return;
    const capacity = this.#status.length * 2;
    const status = new Uint8Array(capacity);
    status.set(this.#status);
    this.#status = status;
    if (!this.#details) return;
    const department = new Uint32Array(capacity);
    department.set(this.#department);
    this.#department = department;
  }
}

/** The fields of a users row a UserTable with details reads (see `#add`). */
const USER_FIELDS = [
  'id',
  'status',
  'lastLogin',
  'profile.login',
  'profile.email',
  'profile.displayName',
  'profile.firstName',
  'profile.lastName',
  'profile.department',
];

/** Streams the users file into a UserTable. */
export async function loadUserTable(snapshot: OpenedSnapshot, details: boolean): Promise<UserTable> {
  const table = new UserTable({ details, capacity: writtenEntity(snapshot, 'users')?.count ?? 1024 });
  const fields = details ? USER_FIELDS : ['id', 'status'];
  for await (const row of readEntityRows(snapshot, 'users', { fields })) table.add(row);
  return table;
}
