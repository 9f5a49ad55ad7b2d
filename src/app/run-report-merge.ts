/**
 * `ldf report merge` as a use case: saved scan reports read (in the order given) and joined into one
 * (src/report/merge-reports.ts: every file once, the newest report's result kept). Prints nothing.
 */
import { loadScanReport } from '../report/load-report.js';
import { mergeReports, type MergeResult } from '../report/merge-reports.js';

export interface ReportMergeRequest {
  /** JSON scan reports, at least one. */
  files: readonly string[];
  /** Join reports whose models or result-shaping options differ (recorded as mixed: true). */
  allowMixed: boolean;
  toolVersion: string;
}

/** @throws ReportError (not a scan report, or MIXED_REPORTS without allowMixed), and the file system's (ENOENT). */
export async function runReportMerge(request: ReportMergeRequest): Promise<MergeResult> {
  const inputs = [];
  for (const source of request.files) inputs.push({ report: await loadScanReport(source), source });
  return mergeReports(inputs, { allowMixed: request.allowMixed, toolVersion: request.toolVersion });
}
