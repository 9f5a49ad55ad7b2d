import { describe, expect, it } from 'vitest';

import { computeSampleTimes, MAX_SAMPLE_COUNT, resolveSampleWindow, validateSampling, type SampleTimesInput } from '../../../src/video/sample-times.js';
import { VideoError } from '../../../src/video/video-error.js';

function times(input: Partial<SampleTimesInput> & Pick<SampleTimesInput, 'sampling'>): number[] {
  return computeSampleTimes({ durationMs: 10_000, ...input });
}

function expectBadSampling(run: () => unknown): void {
  expect(run).toThrowError(VideoError);
  try {
    run();
  } catch (error) {
    expect((error as VideoError).code).toBe('BAD_SAMPLING');
  }
}

describe('computeSampleTimes: count', () => {
  it('uses the midpoints of N equal segments', () => {
    expect(times({ sampling: { mode: 'count', frames: 4 } })).toEqual([1250, 3750, 6250, 8750]);
    expect(times({ sampling: { mode: 'count', frames: 1 } })).toEqual([5000]);
  });

  it('spreads over a sub-range', () => {
    expect(times({ sampling: { mode: 'count', frames: 2 }, startMs: 2000, endMs: 4000 })).toEqual([2500, 3500]);
  });

  it('rounds to the microsecond and stays strictly inside [start, end)', () => {
    const result = times({ sampling: { mode: 'count', frames: 3 }, durationMs: 1000 });
    expect(result).toEqual([166.667, 500, 833.333]);
    const many = times({ sampling: { mode: 'count', frames: 997 }, durationMs: 1234.567 });
    expect(many).toHaveLength(997);
    for (const t of many) {
      expect(t).toBeGreaterThanOrEqual(0);
      expect(t).toBeLessThan(1234.567);
    }
    expect([...many].sort((a, b) => a - b)).toEqual(many);
  });

  it('caps N at the number of frames in the range when the frame rate is known', () => {
    // 1 s at 25 fps holds 25 frames: 100 requested -> 25, one per frame interval midpoint.
    const result = times({ sampling: { mode: 'count', frames: 100 }, durationMs: 1000, frameRate: 25 });
    expect(result).toHaveLength(25);
    expect(result[0]).toBe(20);
    expect(result[24]).toBe(980);
    // A range shorter than one frame still yields one sample.
    expect(times({ sampling: { mode: 'count', frames: 5 }, durationMs: 10, frameRate: 25 })).toEqual([5]);
  });

  it('does not cap without a frame rate', () => {
    expect(times({ sampling: { mode: 'count', frames: 100 }, durationMs: 1000 })).toHaveLength(100);
  });

  it('applies maxFrames by lowering N (still spread over the whole range)', () => {
    expect(times({ sampling: { mode: 'count', frames: 10 }, maxFrames: 2 })).toEqual([2500, 7500]);
  });
});

describe('computeSampleTimes: every / fps', () => {
  it('every: start, start + d, ... < end', () => {
    expect(times({ sampling: { mode: 'every', intervalMs: 3000 } })).toEqual([0, 3000, 6000, 9000]);
    expect(times({ sampling: { mode: 'every', intervalMs: 2500 } })).toEqual([0, 2500, 5000, 7500]);
  });

  it('every: excludes the end itself', () => {
    expect(times({ sampling: { mode: 'every', intervalMs: 5000 } })).toEqual([0, 5000]);
  });

  it('every: honours a range', () => {
    expect(times({ sampling: { mode: 'every', intervalMs: 1000 }, startMs: 7500, endMs: 9000 })).toEqual([7500, 8500]);
  });

  it('every: interval longer than the range gives one sample', () => {
    expect(times({ sampling: { mode: 'every', intervalMs: 60_000 } })).toEqual([0]);
  });

  it('fps: start + k / fps without drift', () => {
    const result = times({ sampling: { mode: 'fps', fps: 3 }, durationMs: 2000 });
    expect(result).toEqual([0, 333.333, 666.667, 1000, 1333.333, 1666.667]);
    const long = times({ sampling: { mode: 'fps', fps: 30 }, durationMs: 600_000 });
    expect(long).toHaveLength(18_000);
    expect(long[17_999]).toBe(599_966.667);
  });

  it('fps / every: maxFrames keeps the first N', () => {
    expect(times({ sampling: { mode: 'fps', fps: 1 }, maxFrames: 3 })).toEqual([0, 1000, 2000]);
    expect(times({ sampling: { mode: 'every', intervalMs: 100 }, maxFrames: 2, startMs: 500 })).toEqual([500, 600]);
  });

  it('fps higher than the video frame rate still gives distinct times (frames repeat when read)', () => {
    expect(times({ sampling: { mode: 'fps', fps: 100 }, durationMs: 50, frameRate: 25 })).toEqual([0, 10, 20, 30, 40]);
  });
});

