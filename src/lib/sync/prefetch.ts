/**
 * Iterates `source` keeping exactly one item fetched ahead: while the caller works on item n,
 * item n+1 is already being fetched. Memory holds at most two items. When the caller stops
 * early (break, throw), `cancel` is called so the read-ahead request is aborted, and the
 * read-ahead's own failure is swallowed (nobody asked for that item).
 */
export async function* prefetchOne<T>(
  source: AsyncIterable<T>,
  cancel: () => void,
): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> = iterator.next();
  let finished = false;
  try {
    for (;;) {
      const result = await pending;
      if (result.done === true) {
        finished = true;
        return;
      }
      pending = iterator.next();
      pending.catch(() => undefined); // observed later, or deliberately dropped on early exit
      yield result.value;
    }
  } finally {
    if (!finished) {
      cancel();
      await pending.then(
        async () => {
          await iterator.return?.();
        },
        () => undefined,
      );
    }
  }
}
