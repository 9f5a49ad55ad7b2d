/**
 * How far an AUC measured on a small set can be from the model's true AUC: Hanley & McNeil's standard
 * error (Radiology 143(1), 1982), from the AUC and the numbers of positives and negatives alone. Epochs are
 * chosen here on a few hundred faces; two AUCs closer than about two standard errors are not told apart
 * by that set.
 */
import { MetricsError } from './errors.js';

/** Hanley-McNeil standard error of an AUC measured on `positives` fakes and `negatives` reals. */
export function aucStandardError(auc: number, positives: number, negatives: number): number {
  if (!(auc >= 0 && auc <= 1)) throw new MetricsError('BAD_ARGUMENT', `AUC must be in [0, 1], got ${String(auc)}`);
  if (!(Number.isInteger(positives) && Number.isInteger(negatives) && positives > 0 && negatives > 0)) {
    throw new MetricsError('BAD_ARGUMENT', `need at least one positive and one negative, got ${String(positives)} and ${String(negatives)}`);
  }
  const q1 = auc / (2 - auc);
  const q2 = (2 * auc * auc) / (1 + auc);
  const a2 = auc * auc;
  const variance = (auc * (1 - auc) + (positives - 1) * (q1 - a2) + (negatives - 1) * (q2 - a2)) / (positives * negatives);
  return Math.sqrt(Math.max(0, variance));
}
