import { CodedError } from '../util/coded-error.js';

/**
 * Errors raised by the metrics (and by eval's report and ROC plot built on them). `code` is stable so
 * callers (ldf eval, the trainer's validation) can turn a degenerate data set into a clear message
 * instead of a silent 0.5.
 */
export const METRICS_ERROR_CODES = [
  /** No scores at all: no metric is defined. */
  'EMPTY',
  /** Only real or only fake items: ROC, AUC, EER and TPR@FPR are undefined. */
  'ONE_CLASS',
  /** scores and labels differ in length. */
  'LENGTH_MISMATCH',
  /** A score is not a finite number in [0, 1]. */
  'BAD_SCORE',
  /** A label is neither 0 (real) nor 1 (fake). */
  'BAD_LABEL',
  /** Any other bad argument (bin count, target FPR, curve points, ...). */
  'BAD_ARGUMENT',
] as const;

export type MetricsErrorCode = (typeof METRICS_ERROR_CODES)[number];

export class MetricsError extends CodedError<MetricsErrorCode> {}
