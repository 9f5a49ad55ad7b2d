import { Args, Flags } from '@oclif/core';
import { checkSplitOptions, DATASET_DEFAULTS, runPrepare } from '../../app/run-prepare.js';
import { BaseCommand } from '../../cli/base-command.js';
import { createDatasetProgress } from '../../cli/dataset-progress.js';
import { EXIT } from '../../cli/exit-codes.js';
import { backendFlags } from '../../cli/flags.js';
import { formatPrepareSummary, prepareEventLines } from '../../cli/prepare-output.js';
import { parseNumberFlag, parseSamplingFlags, scanFlags } from '../../cli/scan-flags.js';
import { SignalPolicy, signalWord } from '../../cli/signal-policy.js';
import { stderrWriter } from '../../cli/stderr-writer.js';
import type { FaceLabel } from '../../dataset/dataset-format.js';
import type { PrepareSummary } from '../../dataset/prepare-dataset.js';
import type { BackendName } from '../../model/backend.js';

// Sampling, face-size and ffmpeg flags are `ldf scan`'s own definitions, so that a dataset samples videos
// exactly as scanning does.
const { frames, every, fps, keyframes, start, end, 'max-frames': maxFrames, 'min-face': minFace } = scanFlags;

export default class DatasetPrepareCommand extends BaseCommand {
  static override summary = 'Find the faces in folders of photos and videos once, and store crops and landmarks for training.';

  static override description = `For every image and video in the inputs (folders are walked recursively), finds the faces and their 68 landmarks, cuts each face out with the crop \`ldf scan\` uses (square box x1.3, 256x256), and stores the crops as PNG with their landmarks (in crop pixels), label, identity and split in DIR: dataset.json, items.jsonl, sources.jsonl, errors.jsonl, crops/.

Labels: the nearest folder named real/ or fake/ above a file (the input folder itself included), or --labels CSV (path,label[,identity]; paths relative to the CSV), or --label for everything. A file without a label is an error, never a guess.

Identity and split: the identity is the CSV's third column, else the first group of --identity-pattern on the path below the input folder, else the file itself. --val-share puts that share of identities (by a seeded hash of the identity) in the validation split, so one person or video is never on both sides.

Running again with the same DIR skips the files already done (also after a kill: at most the files in progress are redone) and adds new ones; DIR must have been prepared with the same options. A file that cannot be used gets one line on stderr and in errors.jsonl, and the others go on.

EXIT CODES
  0    done (every file done, now or before)
  2    an error: a file could not be used, an input is missing, bad usage
  3    nothing to process: no image or video in the inputs
  130  interrupted (Ctrl-C), 143 terminated (SIGTERM): the files finished so far are kept; rerun to resume`;

  static override examples = [
    '<%= config.bin %> dataset prepare data/faces --out datasets/faces --val-share 0.1',
    '<%= config.bin %> dataset prepare ~/utk ~/aaf --label real --out datasets/real-faces',
    '<%= config.bin %> dataset prepare clips/ --labels clips/labels.csv --every 1s --out datasets/clips',
  ];

  static override strict = false;

  static override args = {
    inputs: Args.string({ description: 'Folders and files (images, videos).', required: false }),
  };

