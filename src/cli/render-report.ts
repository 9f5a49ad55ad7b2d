import { hostname } from 'node:os';
import { formatHtml, type HtmlImage } from '../report/format-html.js';
import { formatJunit } from '../report/format-junit.js';
import { formatSummary } from '../report/format-summary.js';
import { formatTable } from '../report/format-table.js';
import type { ScanReport } from '../report/scan-report.js';
import type { FailOn } from '../report/verdicts.js';
import { makeColorize } from './colors.js';

export const REPORT_FORMATS = ['table', 'json', 'junit', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The report in the chosen format; colour only for a table going to a terminal; `pictures` for html. */
export function renderReport(
  report: ScanReport,
  format: ReportFormat,
  options: { noColor: boolean; toTerminal: boolean; failOn?: FailOn; pictures?: ReadonlyMap<string, HtmlImage> },
): string {
  switch (format) {
    case 'html':
      return formatHtml(report, { image: (name) => options.pictures?.get(name) });
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'junit':
      return formatJunit(report, { hostname: hostname(), failOn: options.failOn });
    case 'table':
      return formatTable(report, makeColorize({ noColor: options.noColor, stream: { isTTY: options.toTerminal } }));
  }
}

/** The summary for stderr, each line prefixed with "ldf: ". */
export function summaryLines(report: ScanReport): string {
  return formatSummary(report)
    .map((line) => `ldf: ${line}\n`)
    .join('');
}
