import { Args, Flags } from '@oclif/core';
import { openScanEngine } from '../app/open-scan-engine.js';
import { planScan, runScan, type ScanRun } from '../app/run-scan.js';
import { BaseCommand } from '../cli/base-command.js';
import { decideExitCode } from '../cli/decide-exit-code.js';
import { engineRequestFromFlags } from '../cli/engine-request.js';
import { EXIT } from '../cli/exit-codes.js';
import { backendFlags, modelFlag } from '../cli/flags.js';
import { REPORT_FORMATS, renderReport, summaryLines, type ReportFormat } from '../cli/render-report.js';
import { createScanProgress, outcomeReporter } from '../cli/scan-progress.js';
import { batchFlags, defaultConcurrency, parseExtFlag, parseNumberFlag, parseSamplingFlags, parseShardFlag, scanFlags } from '../cli/scan-flags.js';
import { scanSettingsFromFlags } from '../cli/scan-settings.js';
import { SignalPolicy, signalWord } from '../cli/signal-policy.js';
import { stderrWriter } from '../cli/stderr-writer.js';
import type { FailOn } from '../report/verdicts.js';

export default class ScanCommand extends BaseCommand {
  static override summary = 'Scan videos, images and folders of them for forged faces.';

  static override description = `Samples frames with ffmpeg, finds and crops the faces, scores each crop with LDFnet, links faces into people (tracks), and gives each file a verdict: real, uncertain or fake (bands from the model's thresholds), no-face when no usable face was found, error when the file could not be read. A file that fails is reported in one line and the others are still scanned.

Damaged media: a file whose frames stop before its declared duration (cut, truncated, still being written), or whose data fails to decode at some sampled times, or whose decoder reports errors in the data (concealed by ffmpeg, so the frames look whole), is an error, DAMAGED_MEDIA (exit 2), never a verdict: the report's damage field says where the frames end and which sampled times have none; the faces it did decode stay in the report for the record, without a file score. A sampled time whose frame is one already sampled is not counted twice (duplicateSamples).

Inputs: files, and folders walked recursively in a stable order (names sorted). In folders, files with a media extension are scanned, and other files whose content ffprobe recognises as video or image; the rest is skipped (not an error). --ext, --include and --exclude narrow this. Symbolic links are followed; loops and dangling links are reported as warnings, unreadable folders as errors, and the scan goes on. Put -- before paths that start with a dash.

Batches: one model serves every file; the next files are probed and decoded ahead (in a decoder thread, ffmpeg in child processes) while the current one runs inference (--concurrency). Results come in input order whatever the concurrency. With --output, every finished file is appended to FILE.journal.jsonl at once, and the final report is written atomically at the end (then the journal is removed): a killed or interrupted batch keeps its finished results, and --resume continues it. --shard splits a batch across CI jobs; \`ldf report merge\` joins their reports. See docs/ci.md.

Formats: table (default), json (schemas/scan-report.schema.json), junit (JUnit XML: one test case per file; a file reaching --fail-on is a failure, an unreadable one an error), html (one self-contained page: summary, and per file the verdict and why, media facts, hashes, and per person a score timeline and the highest- and lowest-scoring face crops; no script, font or image from outside the page).

Evidence: with --format html or --evidence DIR, each person's 2 highest- and 2 lowest-scoring crops are kept (the exact crops LDFnet scored) and the report's tracks name them (thumbnails). --evidence writes them as PNG files into DIR. A JSON report alone rebuilds the page's every section, timeline and figure (\`ldf report show --format html\`), but not the face crops: give it the evidence folder too (--evidence DIR) for those.

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
    evidence: Flags.string({
      description: "Write each person's highest- and lowest-scoring face crops as PNG files into DIR (named in the report's tracks[].thumbnails).",
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
    const started = performance.now();
    const say = stderrWriter(flags.quiet);
    // Bad sampling or confidence values fail before anything is loaded (scanSettingsFromFlags parses them again).
    parseSamplingFlags(flags);
    if (flags['min-confidence'] !== undefined) parseNumberFlag('min-confidence', flags['min-confidence'], 0, 1);
    const format = flags.format as ReportFormat;
    const plan = await planScan({
      paths: argv as string[],
      include: flags.include ?? [],
      exclude: flags.exclude ?? [],
      extensions: parseExtFlag(flags.ext),
      shard: parseShardFlag(flags.shard),
      output: flags.output,
      resume: flags.resume,
    });
    if (plan.request.paths.length === 0) {
      say('nothing to scan (give one or more files or folders)');
      process.exitCode = EXIT.NOTHING;
      return;
    }
    for (const p of plan.problems) say(`${p.severity === 'warning' ? 'warning: ' : ''}${p.path}: ${p.message} [${p.code}]`);

    const engine = await openScanEngine({ ...engineRequestFromFlags(flags), purpose: 'to give verdicts' });
    const signals = SignalPolicy.install((s) => say(`${signalWord(s)}: stopping after the current frame (again to quit at once)`));
    const progress = createScanProgress({ totalFiles: plan.entries.length, enabled: !flags.quiet && process.stderr.isTTY === true });
    let run: ScanRun;
    try {
      if (!engine.model.trained) say('warning: untrained model: scores and verdicts below mean nothing');
      for (const warning of engine.warnings) say(`warning: ${warning}`);
      const manifest = engine.model.manifest;
      const { options, settings } = scanSettingsFromFlags(flags, manifest.thresholds, flags['fail-on'] as FailOn, engine.detectorKind, manifest.judging?.minFacePx ?? 0);
      run = await runScan(
        engine,
        plan,
        { settings, options, concurrency: flags.concurrency ?? defaultConcurrency(), maxErrors: flags['max-errors'], signal: signals.signal, toolVersion: this.config.version, startedMs: started, outputIsJsonReport: format === 'json', evidence: flags.evidence !== undefined || format === 'html' ? { dir: flags.evidence, pictures: format === 'html' } : undefined },
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

    const render = (toTerminal: boolean): string => renderReport(run.report, format, { noColor: flags['no-color'], toTerminal, pictures: run.pictures });
    if (run.stopped?.reason === 'interrupted') {
      if (run.journalPath === null) process.stdout.write(render(process.stdout.isTTY === true));
      else {
        await run.keepJournal();
        say(`interrupted: ${run.results.length} finished file(s) are in ${run.journalPath}; run the same command with --resume to continue`);
      }
      process.exitCode = signals.exitCode() ?? EXIT.INTERRUPTED;
      return;
    }
    if (flags.output === undefined) process.stdout.write(render(process.stdout.isTTY === true));
    else await run.save(render(false));
    if (flags.output !== undefined || format !== 'table') process.stderr.write(flags.quiet ? '' : summaryLines(run.report));
    const verdicts = run.results.map((r) => r.verdict);
    process.exitCode = decideExitCode(verdicts, run.report.options.failOn, { otherErrors: run.otherErrors, nothingToScan: run.nothingToScan });
  }
}
