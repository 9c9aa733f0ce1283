import type { Io } from '../../ui/io.js';

/** diff's progress line, at most every 10 s and only when no other line was shown meanwhile. */
export interface ProgressTicker {
  /** The entity being read and its records so far (diffSnapshots updates it). */
  progress: { entity: string; records: number };
  /** Another line was just shown: the next progress line waits 10 s from now. */
  shown(): void;
  stop(): void;
}

/** `… app_users: 120,000 records read` every 10 s while an entity is read and nothing else is said. */
export function startProgressTicker(io: Io): ProgressTicker {
  const progress = { entity: '', records: 0 };
  let lastLine = Date.now();
  const ticker = setInterval(() => {
    if (Date.now() - lastLine < 10_000 || progress.entity === '') return;
    lastLine = Date.now();
    io.logger.info(`… ${progress.entity}: ${progress.records.toLocaleString('en-US')} records read`);
  }, 1_000);
  ticker.unref();
  return {
    progress,
    shown: () => {
      lastLine = Date.now();
    },
    stop: () => clearInterval(ticker),
  };
}
