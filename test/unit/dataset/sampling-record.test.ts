import { describe, expect, it } from 'vitest';
import { parseSamplingFlags } from '../../../src/cli/scan-flags.js';
import { resolveOptions } from '../../../src/dataset/prepare-dataset.js';
import { samplingRecord } from '../../../src/dataset/sampling-record.js';

describe('samplingRecord', () => {
  it('keeps the spec\'s own field, null for the others, and the window and frame cap (null when not given)', () => {
    expect(samplingRecord({ mode: 'count', frames: 32 }, {})).toEqual({ mode: 'count', frames: 32, intervalMs: null, fps: null, startMs: null, endMs: null, maxFrames: null });
    expect(samplingRecord({ mode: 'every', intervalMs: 500 }, { startMs: 1000, endMs: 9000 })).toEqual({
      mode: 'every',
      frames: null,
      intervalMs: 500,
      fps: null,
      startMs: 1000,
      endMs: 9000,
      maxFrames: null,
    });
    expect(samplingRecord({ mode: 'fps', fps: 2 }, { maxFrames: 10 })).toMatchObject({ mode: 'fps', frames: null, intervalMs: null, fps: 2, maxFrames: 10 });
    expect(samplingRecord({ mode: 'keyframes' }, { startMs: 0 })).toEqual({ mode: 'keyframes', frames: null, intervalMs: null, fps: null, startMs: 0, endMs: null, maxFrames: null });
  });

  it('is what the scan flags record and what dataset.json records, for the same sampling', () => {
    const parsed = parseSamplingFlags({ every: '250ms', start: '1s', end: '5s', 'max-frames': 8 });
    expect(parsed.report).toEqual(samplingRecord(parsed.spec, parsed));
    const dataset = resolveOptions({ inputs: [], outDir: 'unused', sampling: parsed.spec, startMs: parsed.startMs, endMs: parsed.endMs, maxFrames: parsed.maxFrames, toolVersion: '0.0.0' });
    expect(dataset.sampling).toEqual(parsed.report);
  });
});
