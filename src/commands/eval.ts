import { Args, Flags } from '@oclif/core';
import { openScanEngine } from '../app/open-scan-engine.js';
import { GROUP_BY, resolveEvalInputs, runEval, type EvalRun } from '../app/run-eval.js';
import { BaseCommand } from '../cli/base-command.js';
import { evalExitCode } from '../cli/decide-exit-code.js';
import { engineRequestFromFlags } from '../cli/engine-request.js';
import { evalSummaryLine } from '../cli/eval-summary.js';
import { EXIT } from '../cli/exit-codes.js';
import { backendFlags, modelFlag } from '../cli/flags.js';
import { renderEvalReport, type EvalFormat } from '../cli/render-eval-report.js';
import { createScanProgress, outcomeReporter } from '../cli/scan-progress.js';
import { batchFlags, defaultConcurrency, parseExtFlag, parseNumberFlag, parseSamplingFlags, scanFlags } from '../cli/scan-flags.js';
import { scanSettingsFromFlags } from '../cli/scan-settings.js';
import { SignalPolicy, signalWord } from '../cli/signal-policy.js';
import { stderrWriter } from '../cli/stderr-writer.js';
import { writeOutput } from '../cli/write-output.js';
import type { GroupBy } from '../eval/eval-breakdown.js';

const { 'fail-on': _failOn, ...evalScanFlags } = scanFlags;

export default class EvalCommand extends BaseCommand {
  static override summary = 'Measure a model on labelled videos and images: ACC, AUC, EER, TPR at 1% and 5% FPR, confusion matrix, calibration.';

  static override description = `Scores every labelled file exactly as \`ldf scan\` does (same sampling flags and defaults, detector, crop, tracks and aggregation), then computes the metrics at frame level (every scored face crop, labelled as its file) and at video level (each file's scan score).

Data: folders in the real/ and fake/ layout (the nearest folder named real or fake above a file gives its label, the folder argument included), files below such folders, and CSV lists of path,label (paths relative to the CSV; labels real/fake or 0/1). Files with no face, and files that cannot be read, are listed and counted, and left out of the metrics (never scored 0.5); files with no label are listed as not evaluated.

Formats: table (default), json (schemas/eval-report.schema.json). --roc FILE.svg draws the ROC curves of both levels.

EXIT CODES
  0    evaluated
  2    a file could not be read, a file had no label, an input could not be read, or any other error
  3    nothing to evaluate (no file was scored)`;

  static override examples = [
    '<%= config.bin %> eval --model models/ldfnet-v1 data/test/',
    '<%= config.bin %> eval --model models/ldfnet-v1 --frames 32 --json --output eval.json --roc roc.svg data/test/',
    '<%= config.bin %> eval --model models/ldfnet-v1 labels.csv',
  ];

  static override strict = false;

  static override args = {
    data: Args.string({ description: 'Folders in the real/ and fake/ layout, labelled files, or CSV lists (path,label).', required: false }),
  };

