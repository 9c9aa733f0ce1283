/**
 * `source` with `map` applied to each item; items mapped to `undefined` are skipped.
 *
 * The same as `for await (const item of source) yield map(item)` in an async generator, without the
 * generator: each of its yields costs a suspension and an extra await per row on top of the reader's,
 * which a join of hundreds of thousands of rows feels. Closing the result early (a `for await` that
 * breaks or throws) closes `source`, so its file is closed too.
 */
export function mapRows<T, U>(source: AsyncIterable<T>, map: (item: T) => U | undefined): AsyncIterable<U> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<U> {
      const iterator = source[Symbol.asyncIterator]();
      return {
        async next(): Promise<IteratorResult<U>> {
          for (;;) {
            const result = await iterator.next();
            if (result.done) return { done: true, value: undefined };
            const mapped = map(result.value);
            if (mapped !== undefined) return { done: false, value: mapped };
          }
        },
        async return(): Promise<IteratorResult<U>> {
          await iterator.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/**
 * An async iterable that runs `start` on the first `next()` and then hands every call straight to the
 * iterable it returned (no extra await per row): for views that load lookup tables before streaming.
 */
export function deferRows<T>(start: () => Promise<AsyncIterable<T>>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      let inner: AsyncIterator<T> | undefined;
      return {
        next(): Promise<IteratorResult<T>> {
          if (inner) return inner.next();
          return start().then((iterable) => {
            inner = iterable[Symbol.asyncIterator]();
            return inner.next();
          });
        },
        async return(): Promise<IteratorResult<T>> {
          await inner?.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
