import { InterruptedError } from '../errors.js';

/** The error of a sync stopped by Ctrl-C or SIGTERM. */
export function interrupted(): InterruptedError {
  return new InterruptedError(
    'Sync interrupted; nothing was written and the last complete snapshot is untouched.',
    {
      hint: 'Run sync again when ready.',
    },
  );
}

/** Resolves with `work`, or rejects with InterruptedError as soon as `signal` aborts. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  // Work abandoned on abort fails later (its snapshot is gone): that must not crash the process.
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(interrupted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(interrupted());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
