import type { EvalReport } from '../eval/eval-report.js';

/** The one-line summary `ldf eval` gives on stderr when the report goes to a file or is JSON. */
export function evalSummaryLine(report: EvalReport): string {
  const d = report.data;
  return (
    `evaluated ${d.counts.real + d.counts.fake} file(s): ${report.video?.count ?? 0} scored, ` +
    `${d.unscored.real + d.unscored.fake} no-face, ${d.failed.real + d.failed.fake} failed` +
    `${d.problems.length > 0 ? `, ${d.problems.length} not evaluated` : ''}` +
    `${report.video === null ? '' : `; video AUC ${report.video.auc?.toFixed(3) ?? 'n/a'}, frame AUC ${report.frame?.auc?.toFixed(3) ?? 'n/a'}`}`
  );
}
