/** Evaluation metrics for `ldf eval`: pure functions over (fake score, label) pairs, no TF. */
export { MetricsError, type MetricsErrorCode } from './errors.js';
export { checkScored, requireBothClasses, type Label, type ScoredSet } from './inputs.js';
export {
  auc,
  aucFromRoc,
  eer,
  eerFromRoc,
  rocCurve,
  tprAtFpr,
  tprAtFprFromRoc,
  type EerResult,
  type RocCurve,
  type RocPoint,
  type TprAtFprResult,
} from './roc.js';
export {
  accuracy,
  accuracyFromMatrix,
  confusionMatrix,
  matrixTotal,
  type ConfusionMatrix,
  type VerdictCounts,
} from './threshold-metrics.js';
export { aucStandardError } from './auc-uncertainty.js';
export { binIndex, calibrationTable, type CalibrationBin, type CalibrationTable } from './calibration.js';
export { renderRocSvg, ROC_SVG_COLORS, type RocSvgCurve, type RocSvgOptions } from './roc-svg.js';
export {
  EVAL_REPORT_VERSION,
  evaluateScores,
  labelName,
  labelValue,
  scoresFromItems,
  type EvalItem,
  type EvalItemStatus,
  type EvalProblem,
  type EvalOptions,
  type EvalReport,
  type EvaluatedScores,
  type LabelName,
  type MetricBlock,
  type MetricBlockOptions,
} from './eval-report.js';
