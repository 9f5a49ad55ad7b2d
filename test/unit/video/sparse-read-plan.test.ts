import { describe, expect, it } from 'vitest';

import { assignFrameToEntries, planSparseReads, sampleThresholdsMs, type SparseSegmentEntry } from '../../../src/video/sparse-read-plan.js';

describe('sampleThresholdsMs', () => {
  it('without a frame duration: T - 1 ms tolerance, never negative', () => {
    expect(sampleThresholdsMs([0, 0.5, 1000, 2500.25])).toEqual([0, 0, 999, 2499.25]);
  });

  it('with a frame duration: first frame later than T - frameDuration (the frame on screen at T)', () => {
    // 25 fps: frames at 0, 40, 80... Midpoint 60 -> threshold 21 -> frame 40; exact 80 -> 41 -> frame 80.
    expect(sampleThresholdsMs([20, 60, 80, 100], { frameDurationMs: 40 })).toEqual([0, 21, 41, 61]);
  });

  it('limits the tolerance to a quarter frame for very high frame rates', () => {
    expect(sampleThresholdsMs([10], { frameDurationMs: 2 })).toEqual([8.5]);
  });

  it('clamps to the estimated last frame', () => {
    expect(sampleThresholdsMs([900, 990, 995], { frameDurationMs: 40, lastFrameMs: 960 })).toEqual([861, 951, 956]);
    expect(sampleThresholdsMs([900, 1990], { lastFrameMs: 960 })).toEqual([899, 960]);
  });

  it('keeps microsecond precision', () => {
    expect(sampleThresholdsMs([1000 / 3], { frameDurationMs: 1000 / 30 })).toEqual([301]);
    expect(sampleThresholdsMs([333.3334])).toEqual([332.333]);
  });
});

describe('planSparseReads', () => {
  const options = { minSkipMs: 1000, unknownKeyframeGapMs: 2000, maxSamplesPerSegment: 200 };

  it('keeps samples that share a GOP in one segment and seeks for far ones', () => {
    // GOPs start at 0, 10 000, 20 000 ms.
    const thresholds = [1000, 3000, 5000, 12_000, 14_000, 25_000];
    const keyframes = [0, 0, 0, 10_000, 10_000, 20_000];
    const segments = planSparseReads(thresholds, keyframes, options);
    expect(segments).toEqual([
      {
        seekMs: 1000,
        entries: [
          { sampleIndex: 0, thresholdSec: 0 },
          { sampleIndex: 1, thresholdSec: 2 },
          { sampleIndex: 2, thresholdSec: 4 },
        ],
      },
      {
        seekMs: 12_000,
        entries: [
          { sampleIndex: 3, thresholdSec: 0 },
          { sampleIndex: 4, thresholdSec: 2 },
        ],
      },
      { seekMs: 25_000, entries: [{ sampleIndex: 5, thresholdSec: 0 }] },
    ]);
  });

  it('does not seek when the skipped decoding is below minSkipMs', () => {
    // Next GOP starts 500 ms after the previous sample: cheaper to keep decoding.
    const segments = planSparseReads([9500, 10_200], [0, 10_000], options);
    expect(segments).toHaveLength(1);
    expect(segments[0]?.entries.map((e) => e.thresholdSec)).toEqual([0, 0.7]);
    expect(planSparseReads([9500, 10_200], [0, 10_000], { ...options, minSkipMs: 0 })).toHaveLength(2);
  });

  it('never seeks backwards into the current GOP (one process per frame is what this avoids)', () => {
    const thresholds = Array.from({ length: 30 }, (_, i) => i * 100);
    const segments = planSparseReads(thresholds, thresholds.map(() => 0), options);
    expect(segments).toHaveLength(1);
    expect(segments[0]?.entries).toHaveLength(30);
  });

  it('seeks for every sample of an all-intra stream when samples are far apart', () => {
    const thresholds = [0, 5000, 10_000];
    expect(planSparseReads(thresholds, [0, 5000, 10_000], options)).toHaveLength(3);
  });

  it('falls back to a gap rule when key frames are unknown', () => {
    const segments = planSparseReads([0, 1000, 2500, 6000, 6100], [null, null, null, null, null], options);
    expect(segments.map((s) => s.seekMs)).toEqual([0, 6000]);
  });

  it('splits long segments to bound the select expression', () => {
    const thresholds = Array.from({ length: 450 }, (_, i) => i * 10);
    const segments = planSparseReads(thresholds, thresholds.map(() => 0), options);
    expect(segments.map((s) => s.entries.length)).toEqual([200, 200, 50]);
    expect(segments[1]?.seekMs).toBe(2000);
    expect(segments[1]?.entries[0]).toEqual({ sampleIndex: 200, thresholdSec: 0 });
  });

  it('handles equal thresholds (clamped tail samples)', () => {
    const segments = planSparseReads([900, 960, 960], [0, 0, 0], options);
    expect(segments).toEqual([
      {
        seekMs: 900,
        entries: [
          { sampleIndex: 0, thresholdSec: 0 },
          { sampleIndex: 1, thresholdSec: 0.06 },
          { sampleIndex: 2, thresholdSec: 0.06 },
        ],
      },
    ]);
  });

  it('returns no segments for no samples', () => {
    expect(planSparseReads([], [], options)).toEqual([]);
  });

  it('produces thresholds with exact microsecond decimals', () => {
    const [segment] = planSparseReads([1000.001, 1333.334], [0, 0], options);
    expect(segment?.entries[1]?.thresholdSec).toBe(0.333333);
  });
});

describe('assignFrameToEntries', () => {
  const entries: SparseSegmentEntry[] = [
    { sampleIndex: 0, thresholdSec: 0 },
    { sampleIndex: 1, thresholdSec: 0.5 },
    { sampleIndex: 2, thresholdSec: 0.52 },
    { sampleIndex: 3, thresholdSec: 2 },
  ];

  it('gives each emitted frame the next entry plus all entries it also satisfies', () => {
    let state = assignFrameToEntries(entries, 0, 0.01);
    expect(state.served.map((e) => e.sampleIndex)).toEqual([0]);
    state = assignFrameToEntries(entries, state.cursor, 0.533);
    expect(state.served.map((e) => e.sampleIndex)).toEqual([1, 2]);
    state = assignFrameToEntries(entries, state.cursor, 2.0);
    expect(state.served.map((e) => e.sampleIndex)).toEqual([3]);
    expect(state.cursor).toBe(4);
    expect(assignFrameToEntries(entries, state.cursor, 3).served).toEqual([]);
  });

  it('serves one entry per frame when the pts is unknown', () => {
    const state = assignFrameToEntries(entries, 1, null);
    expect(state.served.map((e) => e.sampleIndex)).toEqual([1]);
    expect(state.cursor).toBe(2);
  });

  it('serves the next entry even if its own pts looks early (ffmpeg emitted it for that entry)', () => {
    const state = assignFrameToEntries(entries, 1, 0.4999);
    expect(state.served.map((e) => e.sampleIndex)).toEqual([1]);
  });
});
