import { describe, expect, it } from 'vitest';

import { fitWithin } from '../../../src/video/frame-reader.js';

describe('fitWithin', () => {
  it('keeps sizes under the cap untouched', () => {
    expect(fitWithin(1920, 1080, undefined)).toEqual({ width: 1920, height: 1080 });
    expect(fitWithin(1920, 1080, 1920)).toEqual({ width: 1920, height: 1080 });
    expect(fitWithin(321, 241, 4096)).toEqual({ width: 321, height: 241 });
  });
  it('caps the longer side and keeps the aspect ratio', () => {
    expect(fitWithin(7680, 4320, 1280)).toEqual({ width: 1280, height: 720 });
    expect(fitWithin(1080, 1920, 640)).toEqual({ width: 360, height: 640 });
    expect(fitWithin(10_000, 3, 100)).toEqual({ width: 100, height: 1 });
  });
});
