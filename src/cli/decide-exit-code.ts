import { reachesFailOn, type FailOn, type Verdict } from '../report/verdicts.js';
import { EXIT } from './exit-codes.js';

/**
 * The exit code of a scan: 2 if any file failed (an error outranks
 * findings), else 1 if a verdict reached --fail-on, else 3 if there was
 * nothing to scan, else 0.
 */
export function decideExitCode(verdicts: readonly Verdict[], failOn: FailOn): number {
  if (verdicts.includes('error')) return EXIT.ERROR;
  if (verdicts.some((v) => reachesFailOn(v, failOn))) return EXIT.FLAGGED;
  if (verdicts.length === 0) return EXIT.NOTHING;
  return EXIT.OK;
}
