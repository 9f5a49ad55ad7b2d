import { Args, Flags } from '@oclif/core';
import { FAIL_ON, runReportShow } from '../../app/run-report-show.js';
import { BaseCommand } from '../../cli/base-command.js';
import { reportExitCode } from '../../cli/decide-exit-code.js';
import { REPORT_EXIT_CODES_HELP } from '../../cli/exit-codes.js';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../../cli/render-report.js';
import { writeOutput } from '../../cli/write-output.js';
import type { FailOn } from '../../report/verdicts.js';

export default class ReportShowCommand extends BaseCommand {
  static override summary = 'Render a saved scan report as a table, JSON, JUnit XML or an HTML page, without rescanning.';

  static override description = `Reads a report written by \`ldf scan --format json\` (or \`ldf report merge\`), checks it against its schema (version 1 reports are upgraded), and prints it. The exit code is the one the scan would have had: --fail-on defaults to the report's own.

HTML: the JSON report alone rebuilds every section, timeline and figure of the page \`ldf scan --format html\` writes, but not the face crops, which are not in the JSON; give the folder \`ldf scan --evidence DIR\` wrote them to (--evidence DIR) and the page is the same.

${REPORT_EXIT_CODES_HELP}`;

  static override examples = [
    '<%= config.bin %> report show report.json',
    '<%= config.bin %> report show all.json --format junit --output junit.xml',
    '<%= config.bin %> report show all.json --format table --fail-on uncertain',
    '<%= config.bin %> report show report.json --format html --evidence crops/ --output report.html',
  ];

  static override args = {
    report: Args.string({ description: 'A JSON scan report.', required: true }),
  };

  static override flags = {
    format: Flags.string({ description: 'Output format.', options: [...REPORT_FORMATS], default: 'table' }),
    output: Flags.string({ char: 'o', description: 'Write to FILE (atomically) instead of stdout.' }),
    'fail-on': Flags.string({ description: "Which verdicts fail (exit 1; JUnit failures): fake, uncertain (or fake), none. Default: the report's.", options: [...FAIL_ON] }),
    'no-color': Flags.boolean({ description: 'No colour in the table (NO_COLOR is honoured too).', default: false }),
    evidence: Flags.directory({ description: 'With --format html: the folder of face crops `ldf scan --evidence DIR` wrote.', exists: true }),
  };

  async run(): Promise<void> {
    const { flags, args } = await this.parse(ReportShowCommand);
    const { report, failOn, pictures } = await runReportShow({ file: args.report, failOn: flags['fail-on'] as FailOn | undefined, evidenceDir: flags.evidence });
    const text = renderReport(report, flags.format as ReportFormat, {
      noColor: flags['no-color'],
      toTerminal: flags.output === undefined && process.stdout.isTTY === true,
      failOn,
      pictures,
    });
    await writeOutput(flags.output, text);
    process.exitCode = reportExitCode(report, failOn);
  }
}
