/**
 * Pulls up to `depth` items ahead of the consumer, so the producer (ffmpeg
 * decoding the next frame) works while the consumer (detection, the
 * network) handles the current one. Memory: at most `depth` extra items.
 */
export async function* prefetch<T>(source: AsyncIterable<T>, depth = 1): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  const queue: Promise<IteratorResult<T>>[] = [];
  const fill = (): void => {
    while (queue.length < depth + 1) queue.push(iterator.next());
  };
  let finished = false;
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
      // Let the pending pulls settle (errors included) before closing the source.
      await Promise.allSettled(queue);
      await iterator.return?.();
    }
  }
}
