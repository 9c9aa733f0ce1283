import { ExitCode } from '../errors.js';

/** What the CLI answers (a closed terminal, SIGHUP, stops a run as SIGTERM does). */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A second signal this soon after the first is the same one delivered twice, not "stop now". */
const SECOND_SIGNAL_AFTER_MS = 1_000;

export interface AbortOnSignalsOptions {
  /**
   * A second signal (a moment after the first) ends the process at once with exit 130, for a run
   * that may take long to clean up (sync: the partial folder is removed by the next run).
   * @default false
   */
  secondSignalExits?: boolean;
}

/**
 * Runs `block` with an AbortSignal that Ctrl-C, SIGTERM or SIGHUP aborts: the one place a command
 * hears signals. The handlers are removed when `block` settles.
 */
export async function abortOnSignals<T>(
  block: (signal: AbortSignal) => Promise<T>,
  options: AbortOnSignalsOptions = {},
): Promise<T> {
  const controller = new AbortController();
  let firstSignalAt: number | undefined;
  const onSignal = () => {
    // Only a signal a moment later counts as the second: conf's exit hook (when-exit) re-raises the
    // first one at once, and that must not skip the cleanup the first one started.
    if (
      options.secondSignalExits &&
      firstSignalAt !== undefined &&
      Date.now() - firstSignalAt > SECOND_SIGNAL_AFTER_MS
    )
      process.exit(ExitCode.Interrupted);
    firstSignalAt ??= Date.now();
    controller.abort();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  try {
    return await block(controller.signal);
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}
