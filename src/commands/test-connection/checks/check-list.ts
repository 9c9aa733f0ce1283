import { ConnectorError, ExitCode, type ExitCodeValue } from '../../../errors.js';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface Check {
  /** Stable id: `domain`, `token-format`, `dns`, `tls`, `okta-org`, `token`, `users`, …, `rate-limit`, `clock`, `output-dir`. */
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  /** What to do, for `fail` and `warn`. */
  fix?: string;
}

/**
 * The checks of one test-connection run, in the order they ran, and the exit code of the first
 * failure (later failures keep it).
 */
export class CheckList {
  readonly checks: Check[] = [];
  exitCode: ExitCodeValue = ExitCode.Success;

  /** Shows which check is running (the spinner's text). */
  constructor(readonly step: (title: string) => void = () => {}) {}

  add(check: Check, failureCode: ExitCodeValue = ExitCode.Internal): Check {
    this.checks.push(check);
    if (check.status === 'fail' && this.exitCode === ExitCode.Success) this.exitCode = failureCode;
    return check;
  }

  skip(id: string, title: string, reason: string): Check {
    return this.add({ id, title, status: 'skip', detail: `Skipped: ${reason}.` });
  }

  /** A failed check that is a settings error: its message, its fix, its exit code. */
  failWith(id: string, title: string, error: ConnectorError): Check {
    return this.add(
      { id, title, status: 'fail', detail: error.message, ...(error.hint ? { fix: error.hint } : {}) },
      error.exitCode,
    );
  }

  /**
   * A check that an error of any kind ended: its message (then `effect`), its hint as the fix, and
   * its exit code (Internal for what is not one of ours).
   */
  addError(id: string, title: string, error: unknown, status: CheckStatus = 'fail', effect = ''): Check {
    const hint = hintOf(error);
    return this.add(
      { id, title, status, detail: `${messageOf(error)}${effect}`, ...(hint ? { fix: hint } : {}) },
      exitCodeOf(error),
    );
  }
}

function exitCodeOf(error: unknown): ExitCodeValue {
  return error instanceof ConnectorError ? error.exitCode : ExitCode.Internal;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hintOf(error: unknown): string | undefined {
  return error instanceof ConnectorError ? error.hint : undefined;
}
