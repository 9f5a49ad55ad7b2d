/**
 * Pulls items of `source` ahead of the consumer, so the producer (ffmpeg decoding the next frame) works
 * while the consumer (face detection, the network) handles the current one. Used by the scan's frame
 * stream (src/video/media-opener.ts) and by `ldf dataset prepare` (src/dataset/prepare-dataset.ts).
 *
 * - Bounded: at most `depth + 1` pulls are outstanding while the consumer holds an item.
 * - Errors propagate in order: a pull that fails is rethrown when its turn comes, never earlier or lost.
 * - No unhandled rejections: a pull that fails while the consumer is busy, or after it stopped, is
 *   observed at once (and rethrown, or dropped, later).
 * - Closing the generator early (break, return, a consumer error) waits for the pending pulls to settle,
 *   then closes the source.
 *
 * @throws RangeError when `depth` is not a non-negative integer.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, depth = 1): AsyncGenerator<T, void, undefined> {
  if (!Number.isInteger(depth) || depth < 0) throw new RangeError(`readAhead: depth must be a non-negative integer, got ${String(depth)}`);
  const iterator = source[Symbol.asyncIterator]();
  const queue: Promise<IteratorResult<T>>[] = [];
  let finished = false;
  const fill = (): void => {
    while (queue.length < depth + 1) {
      const p = iterator.next();
      p.catch(() => undefined); // observed when its turn comes
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
      // Let the pending pulls settle (errors included) before closing the source.
      await Promise.allSettled(queue);
      await iterator.return?.();
    }
  }
}
