/** A promise settled from outside, once (later calls are ignored). */
export function settleLater<T>(): {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  // Nobody may be waiting (admin roles not selected): a rejection must not go unhandled.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
