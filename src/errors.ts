/**
 * Typed errors shared by every layer. Each carries a stable `code`, a user-facing
 * message that says what to do next, and the exit code `src/cli/program.ts` maps it to.
 * Only `src/cli/program.ts` prints them; nothing else decides an exit code.
 */

/** Exit codes, the same in every command. Documented in docs/exit-codes.md. */
export const ExitCode = {
  /** Everything worked. */
  Success: 0,
  /** An unexpected failure inside okta-connector (a bug: please report it). */
  Internal: 1,
  /** Bad command-line usage: unknown option, missing or invalid argument. */
  Usage: 2,
  /** Missing or invalid configuration: no domain or token, bad domain, unreadable config file. */
  Config: 3,
  /** Okta rejected the credentials (401): wrong, expired or revoked token. */
  Auth: 4,
  /** The credentials are valid but may not read data that is required (403). */
  Permission: 5,
  /** Okta could not be reached: DNS, TLS, connection refused or reset, timeout, proxy. */
  Network: 6,
  /** Okta kept answering 429 and the rate limit did not recover within the retry budget. */
  RateLimit: 7,
  /** Okta answered with something unexpected (a 4xx/5xx that is not the above, or a malformed body). */
  OktaApi: 8,
  /** The run finished, but some optional data could not be read (see the warnings and the manifest). */
  Partial: 9,
  /** Another `sync` of the same profile is running. */
  Locked: 10,
  /** Interrupted by Ctrl-C or SIGTERM; nothing half-written was left behind. */
  Interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface ConnectorErrorOptions {
  cause?: unknown;
  /** What to do about it, shown on its own line under the message. */
  hint?: string;
}

/** Base class: every error we throw on purpose is one of these. */
export class ConnectorError extends Error {
  readonly code: string = 'ERR_CONNECTOR';
  readonly exitCode: ExitCodeValue = ExitCode.Internal;
  readonly hint: string | undefined;

  constructor(message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

export class UsageError extends ConnectorError {
  override readonly code = 'ERR_USAGE';
  override readonly exitCode = ExitCode.Usage;
}

export class ConfigError extends ConnectorError {
  override readonly code = 'ERR_CONFIG';
  override readonly exitCode = ExitCode.Config;
}

export class InternalError extends ConnectorError {
  override readonly code = 'ERR_INTERNAL';
  override readonly exitCode = ExitCode.Internal;
}

export class LockedError extends ConnectorError {
  override readonly code = 'ERR_LOCKED';
  override readonly exitCode = ExitCode.Locked;
}

export class InterruptedError extends ConnectorError {
  override readonly code = 'ERR_INTERRUPTED';
  override readonly exitCode = ExitCode.Interrupted;
}

export class PartialResultError extends ConnectorError {
  override readonly code = 'ERR_PARTIAL';
  override readonly exitCode = ExitCode.Partial;
}

/** Turns anything thrown into a ConnectorError, keeping the original as `cause`. */
export function toConnectorError(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new InternalError(`Unexpected error: ${message}`, {
    cause: error,
    hint: 'This is a bug in okta-connector. Run again with --verbose and report the output (it never contains your token).',
  });
}
