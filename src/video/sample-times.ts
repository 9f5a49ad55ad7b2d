import { VideoError } from './video-error.js';

/** How frames are chosen from a video. */
export type SamplingSpec =
  /** N frames evenly spread over the range (midpoints of N equal segments). */
  | { mode: 'count'; frames: number }
  /** One frame every `intervalMs`, starting at the range start. */
  | { mode: 'every'; intervalMs: number }
  /** Constant-rate sampling at `fps` frames per second, starting at the range start. */
  | { mode: 'fps'; fps: number }
  /** Every key frame (I-frame) in the range; times come from the file, not from arithmetic. */
  | { mode: 'keyframes' };

/** The specs whose sample times are pure arithmetic. */
export type TimedSamplingSpec = Exclude<SamplingSpec, { mode: 'keyframes' }>;

export interface SampleRangeOptions {
  /** Range start (inclusive), ms. Default 0. */
  startMs?: number | undefined;
  /** Range end (exclusive), ms. Default (and clamped to) the duration. */
  endMs?: number | undefined;
  /** Cap on the number of frames. */
  maxFrames?: number | undefined;
}

export interface SampleTimesInput extends SampleRangeOptions {
  sampling: TimedSamplingSpec;
  /** Media duration in ms; null/undefined/0/NaN = unknown. */
  durationMs: number | null | undefined;
  /** A still image always yields exactly one sample, at 0. */
  isStillImage?: boolean | undefined;
  /** Stream frame rate, used to cap `count` at the number of frames in the range. */
  frameRate?: number | null | undefined;
}

export interface SampleWindow {
  startMs: number;
  /** Exclusive end; null when the duration is unknown and no end was given. */
  endMs: number | null;
}

/** Refuse to materialise absurd sample lists (e.g. every 1 ms over 10 h). */
export const MAX_SAMPLE_COUNT = 1_000_000;

/**
 * Checks a spec and range options, throwing VideoError 'BAD_SAMPLING' with a one-line reason.
 * (N must be a positive integer, intervals/fps positive and finite, 0 <= start < end, maxFrames >= 1.)
 */
export function validateSampling(sampling: SamplingSpec, range: SampleRangeOptions = {}): void {
  const fail = (why: string): never => {
    throw new VideoError('BAD_SAMPLING', `Invalid sampling: ${why}`, { reason: why });
  };
  switch (sampling.mode) {
    case 'count':
      if (!Number.isInteger(sampling.frames) || sampling.frames < 1) fail(`frame count must be a positive integer, got ${sampling.frames}`);
      break;
    case 'every':
      if (!Number.isFinite(sampling.intervalMs) || sampling.intervalMs <= 0) fail(`interval must be > 0 ms, got ${sampling.intervalMs}`);
      break;
    case 'fps':
      if (!Number.isFinite(sampling.fps) || sampling.fps <= 0) fail(`fps must be > 0, got ${sampling.fps}`);
      break;
    case 'keyframes':
      break;
    default:
      fail(`unknown mode ${String((sampling as { mode?: unknown }).mode)}`);
  }
  const { startMs, endMs, maxFrames } = range;
  if (startMs !== undefined && (!Number.isFinite(startMs) || startMs < 0)) fail(`start must be >= 0 ms, got ${startMs}`);
  if (endMs !== undefined && (!Number.isFinite(endMs) || endMs <= 0)) fail(`end must be > 0 ms, got ${endMs}`);
  if (startMs !== undefined && endMs !== undefined && endMs <= startMs) fail(`end (${endMs} ms) must be after start (${startMs} ms)`);
  if (maxFrames !== undefined && (!Number.isInteger(maxFrames) || maxFrames < 1)) fail(`max frames must be a positive integer, got ${maxFrames}`);
}

/**
 * The [start, end) window actually sampled: start defaults to 0, end defaults to the duration and
 * is clamped to it. `endMs` is null when neither a duration nor an end is known. The window may be
 * empty (start >= end) when the range lies beyond the duration.
 */
