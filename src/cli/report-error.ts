import { type ExitCodeValue, toConnectorError } from '../errors.js';
import { NetworkError, OktaError } from '../okta/errors.js';
import type { Io } from '../ui/io.js';

/**
 * The one error printer: a message and its hint on stderr (plus `{"error": …}` on stdout with
 * `--json`), Okta's request id when there is one, a stack trace only with `--verbose`. Everything
 * printed goes through the Io's redaction.
 * @returns the exit code of the error.
 */
export function reportError(error: unknown, io: Io): ExitCodeValue {
  const failure = toConnectorError(error);
  const okta = failure instanceof OktaError ? failure : undefined;
  if (io.json) {
    io.printJson({
      error: {
        code: failure.code,
        message: failure.message,
        hint: failure.hint ?? null,
        exitCode: failure.exitCode,
        ...(okta?.status === undefined ? {} : { status: okta.status }),
        ...(okta?.errorCode === undefined ? {} : { oktaErrorCode: okta.errorCode }),
        ...(okta?.requestId === undefined ? {} : { requestId: okta.requestId }),
        ...(failure instanceof NetworkError && failure.networkCode
          ? { networkCode: failure.networkCode }
          : {}),
      },
    });
  }
  const lines = [`${io.color.red('Error:')} ${failure.message}`];
  if (failure.hint) lines.push(`  ${failure.hint}`);
  if (okta?.requestId) {
    lines.push(
      io.color.dim(
        `  Okta request id: ${okta.requestId}${okta.errorId ? ` (error id ${okta.errorId})` : ''}`,
      ),
    );
  }
  if (io.verbose) {
    for (let current: unknown = failure, depth = 0; current instanceof Error && depth < 5; depth++) {
      if (current.stack) lines.push(io.color.dim(current.stack));
      current = current.cause;
    }
  }
  io.stderr.write(`${io.redact(lines.join('\n'))}\n`);
  return failure.exitCode;
}
