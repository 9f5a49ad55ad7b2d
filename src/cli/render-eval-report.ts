import type { EvalReport } from '../eval/eval-report.js';
import { formatEvalTable } from '../eval/format-eval-table.js';
import { makeColorize } from './colors.js';

export type EvalFormat = 'table' | 'json';

/** The eval report in the chosen format; colour only for a table going to a terminal. */
export function renderEvalReport(report: EvalReport, format: EvalFormat, options: { noColor: boolean; toTerminal: boolean }): string {
  return format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatEvalTable(report, makeColorize({ noColor: options.noColor, stream: { isTTY: options.toTerminal } }));
}
