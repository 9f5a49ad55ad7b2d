/**
 * Metrics at fixed verdict thresholds, with the exact verdict rule of `ldf scan`
 * (src/report/verdicts.ts): score < real => real, score >= fake => fake, otherwise
 * uncertain. A single threshold t is the band {real: t, fake: t} (score >= t => fake).
 */
import { checkThresholds, verdictFor, type VerdictThresholds } from '../report/verdicts.js';
import { MetricsError } from './errors.js';
import { checkScored } from './inputs.js';

/** Counts of predicted verdicts for one true class. */
export interface VerdictCounts {
  real: number;
  uncertain: number;
  fake: number;
}

/**
 * 2 x 3 confusion matrix: ROWS are the true label (`real`, `fake`), COLUMNS the
 * predicted verdict (`real`, `uncertain`, `fake`). E.g. `m.real.fake` = real items
 * called fake (false positives), `m.fake.real` = fakes missed.
 */
export interface ConfusionMatrix {
  real: VerdictCounts;
  fake: VerdictCounts;
}

function asThresholds(fn: string, t: VerdictThresholds | number): VerdictThresholds {
  const thresholds = typeof t === 'number' ? { real: t, fake: t } : t;
  try {
    return checkThresholds(thresholds);
  } catch (err) {
    throw new MetricsError('BAD_ARGUMENT', `${fn}: ${(err as Error).message}`);
  }
}

/**
 * Confusion matrix at verdict thresholds (or a single threshold t, meaning
 * score >= t => fake). An empty input gives an all-zero matrix.
 */
export function confusionMatrix(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  thresholds: VerdictThresholds | number,
): ConfusionMatrix {
  const t = asThresholds('confusionMatrix', thresholds);
  checkScored('confusionMatrix', scores, labels, true);
  const m: ConfusionMatrix = { real: { real: 0, uncertain: 0, fake: 0 }, fake: { real: 0, uncertain: 0, fake: 0 } };
  for (let i = 0; i < scores.length; i++) {
    const row = labels[i] === 1 ? m.fake : m.real;
    row[verdictFor(scores[i] as number, t)]++;
  }
  return m;
}

/** Items in the matrix. */
export function matrixTotal(m: ConfusionMatrix): number {
  return m.real.real + m.real.uncertain + m.real.fake + m.fake.real + m.fake.uncertain + m.fake.fake;
}

/**
 * (real called real + fake called fake) / all items: an `uncertain` verdict counts
 * as WRONG. Throws MetricsError EMPTY on an empty matrix (accuracy is undefined).
 */
export function accuracyFromMatrix(m: ConfusionMatrix): number {
  const total = matrixTotal(m);
  if (total === 0) throw new MetricsError('EMPTY', 'accuracy: no items (accuracy is undefined on an empty set)');
  return (m.real.real + m.fake.fake) / total;
}

/**
 * Accuracy at verdict thresholds (uncertain counts as wrong) or at a single
 * threshold t (score >= t => fake; `accuracy(s, l, 0.5)` is the usual accuracy at 0.5).
 * Throws MetricsError EMPTY on empty input; one class is fine.
 */
export function accuracy(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  thresholds: VerdictThresholds | number,
): number {
  checkScored('accuracy', scores, labels);
  return accuracyFromMatrix(confusionMatrix(scores, labels, thresholds));
}
