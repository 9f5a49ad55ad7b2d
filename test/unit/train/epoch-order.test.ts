import { describe, expect, it } from 'vitest';
import { epochItems, epochOrder, mixBatch } from '../../../src/train/epoch-order.js';
import type { LabelledImage } from '../../../src/train/training-batch.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

describe('epochOrder', () => {
  it('is a permutation of 0..n-1, reproducible, different across epochs and seeds', () => {
    for (const n of [0, 1, 2, 7, 50]) expect(sorted(epochOrder(n, 7, 0))).toEqual(range(n));
    const a = epochOrder(50, 7, 0);
    expect(epochOrder(50, 7, 0)).toEqual(a);
    expect(a).not.toEqual(range(50)); // shuffled
    const others = [epochOrder(50, 7, 1), epochOrder(50, 7, 2), epochOrder(50, 8, 0), epochOrder(50, 8, 1), epochOrder(50, 7, -1)];
    for (const o of others) {
      expect(sorted(o)).toEqual(range(50));
      expect(o).not.toEqual(a);
    }
    // Seed and epoch do not trade places: (7, 8) is not (8, 7).
    expect(epochOrder(50, 7, 8)).not.toEqual(epochOrder(50, 8, 7));
  });

  it('puts every item in every slot about equally often over many seeds (an unbiased shuffle)', () => {
    const n = 5;
    const counts = range(n).map(() => range(n).map(() => 0));
    const runs = 5000;
    for (let s = 0; s < runs; s++) epochOrder(n, s, 0).forEach((item, slot) => counts[item]![slot]!++);
    for (const row of counts) for (const c of row) expect(Math.abs(c - runs / n)).toBeLessThan(0.1 * (runs / n));
  });
});

describe('epochItems', () => {
  it('with itemsPerEpoch = n, epoch e is epochOrder(n, seed, e) at stream positions e*n ...', () => {
    for (const e of [0, 1, 5]) {
      const got = epochItems(12, 3, e, 12);
      expect(got.map((g) => g.item)).toEqual(epochOrder(12, 3, e));
      expect(got.map((g) => g.position)).toEqual(range(12).map((i) => e * 12 + i));
    }
  });

  it('with shorter epochs, walks on through the stream: consecutive positions, each item once per pass', () => {
    const n = 10;
    for (const k of [3, 4, 10, 25]) {
      const epochs = Math.ceil((3 * n) / k); // enough epochs to cover three passes
      const stream = range(epochs).flatMap((e) => {
        const items = epochItems(n, 7, e, k);
        expect(items).toHaveLength(k);
        return items;
      });
      // Positions run 0, 1, 2, ... with no gap or repeat across epoch boundaries.
      expect(stream.map((s) => s.position)).toEqual(range(epochs * k));
      // Pass p (positions p*n .. p*n + n - 1) is exactly epochOrder(n, seed, p): every item once.
      for (let p = 0; p < 3; p++) {
        const pass = stream.slice(p * n, (p + 1) * n).map((s) => s.item);
        expect(pass).toEqual(epochOrder(n, 7, p));
        expect(sorted(pass)).toEqual(range(n));
      }
      // The first ceil(n/k) epochs see all n items before any item is seen twice.
      const firstEpochs = range(Math.ceil(n / k)).flatMap((e) => epochItems(n, 7, e, k).map((s) => s.item));
      expect(new Set(firstEpochs.slice(0, n)).size).toBe(n);
    }
  });

  it('differs across seeds', () => {
    expect(epochItems(10, 7, 1, 4)).not.toEqual(epochItems(10, 8, 1, 4));
  });
});

describe('mixBatch', () => {
  const sample = (item: number): LabelledImage[] => [
    { rgb: new Uint8Array([item, 0]), label: 0 },
    { rgb: new Uint8Array([item, 1]), label: 1 },
  ];
  const key = (im: LabelledImage): string => `${im.rgb[0]}-${im.label}`;
  const samples = range(4).map(sample);

  it('keeps the order when one pass takes the whole batch', () => {
    expect(mixBatch(samples, 7, 3, 8).map(key)).toEqual(samples.flat().map(key));
  });

  it('shuffles the images of a step, reproducibly, differently from step to step', () => {
    const a = mixBatch(samples, 7, 3, 2).map(key);
    expect([...a].sort()).toEqual(samples.flat().map(key).sort());
    expect(mixBatch(samples, 7, 3, 2).map(key)).toEqual(a);
    expect(mixBatch(samples, 7, 4, 2).map(key)).not.toEqual(a);
  });

  it('rarely puts an item with its own twin in a micro-batch of 2 (the leak it exists to break)', () => {
    let twins = 0;
    let chunks = 0;
    for (let step = 0; step < 500; step++) {
      const mixed = mixBatch(samples, 7, step, 2);
      for (let i = 0; i < mixed.length; i += 2) {
        chunks++;
        if (mixed[i]!.rgb[0] === mixed[i + 1]!.rgb[0]) twins++;
      }
    }
    // By chance: 1 in 7 (the other image of the chunk is any of the 7 others). Unmixed it would be every chunk.
    expect(twins / chunks).toBeGreaterThan(0.1);
    expect(twins / chunks).toBeLessThan(0.19);
  });
});
