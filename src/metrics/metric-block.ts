/**
 * The metric block of `ldf eval` and the trainer's validation: accuracy at the thresholds, confusion,
 * AUC, EER, TPR at 1% and 5% FPR and calibration, from (score, label) pairs.
 */
import type { VerdictThresholds } from '../report/verdicts.js';
import { calibrationTable, type CalibrationBin } from './calibration.js';
import { checkScored } from './inputs.js';
import { aucFromRoc, eerFromRoc, rocCurve, tprAtFprFromRoc, type RocCurve } from './roc.js';
import { accuracyFromMatrix, confusionMatrix, type ConfusionMatrix } from './threshold-metrics.js';

/**
 * Metrics over one set of (score, label) pairs. The rank metrics (auc, eer,
 * tprAt1Fpr, tprAt5Fpr) are null exactly when `rankMetricsUnavailable` says why
 * (only one class present); they are never replaced by 0.5.
 */
export interface MetricBlock {
  /** Scored items (frames or videos). */
  count: number;
  /** Fake items (label 1). */
  positives: number;
  /** Real items (label 0). */
  negatives: number;
  /** Mann-Whitney AUC, ties counted 1/2 (src/metrics/roc.ts). */
  auc: number | null;
  /** Linearly interpolated EER and the threshold of the vertex closing the crossing segment. */
  eer: { rate: number; threshold: number } | null;
  /** Highest TPR at a real threshold with FPR <= 1% (no interpolation). */
  tprAt1Fpr: number | null;
  /** Highest TPR at a real threshold with FPR <= 5% (no interpolation). */
  tprAt5Fpr: number | null;
  /** Why the rank metrics are null; null when they are computed. */
  rankMetricsUnavailable: string | null;
  /** Accuracy at the single threshold 0.5 (score >= 0.5 => fake). */
  accuracyAt05: number;
  /** Accuracy at the report's verdict thresholds; `uncertain` counts as wrong. */
  accuracyAtThresholds: number;
  /** At the report's verdict thresholds; rows = true label, columns = verdict. */
  confusionMatrix: ConfusionMatrix;
  calibration: { bins: CalibrationBin[]; ece: number };
}

export interface MetricBlockOptions {
  thresholds: VerdictThresholds;
  /** Equal-width calibration bins (default 10). */
  calibrationBins?: number;
}

/** Everything in a MetricBlock plus the ROC curve itself (null with one class), e.g. for renderRocSvg. */
export interface EvaluatedScores {
  block: MetricBlock;
  roc: RocCurve | null;
}

/**
 * Computes a MetricBlock (and the ROC curve for plotting). Throws MetricsError EMPTY
 * on an empty set and BAD_SCORE / BAD_LABEL / LENGTH_MISMATCH on bad input; a single
 * class gives null rank metrics with the reason in `rankMetricsUnavailable`.
 */
export function evaluateScores(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: MetricBlockOptions,
): EvaluatedScores {
  const set = checkScored('evaluateScores', scores, labels);
  const matrix = confusionMatrix(scores, labels, options.thresholds);
  const calibration = calibrationTable(scores, labels, options.calibrationBins ?? 10);
  const base = {
    count: scores.length,
    positives: set.positives,
    negatives: set.negatives,
    accuracyAt05: accuracyFromMatrix(confusionMatrix(scores, labels, 0.5)),
    accuracyAtThresholds: accuracyFromMatrix(matrix),
    confusionMatrix: matrix,
    calibration: { bins: calibration.bins, ece: calibration.ece },
  };
  if (set.positives === 0 || set.negatives === 0) {
    const only = set.positives === 0 ? 'real' : 'fake';
    return {
      roc: null,
      block: {
        ...base,
        auc: null,
        eer: null,
        tprAt1Fpr: null,
        tprAt5Fpr: null,
        rankMetricsUnavailable: `all ${scores.length} items are ${only}: AUC, EER and TPR@FPR need both real and fake items`,
      },
    };
  }
  const roc = rocCurve(scores, labels);
  const e = eerFromRoc(roc);
  return {
    roc,
    block: {
      ...base,
      auc: aucFromRoc(roc),
      eer: { rate: e.rate, threshold: e.threshold },
      tprAt1Fpr: tprAtFprFromRoc(roc, 0.01).tpr,
      tprAt5Fpr: tprAtFprFromRoc(roc, 0.05).tpr,
      rankMetricsUnavailable: null,
    },
  };
}
