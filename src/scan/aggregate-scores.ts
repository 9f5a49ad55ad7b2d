/** How a track's face scores become one score: the rules of ScanOptions.aggregate (src/report/scan-report.ts). */
import type { AggregateRule } from '../report/scan-report.js';

export interface AggregateOptions {
  rule: AggregateRule;
  /** topk: how many of the highest scores to average (default 3; fewer faces: all of them). */
  topK?: number;
}

/** Thresholds of the `confident` rule (the DFDC winning solution's). */
export const CONFIDENT_FAKE_AT = 0.8;
export const CONFIDENT_REAL_BELOW = 0.2;
/** The winner's rule asked for more than 11 confident fakes among 32 frames; scaled to the face count here. */
const CONFIDENT_MIN_FAKE_SHARE = 11 / 32;

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/**
 * Aggregates face scores (each in [0, 1]) into one score. Throws on an empty
 * list: a track or file without faces has no score (it is `no-face`), never 0.5.
 *
 * - mean, median, max: as named (median of an even count: mean of the middle two).
 * - topk: mean of the k highest scores.
 * - confident (DFDC winner): if more than n/2.5 faces, and more than 11/32 of
 *   them, score above 0.8, the mean of those; else if more than 90% score
 *   below 0.2, the mean of those; else the mean of all.
 */
export function aggregateScores(scores: readonly number[], options: AggregateOptions): number {
  if (scores.length === 0) throw new RangeError('aggregateScores: no scores to aggregate');
  switch (options.rule) {
    case 'mean':
      return mean(scores);
    case 'median': {
      const sorted = [...scores].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    }
    case 'max':
      return Math.max(...scores);
    case 'topk': {
      const k = Math.max(1, Math.floor(options.topK ?? 3));
      return mean([...scores].sort((a, b) => b - a).slice(0, k));
    }
    case 'confident': {
      const n = scores.length;
      const fakes = scores.filter((s) => s > CONFIDENT_FAKE_AT);
      if (fakes.length > n / 2.5 && fakes.length > CONFIDENT_MIN_FAKE_SHARE * n) return mean(fakes);
      const reals = scores.filter((s) => s < CONFIDENT_REAL_BELOW);
      if (reals.length > 0.9 * n) return mean(reals);
      return mean(scores);
    }
  }
}
