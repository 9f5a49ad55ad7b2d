import { availableParallelism } from 'node:os';
import { Flags } from '@oclif/core';
import { FAIL_ON } from '../report/verdicts.js';
import { UsageError } from '../util/usage-error.js';
import { parseShard, ShardError, type Shard } from '../scan/shard.js';
import { parseDurationMs } from '../video/parse-duration.js';
import type { SamplingSpec } from '../video/sample-times.js';
import { AGGREGATE_RULES, type SamplingOptions } from '../report/scan-report.js';
import { samplingRecord } from '../dataset/sampling-record.js';

export const DEFAULT_FRAMES = 32;

const SAMPLING = ['frames', 'every', 'fps', 'keyframes'];

/** The flags that shape a scan (shared by `ldf scan` and, later, batch and eval commands). */
export const scanFlags = {
  frames: Flags.integer({
    description: `Sample N frames evenly spaced over the video (default ${DEFAULT_FRAMES}, the convention published video-level numbers assume).`,
    min: 1,
    exclusive: SAMPLING.filter((f) => f !== 'frames'),
    helpGroup: 'SAMPLING',
  }),
  every: Flags.string({
    description: 'Sample one frame every DURATION (e.g. 1s, 500ms, 1m30s).',
    exclusive: SAMPLING.filter((f) => f !== 'every'),
    helpGroup: 'SAMPLING',
  }),
  fps: Flags.string({
    description: 'Sample at RATE frames per second (e.g. 2, 0.5).',
    exclusive: SAMPLING.filter((f) => f !== 'fps'),
    helpGroup: 'SAMPLING',
  }),
  keyframes: Flags.boolean({
    description: 'Decode only key frames (I-frames): the fastest sampling.',
    exclusive: SAMPLING.filter((f) => f !== 'keyframes'),
    helpGroup: 'SAMPLING',
  }),
  start: Flags.string({ description: 'Start of the time range to sample (e.g. 10s, 00:01:30).', helpGroup: 'SAMPLING' }),
  end: Flags.string({ description: 'End of the time range to sample.', helpGroup: 'SAMPLING' }),
  'max-frames': Flags.integer({ description: 'Sample at most N frames per file.', min: 1, helpGroup: 'SAMPLING' }),
  'min-face': Flags.integer({ description: 'Ignore faces smaller than N pixels (shorter side of the box).', default: 40, min: 0, helpGroup: 'FACES' }),
  'min-confidence': Flags.string({ description: 'Ignore detections below this confidence (0-1). Default: 0.5 with --detector ssd, 0.3 with tiny (its scores run lower).', helpGroup: 'FACES' }),
  'max-faces': Flags.integer({ description: 'At most N faces per frame (the most confident).', default: 10, min: 1, helpGroup: 'FACES' }),
  decode: Flags.string({
    description:
      "How --frames / --every samples are decoded. auto: a sample whose nearest key frame lies within half the gap to its neighbouring samples gets that key frame, decoded alone (no other frame of its GOP); the other samples get the exact frame on screen at their time. exact: every sample gets its exact frame (a seek decodes from the previous key frame). Every sample gets a frame of its own with its real timestamp either way; the JSON report's file.decode says how many came from key frames.",
    options: ['auto', 'exact'],
    default: 'auto',
    helpGroup: 'SAMPLING',
  }),
  'min-judged-face': Flags.integer({
    description:
      "Faces smaller than N px (the longer side of the box the crop is built on) are too small to judge: reported, not scored, never counted for a verdict; a file with only such faces is 'too-small'. Default: the model's measured cut-off (its manifest's judging.minFacePx), else 0.",
    min: 0,
    helpGroup: 'FACES',
  }),
  detector: Flags.string({
    description:
      'Face detector: ssd (SSD MobileNet v1 at 512 px, ~3 GMACs per frame; the default, and the one every shipped model was evaluated with) or tiny (TinyFaceDetector at 320 and 512 px, ~0.42 GMACs: faster, but it reports faces in synthetic test patterns where the SSD finds none, so it is not the default). Both weights ship in @vladmandic/face-api. tiny needs a model with landmark crops (landmarks-square).',
    options: ['ssd', 'tiny'],
    default: 'ssd',
    helpGroup: 'FACES',
  }),
  aggregate: Flags.string({
    description: 'How a person\'s face scores combine: mean, median, max, topk (mean of the --top-k highest), confident (the DFDC winner\'s rule).',
    options: [...AGGREGATE_RULES],
    default: 'mean',
    helpGroup: 'SCORING',
  }),
  'top-k': Flags.integer({ description: 'k for --aggregate topk.', default: 3, min: 1, helpGroup: 'SCORING' }),
  'min-track-faces': Flags.integer({
    description: 'A person counts for the file\'s verdict only with at least N faces (capped at the frames sampled).',
    default: 3,
    min: 1,
    helpGroup: 'SCORING',
  }),
  'threshold-real': Flags.string({ description: 'Scores below this are real (default: the model\'s).', helpGroup: 'SCORING' }),
  'threshold-fake': Flags.string({ description: 'Scores at or above this are fake (default: the model\'s).', helpGroup: 'SCORING' }),
  'fail-on': Flags.string({
    description: 'Exit 1 when a file\'s verdict reaches this: fake, uncertain (or fake), none.',
    options: [...FAIL_ON],
    default: 'fake',
    helpGroup: 'OUTPUT',
  }),
  'batch-size': Flags.integer({ description: 'Faces per forward pass of the network.', default: 8, min: 1, helpGroup: 'BACKEND' }),
  'ffmpeg-path': Flags.string({ description: 'ffmpeg binary to use (else FFMPEG_PATH, the PATH, then the bundled one).', helpGroup: 'FFMPEG' }),
  'ffprobe-path': Flags.string({ description: 'ffprobe binary to use (else FFPROBE_PATH, the PATH, then the bundled one).', helpGroup: 'FFMPEG' }),
};

