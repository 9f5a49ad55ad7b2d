import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { frameIndexAt, frameTimeline, isAnimatedWebp } from '../../../src/video/animated-webp.js';
import { buildFilterChain } from '../../../src/video/ffmpeg-args.js';
import { FfmpegAdapter } from '../../../src/video/ffmpeg-adapter.js';
import { readFrames, type FrameReaderWarning, type ReadFramesOptions, type VideoFrame } from '../../../src/video/frame-reader.js';
import { probeMedia } from '../../../src/video/probe.js';
import { exifOrientationTransform } from '../../../src/video/still-orientation.js';
import { ROOT } from '../../helpers/run-cli.js';
import { makeTempDir, meanAbsDiff } from '../../helpers/video-media.js';

let dir: string;
let cleanup: () => Promise<void>;
let adapter: FfmpegAdapter;
const webp = path.join(ROOT, 'fixtures', 'animated.webp');

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('ldf-orient-'));
  adapter = await FfmpegAdapter.create();
});
afterAll(async () => cleanup());

async function collect(filePath: string, options: Omit<ReadFramesOptions, 'adapter'>): Promise<VideoFrame[]> {
  const frames: VideoFrame[] = [];
  for await (const frame of readFrames(filePath, { adapter, ...options })) frames.push(frame);
  return frames;
}

describe('EXIF orientation of still images', () => {
  it('maps the eight orientations to a mirror and a clockwise rotation', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((o) => exifOrientationTransform(o))).toEqual([
      { rotationDeg: 0, mirrored: false },
      { rotationDeg: 0, mirrored: true },
      { rotationDeg: 180, mirrored: false },
      { rotationDeg: 180, mirrored: true },
      { rotationDeg: 270, mirrored: true },
      { rotationDeg: 90, mirrored: false },
      { rotationDeg: 90, mirrored: true },
      { rotationDeg: 270, mirrored: false },
    ]);
    expect(buildFilterChain({ pick: { kind: 'all' }, rotationDeg: 90, mirror: true, outputWidth: 24, outputHeight: 32 })).toMatch(/format=rgb24,hflip,transpose=clock,/);
  });

  it('decodes a JPEG with each orientation as sharp displays it (autoOrient), not as stored', async () => {
    // 64x48, four flat quadrants (8 px blocks, so JPEG keeps them flat): any turn or mirror shows.
    const quadrant = (r: number, g: number, b: number, left: number, top: number) => ({
      input: { create: { width: 32, height: 24, channels: 3 as const, background: { r, g, b } } },
      left,
      top,
    });
    const stored = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 0, g: 0, b: 0 } } })
      .composite([quadrant(230, 30, 30, 0, 0), quadrant(30, 230, 30, 32, 0), quadrant(30, 30, 230, 0, 24), quadrant(230, 230, 230, 32, 24)])
      .png()
      .toBuffer();
    for (const orientation of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const file = path.join(dir, `o${orientation}.jpg`);
      await sharp(stored).jpeg({ quality: 95 }).withMetadata({ orientation }).toFile(file);
      const media = await probeMedia(file, { adapter });
      const [frame] = await collect(file, { sampling: { mode: 'count', frames: 1 }, mediaInfo: media });
      const { data, info } = await sharp(file).autoOrient().raw().toBuffer({ resolveWithObject: true });
      expect([frame!.width, frame!.height], `orientation ${orientation}`).toEqual([info.width, info.height]);
      expect(meanAbsDiff(frame!.data, data), `orientation ${orientation}`).toBeLessThan(6);
    }
  });
});

describe('animated WebP (ffmpeg cannot decode it: frames come from sharp)', () => {
  it('finds the animation flag in the header and the frame on screen at a time', async () => {
    expect(await isAnimatedWebp(webp)).toBe(true);
    expect(await isAnimatedWebp(path.join(ROOT, 'fixtures', 'still.jpg'))).toBe(false);
    expect(frameTimeline([100, 0, 250], 3)).toEqual({ frameStartsMs: [0, 100, 200], durationMs: 450 });
    expect([0, 99, 100, 449, 9999].map((t) => frameIndexAt([0, 100, 200], t))).toEqual([0, 0, 1, 2, 2]);
  });

  it('probes as a 10-frame video and yields distinct, composited frames at their real times', async () => {
    const media = await probeMedia(webp, { adapter });
    expect(media).toMatchObject({ isStillImage: false, durationMs: 1000, formatName: 'webp', video: { codec: 'webp', width: 240, height: 240, frameCount: 10, frameRate: 10 } });
    expect(media.animatedImage!.frameStartsMs).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);

    const warnings: FrameReaderWarning[] = [];
    const frames = await collect(webp, { sampling: { mode: 'count', frames: 4 }, mediaInfo: media, onWarning: (w) => warnings.push(w) });
    expect(frames.map((f) => f.timestampMs)).toEqual([100, 300, 600, 800]);
    expect(warnings).toEqual([]);
    // The fixture's marker (16x16, white) moves 22 px a frame along the bottom; the encoder stores only the
    // changed rectangle of each frame, so a frame that were not composited would lack the face.
    const marker = (f: VideoFrame, x: number): number => f.data[((216 + 8) * 240 + x + 8) * 3]!;
    for (const f of frames) expect(marker(f, 8 + 22 * (f.timestampMs / 100)), `${f.timestampMs} ms`).toBeGreaterThan(200);
    const faceRows = (f: VideoFrame): Buffer => f.data.subarray(0, 200 * 240 * 3);
    expect(meanAbsDiff(faceRows(frames[0]!), faceRows(frames[3]!))).toBeLessThan(2);

    expect((await collect(webp, { sampling: { mode: 'fps', fps: 5 }, mediaInfo: media })).map((f) => f.timestampMs)).toEqual([0, 200, 400, 600, 800]);
    expect(await collect(webp, { sampling: { mode: 'keyframes' }, mediaInfo: media })).toHaveLength(10);
    const small = await collect(webp, { sampling: { mode: 'count', frames: 1 }, mediaInfo: media, maxSidePx: 120 });
    expect([small[0]!.width, small[0]!.height, small[0]!.data.length]).toEqual([120, 120, 120 * 120 * 3]);
  });
});
