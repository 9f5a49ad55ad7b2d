import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { makeColorize } from '../cli/colors.js';
import { evalExitCode } from '../cli/decide-exit-code.js';
import { EXIT } from '../cli/exit-codes.js';
import { backendFlags, modelFlag } from '../cli/flags.js';
import { createScanProgress } from '../cli/scan-progress.js';
import { batchFlags, defaultConcurrency, detectorFor, parseExtFlag, parseNumberFlag, parseSamplingFlags, scanFlags, UsageError } from '../cli/scan-flags.js';
import { scanSettingsFromFlags } from '../cli/scan-settings.js';
import { buildEvalReport, type LabelledResult } from '../eval/build-eval-report.js';
import { formatEvalTable } from '../eval/format-eval-table.js';
import { resolveLabelledInputs } from '../eval/labelled-inputs.js';
import { GROUP_BY, groupOf, type GroupBy } from '../eval/eval-breakdown.js';
import { renderSizePlotSvg } from '../eval/size-plot-svg.js';
import path from 'node:path';
import { assertCropConvention, cropFace } from '../faces/crop-face.js';
import { FaceDetector } from '../faces/face-detector.js';
import { selectBackend, type BackendName } from '../model/backend.js';
import { ModelError } from '../model/errors.js';
import { LdfnetModel } from '../model/ldfnet-model.js';
import { defaultModelDir } from '../model/model-registry.js';
import { GlobError } from '../scan/glob-match.js';
import { scanBatch } from '../scan/scan-batch.js';
import { renderRocSvg, type RocSvgCurve } from '../eval/roc-svg.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import { DecodePool } from '../video/decode-pool.js';
import { FfmpegAdapter } from '../video/ffmpeg-adapter.js';

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
    const args = argv as string[];
    const quiet = flags.quiet;
    const say = (line: string): void => {
      if (!quiet) process.stderr.write(`ldf: ${line}\n`);
    };
    const format = flags.json ? 'json' : flags.format;
    const groupBy = flags['group-by'] as GroupBy;
    // Bad sampling or confidence values fail before anything is loaded, as in `ldf scan`.
    parseSamplingFlags(flags);
    if (flags['min-confidence'] !== undefined) parseNumberFlag('min-confidence', flags['min-confidence'], 0, 1);
    const extensions = parseExtFlag(flags.ext);
    const concurrency = flags.concurrency ?? defaultConcurrency();
    if (args.length === 0) {
      say('nothing to evaluate (give labelled folders, files or CSV lists)');
      process.exitCode = EXIT.NOTHING;
      return;
    }

    let inputs;
    try {
      inputs = await resolveLabelledInputs(args, { include: flags.include ?? [], exclude: flags.exclude ?? [], extensions });
    } catch (error) {
      if (error instanceof GlobError) throw new UsageError(`--include/--exclude: ${error.message}`);
      throw error;
    }
    for (const w of inputs.warnings) say(`warning: ${w.path}: ${w.message} [${w.code}]`);
    for (const p of inputs.problems) say(`${p.path}: ${p.message} [${p.code}]`);

    await selectBackend({ backend: flags.backend as BackendName | undefined, threads: flags.threads });
    const model = await LdfnetModel.load(flags.model ?? (await defaultModelDir()));
    try {
      if (!model.trained && !flags['allow-untrained']) {
        throw new ModelError(
          'MODEL_UNTRAINED',
          `${model.dir ?? model.manifest.id}: the model is untrained (manifest says trained: false); refusing to evaluate untrained weights`,
        );
      }
      assertCropConvention(model.manifest.crop);
      const detectorKind = detectorFor(flags.detector, model.manifest.crop.name);
      const { options, settings } = scanSettingsFromFlags(flags, model.manifest.thresholds, 'none', detectorKind, model.manifest.judging?.minFacePx ?? 0);

      const ffmpeg = await FfmpegAdapter.create({ ffmpegPath: flags['ffmpeg-path'], ffprobePath: flags['ffprobe-path'] });
      if (detectorKind !== 'ssd' && model.manifest.crop.name === 'square-box-scaled') {
        throw new UsageError(`--detector ${detectorKind}: ${model.manifest.id} crops faces on the SSD detector's box (crop square-box-scaled); use --detector ssd`);
      }
      const detector = await FaceDetector.load({ detector: detectorKind });
      if (!model.trained) say('warning: untrained model: the metrics below mean nothing');

      const entries = inputs.entries.map((e) => e.entry);
      const progress = createScanProgress({ totalFiles: entries.length, enabled: !quiet && process.stderr.isTTY === true });
      const pool = new DecodePool(ffmpeg.binaries);
      const results: LabelledResult[] = [];
      let skipped = 0;
      try {
        await scanBatch(
          entries,
          { model, detector, crop: cropFace, ffmpeg, opener: pool },
          settings,
          {
            concurrency,
            emit: (event) => progress.onEvent(event),
            onOutcome: (outcome) => {
              if (outcome.kind === 'skipped') {
                skipped++;
                progress.advance();
                return;
              }
              const labelled = inputs.entries[outcome.index]!;
              const rel = labelled.entry.origin === 'walk' ? labelled.entry.relativePath : labelled.entry.path.split(path.sep).join('/');
              const root = labelled.entry.origin === 'walk' ? labelled.entry.root : path.dirname(labelled.entry.path);
              results.push({ label: labelled.label, result: outcome.result, group: groupOf(root, rel, groupBy) });
              const error = outcome.result.error;
              if (error !== null && !quiet) {
                progress.stop();
                process.stderr.write(`ldf: ${outcome.result.path}: ${error.message} [${error.code}]\n`);
              }
            },
          },
        );
      } finally {
        progress.stop();
        detector.dispose();
        await pool.close();
      }

      const { report, roc } = buildEvalReport(results, {
        toolVersion: this.config.version,
        model: {
          id: model.manifest.id,
          version: model.manifest.version,
          trained: model.trained,
          weightsSha256: model.manifest.weights.files.map((f) => f.sha256),
        },
        paths: args,
        skipped,
        problems: inputs.problems,
        options: {
          thresholds: options.thresholds,
          calibrationBins: flags['calibration-bins'],
          groupBy,
          aggregate: options.aggregate,
          topK: options.topK,
          scan: {
            sampling: options.sampling,
            minFacePx: options.minFacePx,
            minConfidence: options.minConfidence,
            maxFaces: options.maxFaces,
            minTrackFaces: options.minTrackFaces,
            batchSize: options.batchSize,
          },
        },
      });

      if (flags.roc !== undefined) {
        const curves: RocSvgCurve[] = [];
        if (roc.frame !== null) curves.push({ label: `frame (${report.frame!.count})`, points: roc.frame.points, auc: report.frame!.auc });
        if (roc.video !== null) curves.push({ label: `video (${report.video!.count})`, points: roc.video.points, auc: report.video!.auc });
        if (curves.length === 0) say(`warning: ${flags.roc}: no ROC curve to draw (needs scored real and fake files); the plot is empty`);
        await writeFileAtomic(flags.roc, renderRocSvg(curves, { title: `ROC: ${report.model.id} ${report.model.version}` }));
      }

      if (flags['size-plot'] !== undefined) {
        await writeFileAtomic(flags['size-plot'], renderSizePlotSvg(report.items, { title: `Face score against face size: ${report.model.id} ${report.model.version}`, thresholds: report.options.thresholds }));
      }

      const text =
        format === 'json'
          ? `${JSON.stringify(report, null, 2)}\n`
          : formatEvalTable(report, makeColorize({ noColor: flags['no-color'], stream: { isTTY: flags.output === undefined && process.stdout.isTTY === true } }));
      if (flags.output === undefined) process.stdout.write(text);
      else await writeFileAtomic(flags.output, text);

      const d = report.data;
      // The table ends with the counts already; elsewhere a summary line on stderr.
      if (flags.output !== undefined || format === 'json') say(
        `evaluated ${d.counts.real + d.counts.fake} file(s): ${report.video?.count ?? 0} scored, ` +
          `${d.unscored.real + d.unscored.fake} no-face, ${d.failed.real + d.failed.fake} failed` +
          `${d.problems.length > 0 ? `, ${d.problems.length} not evaluated` : ''}` +
          `${report.video === null ? '' : `; video AUC ${report.video.auc?.toFixed(3) ?? 'n/a'}, frame AUC ${report.frame?.auc?.toFixed(3) ?? 'n/a'}`}`,
      );
      process.exitCode = evalExitCode(report);
    } finally {
      model.dispose();
    }
  }
}
