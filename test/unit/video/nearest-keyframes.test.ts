import { describe, expect, it } from 'vitest';
import { assignNearestKeyframes } from '../../../src/video/frame-reader.js';

describe('assignNearestKeyframes', () => {
  it('gives each sample its nearest key frame when it lies within half the gap to its neighbours', () => {
    expect(assignNearestKeyframes([250, 750, 1250, 1750], [0, 400, 800, 1200, 1600])).toEqual([400, 800, 1200, 1600]);
  });

  it('never lets two samples share a key frame, and leaves the far ones to exact decoding', () => {
    // Key frames every 2 s, samples every 1 s: at most one sample per key frame.
    const got = assignNearestKeyframes([500, 1500, 2500, 3500], [0, 2000, 4000]);
    const used = got.filter((k) => k !== null);
    expect(new Set(used).size).toBe(used.length);
    // Inner samples are exactly half a gap from their key frames: exact frames; the outer ones have no
    // neighbour on the key frame's side.
    expect(got).toEqual([0, null, null, 4000]);
    expect(assignNearestKeyframes([100, 1900, 2300], [0, 2000])).toEqual([0, 2000, null]);
  });

  it('respects maxDistanceMs and handles no key frames, one sample, and samples before the first key frame', () => {
    expect(assignNearestKeyframes([5000], [0, 10_000])).toEqual([null]);
    expect(assignNearestKeyframes([900], [0, 10_000])).toEqual([0]);
    expect(assignNearestKeyframes([100, 200], [])).toEqual([null, null]);
    expect(assignNearestKeyframes([10, 900], [50, 1000])).toEqual([50, 1000]);
  });
});
