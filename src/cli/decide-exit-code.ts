import type { EvalReport } from '../eval/eval-report.js';
import type { ScanReport } from '../report/scan-report.js';
import { reachesFailOn, type FailOn, type Verdict } from '../report/verdicts.js';
import { EXIT } from './exit-codes.js';

export interface ExitFacts {
  /** Errors besides files with verdict error (folder problems of severity error, an early stop). */
  otherErrors?: number;
  /** Whether there was nothing to scan; default: no verdicts. */
  nothingToScan?: boolean;
}

/**
 * The exit code of a scan: 2 if any file failed or anything else went wrong
 * (an error outranks findings), else 1 if a verdict reached --fail-on, else
 * 3 if there was nothing to scan, else 0.
 */
export function decideExitCode(verdicts: readonly Verdict[], failOn: FailOn, facts: ExitFacts = {}): number {
  if (verdicts.includes('error') || (facts.otherErrors ?? 0) > 0) return EXIT.ERROR;
  if (verdicts.some((v) => reachesFailOn(v, failOn))) return EXIT.FLAGGED;
  if (facts.nothingToScan ?? verdicts.length === 0) return EXIT.NOTHING;
  return EXIT.OK;
}

/** The exit code a report stands for (also for `ldf report show` and `merge`). */
export function reportExitCode(report: ScanReport, failOn: FailOn = report.options.failOn, facts: Pick<ExitFacts, 'nothingToScan'> = {}): number {
  const folderErrors = report.problems.filter((p) => p.severity === 'error').length;
  return decideExitCode(
    report.files.map((f) => f.verdict),
    failOn,
    {
      otherErrors: folderErrors + (report.stopped !== null ? 1 : 0),
      nothingToScan: facts.nothingToScan ?? (report.files.length === 0 && report.skipped.length === 0),
    },
  );
}

/**
 * The exit code of `ldf eval`: 2 if a file could not be read or an input was not evaluated (no label,
 * unreadable folder), else 3 if nothing was scored, else 0. Findings never raise it.
 */
export function evalExitCode(report: EvalReport): number {
  if (report.data.failed.real + report.data.failed.fake > 0 || report.data.problems.length > 0) return EXIT.ERROR;
  if (report.video === null) return EXIT.NOTHING;
  return EXIT.OK;
}
