import { writeFile } from 'node:fs/promises';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { makeColorize } from '../cli/colors.js';
import { decideExitCode } from '../cli/decide-exit-code.js';
import { EXIT } from '../cli/exit-codes.js';
import { backendFlags, modelFlag } from '../cli/flags.js';
import { createScanProgress } from '../cli/scan-progress.js';
import { parseNumberFlag, parseSamplingFlags, scanFlags, UsageError } from '../cli/scan-flags.js';
import { assertCropConvention, cropFace } from '../faces/crop-face.js';
import { FaceDetector } from '../faces/face-detector.js';
import { selectBackend, type BackendName } from '../model/backend.js';
import { ModelError } from '../model/errors.js';
import { LdfnetModel } from '../model/ldfnet-model.js';
import { defaultModelDir } from '../model/model-registry.js';
import { buildScanReport } from '../report/build-report.js';
import { formatTable } from '../report/format-table.js';
import type { FileResult, ScanOptions } from '../report/scan-report.js';
import { checkThresholds, type FailOn } from '../report/verdicts.js';
import type { AggregateRule } from '../scan/aggregate-scores.js';
import { scanFile, type ScanSettings } from '../scan/scan-file.js';
import { FfmpegAdapter } from '../video/ffmpeg-adapter.js';

export default class ScanCommand extends BaseCommand {
  static override summary = 'Scan videos and images for forged faces.';

  static override description = `Samples frames with ffmpeg, finds and crops the faces, scores each crop with LDFnet, links faces into people (tracks), and gives each file a verdict: real, uncertain or fake (bands from the model's thresholds), no-face when no usable face was found, error when the file could not be read. A file that fails is reported in one line and the others are still scanned.

Inputs: any video ffprobe can read (mp4, mov, mkv, webm, avi, ...) and still images (jpg, png, webp). Put -- before paths that start with a dash.

${BaseCommand.exitCodesHelp}`;

  static override examples = [
    '<%= config.bin %> scan clip.mp4',
    '<%= config.bin %> scan --every 1s --format json --output report.json a.mp4 b.mov',
    '<%= config.bin %> scan --fail-on uncertain --quiet -- -odd-name.mp4',
  ];

  static override strict = false;

  static override args = {
    files: Args.string({ description: 'Video or image files to scan.', required: false }),
  };

  static override flags = {
    ...scanFlags,
    ...modelFlag,
    ...backendFlags,
    format: Flags.string({ description: 'Output format.', options: ['table', 'json'], default: 'table', helpGroup: 'OUTPUT' }),
    output: Flags.string({ char: 'o', description: 'Write the output to FILE instead of stdout.', helpGroup: 'OUTPUT' }),
    quiet: Flags.boolean({ char: 'q', description: 'Nothing on stderr: no progress bars, no per-file error lines.', default: false, helpGroup: 'OUTPUT' }),
    'no-color': Flags.boolean({ description: 'No colour in the table (NO_COLOR is honoured too).', default: false, helpGroup: 'OUTPUT' }),
    'allow-untrained': Flags.boolean({
      description: 'Run with an untrained model (for testing the plumbing only).',
      hidden: true,
      default: false,
    }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(ScanCommand);
    const files = argv as string[];
    const started = performance.now();

    const sampling = parseSamplingFlags(flags);
    const minConfidence = parseNumberFlag('min-confidence', flags['min-confidence'], 0, 1);
    if (files.length === 0) {
      if (!flags.quiet) process.stderr.write('ldf: nothing to scan (give one or more files)\n');
      process.exitCode = EXIT.NOTHING;
      return;
    }

    const backend = await selectBackend({ backend: flags.backend as BackendName | undefined, threads: flags.threads });
    const model = await LdfnetModel.load(flags.model ?? (await defaultModelDir()));
    try {
      if (!model.trained && !flags['allow-untrained']) {
        throw new ModelError(
          'MODEL_UNTRAINED',
          `${model.dir ?? model.manifest.id}: the model is untrained (manifest says trained: false); refusing to give verdicts from untrained weights`,
        );
      }
      assertCropConvention(model.manifest.crop);
      const thresholds = checkThresholdsFlag({
        real: flags['threshold-real'] === undefined ? model.manifest.thresholds.real : parseNumberFlag('threshold-real', flags['threshold-real'], 0, 1),
        fake: flags['threshold-fake'] === undefined ? model.manifest.thresholds.fake : parseNumberFlag('threshold-fake', flags['threshold-fake'], 0, 1),
      });
      const options: ScanOptions = {
        sampling: sampling.report,
        minFacePx: flags['min-face'],
        minConfidence,
        maxFaces: flags['max-faces'],
        aggregate: flags.aggregate as AggregateRule,
        topK: flags['top-k'],
        minTrackFaces: flags['min-track-faces'],
        thresholds,
        failOn: flags['fail-on'] as FailOn,
        batchSize: flags['batch-size'],
      };
      const settings: ScanSettings = {
        sampling: sampling.spec,
        startMs: sampling.startMs,
        endMs: sampling.endMs,
        maxFrames: sampling.maxFrames,
        minFacePx: options.minFacePx,
        minConfidence,
        maxFaces: options.maxFaces,
        aggregate: { rule: options.aggregate, topK: options.topK },
        minTrackFaces: options.minTrackFaces,
        thresholds,
        batchSize: options.batchSize,
      };
      const ffmpeg = await FfmpegAdapter.create({ ffmpegPath: flags['ffmpeg-path'], ffprobePath: flags['ffprobe-path'] });
      const detector = await FaceDetector.load();
      if (!model.trained && !flags.quiet) {
        process.stderr.write('ldf: warning: untrained model: scores and verdicts below mean nothing\n');
      }

      const progress = createScanProgress({ totalFiles: files.length, enabled: !flags.quiet && process.stderr.isTTY === true });
      const results: FileResult[] = [];
      try {
        for (const [i, file] of files.entries()) {
          const result = await scanFile(file, { model, detector, crop: cropFace, ffmpeg }, settings, i, (e) => progress.onEvent(e));
          if (result.error !== null && !flags.quiet) {
            progress.stop();
            process.stderr.write(`ldf: ${file}: ${result.error.message} [${result.error.code}]\n`);
          }
          results.push(result);
        }
      } finally {
        progress.stop();
        detector.dispose();
      }

      const report = buildScanReport(results, {
        toolVersion: this.config.version,
        model: {
          id: model.manifest.id,
          version: model.manifest.version,
          dir: model.dir ?? null,
          trained: model.trained,
          weightsSha256: model.manifest.weights.files.map((f) => f.sha256),
        },
        backend: { name: backend.name, threads: backend.threads, simd: backend.simd },
        options,
        totalMs: performance.now() - started,
      });
      const outStream = flags.output === undefined ? process.stdout : { isTTY: false };
      const text =
        flags.format === 'json'
          ? `${JSON.stringify(report, null, 2)}\n`
          : formatTable(report, makeColorize({ noColor: flags['no-color'], stream: outStream }));
      if (flags.output === undefined) process.stdout.write(text);
      else await writeFile(flags.output, text);
      process.exitCode = decideExitCode(
        results.map((r) => r.verdict),
        options.failOn,
      );
    } finally {
      model.dispose();
    }
  }
}

function checkThresholdsFlag(t: { real: number; fake: number }): { real: number; fake: number } {
  try {
    return checkThresholds(t);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