export function resolveSampleWindow(durationMs: number | null | undefined, range: SampleRangeOptions = {}): SampleWindow {
  const startMs = range.startMs ?? 0;
  const knownDuration = isKnownDuration(durationMs) ? durationMs : null;
  let endMs: number | null = range.endMs ?? knownDuration;
  if (endMs !== null && knownDuration !== null) endMs = Math.min(endMs, knownDuration);
  return { startMs, endMs };
}

/**
 * Sample timestamps in ms (ascending, unique, rounded to the microsecond), all inside [start, end).
 *
 * - `count` N: the midpoints of N equal segments of the window, i.e. start + (i + 0.5) * len / N,
 *   so no sample sits on the very first or last instant (black intro frames, missing last frame).
 *   N is capped by `maxFrames` and, when `frameRate` is known, by the number of frames in the window.
 * - `every` d: start, start + d, start + 2d, ... < end (first `maxFrames` of them).
 * - `fps` f: start + k * 1000 / f < end (first `maxFrames` of them).
 * - Still image: always [0].
 * - Unknown or zero duration (and no endMs): a single sample at start.
 * - Empty window (range beyond the duration): [].
 *
 * @throws VideoError 'BAD_SAMPLING' for invalid specs, or when more than MAX_SAMPLE_COUNT samples would result.
 */
export function computeSampleTimes(input: SampleTimesInput): number[] {
  validateSampling(input.sampling, input);
  const maxFrames = input.maxFrames ?? Number.POSITIVE_INFINITY;
  if (input.isStillImage === true) return [0];

  const window = resolveSampleWindow(input.durationMs, input);
  if (window.endMs === null || (!isKnownDuration(input.durationMs) && input.endMs === undefined)) {
    return [roundMs(window.startMs)];
  }
  const { startMs, endMs } = window;
  if (startMs >= endMs) return [];
  const lengthMs = endMs - startMs;

  const times: number[] = [];
  const sampling = input.sampling;
  if (sampling.mode === 'count') {
    let count = Math.min(sampling.frames, maxFrames);
    const frameRate = input.frameRate;
    if (frameRate !== null && frameRate !== undefined && Number.isFinite(frameRate) && frameRate > 0) {
      const framesInWindow = Math.max(1, Math.floor((lengthMs * frameRate) / 1000 + 1e-6));
      count = Math.min(count, framesInWindow);
    }
    assertSampleCount(count);
    const segmentMs = lengthMs / count;
    for (let i = 0; i < count; i++) times.push(startMs + (i + 0.5) * segmentMs);
  } else {
    const stepMs = sampling.mode === 'every' ? sampling.intervalMs : 1000 / sampling.fps;
    const count = Math.min(Math.ceil(lengthMs / stepMs - 1e-9), maxFrames);
    assertSampleCount(count);
    for (let k = 0; k < count; k++) times.push(startMs + k * stepMs);
  }

  const result: number[] = [];
  for (const time of times) {
    const rounded = roundMs(time);
    if (rounded < startMs || rounded >= endMs) continue;
    if (result.length > 0 && result[result.length - 1] === rounded) continue;
    result.push(rounded);
  }
  return result;
}

function assertSampleCount(count: number): void {
  if (count > MAX_SAMPLE_COUNT) {
    throw new VideoError('BAD_SAMPLING', `Invalid sampling: ${count} samples exceed the limit of ${MAX_SAMPLE_COUNT}; set maxFrames or a larger interval`, {
      reason: 'too many samples',
    });
  }
}

function isKnownDuration(durationMs: number | null | undefined): durationMs is number {
  return typeof durationMs === 'number' && Number.isFinite(durationMs) && durationMs > 0;
}

function roundMs(value: number): number {
  return Math.round(value * 1000) / 1000;
}