describe('computeSampleTimes: edge cases', () => {
  it('still image -> a single frame at 0, whatever the spec or range', () => {
    expect(times({ sampling: { mode: 'count', frames: 10 }, isStillImage: true, durationMs: null })).toEqual([0]);
    expect(times({ sampling: { mode: 'fps', fps: 30 }, isStillImage: true, durationMs: 40, startMs: 500 })).toEqual([0]);
  });

  it('unknown or zero duration -> a single frame at the range start', () => {
    expect(times({ sampling: { mode: 'count', frames: 10 }, durationMs: null })).toEqual([0]);
    expect(times({ sampling: { mode: 'count', frames: 10 }, durationMs: undefined })).toEqual([0]);
    expect(times({ sampling: { mode: 'count', frames: 10 }, durationMs: 0 })).toEqual([0]);
    expect(times({ sampling: { mode: 'count', frames: 10 }, durationMs: Number.NaN, startMs: 1500 })).toEqual([1500]);
  });

  it('unknown duration with an explicit end uses the end', () => {
    expect(times({ sampling: { mode: 'count', frames: 2 }, durationMs: null, endMs: 4000 })).toEqual([1000, 3000]);
  });

  it('clamps the end to the duration', () => {
    expect(times({ sampling: { mode: 'count', frames: 2 }, endMs: 60_000 })).toEqual([2500, 7500]);
    expect(times({ sampling: { mode: 'every', intervalMs: 4000 }, startMs: 5000, endMs: 99_000 })).toEqual([5000, 9000]);
  });

  it('a range entirely beyond the duration yields nothing', () => {
    expect(times({ sampling: { mode: 'count', frames: 5 }, startMs: 10_000 })).toEqual([]);
    expect(times({ sampling: { mode: 'count', frames: 5 }, startMs: 20_000, endMs: 30_000 })).toEqual([]);
    expect(times({ sampling: { mode: 'fps', fps: 1 }, startMs: 12_000 })).toEqual([]);
  });

  it('tiny durations', () => {
    expect(times({ sampling: { mode: 'count', frames: 2 }, durationMs: 0.004 })).toEqual([0.001, 0.003]);
    expect(times({ sampling: { mode: 'every', intervalMs: 1 }, durationMs: 0.5 })).toEqual([0]);
  });

  it('refuses absurd sample counts instead of allocating them', () => {
    expectBadSampling(() => times({ sampling: { mode: 'every', intervalMs: 0.001 }, durationMs: 3_600_000 }));
    expectBadSampling(() => times({ sampling: { mode: 'count', frames: MAX_SAMPLE_COUNT + 1 } }));
    expect(times({ sampling: { mode: 'every', intervalMs: 0.001 }, durationMs: 3_600_000, maxFrames: 3 })).toEqual([0, 0.001, 0.002]);
  });
});

describe('validateSampling', () => {
  it.each([
    [{ mode: 'count', frames: 0 }],
    [{ mode: 'count', frames: -1 }],
    [{ mode: 'count', frames: 1.5 }],
    [{ mode: 'count', frames: Number.NaN }],
    [{ mode: 'every', intervalMs: 0 }],
    [{ mode: 'every', intervalMs: -5 }],
    [{ mode: 'every', intervalMs: Number.POSITIVE_INFINITY }],
    [{ mode: 'fps', fps: 0 }],
    [{ mode: 'fps', fps: Number.NaN }],
    [{ mode: 'bogus' }],
  ])('rejects %j', (spec) => {
    expectBadSampling(() => validateSampling(spec as never));
  });

  it('rejects bad ranges', () => {
    const spec = { mode: 'count', frames: 1 } as const;
    expectBadSampling(() => validateSampling(spec, { startMs: -1 }));
    expectBadSampling(() => validateSampling(spec, { endMs: 0 }));
    expectBadSampling(() => validateSampling(spec, { startMs: 5000, endMs: 5000 }));
    expectBadSampling(() => validateSampling(spec, { startMs: 5000, endMs: 1000 }));
    expectBadSampling(() => validateSampling(spec, { maxFrames: 0 }));
    expectBadSampling(() => validateSampling(spec, { maxFrames: 2.5 }));
    expectBadSampling(() => computeSampleTimes({ sampling: spec, durationMs: 1000, startMs: 2000, endMs: 1000 }));
  });

  it('accepts keyframes and valid ranges', () => {
    expect(() => validateSampling({ mode: 'keyframes' }, { startMs: 0, endMs: 1, maxFrames: 1 })).not.toThrow();
  });
});

describe('resolveSampleWindow', () => {
  it('defaults to [0, duration)', () => {
    expect(resolveSampleWindow(5000)).toEqual({ startMs: 0, endMs: 5000 });
  });
  it('clamps the end to the duration', () => {
    expect(resolveSampleWindow(5000, { startMs: 1000, endMs: 9000 })).toEqual({ startMs: 1000, endMs: 5000 });
  });
  it('has no end when nothing is known', () => {
    expect(resolveSampleWindow(null, { startMs: 1000 })).toEqual({ startMs: 1000, endMs: null });
    expect(resolveSampleWindow(null, { endMs: 3000 })).toEqual({ startMs: 0, endMs: 3000 });
  });
});
