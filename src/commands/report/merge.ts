import { Args, Flags } from '@oclif/core';
import { runReportMerge } from '../../app/run-report-merge.js';
import { BaseCommand } from '../../cli/base-command.js';
import { reportExitCode } from '../../cli/decide-exit-code.js';
import { REPORT_EXIT_CODES_HELP } from '../../cli/exit-codes.js';
import { REPORT_FORMATS, renderReport, summaryLines, type ReportFormat } from '../../cli/render-report.js';
import { UsageError } from '../../cli/scan-flags.js';
import { writeOutput } from '../../cli/write-output.js';

export default class ReportMergeCommand extends BaseCommand {
  static override summary = 'Join scan reports (shards of one batch, or batches of different days) into one.';

  static override description = `Reads JSON scan reports, refuses to join reports made with different models or result-shaping options (sampling, face and scoring settings, thresholds) unless --allow-mixed, and writes one report: every file once (a file in several reports: the newest report's result), in the order an unsharded scan would give, with the summary recomputed and the joined reports listed under "merged". The exit code is the merged report's (--fail-on from the first report).

${REPORT_EXIT_CODES_HELP}`;

  static override examples = [
    '<%= config.bin %> report merge shard-*.json --output all.json',
    '<%= config.bin %> report merge monday.json tuesday.json --allow-mixed --output week.json',
    '<%= config.bin %> report merge shard-*.json --format junit --output junit.xml',
  ];

  static override strict = false;

  static override args = {
    reports: Args.string({ description: 'JSON scan reports to join.', required: false }),
  };

  static override flags = {
    output: Flags.string({ char: 'o', description: 'Write the merged report to FILE (atomically) instead of stdout.' }),
    format: Flags.string({ description: 'Output format (json keeps everything; the others are views).', options: [...REPORT_FORMATS], default: 'json' }),
    'allow-mixed': Flags.boolean({ description: 'Join reports even if their models or options differ (recorded as mixed: true).', default: false }),
    quiet: Flags.boolean({ char: 'q', description: 'No summary on stderr.', default: false }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(ReportMergeCommand);
    const files = argv as string[];
    if (files.length === 0) throw new UsageError('give the reports to merge (ldf report merge a.json b.json ... --output all.json)');
    const { report, duplicates } = await runReportMerge({ files, allowMixed: flags['allow-mixed'], toolVersion: this.config.version });
    const text = renderReport(report, flags.format as ReportFormat, { noColor: false, toTerminal: false });
    await writeOutput(flags.output, text);
    if (!flags.quiet) {
      process.stderr.write(`ldf: merged ${files.length} report(s)${duplicates > 0 ? `; ${duplicates} file(s) were in more than one (the newest result kept)` : ''}${report.merged?.mixed === true ? '; models or options differ (--allow-mixed)' : ''}\n`);
      process.stderr.write(summaryLines(report));
    }
    process.exitCode = reportExitCode(report);
  }
}
