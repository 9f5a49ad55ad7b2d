/**
 * The JSON report of `ldf eval` (schemas/eval-report.schema.json) and the metric
 * block computed from (score, label) pairs at frame and at video level.
 */
import type { AggregateRule } from '../../scan/aggregate-scores.js';
import type { VerdictThresholds } from '../../report/verdicts.js';
import { calibrationTable, type CalibrationBin } from './calibration.js';
import { MetricsError } from './errors.js';
import { checkScored } from './inputs.js';
import { aucFromRoc, eerFromRoc, rocCurve, tprAtFprFromRoc, type RocCurve } from './roc.js';
import { accuracyFromMatrix, confusionMatrix, type ConfusionMatrix } from './threshold-metrics.js';

export const EVAL_REPORT_VERSION = 1;

export type LabelName = 'real' | 'fake';

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
  /** Mann-Whitney AUC, ties counted 1/2 (src/train/metrics/roc.ts). */
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

/** One evaluated item (a video or an image), kept so the metrics can be recomputed. */
export interface EvalItem {
  /** As given in the data set (relative to data.path when it is relative). */
  path: string;
  label: LabelName;
  /**
   * The item's fake score (options.aggregate over its face scores), used for the
   * video-level metrics; null when no face was scored (then `frames` is empty and
   * the item is left out of both metric blocks).
   */
  score: number | null;
  /** Fake score of each scored face crop, in frame order: the frame-level metrics' input. */
  frames: number[];
}

export interface EvalOptions {
  /** Verdict band used for accuracyAtThresholds and confusionMatrix. */
  thresholds: VerdictThresholds;
  calibrationBins: number;
  /** How an item's face scores became its score. */
  aggregate: AggregateRule;
  topK: number;
}

export interface EvalReport {
  schemaVersion: typeof EVAL_REPORT_VERSION;
  kind: 'ldf.eval-report';
  tool: { name: 'ldf'; version: string };
  createdAt: string;
  model: {
    id: string;
    version: string;
    /** sha256 of each weight file, as verified at load. */
    weightsSha256: string[];
  };
  data: {
    /** The data set (folder or list file) as given. */
    path: string;
    /** Items per true label, scored or not. */
    counts: Record<LabelName, number>;
    /** Items per true label with no score (no face): left out of the metrics. */
    unscored: Record<LabelName, number>;
  };
  options: EvalOptions;
  /** Every scored face crop as one item (label of its video). */
  frame: MetricBlock;
  /** Every scored item (its aggregated score). */
  video: MetricBlock;
  items: EvalItem[];
}

export function labelName(label: number): LabelName {
  if (label === 0) return 'real';
  if (label === 1) return 'fake';
  throw new MetricsError('BAD_LABEL', `label ${label} is neither 0 (real) nor 1 (fake)`);
}

export function labelValue(name: LabelName): 0 | 1 {
  return name === 'fake' ? 1 : 0;
}

/** Frame-level and video-level (score, label) arrays from the items (unscored items left out). */
export function scoresFromItems(items: readonly EvalItem[]): {
  frame: { scores: number[]; labels: (0 | 1)[] };
  video: { scores: number[]; labels: (0 | 1)[] };
} {
  const frame = { scores: [] as number[], labels: [] as (0 | 1)[] };
  const video = { scores: [] as number[], labels: [] as (0 | 1)[] };
  for (const item of items) {
    const label = labelValue(item.label);
    if (item.score !== null) {
      video.scores.push(item.score);
      video.labels.push(label);
    }
    for (const s of item.frames) {
      frame.scores.push(s);
      frame.labels.push(label);
    }
  }
  return { frame, video };
}
