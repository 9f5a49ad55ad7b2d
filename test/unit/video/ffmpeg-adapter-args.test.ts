import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { buildFilterChain, buildRawFramesArgs, formatSeconds, toInputUrl, type RawFramesRequest } from '../../../src/video/ffmpeg-adapter.js';
import { fitWithin } from '../../../src/video/frame-reader.js';
import { parseRational } from '../../../src/video/rational.js';

const base: RawFramesRequest = {
  filePath: 'clips/a b.mp4',
  streamIndex: 2,
  pick: { kind: 'all' },
  rotationDeg: 0,
  outputWidth: 320,
  outputHeight: 240,
};

describe('buildRawFramesArgs', () => {
  it('puts seeking and decoder options before -i and pipes rgb24 rawvideo to stdout', () => {
    const args = buildRawFramesArgs({ ...base, seekSec: 12.5, readDurationSec: 3, maxFrames: 4 });
    const input = args.indexOf('-i');
    expect(args.slice(0, 5)).toEqual(['-nostdin', '-hide_banner', '-nostats', '-loglevel', 'level+info']);
    expect(args.indexOf('-ss')).toBeLessThan(input);
    expect(args[args.indexOf('-ss') + 1]).toBe('12.500000');
    expect(args[args.indexOf('-t') + 1]).toBe('3.000000');
    expect(args.indexOf('-noautorotate')).toBeLessThan(input);
    expect(args[input + 1]).toBe(`file:${path.resolve('clips/a b.mp4')}`);
    expect(args.slice(input + 2)).toEqual([
      '-map', '0:2',
      '-vf', 'scale=w=320:h=240,format=rgb24,showinfo',
      '-vsync', 'passthrough',
      '-frames:v', '4',
      '-an', '-sn', '-dn',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
    ]);
  });

  it('omits -ss at 0 and adds -skip_frame nokey for key frames', () => {
    const args = buildRawFramesArgs({ ...base, seekSec: 0, pick: { kind: 'keyframes' } });
    expect(args).not.toContain('-ss');
    expect(args.indexOf('-skip_frame')).toBeLessThan(args.indexOf('-i'));
    expect(args[args.indexOf('-skip_frame') + 1]).toBe('nokey');
  });

  it('never lets a path starting with a dash look like an option', () => {
    const args = buildRawFramesArgs({ ...base, filePath: '-rf.mp4' });
    expect(args[args.indexOf('-i') + 1]).toBe(`file:${path.resolve('-rf.mp4')}`);
    expect(toInputUrl('http://example.com/x.mp4')).toBe(`file:${path.resolve('http://example.com/x.mp4')}`);
  });
});

describe('buildFilterChain', () => {
  it('selects the first frame at or after each threshold, then scales, converts and reports pts', () => {
    const chain = buildFilterChain({ ...base, pick: { kind: 'first-at-or-after', thresholdsSec: [0, 1.5] } });
    expect(chain).toBe(
      "select='gte(t\\,0.000000)*not(gte(prev_t\\,0.000000))+gte(t\\,1.500000)*not(gte(prev_t\\,1.500000))'," +
        'scale=w=320:h=240,format=rgb24,showinfo',
    );
  });

  it('rotates after scaling to the pre-rotation size', () => {
    expect(buildFilterChain({ ...base, rotationDeg: 90, outputWidth: 240, outputHeight: 320 })).toBe(
      'scale=w=320:h=240,format=rgb24,transpose=clock,showinfo',
    );
    expect(buildFilterChain({ ...base, rotationDeg: 270, outputWidth: 240, outputHeight: 320 })).toContain('transpose=cclock');
    expect(buildFilterChain({ ...base, rotationDeg: 180 })).toContain('hflip,vflip');
  });

  it('uses the fps filter for dense sampling and select on key frames for keyframes', () => {
    expect(buildFilterChain({ ...base, pick: { kind: 'fps', fps: 2.5 } })).toMatch(/^fps=fps=2\.5:round=up:start_time=0,/);
    expect(buildFilterChain({ ...base, pick: { kind: 'fps', fps: 10, shiftSec: 0.011 } })).toMatch(/^setpts=PTS-0\.011000\/TB,fps=fps=10:round=up:start_time=0,/);
    expect(buildFilterChain({ ...base, pick: { kind: 'keyframes' } })).toMatch(/^select='eq\(key\\,1\)',/);
  });

  it('tone-maps HDR before the rgb24 conversion when asked', () => {
    const chain = buildFilterChain({ ...base, tonemapHdr: true });
    expect(chain.indexOf('tonemap=tonemap=hable')).toBeGreaterThan(-1);
    expect(chain.indexOf('tonemap')).toBeLessThan(chain.indexOf('scale=w='));
  });
});

describe('formatSeconds', () => {
  it('prints microseconds without exponents', () => {
    expect(formatSeconds(0)).toBe('0.000000');
    expect(formatSeconds(1e-7)).toBe('0.000000');
    expect(formatSeconds(1234.5678901)).toBe('1234.567890');
    expect(formatSeconds(1e-6)).toBe('0.000001');
  });
});

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

describe('parseRational', () => {
  it.each([
    ['30000/1001', { num: 30000, den: 1001 }],
    ['25/1', { num: 25, den: 1 }],
    ['1:1', { num: 1, den: 1 }],
    ['25', { num: 25, den: 1 }],
    [24, { num: 24, den: 1 }],
    ['0/0', null],
    ['N/A', null],
    ['', null],
    [undefined, null],
    ['1/0', null],
  ])('%j -> %j', (input, expected) => {
    expect(parseRational(input)).toEqual(expected);
  });
});
