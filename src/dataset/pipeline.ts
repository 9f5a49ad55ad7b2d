/** Small ordered-concurrency helpers for the prepare pipeline. */

/**
 * Runs `fn` on the items with up to `depth` calls in flight, yielding the results in item order: the next
 * files are decoded while the current one is searched for faces. `fn` should not throw (a rejection is
 * rethrown when its turn comes).
 */
export async function* mapAhead<T, R>(items: readonly T[], fn: (item: T, index: number) => Promise<R>, depth: number): AsyncGenerator<R, void, undefined> {
  const inFlight: Promise<R>[] = [];
  let next = 0;
  const fill = (): void => {
    while (inFlight.length < Math.max(1, depth) && next < items.length) {
      const p = fn(items[next]!, next);
      p.catch(() => undefined); // observed when its turn comes
      inFlight.push(p);
      next++;
    }
  };
  fill();
  while (inFlight.length > 0) {
    const result = await inFlight.shift()!;
    fill();
    yield result;
  }
}

/**
 * Pulls up to `depth` items of `source` ahead of the consumer (e.g. ffmpeg decodes the next frame while the
 * detector works on this one). Closing the generator early closes the source once pending pulls settle.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, depth = 1): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  const queue: Promise<IteratorResult<T>>[] = [];
  let finished = false;
  const fill = (): void => {
    while (queue.length < depth + 1) {
      const p = iterator.next();
      p.catch(() => undefined);
      queue.push(p);
    }
  };
  try {
    fill();
    for (;;) {
      const next = await queue.shift()!;
      if (next.done === true) {
        finished = true;
        return;
      }
      fill();
      yield next.value;
    }
  } finally {
    if (!finished) {
      await Promise.allSettled(queue);
      await iterator.return?.();
    }
  }
}
