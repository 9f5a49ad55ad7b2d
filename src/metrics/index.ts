/**
 * Metrics over (fake score, label) pairs, used by `ldf eval` and by the trainer's validation: ROC, AUC,
 * EER, TPR at FPR, confusion matrix, calibration. Pure functions, no TF.
 */
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
