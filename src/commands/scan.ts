import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { decideExitCode } from '../cli/decide-exit-code.js';
import { EXIT } from '../cli/exit-codes.js';
import { backendFlags, modelFlag } from '../cli/flags.js';
import { REPORT_FORMATS, renderReport, summaryLines, type ReportFormat } from '../cli/render-report.js';
import { createScanProgress } from '../cli/scan-progress.js';
import { batchFlags, defaultConcurrency, detectorFor, parseExtFlag, parseNumberFlag, parseSamplingFlags, scanFlags, UsageError } from '../cli/scan-flags.js';
import { scanSettingsFromFlags } from '../cli/scan-settings.js';
import { assertCropConvention, cropFace } from '../faces/crop-face.js';
import { faceApiPackageVersion } from '../faces/face-api-runtime.js';
import { FaceDetector } from '../faces/face-detector.js';
import { selectBackend, type BackendName } from '../model/backend.js';
import { ModelError } from '../model/errors.js';
import { LdfnetModel } from '../model/ldfnet-model.js';
import { defaultModelDir } from '../model/model-registry.js';
import { buildScanReport } from '../report/build-report.js';
import { ReportError } from '../report/report-error.js';
import { journalPathFor, ReportJournal, SCAN_JOURNAL_VERSION, type JournalHeader } from '../report/report-journal.js';
import { resultKey } from '../report/result-key.js';
import { loadResumeIndex, type ResumeIndex } from '../report/resume-index.js';
import type { FileResult, ReportInputs, ScanReport } from '../report/scan-report.js';
import type { FailOn } from '../report/verdicts.js';
import { discoverInputs } from '../scan/discover-inputs.js';
import { GlobError } from '../scan/glob-match.js';
import { scanBatch, type BatchRun } from '../scan/scan-batch.js';
import { parseShard, ShardError, shardOf, type Shard } from '../scan/shard.js';
import { pathExists } from '../util/path-exists.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import { DecodePool } from '../video/decode-pool.js';
import { FfmpegAdapter } from '../video/ffmpeg-adapter.js';

export default class ScanCommand extends BaseCommand {
  static override summary = 'Scan videos, images and folders of them for forged faces.';

  static override description = `Samples frames with ffmpeg, finds and crops the faces, scores each crop with LDFnet, links faces into people (tracks), and gives each file a verdict: real, uncertain or fake (bands from the model's thresholds), no-face when no usable face was found, error when the file could not be read. A file that fails is reported in one line and the others are still scanned.

Inputs: files, and folders walked recursively in a stable order (names sorted). In folders, files with a media extension are scanned, and other files whose content ffprobe recognises as video or image; the rest is skipped (not an error). --ext, --include and --exclude narrow this. Symbolic links are followed; loops and dangling links are reported as warnings, unreadable folders as errors, and the scan goes on. Put -- before paths that start with a dash.

Batches: one model serves every file; the next files are probed and decoded ahead (in a decoder thread, ffmpeg in child processes) while the current one runs inference (--concurrency). Results come in input order whatever the concurrency. With --output, every finished file is appended to FILE.journal.jsonl at once, and the final report is written atomically at the end (then the journal is removed): a killed or interrupted batch keeps its finished results, and --resume continues it. --shard splits a batch across CI jobs; \`ldf report merge\` joins their reports. See docs/ci.md.

Formats: table (default), json (schemas/scan-report.schema.json), junit (JUnit XML: one test case per file; a file reaching --fail-on is a failure, an unreadable one an error).

${BaseCommand.exitCodesHelp}`;

  static override examples = [
    '<%= config.bin %> scan clip.mp4',
    '<%= config.bin %> scan --every 1s --format json --output report.json a.mp4 b.mov',
    '<%= config.bin %> scan archive/ --exclude "tmp/**" --format json --output archive.json',
    '<%= config.bin %> scan archive/ --output archive.json --resume',
    '<%= config.bin %> scan media/ --shard 2/4 --format json --output shard-2.json',
    '<%= config.bin %> scan media/ --format junit --output junit.xml --fail-on uncertain --max-errors 20',
    '<%= config.bin %> scan --fail-on uncertain --quiet -- -odd-name.mp4',
  ];

  static override strict = false;

  static override args = {
    paths: Args.string({ description: 'Video or image files, and folders to scan recursively.', required: false }),
  };

