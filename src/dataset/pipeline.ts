/** Ordered concurrency for the prepare pipeline (reading ahead within a file: src/util/read-ahead.ts). */

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