  static override flags = {
    out: Flags.string({ char: 'o', description: 'Dataset folder to create, add to or resume.', required: true, helpGroup: 'OUTPUT' }),
    labels: Flags.string({ description: 'CSV of path,label[,identity] (label real or fake; paths relative to the CSV\'s folder).', helpGroup: 'LABELS' }),
    label: Flags.string({ description: 'Label of every file without one from --labels (a real/ or fake/ folder above a file must agree).', options: ['real', 'fake'], helpGroup: 'LABELS' }),
    'identity-pattern': Flags.string({
      description: 'Regular expression on the path below the input folder; its first group is the identity (default: each file is its own identity). E.g. "^(?:real|fake)/([^/]+)/" for one folder per person.',
      helpGroup: 'LABELS',
    }),
    'val-share': Flags.string({ description: 'Share of identities in the validation split, 0 to <1.', default: String(DATASET_DEFAULTS.valShare), helpGroup: 'LABELS' }),
    'split-seed': Flags.integer({ description: 'Seed of the identity hash that chooses the split.', default: DATASET_DEFAULTS.splitSeed, helpGroup: 'LABELS' }),
    frames,
    every,
    fps,
    keyframes,
    start,
    end,
    'max-frames': maxFrames,
    'min-face': minFace,
    'min-confidence': Flags.string({ description: 'Ignore detections below this confidence (0-1).', default: '0.5', helpGroup: 'FACES' }),
    'max-faces': Flags.integer({ description: 'At most N faces per frame (the most confident).', default: DATASET_DEFAULTS.maxFaces, min: 1, helpGroup: 'FACES' }),
    mosaic: Flags.integer({
      description: 'Search small photos (longer side <= 480 px) for faces N x N at a time in one detector pass (1: one at a time). 3 is ~6x faster than 1 on 200-400 px face photos and finds tight face crops better.',
      default: 3,
      min: 1,
      max: 6,
      helpGroup: 'FACES',
    }),
    'retry-errors': Flags.boolean({ description: 'Try files that failed in an earlier run again.', default: false, helpGroup: 'OUTPUT' }),
    quiet: Flags.boolean({ char: 'q', description: 'Nothing on stderr: no progress bar, no per-file error lines.', default: false, helpGroup: 'OUTPUT' }),
    ...backendFlags,
    'ffmpeg-path': scanFlags['ffmpeg-path'],
    'ffprobe-path': scanFlags['ffprobe-path'],
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(DatasetPrepareCommand);
    const inputs = argv as string[];
    const say = stderrWriter(flags.quiet);
    const sampling = parseSamplingFlags(flags);
    const minConfidence = parseNumberFlag('min-confidence', flags['min-confidence'], 0.01, 1);
    const valShare = flags['val-share'].trim() === '' ? Number.NaN : Number(flags['val-share']);
    checkSplitOptions(valShare, flags['split-seed']); // before the detector loads
    if (inputs.length === 0) {
      say('nothing to process (give one or more folders or files)');
      process.exitCode = EXIT.NOTHING;
      return;
    }

    const progress = createDatasetProgress({ enabled: !flags.quiet && process.stderr.isTTY === true });
    const tell = (line: string): void => {
      progress.stop();
      say(line);
    };
    // Ctrl-C (SIGINT) and SIGTERM (CI cancellation, pod eviction): stop after the files in progress.
    const signals = SignalPolicy.install((s) => tell(`${signalWord(s)}: stopping after the files in progress (Ctrl-C again to quit at once; rerun to resume)`));
    let summary: PrepareSummary;
    try {
      ({ summary } = await runPrepare(
        {
          inputs,
          outDir: flags.out,
          labelsFile: flags.labels,
          label: flags.label as FaceLabel | undefined,
          identityPattern: flags['identity-pattern'],
          valShare,
          splitSeed: flags['split-seed'],
          sampling: sampling.spec,
          startMs: sampling.startMs,
          endMs: sampling.endMs,
          maxFrames: sampling.maxFrames,
          minFacePx: flags['min-face'],
          minConfidence,
          maxFaces: flags['max-faces'],
          mosaicGrid: flags.mosaic,
          retryErrors: flags['retry-errors'],
          toolVersion: this.config.version,
          backend: flags.backend as BackendName | undefined,
          threads: flags.threads,
          ffmpegPath: flags['ffmpeg-path'],
          ffprobePath: flags['ffprobe-path'],
          signal: signals.signal,
        },
        {
          onEvent: (event) => {
            for (const line of prepareEventLines(event, flags.out)) tell(line);
            progress.onEvent(event);
          },
        },
      ));
    } finally {
      signals.dispose();
      progress.stop();
    }
    process.stdout.write(formatPrepareSummary(summary));
    if (summary.aborted) process.exitCode = signals.exitCode() ?? EXIT.INTERRUPTED;
    else if (summary.sourcesFailed > 0 || summary.inputProblems > 0) process.exitCode = EXIT.ERROR;
    else if (summary.sourcesFound === 0) {
      say('nothing to process: no image or video in the inputs');
      process.exitCode = EXIT.NOTHING;
    } else process.exitCode = EXIT.OK;
  }
}
