/**
 * Planning of sparse frame reads: which sample times share one ffmpeg process.
 *
 * Each sample time T is served by the frame on screen at T: the first frame whose pts is later than
 * T - frameDuration (exactly the displayed frame for constant frame rate; for variable frame rate,
 * frameDuration is the smallest frame interval, 1 / r_frame_rate, so a sample in a long gap may get
 * the frame after the gap). Without a frame duration it is the first frame at or after T, which is
 * what `ffmpeg -ss T -i file -frames:v 1` returns. A 1 ms tolerance absorbs timestamp rounding.
 *
 * One process seeks (accurately) to the first threshold of its segment and picks the rest with a
 * select filter while decoding forward. A new segment (= a new seek) starts only when seeking skips
 * decoding: when the key frame an accurate seek to the next threshold starts from lies at least
 * `minSkipMs` after the previous threshold. So samples inside one GOP never re-decode it (which is
 * what makes one-process-per-frame slow), and far-apart samples never decode what lies between
 * them (which is what makes one-process-with-select slow).
 */

export interface SparsePlanOptions {
  /** Nominal frame interval (1000 / r_frame_rate); null/undefined = unknown. */
  frameDurationMs?: number | null | undefined;
  /** Timestamp rounding tolerance. Default 1 ms (at most a quarter of frameDurationMs). */
  toleranceMs?: number | undefined;
  /**
   * Estimated pts of the last frame; thresholds are clamped to it so samples in the final frame
   * interval map to the last frame instead of to nothing. null/undefined = no clamp.
   */
  lastFrameMs?: number | null | undefined;
  /** Seek only if that skips at least this much decoding. Default 1000 ms. */
  minSkipMs?: number | undefined;
  /** When the key frame position is unknown, seek if samples are more than this apart. Default 2000 ms. */
  unknownKeyframeGapMs?: number | undefined;
  /** Bounds the select expression length (one term per sample). Default 200. */
  maxSamplesPerSegment?: number | undefined;
}

export interface SparseSegmentEntry {
  /** Index into the sample list. */
  sampleIndex: number;
  /** Threshold relative to the segment's seek point, in seconds (microsecond precision). */
  thresholdSec: number;
}

export interface SparseSegment {
  /** Accurate input seek position in ms (microsecond precision); 0 = read from the start. */
  seekMs: number;
  /** Ascending thresholds; the first one is 0 unless the seek was clamped. */
  entries: SparseSegmentEntry[];
}

const DEFAULTS = {
  toleranceMs: 1,
  minSkipMs: 1000,
  unknownKeyframeGapMs: 2000,
  maxSamplesPerSegment: 200,
};

/**
 * Absolute thresholds (ms, µs precision) for ascending sample times: the served frame is the first
 * one with pts >= threshold. threshold = T - frameDuration + tolerance (or T - tolerance when the
 * frame duration is unknown), clamped to [0, lastFrameMs]. These are also the positions at which
 * key frames are looked up and the seek positions.
 */
export function sampleThresholdsMs(timesMs: readonly number[], options: SparsePlanOptions = {}): number[] {
  const frameDuration = options.frameDurationMs;
  const hasFrameDuration = frameDuration !== null && frameDuration !== undefined && Number.isFinite(frameDuration) && frameDuration > 0;
  let toleranceUs = toUs(options.toleranceMs ?? DEFAULTS.toleranceMs);
  if (hasFrameDuration) toleranceUs = Math.min(toleranceUs, Math.floor(toUs(frameDuration) / 4));
  const shiftUs = hasFrameDuration ? toUs(frameDuration) - toleranceUs : toleranceUs;
  const lastFrame = options.lastFrameMs;
  const clampUs = lastFrame !== null && lastFrame !== undefined && Number.isFinite(lastFrame) ? Math.max(0, toUs(lastFrame)) : Number.POSITIVE_INFINITY;
  return timesMs.map((t) => Math.min(Math.max(0, toUs(t) - shiftUs), clampUs) / 1000);
}

/**
 * Groups thresholds (from sampleThresholdsMs, ascending) into segments.
 * @param keyframesMs for each threshold, the key frame (ms) an accurate seek there starts decoding at; null = unknown
 */
export function planSparseReads(thresholdsMs: readonly number[], keyframesMs: readonly (number | null)[], options: SparsePlanOptions = {}): SparseSegment[] {
  const minSkipUs = toUs(options.minSkipMs ?? DEFAULTS.minSkipMs);
  const unknownGapUs = toUs(options.unknownKeyframeGapMs ?? DEFAULTS.unknownKeyframeGapMs);
  const maxPerSegment = Math.max(1, options.maxSamplesPerSegment ?? DEFAULTS.maxSamplesPerSegment);

  const segments: SparseSegment[] = [];
  let current: { seekUs: number; entries: SparseSegmentEntry[] } | null = null;
  let previousUs = 0;
  thresholdsMs.forEach((thresholdMs, sampleIndex) => {
    const thresholdUs = toUs(thresholdMs);
    let startNew = current === null || current.entries.length >= maxPerSegment;
    if (!startNew) {
      const keyframe = keyframesMs[sampleIndex];
      startNew =
        keyframe !== null && keyframe !== undefined && Number.isFinite(keyframe)
          ? toUs(keyframe) - previousUs >= minSkipUs
          : thresholdUs - previousUs > unknownGapUs;
    }
    if (startNew || current === null) {
      current = { seekUs: thresholdUs, entries: [] };
      segments.push({ seekMs: thresholdUs / 1000, entries: current.entries });
    }
    current.entries.push({ sampleIndex, thresholdSec: (thresholdUs - current.seekUs) / 1_000_000 });
    previousUs = thresholdUs;
  });
  return segments;
}

/**
 * Maps one emitted frame of a segment to the entries it serves, mirroring ffmpeg's select
 * expression: the frame serves the next unserved entry (ffmpeg emitted it for something) plus every
 * further entry whose threshold is <= the frame's pts. Returns the new cursor.
 */
export function assignFrameToEntries(entries: readonly SparseSegmentEntry[], cursor: number, framePtsSec: number | null): { served: SparseSegmentEntry[]; cursor: number } {
  const served: SparseSegmentEntry[] = [];
  let next = cursor;
  const first = entries[next];
  if (first === undefined) return { served, cursor: next };
  served.push(first);
  next++;
  if (framePtsSec !== null) {
    for (let entry = entries[next]; entry !== undefined && entry.thresholdSec <= framePtsSec; entry = entries[next]) {
      served.push(entry);
      next++;
    }
  }
  return { served, cursor: next };
}

function toUs(ms: number): number {
  return Math.round(ms * 1000);
}
