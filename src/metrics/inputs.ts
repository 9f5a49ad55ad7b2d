import { MetricsError } from './errors.js';

/** 0 = real, 1 = fake (the positive class is "fake"). */
export type Label = 0 | 1;

/** Scores and labels after validation, with the class counts. */
export interface ScoredSet {
  scores: ArrayLike<number>;
  labels: ArrayLike<number>;
  /** Number of fake items (label 1). */
  positives: number;
  /** Number of real items (label 0). */
  negatives: number;
}

/**
 * Checks that scores and labels pair up, every score is a probability and every
 * label is 0 or 1. Throws MetricsError (EMPTY unless `allowEmpty`, LENGTH_MISMATCH,
 * BAD_SCORE, BAD_LABEL). Does not require both classes: see {@link requireBothClasses}.
 */
export function checkScored(
  fn: string,
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  allowEmpty = false,
): ScoredSet {
  if (scores.length !== labels.length) {
    throw new MetricsError('LENGTH_MISMATCH', `${fn}: ${scores.length} scores but ${labels.length} labels`);
  }
  if (scores.length === 0 && !allowEmpty) {
    throw new MetricsError('EMPTY', `${fn}: no scores (the metric is undefined on an empty set)`);
  }
  let positives = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as number;
    if (!Number.isFinite(s) || s < 0 || s > 1) {
      throw new MetricsError('BAD_SCORE', `${fn}: score #${i} (${s}) is not a probability in [0, 1]`);
    }
    const l = labels[i];
    if (l === 1) positives++;
    else if (l !== 0) throw new MetricsError('BAD_LABEL', `${fn}: label #${i} (${String(l)}) is neither 0 (real) nor 1 (fake)`);
  }
  return { scores, labels, positives, negatives: scores.length - positives };
}

/** Throws MetricsError ONE_CLASS unless the set holds at least one real and one fake item. */
export function requireBothClasses(fn: string, set: ScoredSet): void {
  if (set.positives === 0 || set.negatives === 0) {
    const only = set.positives === 0 ? 'real' : 'fake';
    throw new MetricsError(
      'ONE_CLASS',
      `${fn}: all ${set.positives + set.negatives} items are ${only}; ` +
        'ROC, AUC, EER and TPR@FPR need at least one real and one fake item',
    );
  }
}
