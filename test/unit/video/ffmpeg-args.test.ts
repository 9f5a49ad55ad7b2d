import path from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  buildFilterChain,
  buildPacketAtTimesArgs,
  buildPacketListArgs,
  buildProbeJsonArgs,
  buildRawFramesArgs,
  formatSeconds,
  toInputUrl,
  INPUT_DEMUXERS,
  inputSafetyArgs,
  type RawFramesRequest,
} from '../../../src/video/ffmpeg-args.js';

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
  it('selects key frames near the given times (a match-nothing select when there are none)', () => {
    expect(buildFilterChain({ ...base, pick: { kind: 'keyframes-at', timesSec: [0, 2.5] } })).toBe(
      "select='eq(key,1)*(lt(abs(t-0.000000),0.001)+lt(abs(t-2.500000),0.001))',scale=w=320:h=240,format=rgb24,showinfo",
    );
    expect(buildFilterChain({ ...base, pick: { kind: 'keyframes-at', timesSec: [] } })).toBe("select='eq(key,1)*(0)',scale=w=320:h=240,format=rgb24,showinfo");
    expect(buildFilterChain({ ...base, pick: { kind: 'first-at-or-after', thresholdsSec: [] } })).toBe("select='0',scale=w=320:h=240,format=rgb24,showinfo");
  });

  it('prints a fractional fps without float noise and skips setpts for a zero shift', () => {
    expect(buildFilterChain({ ...base, pick: { kind: 'fps', fps: 30000 / 1001, shiftSec: 0 } })).toBe(
      'fps=fps=29.97002997:round=up:start_time=0,scale=w=320:h=240,format=rgb24,showinfo',
    );
  });

  it('puts the whole HDR tone-mapping chain between frame picking and scaling', () => {
    expect(buildFilterChain({ ...base, pick: { kind: 'keyframes' }, tonemapHdr: true, rotationDeg: 180 })).toBe(
      "select='eq(key\\,1)',zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0," +
        'zscale=t=bt709:m=bt709:r=tv,format=yuv420p,scale=w=320:h=240,format=rgb24,hflip,vflip,showinfo',
    );
  });
});

const SAFE = ['-protocol_whitelist', 'file', '-format_whitelist', INPUT_DEMUXERS.join(',')];

describe('buildRawFramesArgs (exact lists)', () => {
  it('key frames near times: skip_frame, then seek, duration floor and no frame cap', () => {
    expect(buildRawFramesArgs({ ...base, seekSec: 4, readDurationSec: 0, pick: { kind: 'keyframes-at', timesSec: [1] } })).toEqual([
      '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'level+info',
      '-skip_frame', 'nokey', '-ss', '4.000000', '-t', '0.000001', '-noautorotate',
      '-protocol_whitelist', 'file', '-format_whitelist', INPUT_DEMUXERS.join(','),
      '-i', `file:${path.resolve('clips/a b.mp4')}`,
      '-map', '0:2',
      '-vf', "select='eq(key,1)*(lt(abs(t-1.000000),0.001))',scale=w=320:h=240,format=rgb24,showinfo",
      '-vsync', 'passthrough',
      '-an', '-sn', '-dn', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
    ]);
  });

  it('ignores an infinite read duration and a negative seek', () => {
    const args = buildRawFramesArgs({ ...base, seekSec: -1, readDurationSec: Number.POSITIVE_INFINITY });
    expect(args.slice(0, args.indexOf('-i'))).toEqual(['-nostdin', '-hide_banner', '-nostats', '-loglevel', 'level+info', '-noautorotate', ...SAFE]);
  });
});

describe('ffprobe argument lists', () => {
  const url = `file:${path.resolve('clips/a b.mp4')}`;

  it('every input may use the file protocol only, and only demuxers that read no other file', () => {
    expect(inputSafetyArgs()).toEqual(SAFE);
    for (const refused of ['hls', 'dash', 'concat', 'tee', 'http', 'lavfi']) expect(INPUT_DEMUXERS as readonly string[]).not.toContain(refused);
  });

  it('probe JSON: format and streams', () => {
    expect(buildProbeJsonArgs('clips/a b.mp4')).toEqual(['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', ...SAFE, url]);
  });

  it('packets at times: one read interval per time, clamped at 0, microsecond precision', () => {
    expect(buildPacketAtTimesArgs('clips/a b.mp4', 3, [-0.130434, 1.869566, 10])).toEqual([
      '-v', 'error',
      '-select_streams', '3',
      '-read_intervals', '0.000000%+#1,1.869566%+#1,10.000000%+#1',
      '-show_entries', 'packet=pts_time,flags',
      '-print_format', 'json',
      ...SAFE,
      url,
    ]);
  });

  it('packet list: compact pts_time|flags lines of one stream', () => {
    expect(buildPacketListArgs('clips/a b.mp4', 0)).toEqual([
      '-v', 'error', '-select_streams', '0', '-show_entries', 'packet=pts_time,flags', '-print_format', 'compact=p=0:nk=1', ...SAFE, url,
    ]);
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