/**
 * Files in flight by default: one analysed (inference, on this thread, with
 * the wasm backend's threads) while the others are probed and decoded ahead
 * by ffmpeg. Two already overlap decoding with inference; a third helps
 * only when there are cores to spare for ffmpeg. Capped at 4: more only
 * holds more decoded frames.
 */
export function defaultConcurrency(cores: number = availableParallelism()): number {
  return Math.min(4, Math.max(2, Math.floor(cores / 2) + 1));
}

/** The flags of batch scanning: what to pick from folders, how many files in flight, resuming, sharding. */
export const batchFlags = {
  include: Flags.string({
    description: 'Scan only files (found in folders) whose path relative to the folder matches GLOB; repeatable. "*.mp4" matches names at any depth, "2024/**/*.mov" whole paths.',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'INPUT',
  }),
  exclude: Flags.string({
    description: 'Leave out files and folders matching GLOB (as --include); repeatable.',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'INPUT',
  }),
  ext: Flags.string({
    description: 'Only files with these extensions, comma-separated (e.g. mp4,mov,jpg). Default: known media extensions, and other files whose content ffprobe recognises as video or image.',
    helpGroup: 'INPUT',
  }),
  shard: Flags.string({
    description: 'Scan share I of N (1-based) of the files, by a stable hash of each path relative to its folder; N jobs with I = 1..N cover every file once. auto/N takes I from JOB_COMPLETION_INDEX (Kubernetes Indexed Job, 0-based) or CI_NODE_INDEX (GitLab); auto takes both from CI_NODE_INDEX/CI_NODE_TOTAL.',
    helpGroup: 'INPUT',
  }),
  concurrency: Flags.integer({
    description: `Files in flight: one is analysed while the next N-1 are probed and decoded ahead. Output order does not depend on it. Default ${defaultConcurrency()} here (from the cores).`,
    min: 1,
    max: 64,
    helpGroup: 'BATCH',
  }),
  resume: Flags.boolean({
    description: 'Skip files whose sha256, model and options match a finished result in the --output report or its journal (after a kill or Ctrl-C).',
    default: false,
    helpGroup: 'BATCH',
  }),
  'max-errors': Flags.integer({ description: 'Stop after N files failed (exit 2; the report says how many were not scanned).', min: 1, helpGroup: 'BATCH' }),
};

