import type { SyncReporter } from '../../sync/run-sync.js';
import type { Io } from '../../ui/io.js';
import { logRequests } from '../../ui/request-log.js';
import { SyncProgress, type SyncProgressOptions } from '../../ui/sync-progress.js';
import type { LogLine } from './open-log-file.js';

/**
 * How a run shows: a spinner on a TTY, else a plain line at least every 10 seconds; every info and
 * warning line also goes to the --log-file.
 */
export function syncReporter(
  io: Io,
  logLine: LogLine | undefined,
  clock: Pick<SyncProgressOptions, 'clock' | 'heartbeatMs'> | undefined,
): SyncReporter {
  const verbose = logRequests(io);
  let spinner: ReturnType<Io['spinner']> | undefined;
  let progress: SyncProgress | undefined;
  return {
    info: (message) => {
      io.logger.info(message);
      logLine?.(message);
    },
    warn: (message) => {
      io.logger.warn(message);
      logLine?.(`WARNING ${message}`);
    },
    verbose: (message) => io.logger.verbose(message),
    start: (totals) => {
      spinner = io.spinner('Connecting to Okta…');
      progress = new SyncProgress({
        ...clock,
        spinner: io.isTTY.stderr ? spinner : undefined,
        line: io.isTTY.stderr ? undefined : (text) => io.logger.info(text),
        logLine,
        totals,
      });
      progress.start();
    },
    progress: (entry) => progress?.progress(entry),
    wait: (bucket, waitMs) => progress?.wait(bucket, waitMs),
    request: verbose,
    committed: () => spinner?.stop(),
    stop: () => {
      // A spinner left running keeps the process alive: every way out stops it.
      progress?.stop();
      spinner?.stop();
    },
  };
}