  static override flags = {
    ...evalScanFlags,
    include: batchFlags.include,
    exclude: batchFlags.exclude,
    ext: batchFlags.ext,
    concurrency: batchFlags.concurrency,
    ...modelFlag,
    ...backendFlags,
    'calibration-bins': Flags.integer({ description: 'Equal-width bins of the calibration table.', default: 10, min: 1, max: 1000, helpGroup: 'OUTPUT' }),
    format: Flags.string({ description: 'Output format.', options: ['table', 'json'], default: 'table', helpGroup: 'OUTPUT' }),
    json: Flags.boolean({ description: 'Same as --format json.', default: false, helpGroup: 'OUTPUT' }),
    output: Flags.string({ char: 'o', description: 'Write the report to FILE instead of stdout (atomically).', helpGroup: 'OUTPUT' }),
    roc: Flags.string({ description: 'Draw the ROC curves (frame and video level) to FILE.svg.', helpGroup: 'OUTPUT' }),
    'size-plot': Flags.string({ description: 'Plot every face score against its face size (box height, px) to FILE.svg: does the model read resolution instead of forgery?', helpGroup: 'OUTPUT' }),
    'group-by': Flags.string({
      description: 'Groups of the per-source table: folder (the folders around real/ and fake/), or name-prefix (also the file name before its first "-", e.g. FaceForensics++ methods).',
      options: [...GROUP_BY],
      default: 'folder',
      helpGroup: 'OUTPUT',
    }),
    quiet: Flags.boolean({ char: 'q', description: 'Nothing on stderr: no progress bars, no per-file error lines.', default: false, helpGroup: 'OUTPUT' }),
    'no-color': Flags.boolean({ description: 'No colour in the table (NO_COLOR is honoured too).', default: false, helpGroup: 'OUTPUT' }),
    'allow-untrained': Flags.boolean({
      description: 'Run with an untrained model (for testing the plumbing only).',
      hidden: true,
      default: false,
    }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(EvalCommand);
    const paths = argv as string[];
    const say = stderrWriter(flags.quiet);
    const format = flags.json ? 'json' : flags.format;
    // Bad sampling or confidence values fail before anything is loaded, as in `ldf scan`.
    parseSamplingFlags(flags);
    if (flags['min-confidence'] !== undefined) parseNumberFlag('min-confidence', flags['min-confidence'], 0, 1);
    const extensions = parseExtFlag(flags.ext);
    if (paths.length === 0) {
      say('nothing to evaluate (give labelled folders, files or CSV lists)');
      process.exitCode = EXIT.NOTHING;
      return;
    }
    const inputs = await resolveEvalInputs(paths, { include: flags.include ?? [], exclude: flags.exclude ?? [], extensions });
    for (const w of inputs.warnings) say(`warning: ${w.path}: ${w.message} [${w.code}]`);
    for (const p of inputs.problems) say(`${p.path}: ${p.message} [${p.code}]`);

    const engine = await openScanEngine({ ...engineRequestFromFlags(flags), purpose: 'to evaluate' });
    const signals = SignalPolicy.install((s) => say(`${signalWord(s)}: stopping after the current frame, no report (again to quit at once)`));
    const progress = createScanProgress({ totalFiles: inputs.entries.length, enabled: !flags.quiet && process.stderr.isTTY === true });
    let run: EvalRun;
    try {
      if (!engine.model.trained) say('warning: untrained model: the metrics below mean nothing');
      for (const warning of engine.warnings) say(`warning: ${warning}`);
      const { thresholds, judging } = engine.model.manifest;
      const { options, settings } = scanSettingsFromFlags(flags, thresholds, 'none', engine.detectorKind, judging?.minFacePx ?? 0);
      run = await runEval(
        engine,
        inputs,
        { paths, settings, options, concurrency: flags.concurrency ?? defaultConcurrency(), calibrationBins: flags['calibration-bins'], groupBy: flags['group-by'] as GroupBy, toolVersion: this.config.version, signal: signals.signal, rocFile: flags.roc, sizePlotFile: flags['size-plot'] },
        {
          emit: (event) => progress.onEvent(event),
          notice: say,
          onOutcome: outcomeReporter(progress, say),
        },
      );
    } finally {
      progress.stop();
      signals.dispose();
      await engine.close();
    }
    const interrupted = signals.exitCode();
    if (interrupted !== null) {
      process.exitCode = interrupted;
      return;
    }

    const { report } = run;
    const toTerminal = flags.output === undefined && process.stdout.isTTY === true;
    await writeOutput(flags.output, renderEvalReport(report, format as EvalFormat, { noColor: flags['no-color'], toTerminal }));
    // The table ends with the counts already; elsewhere a summary line on stderr.
    if (flags.output !== undefined || format === 'json') say(evalSummaryLine(report));
    process.exitCode = evalExitCode(report);
  }
}