  static override flags = {
    ...scanFlags,
    ...batchFlags,
    ...modelFlag,
    ...backendFlags,
    format: Flags.string({ description: 'Output format.', options: [...REPORT_FORMATS], default: 'table', helpGroup: 'OUTPUT' }),
    output: Flags.string({
      char: 'o',
      description: 'Write the output to FILE instead of stdout (atomically, at the end), keeping a journal of finished files in FILE.journal.jsonl meanwhile.',
      helpGroup: 'OUTPUT',
    }),
    quiet: Flags.boolean({ char: 'q', description: 'Nothing on stderr: no progress bars, no per-file error lines, no summary.', default: false, helpGroup: 'OUTPUT' }),
    'no-color': Flags.boolean({ description: 'No colour in the table (NO_COLOR is honoured too).', default: false, helpGroup: 'OUTPUT' }),
    'allow-untrained': Flags.boolean({
      description: 'Run with an untrained model (for testing the plumbing only).',
      hidden: true,
      default: false,
    }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(ScanCommand);
    const args = argv as string[];
    const started = performance.now();
    const quiet = flags.quiet;
    const say = (line: string): void => {
      if (!quiet) process.stderr.write(`ldf: ${line}\n`);
    };

    // Bad sampling or confidence values fail before anything is loaded (scanSettingsFromFlags parses them again).
    parseSamplingFlags(flags);
    if (flags['min-confidence'] !== undefined) parseNumberFlag('min-confidence', flags['min-confidence'], 0, 1);
    const extensions = parseExtFlag(flags.ext);
    const shard = parseShardFlag(flags.shard);
    const concurrency = flags.concurrency ?? defaultConcurrency();
    const output = flags.output;
    const format = flags.format as ReportFormat;
    if (flags.resume && output === undefined) throw new UsageError('--resume needs --output FILE: the report (or its journal) to continue');
    if (output !== undefined && !flags.resume && (await pathExists(journalPathFor(output)))) {
      throw new ReportError(
        'JOURNAL_EXISTS',
        `${journalPathFor(output)} holds the results of an interrupted run: add --resume to continue it, or delete it to start again`,
      );
    }
    if (args.length === 0) {
      say('nothing to scan (give one or more files or folders)');
      process.exitCode = EXIT.NOTHING;
      return;
    }

    const include = flags.include ?? [];
    const exclude = flags.exclude ?? [];
    const discovery = await discoverGlobsChecked(args, { include, exclude, extensions });
    for (const p of discovery.problems) say(`${p.severity === 'warning' ? 'warning: ' : ''}${p.path}: ${p.message} [${p.code}]`);
    const entries = shard === null ? discovery.entries : discovery.entries.filter((e) => shardOf(e.shardKey, shard.count) === shard.index);
    const inputs: ReportInputs = { paths: args, include, exclude, extensions, shard };

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
      // The same flags-to-settings path as `ldf eval` (src/cli/scan-settings.ts).
      const detectorKind = detectorFor(flags.detector, model.manifest.crop.name);
      const { options, settings } = scanSettingsFromFlags(flags, model.manifest.thresholds, flags['fail-on'] as FailOn, detectorKind, model.manifest.judging?.minFacePx ?? 0);
      options.detector = { name: detectorKind, package: '@vladmandic/face-api', version: faceApiPackageVersion() };
      const modelInfo: ScanReport['model'] = {
        id: model.manifest.id,
        version: model.manifest.version,
        dir: model.dir ?? null,
        trained: model.trained,
        weightsSha256: model.manifest.weights.files.map((f) => f.sha256),
      };
      const backendInfo: ScanReport['backend'] = { name: backend.name, threads: backend.threads, simd: backend.simd };

      // The journal (with --output) and what --resume may reuse.
      let journal: ReportJournal | null = null;
      let previous: ResumeIndex | null = null;
      if (output !== undefined) {
        const journalPath = journalPathFor(output);
        if (flags.resume) {
          previous = await loadResumeIndex(output, journalPath, resultKey(modelInfo, options));
          if (previous.reportIgnored !== null && format === 'json') say(`warning: ${previous.reportIgnored}: not resuming from it`);
          if (previous.damagedLines > 0) say(`warning: ${journalPath}: ${previous.damagedLines} damaged line(s) left out (a write cut short)`);
          say(`resuming: ${previous.bySha256.size} finished result(s) reusable (${previous.fromReport} from the report, ${previous.fromJournal} from the journal)`);
        }
        const header: JournalHeader = {
          kind: 'ldf.scan-journal',
          schemaVersion: SCAN_JOURNAL_VERSION,
          createdAt: new Date().toISOString(),
          tool: { name: 'ldf', version: this.config.version },
          model: modelInfo,
          backend: backendInfo,
          options,
          inputs,
        };
        journal = await ReportJournal.create(journalPath, header, previous === null ? [] : [...previous.bySha256.values()]);
      }

      const ffmpeg = await FfmpegAdapter.create({ ffmpegPath: flags['ffmpeg-path'], ffprobePath: flags['ffprobe-path'] });
      if (detectorKind !== 'ssd' && model.manifest.crop.name === 'square-box-scaled') {
        throw new UsageError(`--detector ${detectorKind}: ${model.manifest.id} crops faces on the SSD detector's box (crop square-box-scaled); use --detector ssd`);
      }
      const detector = await FaceDetector.load({ detector: detectorKind });
      if (!model.trained) say('warning: untrained model: scores and verdicts below mean nothing');

      // Ctrl-C (SIGINT), and SIGTERM (CI cancellation, pod eviction): stop between frames, keep the journal.
      const controller = new AbortController();
      let stopSignal: NodeJS.Signals | null = null;
      const onSignal = (signal: NodeJS.Signals): void => {
        if (controller.signal.aborted) process.exit(exitCodeFor(signal)); // a second signal: at once
        stopSignal = signal;
        say(`${signal === 'SIGINT' ? 'interrupted' : 'terminated'}: stopping after the current frame (again to quit at once)`);
        controller.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const progress = createScanProgress({ totalFiles: entries.length, enabled: !quiet && process.stderr.isTTY === true });
      const pool = new DecodePool(ffmpeg.binaries);
      let run: BatchRun;
      try {
        run = await scanBatch(
          entries,
          { model, detector, crop: cropFace, ffmpeg, opener: pool },
          { ...settings, signal: controller.signal },
          {
            concurrency,
            maxErrors: flags['max-errors'],
            signal: controller.signal,
            findPrevious: previous === null ? undefined : (sha256) => previous.bySha256.get(sha256),
            emit: (event) => progress.onEvent(event),
            onOutcome: async (outcome) => {
              if (outcome.kind !== 'scanned') {
                progress.advance();
                return;
              }
              await journal?.append(outcome.result);
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
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        detector.dispose();
        await pool.close();
      }

      const results: FileResult[] = [];
      let resumed = 0;
      for (const o of run.outcomes) {
        if (o.kind === 'skipped') continue;
        results.push(o.result);
        if (o.kind === 'resumed') resumed++;
      }
      const report = buildScanReport(results, {
        toolVersion: this.config.version,
        model: modelInfo,
        backend: backendInfo,
        options,
        totalMs: performance.now() - started,
        inputs,
        skipped: run.outcomes.flatMap((o) => (o.kind === 'skipped' ? [{ path: o.entry.path, reason: o.reason }] : [])),
        problems: discovery.problems,
        stopped: run.stopped,
        resumed,
      });

      if (run.stopped?.reason === 'interrupted') {
        if (journal !== null) {
          await journal.close();
          say(`interrupted: ${results.length} finished file(s) are in ${journal.path}; run the same command with --resume to continue`);
        } else {
          process.stdout.write(renderReport(report, format, { noColor: flags['no-color'], toTerminal: process.stdout.isTTY === true }));
        }
        process.exitCode = exitCodeFor(stopSignal ?? 'SIGINT');
        return;
      }

      const text = renderReport(report, format, { noColor: flags['no-color'], toTerminal: output === undefined && process.stdout.isTTY === true });
      if (output === undefined) {
        process.stdout.write(text);
      } else {
        await writeFileAtomic(output, text);
        await journal?.remove();
      }
      if (output !== undefined || format !== 'table') process.stderr.write(quiet ? '' : summaryLines(report));

      // Nothing to scan: no file found at all (a share of a sharded batch may be empty: that is fine).
      const found = discovery.entries.length > 0;
      const scannedSomething = results.length > 0 || (shard !== null && found);
      process.exitCode = decideExitCode(
        results.map((r) => r.verdict),
        options.failOn,
        {
          otherErrors: discovery.problems.filter((p) => p.severity === 'error').length + (run.stopped !== null ? 1 : 0),
          nothingToScan: !scannedSomething,
        },
      );
    } finally {
      model.dispose();
    }
  }
}

/** 128 + the signal's number, as shells report a process stopped by it: 130 for SIGINT, 143 for SIGTERM. */
function exitCodeFor(signal: NodeJS.Signals): number {
  return signal === 'SIGTERM' ? EXIT.TERMINATED : EXIT.INTERRUPTED;
}

function parseShardFlag(value: string | undefined): Shard | null {
  if (value === undefined) return null;
  try {
    return parseShard(value, process.env);
  } catch (error) {
    if (error instanceof ShardError) throw new UsageError(error.message);
    throw error;
  }
}

async function discoverGlobsChecked(...args: Parameters<typeof discoverInputs>): ReturnType<typeof discoverInputs> {
  try {
    return await discoverInputs(...args);
  } catch (error) {
    if (error instanceof GlobError) throw new UsageError(`--include/--exclude: ${error.message}`);
    throw error;
  }
}
