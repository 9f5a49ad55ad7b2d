import { CodedError } from '../util/coded-error.js';

/** Stable codes of the report layer (reading, merging, journals). */
export const REPORT_ERROR_CODES = [
  /** A report or journal file could not be read (missing, permissions). */
  'REPORT_UNREADABLE',
  /** The file is not JSON, or not an ldf scan report. */
  'NOT_A_SCAN_REPORT',
  /** The report does not match its schema. */
  'REPORT_INVALID',
  /** A report version this ldf does not know. */
  'REPORT_VERSION',
  /** `ldf report merge`: the reports come from different models or options (see --allow-mixed). */
  'MIXED_REPORTS',
  /** A journal from an interrupted run is in the way (see --resume). */
  'JOURNAL_EXISTS',
  /** A journal's header is missing or broken. */
  'JOURNAL_INVALID',
] as const;

export type ReportErrorCode = (typeof REPORT_ERROR_CODES)[number];

export class ReportError extends CodedError<ReportErrorCode> {}
