import { Flags } from '@oclif/core';
import { AGGREGATE_RULES, type AggregateRule } from '../scan/aggregate-scores.js';
import { FAIL_ON } from '../report/verdicts.js';
import { parseDurationMs } from '../video/parse-duration.js';
import type { SamplingSpec } from '../video/sample-times.js';
import type { SamplingOptions } from '../report/scan-report.js';

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
  'min-confidence': Flags.string({ description: 'Ignore detections below this confidence (0-1).', default: '0.5', helpGroup: 'FACES' }),
  'max-faces': Flags.integer({ description: 'At most N faces per frame (the most confident).', default: 10, min: 1, helpGroup: 'FACES' }),
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

export class UsageError extends Error {
  readonly code = 'USAGE';
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
    report: {
      mode: spec.mode,
      frames: spec.mode === 'count' ? spec.frames : null,
      intervalMs: spec.mode === 'every' ? spec.intervalMs : null,
      fps: spec.mode === 'fps' ? spec.fps : null,
      startMs: startMs ?? null,
      endMs: endMs ?? null,
      maxFrames: maxFrames ?? null,
    },
  };
}

export function parseAggregate(value: string): AggregateRule {
  return value as AggregateRule;
}
