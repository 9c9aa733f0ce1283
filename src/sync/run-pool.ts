/**
 * Runs `task` for every item with at most `limit` running at once, pulling items lazily so an
 * async iterable of ids is never held whole. Rejects with the first error after the running
 * tasks settle; no new task starts once one has failed.
 */
export async function runPool<T>(
  items: AsyncIterable<T> | Iterable<T>,
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const iterator =
    Symbol.asyncIterator in items
      ? (items as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (items as Iterable<T>)[Symbol.iterator]();
  let failure: { error: unknown } | undefined;
  let pulling: Promise<IteratorResult<T>> | undefined;

  // Pulls are serialised: an async iterator must not be asked for two items at once.
  const next = async (): Promise<IteratorResult<T>> => {
    while (pulling) await pulling.catch(() => undefined);
    pulling = Promise.resolve(iterator.next());
    try {
      return await pulling;
    } finally {
      pulling = undefined;
    }
  };

  const worker = async (): Promise<void> => {
    while (!failure) {
      const result = await next();
      if (result.done) return;
      try {
        await task(result.value);
      } catch (error) {
        failure ??= { error };
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  } catch (error) {
    failure ??= { error };
  }
  if (failure) {
    await iterator.return?.();
    throw failure.error;
  }
}
