import { describe, expect, it } from 'vitest';
import { aggregateScores } from '../../../src/scan/aggregate-scores.js';

describe('aggregateScores', () => {
  const s = [0.1, 0.9, 0.4, 0.6];

  it('mean, median (even and odd counts), max', () => {
    expect(aggregateScores(s, { rule: 'mean' })).toBeCloseTo(0.5, 12);
    expect(aggregateScores(s, { rule: 'median' })).toBeCloseTo(0.5, 12); // (0.4 + 0.6) / 2
    expect(aggregateScores([0.3, 0.1, 0.2], { rule: 'median' })).toBe(0.2);
    expect(aggregateScores(s, { rule: 'max' })).toBe(0.9);
  });

  it('topk averages the k highest, all of them when fewer', () => {
    expect(aggregateScores(s, { rule: 'topk', topK: 2 })).toBeCloseTo(0.75, 12); // (0.9 + 0.6) / 2
    expect(aggregateScores(s, { rule: 'topk', topK: 10 })).toBeCloseTo(0.5, 12);
    expect(aggregateScores(s, { rule: 'topk' })).toBeCloseTo((0.9 + 0.6 + 0.4) / 3, 12); // default k = 3
  });

  describe('confident (DFDC winner)', () => {
    it('averages the confident fakes when there are enough of them', () => {
      // 32 faces, 14 above 0.8 (> 32 / 2.5 = 12.8 and > 11): mean of those 14.
      const scores = [...Array<number>(14).fill(0.9), ...Array<number>(18).fill(0.3)];
      expect(aggregateScores(scores, { rule: 'confident' })).toBeCloseTo(0.9, 12);
    });

    it('falls back to the mean when the confident fakes are too few', () => {
      // 12 above 0.8 is not more than 12.8.
      const scores = [...Array<number>(12).fill(0.9), ...Array<number>(20).fill(0.3)];
      expect(aggregateScores(scores, { rule: 'confident' })).toBeCloseTo((12 * 0.9 + 20 * 0.3) / 32, 12);
    });

    it('averages the confident reals when more than 90% are below 0.2', () => {
      const scores = [...Array<number>(30).fill(0.1), 0.5, 0.7];
      expect(aggregateScores(scores, { rule: 'confident' })).toBeCloseTo(0.1, 12);
      // Exactly 90% is not more than 90%: mean of all.
      const edge = [...Array<number>(9).fill(0.1), 0.6];
      expect(aggregateScores(edge, { rule: 'confident' })).toBeCloseTo((0.9 + 0.6) / 10, 12);
    });

    it('scales the fake count rule to small tracks', () => {
      // 3 faces, 2 above 0.8: 2 > 1.2 and 2 > 11/32 * 3 = 1.03.
      expect(aggregateScores([0.95, 0.85, 0.1], { rule: 'confident' })).toBeCloseTo(0.9, 12);
    });

    it('treats 0.8 itself as not confident', () => {
      expect(aggregateScores([0.8, 0.8, 0.8], { rule: 'confident' })).toBeCloseTo(0.8, 12);
    });
  });

  it('refuses an empty list instead of inventing a score', () => {
    for (const rule of ['mean', 'median', 'max', 'topk', 'confident'] as const) {
      expect(() => aggregateScores([], { rule })).toThrow(RangeError);
    }
  });
});
