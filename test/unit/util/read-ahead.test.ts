import { describe, expect, it } from 'vitest';
import { readAhead } from '../../../src/util/read-ahead.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** A source of 0..count-1 that counts its pulls and closes, and fails at item `failAt` (if given). */
function countingSource(count: number, failAt?: number): AsyncIterable<number> & { pulls: number; returned: boolean } {
  const state = {
    pulls: 0,
    returned: false,
    [Symbol.asyncIterator](): AsyncIterator<number> {
      let i = 0;
      return {
        next: async (): Promise<IteratorResult<number>> => {
          state.pulls++;
          await tick();
          if (i === failAt) throw new Error(`item ${i} failed`);
          return i < count ? { done: false, value: i++ } : { done: true, value: undefined };
        },
        return: async (): Promise<IteratorResult<number>> => {
          state.returned = true;
          return { done: true, value: undefined };
        },
      };
    },
  };
  return state;
}

describe('readAhead', () => {
  it('yields every item in order and finishes with the source', async () => {
    const source = countingSource(5);
    const seen: number[] = [];
    for await (const x of readAhead(source, 1)) seen.push(x);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(source.returned).toBe(false); // ran to its end: nothing to close
  });

  it('keeps at most depth + 1 pulls ahead of the item the consumer holds', async () => {
    for (const depth of [0, 1, 3]) {
      const source = countingSource(20);
      let held = 0;
      for await (const x of readAhead(source, depth)) {
        await tick();
        await tick();
        expect(source.pulls - (x + 1)).toBeLessThanOrEqual(depth + 1);
        held++;
      }
      expect(held).toBe(20);
    }
  });

  it('rethrows a failed pull when its turn comes, after the items before it', async () => {
    const source = countingSource(10, 3);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const x of readAhead(source, 2)) seen.push(x);
      })(),
    ).rejects.toThrow('item 3 failed');
    expect(seen).toEqual([0, 1, 2]);
  });

  it('leaves no unhandled rejection when a pull ahead fails while the consumer is busy or gone', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      const source = countingSource(10, 1);
      const ahead = readAhead(source, 2);
      const first = await ahead.next(); // item 1's pull fails while item 0 is held
      expect(first).toEqual({ done: false, value: 0 });
      for (let i = 0; i < 5; i++) await tick();
      // The consumer stops without asking for item 1: the failure is dropped, the source closed.
      await ahead.return(undefined);
      for (let i = 0; i < 5; i++) await tick();
      expect(unhandled).toEqual([]);
      expect(source.returned).toBe(true);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('closes the source after the pending pulls settle when the consumer breaks early', async () => {
    const source = countingSource(10);
    for await (const x of readAhead(source, 2)) {
      if (x === 1) break;
    }
    expect(source.returned).toBe(true);
    expect(source.pulls).toBeLessThanOrEqual(2 + 3);
  });

  it('refuses a depth that is not a non-negative integer', async () => {
    await expect(readAhead(countingSource(1), -1).next()).rejects.toThrow(RangeError);
    await expect(readAhead(countingSource(1), 1.5).next()).rejects.toThrow(RangeError);
  });
});
