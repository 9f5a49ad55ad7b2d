/**
 * `ldf report show` as a use case: a saved scan report read and checked against its schema (version 1
 * reports upgraded), and the --fail-on it is judged by (default: the report's own). Prints nothing.
 */
import { loadScanReport } from '../report/load-report.js';
import type { ScanReport } from '../report/scan-report.js';
import type { FailOn } from '../report/verdicts.js';

/** The --fail-on values a request may give. */
export { FAIL_ON } from '../report/verdicts.js';

export interface ReportShowRequest {
  /** A JSON scan report (ldf scan --format json, or ldf report merge). */
  file: string;
  /** Which verdicts fail; default: the report's own. */
  failOn?: FailOn | undefined;
}

export interface ReportShow {
  report: ScanReport;
  failOn: FailOn;
}

/** @throws ReportError (not JSON, not a scan report, a broken one), and the file system's (ENOENT). */
export async function runReportShow(request: ReportShowRequest): Promise<ReportShow> {
  const report = await loadScanReport(request.file);
  return { report, failOn: request.failOn ?? report.options.failOn };
}
