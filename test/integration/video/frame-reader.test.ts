import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FfmpegAdapter } from '../../../src/video/ffmpeg-adapter.js';
import { plannedSampleTimes, readFrames, type FrameReaderWarning, type ReadFramesOptions, type VideoFrame } from '../../../src/video/frame-reader.js';
import { probeMedia } from '../../../src/video/probe.js';
import { VideoError } from '../../../src/video/video-error.js';
import { counterClipArgs, frameNumberOf, makeTempDir, meanAbsDiff, meanRgb, runFfmpeg } from '../../helpers/video-media.js';

let dir: string;
let cleanup: () => Promise<void>;
let adapter: FfmpegAdapter;
const file = (name: string): string => path.join(dir, name);

async function collect(filePath: string, options: Omit<ReadFramesOptions, 'adapter'>): Promise<VideoFrame[]> {
  const frames: VideoFrame[] = [];
  for await (const frame of readFrames(filePath, { adapter, ...options })) frames.push(frame);
  return frames;
}

async function readError(filePath: string, options: Omit<ReadFramesOptions, 'adapter'>): Promise<VideoError> {
  const error = await collect(filePath, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VideoError);
  return error as VideoError;
}

/** ffmpeg children of this process (Linux only). */
function childFfmpegCount(): number {
  try {
    const out = execFileSync('ps', ['-o', 'comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
    return out.split('\n').filter((name) => name.trim() === 'ffmpeg').length;
  } catch {
    return 0; // ps exits 1 when there are no children
  }
}

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('ldf-frames-'));
  adapter = await FfmpegAdapter.create();
  const testsrc = (size: string, rate = 25): string[] => ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}`];
  await Promise.all([
    // 2 s, 25 fps, key frame every 10 frames, B-frames; frame N has luma 16 + 4N.
    runFfmpeg(counterClipArgs(file('counter.mp4'))),
    runFfmpeg([...testsrc('64x48'), '-t', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '10', file('plain.mp4')]),
    runFfmpeg(['-f', 'lavfi', '-i', 'color=c=red:size=48x32:rate=25', '-t', '0.5', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file('red.mp4')]),
    runFfmpeg(['-f', 'lavfi', '-i', 'testsrc=size=321x241:rate=25', '-t', '0.4', '-c:v', 'libx264', '-pix_fmt', 'yuv444p', file('odd.mp4')]),
    runFfmpeg([
      ...testsrc('64x48'), '-t', '0.4', '-c:v', 'libx265', '-pix_fmt', 'yuv420p10le',
      '-x265-params', 'log-level=error:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc',
      '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', file('hdr10.mp4'),
    ]),
    runFfmpeg([
      '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=30', '-t', '2',
      '-vf', "setpts='if(lt(N,30),N/30,1+(N-30)/10)/TB'", '-vsync', 'vfr', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file('vfr.mp4'),
    ]),
    runFfmpeg([...testsrc('64x48'), '-frames:v', '1', file('still.png')]),
    runFfmpeg([...testsrc('64x48'), '-t', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', file('faststart.mp4')]),
  ]);
  await runFfmpeg(['-i', file('plain.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=270', file('rotated.mp4')]);
  const faststart = await readFile(file('faststart.mp4'));
  await writeFile(file('truncated-faststart.mp4'), faststart.subarray(0, Math.floor(faststart.length / 2)));
}, 60_000);

afterAll(async () => {
  await cleanup();
});

describe('readFrames: count / every (sparse seeking)', () => {
  it('returns the frame on screen at each midpoint, with real timestamps', async () => {
    const frames = await collect(file('counter.mp4'), { sampling: { mode: 'count', frames: 5 } });
    expect(frames.map((f) => f.requestedTimestampMs)).toEqual([200, 600, 1000, 1400, 1800]);
    expect(frames.map((f) => f.timestampMs)).toEqual([200, 600, 1000, 1400, 1800]);
    expect(frames.map((f) => frameNumberOf(f.data))).toEqual([5, 15, 25, 35, 45]);
    expect(frames.map((f) => f.index)).toEqual([0, 1, 2, 3, 4]);
    for (const frame of frames) {
      expect([frame.width, frame.height]).toEqual([32, 24]);
      expect(frame.data.length).toBe(32 * 24 * 3);
    }
  });

  it('returns every frame exactly once when N equals the frame count (and caps larger N)', async () => {
    const frames = await collect(file('counter.mp4'), { sampling: { mode: 'count', frames: 500 } });
    expect(frames).toHaveLength(50);
    expect(frames.map((f) => frameNumberOf(f.data))).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(frames.map((f) => f.timestampMs)).toEqual(Array.from({ length: 50 }, (_, i) => i * 40));
  });

  it('every: samples between frames get the frame on screen, and pixels match timestamps', async () => {
    const frames = await collect(file('counter.mp4'), { sampling: { mode: 'every', intervalMs: 130 }, startMs: 100, endMs: 1000 });
    expect(frames.map((f) => f.requestedTimestampMs)).toEqual([100, 230, 360, 490, 620, 750, 880]);
    expect(frames.map((f) => f.timestampMs)).toEqual([80, 200, 360, 480, 600, 720, 880]);
    for (const frame of frames) expect(frameNumberOf(frame.data)).toBe(frame.timestampMs / 40);
  });

  it('sparse samples across several GOPs (separate seeks) stay exact', async () => {
    // Key frames every 400 ms; these samples need seeks into different GOPs.
    const frames = await collect(file('counter.mp4'), {
      sampling: { mode: 'count', frames: 3 },
      sparsePlan: { minSkipMs: 0 },
    });
    expect(frames.map((f) => f.timestampMs)).toEqual([320, 1000, 1640]);
    expect(frames.map((f) => frameNumberOf(f.data))).toEqual([8, 25, 41]);
  });

  it('samples a frame once when samples are closer than the frame interval, and says which samples it merged', async () => {
    const warnings: FrameReaderWarning[] = [];
    const frames = await collect(file('counter.mp4'), { sampling: { mode: 'every', intervalMs: 10 }, startMs: 400, endMs: 450, onWarning: (w) => warnings.push(w) });
    expect(frames.map((f) => f.timestampMs)).toEqual([400, 440]);
    expect(frames.map((f) => f.requestedTimestampMs)).toEqual([400, 440]);
    expect(frames.map((f) => frameNumberOf(f.data))).toEqual([10, 11]);
    expect(warnings.map((w) => [w.code, 'requestedTimestampMs' in w ? w.requestedTimestampMs : null])).toEqual([
      ['DUPLICATE_FRAME', 410],
      ['DUPLICATE_FRAME', 420],
      ['DUPLICATE_FRAME', 430],
    ]);
  });

  it('maxFrames caps the count', async () => {
    const frames = await collect(file('counter.mp4'), { sampling: { mode: 'every', intervalMs: 100 }, maxFrames: 3 });
    expect(frames.map((f) => f.timestampMs)).toEqual([0, 80, 200]);
  });

  it('a range beyond the duration yields no frames', async () => {
    expect(await collect(file('counter.mp4'), { sampling: { mode: 'count', frames: 3 }, startMs: 5000 })).toEqual([]);
  });

  it('a solid red clip decodes to R~255, G~0, B~0', async () => {
    const [frame] = await collect(file('red.mp4'), { sampling: { mode: 'count', frames: 1 } });
    expect(frame).toBeDefined();
    const [r, g, b] = meanRgb(frame!.data);
    expect(r).toBeGreaterThan(245);
    expect(g).toBeLessThan(10);
    expect(b).toBeLessThan(10);
  });

  it('odd sizes are framed correctly (321x241, no padding)', async () => {
    const frames = await collect(file('odd.mp4'), { sampling: { mode: 'count', frames: 3 } });
    expect(frames).toHaveLength(3);
    for (const frame of frames) {
      expect([frame.width, frame.height]).toEqual([321, 241]);
      expect(frame.data.length).toBe(321 * 241 * 3);
    }
    // Framing drift would shift later frames; the testsrc pattern's top-left stays in place.
    expect(meanAbsDiff(frames[0]!.data.subarray(0, 321 * 3 * 10), frames[2]!.data.subarray(0, 321 * 3 * 10))).toBeLessThan(40);
  });

  it('rotated video comes out in display orientation, matching ffmpeg autorotate', async () => {
    const [frame] = await collect(file('rotated.mp4'), { sampling: { mode: 'every', intervalMs: 10_000 } });
    expect(frame).toBeDefined();
    expect([frame!.width, frame!.height]).toEqual([48, 64]);
    const reference = await runFfmpeg(['-i', file('rotated.mp4'), '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
    expect(reference.length).toBe(48 * 64 * 3);
    expect(meanAbsDiff(frame!.data, reference)).toBeLessThan(3);
    // And clearly not the unrotated picture squeezed into the same size.
    const unrotated = (await collect(file('plain.mp4'), { sampling: { mode: 'every', intervalMs: 10_000 } }))[0]!;
    expect([unrotated.width, unrotated.height]).toEqual([64, 48]);
  });

  it('maxSidePx downsizes keeping the aspect ratio', async () => {
    const [frame] = await collect(file('rotated.mp4'), { sampling: { mode: 'count', frames: 1 }, maxSidePx: 32 });
    expect([frame!.width, frame!.height]).toEqual([24, 32]);
    expect(frame!.data.length).toBe(24 * 32 * 3);
  });

  it('10-bit HDR (PQ) HEVC converts to rgb24, with optional tone mapping', async () => {
    const plain = await collect(file('hdr10.mp4'), { sampling: { mode: 'count', frames: 2 } });
    expect(plain).toHaveLength(2);
    expect(plain[0]!.data.length).toBe(64 * 48 * 3);
    const mapped = await collect(file('hdr10.mp4'), { sampling: { mode: 'count', frames: 2 }, tonemapHdr: true });
    expect(mapped).toHaveLength(2);
    expect(mapped[0]!.data.length).toBe(64 * 48 * 3);
    expect(meanAbsDiff(plain[0]!.data, mapped[0]!.data)).toBeGreaterThan(1);
  });

  it('variable frame rate: timestamps are the real pts', async () => {
    const frames = await collect(file('vfr.mp4'), { sampling: { mode: 'every', intervalMs: 250 } });
    expect(frames.map((f) => f.requestedTimestampMs)).toEqual([0, 250, 500, 750, 1000, 1250, 1500, 1750]);
    // 30 fps for 1 s, then 10 fps; r_frame_rate 30 => first frame later than T - 33.3 ms.
    // 1250 lies in a 100 ms gap: the first frame later than T - 1/r_frame_rate is the one after it.
    // The last sample lies after the last frame (1700 ms): it gets the last frame.
    expect(frames.map((f) => f.timestampMs)).toEqual([0, 233.333, 500, 733.333, 1000, 1300, 1500, 1700]);
  });

  it('a still image gives exactly one frame whatever the mode', async () => {
    for (const sampling of [{ mode: 'count', frames: 5 }, { mode: 'fps', fps: 10 }, { mode: 'keyframes' }] as const) {
      const frames = await collect(file('still.png'), { sampling });
      expect(frames).toHaveLength(1);
      expect(frames[0]).toMatchObject({ index: 0, timestampMs: 0, width: 64, height: 48 });
    }
  });

  it('paths with spaces, unicode and a leading dash', async () => {
    const odd = path.join(dir, 'dir with space ✓', '-ünïcödé 日本.mp4');
    await mkdir(path.dirname(odd), { recursive: true });
    await copyFile(file('counter.mp4'), odd);
    expect((await collect(odd, { sampling: { mode: 'count', frames: 2 } })).map((f) => frameNumberOf(f.data))).toEqual([12, 37]);
    const cwd = process.cwd();
    process.chdir(path.dirname(odd));
    try {
      const frames = await collect('-ünïcödé 日本.mp4', { sampling: { mode: 'count', frames: 1 } });
      expect(frames.map((f) => frameNumberOf(f.data))).toEqual([25]);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('readFrames: decode nearest-keyframe', () => {
  it('serves samples with their own nearby key frame from key frames alone, the others with exact frames', async () => {
    // counter.mp4: 2 s at 25 fps, a key frame every 10 frames (0, 0.4, 0.8, 1.2, 1.6 s).
    let plan: unknown;
    const frames = await collect(file('counter.mp4'), { sampling: { mode: 'count', frames: 4 }, decode: 'nearest-keyframe', onDecodePlan: (p) => (plan = p) });
    // Samples at 250, 750, 1250, 1750 ms: each has a key frame within half the gap to its neighbours.
    expect(frames.map((f) => f.requestedTimestampMs)).toEqual([250, 750, 1250, 1750]);
    expect(frames.map((f) => f.timestampMs)).toEqual([400, 800, 1200, 1600]);
    expect(frames.map((f) => frameNumberOf(f.data))).toEqual([10, 20, 30, 40]);
    expect(frames.every((f) => f.keyframe === true)).toBe(true);
    expect(frames.map((f) => f.index)).toEqual([0, 1, 2, 3]);
    expect(plan).toEqual({ keyframeSamples: 4, exactSamples: 0 });

    // 8 samples (125, 375, ... ms) share 5 key frames: those with a key frame of their own within half
    // the gap take it, the rest get their exact frames; every sample still gets its own frame, in order.
    const mixed = await collect(file('counter.mp4'), { sampling: { mode: 'count', frames: 8 }, decode: 'nearest-keyframe', onDecodePlan: (p) => (plan = p) });
    const exact = await collect(file('counter.mp4'), { sampling: { mode: 'count', frames: 8 } });
    expect(mixed.map((f) => f.requestedTimestampMs)).toEqual(exact.map((f) => f.requestedTimestampMs));
    const numbers = mixed.map((f) => frameNumberOf(f.data));
    expect(new Set(numbers).size).toBe(8);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    for (const [i, f] of mixed.entries()) {
      if (f.keyframe === true) expect(numbers[i]! % 10).toBe(0);
      else expect(numbers[i]).toBe(frameNumberOf(exact[i]!.data));
    }
    const p = plan as { keyframeSamples: number; exactSamples: number };
    expect(p.keyframeSamples).toBeGreaterThan(0);
    expect(p.exactSamples).toBeGreaterThan(0);
    expect(p.keyframeSamples + p.exactSamples).toBe(8);
  });
});

describe('readFrames: fps and keyframes', () => {
  it('fps: one process, constant-rate timestamps', async () => {
    const frames = await collect(file('counter.mp4'), { sampling: { mode: 'fps', fps: 5 } });
    expect(frames.map((f) => f.timestampMs)).toEqual([0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800]);
    expect(frames.map((f) => frameNumberOf(f.data))).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45]);
  });

  it('plannedSampleTimes predicts what readFrames yields', async () => {
    const media = await probeMedia(file('counter.mp4'), { adapter });
    for (const options of [
      { sampling: { mode: 'count', frames: 7 } },
      { sampling: { mode: 'every', intervalMs: 300 }, startMs: 100 },
      { sampling: { mode: 'fps', fps: 4 }, endMs: 1500, maxFrames: 5 },
    ] as const) {
      const frames = await collect(file('counter.mp4'), { ...options, mediaInfo: media });
      expect(frames.map((f) => f.requestedTimestampMs)).toEqual(plannedSampleTimes(media, options));
    }
    expect(plannedSampleTimes(media, { sampling: { mode: 'keyframes' } })).toBeNull();
  });

  it('fps: honours range and maxFrames', async () => {
    const frames = await collect(file('counter.mp4'), { sampling: { mode: 'fps', fps: 10 }, startMs: 500, endMs: 1000 });
    expect(frames.map((f) => f.timestampMs)).toEqual([500, 600, 700, 800, 900]);
    expect(frames.map((f) => frameNumberOf(f.data))).toEqual([12, 15, 17, 20, 22]);
    const capped = await collect(file('counter.mp4'), { sampling: { mode: 'fps', fps: 10 }, maxFrames: 2 });
    expect(capped.map((f) => f.timestampMs)).toEqual([0, 100]);
  });

  it('fps: a grid starting between frames gets the frame on screen at each grid time', async () => {
    const frames = await collect(file('counter.mp4'), { sampling: { mode: 'fps', fps: 10 }, startMs: 50, endMs: 400 });
    expect(frames.map((f) => f.timestampMs)).toEqual([50, 150, 250, 350]);
    expect(frames.map((f) => frameNumberOf(f.data))).toEqual([1, 3, 6, 8]);
    const fast = await collect(file('counter.mp4'), { sampling: { mode: 'fps', fps: 50 }, startMs: 1000, endMs: 1100 });
    expect(fast.map((f) => f.timestampMs)).toEqual([1000, 1020, 1040, 1060, 1080]);
    expect(fast.map((f) => frameNumberOf(f.data))).toEqual([25, 25, 26, 26, 27]);
  });

  it('keyframes: decodes I-frames only and reports their real pts', async () => {
    const frames = await collect(file('counter.mp4'), { sampling: { mode: 'keyframes' } });
    expect(frames.map((f) => f.timestampMs)).toEqual([0, 400, 800, 1200, 1600]);
    expect(frames.map((f) => frameNumberOf(f.data))).toEqual([0, 10, 20, 30, 40]);
    expect(frames.every((f) => f.requestedTimestampMs === f.timestampMs)).toBe(true);
  });

  it('keyframes: honours a range', async () => {
    const frames = await collect(file('counter.mp4'), { sampling: { mode: 'keyframes' }, startMs: 400, endMs: 1200 });
    expect(frames.map((f) => f.timestampMs)).toEqual([400, 800]);
  });
});

describe('readFrames: streaming, abort and errors', () => {
  it('stops ffmpeg when the consumer breaks out early', async () => {
    let seen = 0;
    for await (const frame of readFrames(file('counter.mp4'), { adapter, sampling: { mode: 'fps', fps: 25 } })) {
      seen += frame.index >= 0 ? 1 : 0;
      if (seen === 2) break;
    }
    expect(seen).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(childFfmpegCount()).toBe(0);
  });

  it('stops every ffmpeg (including the prefetched next segment) on an early break', async () => {
    for await (const frame of readFrames(file('counter.mp4'), { adapter, sampling: { mode: 'count', frames: 4 }, sparsePlan: { minSkipMs: 0 } })) {
      expect(frame.index).toBe(0);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(childFfmpegCount()).toBe(0);
  });

  it('abort kills ffmpeg and rejects with ABORTED', async () => {
    const controller = new AbortController();
    const frames: VideoFrame[] = [];
    const error = await (async () => {
      for await (const frame of readFrames(file('counter.mp4'), { adapter, sampling: { mode: 'count', frames: 20 }, signal: controller.signal })) {
        frames.push(frame);
        if (frames.length === 3) controller.abort(new Error('user cancelled'));
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VideoError);
    expect((error as VideoError).code).toBe('ABORTED');
    expect(((error as VideoError).cause as Error).message).toBe('user cancelled');
    expect(frames).toHaveLength(3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(childFfmpegCount()).toBe(0);
  });

  it('an already-aborted signal fails before spawning anything', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await readError(file('counter.mp4'), { sampling: { mode: 'count', frames: 2 }, signal: controller.signal })).code).toBe('ABORTED');
  });

  it('probe errors surface unchanged (missing, zero-byte, text, audio-only)', async () => {
    await writeFile(file('empty.mp4'), Buffer.alloc(0));
    await writeFile(file('text.mp4'), 'not a video at all\n'.repeat(10));
    await runFfmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=8000', '-t', '0.3', '-c:a', 'aac', file('audio.m4a')]);
    const sampling = { mode: 'count', frames: 2 } as const;
    expect((await readError(file('missing.mp4'), { sampling })).code).toBe('FILE_NOT_FOUND');
    expect((await readError(file('empty.mp4'), { sampling })).code).toBe('EMPTY_FILE');
    expect((await readError(file('text.mp4'), { sampling })).code).toBe('UNREADABLE_MEDIA');
    expect((await readError(file('audio.m4a'), { sampling })).code).toBe('NO_VIDEO_STREAM');
  });

  it('a truncated file (index first) yields the distinct frames it has, then says where they end (TRUNCATED, MISSING_SAMPLE)', async () => {
    const filePath = file('truncated-faststart.mp4');
    const info = await probeMedia(filePath, { adapter }); // the index is intact, the data is not
    expect(info.durationMs).toBe(2000);
    for (const decode of ['exact', 'nearest-keyframe'] as const) {
      const warnings: FrameReaderWarning[] = [];
      const frames = await collect(filePath, { sampling: { mode: 'count', frames: 8 }, mediaInfo: info, decode, onWarning: (w) => warnings.push(w) });
      const times = frames.map((f) => f.timestampMs);
      expect(new Set(times).size, decode).toBe(times.length); // never the last frame again and again
      const missing = warnings.filter((w) => w.code === 'MISSING_SAMPLE');
      expect(frames.length + missing.length, decode).toBe(8);
      expect(missing.length, decode).toBeGreaterThanOrEqual(3);
      const truncated = warnings.find((w) => w.code === 'TRUNCATED');
      expect(truncated, decode).toMatchObject({ code: 'TRUNCATED', declaredDurationMs: 2000 });
      if (truncated?.code === 'TRUNCATED' && truncated.decodedUntilMs !== null) {
        expect(truncated.decodedUntilMs).toBeLessThan(1500);
        expect(Math.max(...times)).toBeLessThanOrEqual(truncated.decodedUntilMs);
      }
      expect(truncated!.message).toContain('truncated-faststart.mp4');
      expect(truncated!.message).not.toContain('\n');
    }
  });

  it('data the decoder reports as corrupt (ffmpeg conceals it) gives CORRUPT_DATA; the clean file gives none', async () => {
    const whole = await readFile(file('faststart.mp4'));
    const damaged = Buffer.from(whole);
    damaged.fill(0, Math.floor(whole.length * 0.5), Math.floor(whole.length * 0.5) + 1500);
    await writeFile(file('zeroed-middle.mp4'), damaged);
    for (const [name, expected] of [['zeroed-middle.mp4', true], ['faststart.mp4', false]] as const) {
      const warnings: FrameReaderWarning[] = [];
      await collect(file(name), { sampling: { mode: 'count', frames: 50 }, onWarning: (w) => warnings.push(w) });
      const corrupt = warnings.filter((w) => w.code === 'CORRUPT_DATA');
      expect(corrupt.length > 0, name).toBe(expected);
      for (const w of corrupt) if (w.code === 'CORRUPT_DATA') expect(w.decodeErrors).toBeGreaterThan(0);
    }
  });

  it('a whole file ends with the last frame on screen, not TRUNCATED', async () => {
    const warnings: FrameReaderWarning[] = [];
    const frames = await collect(file('faststart.mp4'), { sampling: { mode: 'count', frames: 8 }, onWarning: (w) => warnings.push(w) });
    expect(frames).toHaveLength(8);
    expect(warnings).toEqual([]);
  });

  it('a file that disappears after probing fails with FRAME_READ_FAILED', async () => {
    await copyFile(file('plain.mp4'), file('gone.mp4'));
    const info = await probeMedia(file('gone.mp4'), { adapter });
    await rm(file('gone.mp4'));
    const error = await readError(file('gone.mp4'), { sampling: { mode: 'count', frames: 2 }, mediaInfo: info });
    expect(error.code).toBe('FRAME_READ_FAILED');
    expect(error.reason).toMatch(/No such file/i);
  });

  it('rejects bad sampling before doing any work', async () => {
    expect((await readError(file('missing.mp4'), { sampling: { mode: 'count', frames: 0 } })).code).toBe('BAD_SAMPLING');
    expect((await readError(file('counter.mp4'), { sampling: { mode: 'count', frames: 1 }, maxSidePx: 0 })).code).toBe('BAD_SAMPLING');
  });

  it('FFMPEG_NOT_FOUND for a bad explicit ffmpeg path', async () => {
    const error = await (async () => {
      for await (const frame of readFrames(file('counter.mp4'), { sampling: { mode: 'count', frames: 1 }, binaries: { ffmpegPath: file('no-ffmpeg') } })) {
        void frame;
      }
    })().catch((e: unknown) => e);
    expect((error as VideoError).code).toBe('FFMPEG_NOT_FOUND');
  });
});