/** --ext as a list of lower-case extensions without dots; null when not given. */
export function parseExtFlag(value: string | undefined): string[] | null {
  if (value === undefined) return null;
  const list = value
    .split(',')
    .map((e) => e.trim().toLowerCase().replace(/^\./, ''))
    .filter((e) => e !== '');
  for (const e of list) if (!/^[a-z0-9]+$/.test(e)) throw new UsageError(`--ext: "${e}" is not a file extension (letters and digits, e.g. mp4)`);
  if (list.length === 0) throw new UsageError('--ext needs at least one extension (e.g. --ext mp4,mov)');
  return [...new Set(list)];
}

export { UsageError };

/** --shard K/N (or from CI's variables: see parseShard), null without the flag. */
export function parseShardFlag(value: string | undefined): Shard | null {
  if (value === undefined) return null;
  try {
    return parseShard(value, process.env);
  } catch (error) {
    if (error instanceof ShardError) throw new UsageError(error.message);
    throw error;
  }
}

/** A number flag given as text, checked to lie in [min, max]. */
export function parseNumberFlag(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

export interface ParsedSampling {
  spec: SamplingSpec;
  startMs: number | undefined;
  endMs: number | undefined;
  maxFrames: number | undefined;
  /** As recorded in the report. */
  report: SamplingOptions;
}

export function parseSamplingFlags(flags: {
  frames?: number;
  every?: string;
  fps?: string;
  keyframes?: boolean;
  start?: string;
  end?: string;
  'max-frames'?: number;
}): ParsedSampling {
  let spec: SamplingSpec;
  if (flags.every !== undefined) spec = { mode: 'every', intervalMs: parseDurationMs(flags.every) };
  else if (flags.fps !== undefined) spec = { mode: 'fps', fps: parseNumberFlag('fps', flags.fps, 1e-6, 1000) };
  else if (flags.keyframes === true) spec = { mode: 'keyframes' };
  else spec = { mode: 'count', frames: flags.frames ?? DEFAULT_FRAMES };
  if (spec.mode === 'every' && spec.intervalMs <= 0) throw new UsageError('--every must be longer than 0');
  const startMs = flags.start === undefined ? undefined : parseDurationMs(flags.start);
  const endMs = flags.end === undefined ? undefined : parseDurationMs(flags.end);
  if (startMs !== undefined && endMs !== undefined && endMs <= startMs) {
    throw new UsageError(`--end (${flags.end}) must be after --start (${flags.start})`);
  }
  const maxFrames = flags['max-frames'];
  return {
    spec,
    startMs,
    endMs,
    maxFrames,
    report: samplingRecord(spec, { startMs, endMs, maxFrames }),
  };
}

/** --min-confidence when not given, per detector. */
export const DEFAULT_MIN_CONFIDENCE_BY_DETECTOR = { ssd: 0.5, tiny: 0.3 } as const;

/**
 * The detector --detector picks. The SSD is the default for every model: TinyFaceDetector finds the faces
 * the SSD finds on the fixtures and demo photos, but also reports "faces" in ffmpeg's testsrc2 pattern
 * (16 in 6 frames of fixtures/no-face.mp4, scores up to 1.0) where the SSD reports none.
 */
export function detectorFor(flag: string | undefined, _cropName: string): 'tiny' | 'ssd' {
  return flag === 'tiny' ? 'tiny' : 'ssd';
}
