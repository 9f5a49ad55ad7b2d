/**
 * The media people actually have (issue 17), one fixture each (fixtures/README.md, scripts/make-fixtures.ts):
 * animated GIF and WebP, VP9 and HEVC, rotation (video display matrix, JPEG EXIF), 10-bit HDR, variable frame
 * rate, frames below 64 px and at 8K, and 30 faces in one frame against --max-faces. Audio-only files
 * (NO_VIDEO_STREAM) are covered in scan.test.ts ('reports each bad input...').
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileResult, ScanReport } from '../../../src/report/scan-report.js';
import { resolveFfmpegBinaries } from '../../../src/video/ffmpeg-binaries.js';
import { ROOT, runCli } from '../../helpers/run-cli.js';
import { expectValidAgainst } from '../../helpers/schema.js';

const fixture = (name: string): string => path.join(ROOT, 'fixtures', name);
let dir: string;
let model: string;
let upright: string;
let byName: Record<string, FileResult>;

const scanJson = async (args: string[]): Promise<{ code: number | null; report: ScanReport; stderr: string }> => {
  const r = await runCli(['scan', '--model', model, '--allow-untrained', '--format', 'json', ...args]);
  const report = JSON.parse(r.stdout) as ScanReport;
  expectValidAgainst('scan-report.schema.json', report);
  return { code: r.code, report, stderr: r.stderr };
};
const times = (f: FileResult): number[] => f.tracks.flatMap((t) => t.faces.map((x) => x.timestampMs)).sort((a, b) => a - b);
const boxes = (f: FileResult): FileResult['tracks'][number]['faces'][number]['box'][] =>
  f.tracks.flatMap((t) => t.faces).sort((a, b) => a.frameIndex - b.frameIndex).map((x) => x.box);
/** Two boxes of the same face: corners within `px`. */
const expectSameBox = (a: { x: number; y: number; width: number; height: number }, b: typeof a, px: number, what: string): void => {
  for (const [p, q] of [[a.x, b.x], [a.y, b.y], [a.x + a.width, b.x + b.width], [a.y + a.height, b.y + b.height]] as const) {
    expect(Math.abs(p - q), `${what}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBeLessThanOrEqual(px);
  }
};

const FILES = [
  'one-face.mp4', 'vp9.webm', 'hevc.mp4', 'hdr10-pq.mp4', 'vfr.mp4', 'tiny-48px.mp4', 'animated.gif', 'animated.webp',
  'rotated.mp4', 'still.jpg', 'still-exif6.jpg', 'still-8k.jpg', 'thirty-faces.jpg',
];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-formats-'));
  model = path.join(dir, 'model');
  expect((await runCli(['model', 'init', '--out', model, '--seed', '1'])).code).toBe(0);
  // The upright picture that fixtures/rotated.mp4 stores on its side (scripts/make-fixtures.ts: `portrait`).
  const demo = path.join(path.dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
  const oneFace = await sharp(path.join(demo, 'sample1.jpg')).extract({ left: 1180, top: 20, width: 720, height: 720 }).resize(360, 360).png().toBuffer();
  upright = path.join(dir, 'upright.png');
  await sharp(oneFace).resize(240, 320, { fit: 'cover' }).png().toFile(upright);
  // One batch for all (one model load); --decode exact, so every clip's samples are the frames on screen at
  // the same times (250, 750, 1250, 1750 ms for the 2 s clips).
  const { code, report } = await scanJson(['--frames', '4', '--decode', 'exact', ...FILES.map(fixture), upright]);
  expect(code).toBe(0);
  byName = Object.fromEntries(report.files.map((f) => [path.basename(f.path), f]));
  for (const f of report.files) expect(f.status, `${f.path}: ${f.error?.message}`).toBe('ok');
}, 600_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ldf scan: the media people actually have', () => {
  it('scans animated GIF and animated WebP as video: several frames at distinct timestamps, not one still', () => {
    for (const [name, container] of [['animated.gif', 'gif'], ['animated.webp', 'webp']] as const) {
      const f = byName[name]!;
      expect(f.media, name).toMatchObject({ container, isStillImage: false, durationMs: 1000, width: 240, height: 240, frameRate: 10 });
      expect(f.framesSampled, name).toBe(4);
      expect(f.facesDetected, name).toBe(4);
      expect(f.tracks, name).toHaveLength(1);
      // 10 frames of 100 ms; samples at 125, 375, 625, 875 ms show the frames that start at:
      expect(times(f), name).toEqual([100, 300, 600, 800]);
    }
  });

  it('scans WebM/VP9 and HEVC (H.265 in MP4) like H.264: the same face in the same place on every frame', () => {
    const h264 = byName['one-face.mp4']!;
    expect(times(h264)).toEqual([200, 733.333, 1200, 1733.333]);
    for (const [name, codec] of [['vp9.webm', 'vp9'], ['hevc.mp4', 'hevc']] as const) {
      const f = byName[name]!;
      expect(f.media, name).toMatchObject({ codec, width: 320, height: 320, durationMs: 2000, isStillImage: false });
      expect(f.framesSampled, name).toBe(4);
      expect(f.facesDetected, name).toBe(4);
      expect(f.tracks, name).toHaveLength(1);
      // (WebM keeps milliseconds: 733 where MP4 says 733.333.)
      times(f).forEach((t, i) => expect(Math.abs(t - times(h264)[i]!), `${name} frame ${i}`).toBeLessThan(1));
      boxes(f).forEach((b, i) => expectSameBox(b, boxes(h264)[i]!, 6, `${name} frame ${i}`));
    }
  });

  it('finds faces upright: a phone video with a display matrix, a JPEG with EXIF orientation 6', () => {
    // rotated.mp4 stores the picture lying on its side; its face must be where it is in the upright picture.
    const rotated = byName['rotated.mp4']!;
    expect(rotated.media).toMatchObject({ width: 240, height: 320, rotationDeg: 90 });
    expect(rotated.facesDetected).toBe(4);
    const reference = boxes(byName['upright.png']!)[0]!;
    for (const [i, b] of boxes(rotated).entries()) expectSameBox(b, reference, 8, `rotated.mp4 frame ${i}`);
    // still-exif6.jpg is still.jpg's picture stored turned a quarter, with EXIF Orientation=6 ("rotate 90 clockwise").
    const exif = byName['still-exif6.jpg']!;
    expect(exif.media).toMatchObject({ isStillImage: true, width: 360, height: 360, rotationDeg: 90 });
    expect(exif.facesDetected).toBe(1);
    expectSameBox(boxes(exif)[0]!, boxes(byName['still.jpg']!)[0]!, 6, 'still-exif6.jpg');
  });

  it('scans 10-bit HDR (PQ) input and says so: bitDepth 10, hdr true', () => {
    const f = byName['hdr10-pq.mp4']!;
    expect(f.media).toMatchObject({ codec: 'hevc', bitDepth: 10, hdr: true, width: 320, height: 320 });
    expect(f.facesDetected).toBe(4);
    expect(byName['hevc.mp4']!.media).toMatchObject({ bitDepth: 8, hdr: false });
  });

  it('samples variable frame rate at the real timestamps of distinct frames, and says it is variable', async () => {
    const f = byName['vfr.mp4']!;
    expect(f.media).toMatchObject({ variableFrameRate: true, durationMs: 1800 });
    expect(byName['one-face.mp4']!.media!.variableFrameRate).toBe(false);
    // 30 fps for 1 s, then 10 fps. Samples at 225, 675, 1125, 1575 ms get the first frame later than the
    // sample time minus the smallest frame interval (33 ms; src/video/sparse-read-plan.ts): the frame on
    // screen, except in a gap longer than that, where it is the frame after (1575 -> 1600, not 1500).
    const sampled = [225, 675, 1125, 1575];
    expect(new Set(times(f)).size).toBe(4);
    times(f).forEach((t, i) => expect(t - sampled[i]!, `${t} ms for ${sampled[i]} ms`).toBeGreaterThan(-100));
    times(f).forEach((t, i) => expect(t - sampled[i]!, `${t} ms for ${sampled[i]} ms`).toBeLessThan(100 / 3));
    expect(times(f).filter((t) => t > 1000)).toHaveLength(2);
    const ffprobe = (await resolveFfmpegBinaries()).ffprobe.path;
    const pts = execFileSync(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', fixture('vfr.mp4')], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((s) => Number(s) * 1000);
    for (const t of times(f)) expect(pts.some((p) => Math.abs(p - t) < 0.5), `${t} ms is a frame's time`).toBe(true);
  });

  it('names what happens to frames below 64 px and at 8K (scaled down to maxSidePx, 1920)', () => {
    const tiny = byName['tiny-48px.mp4']!;
    expect(tiny).toMatchObject({ status: 'ok', verdict: 'no-face', scoreFake: null, framesSampled: 4, facesDetected: 0 });
    expect(tiny.media).toMatchObject({ width: 48, height: 48 });
    const big = byName['still-8k.jpg']!;
    // Decoded at 1920x1080, never as a 7680x4320 RGB frame (~100 MB): the face is found in the smaller frame.
    expect(big).toMatchObject({ status: 'ok', framesSampled: 1, facesDetected: 1 });
    expect(big.media).toMatchObject({ width: 1920, height: 1080, isStillImage: true });
    const box = boxes(big)[0]!;
    expect(box.x + box.width).toBeLessThanOrEqual(1920);
    expect(box.y + box.height).toBeLessThanOrEqual(1080);
  });

  it('keeps at most --max-faces faces of a frame with 30, and says how many it dropped', async () => {
    const byDefault = byName['thirty-faces.jpg']!; // --max-faces 10
    expect(byDefault).toMatchObject({ facesDetected: 10, facesDropped: 20 });
    expect(byDefault.tracks).toHaveLength(10);
    const { report } = await scanJson(['--max-faces', '5', fixture('thirty-faces.jpg'), fixture('still.jpg')]);
    expect(report.files[0]).toMatchObject({ facesDetected: 5, facesDropped: 25 });
    expect(report.files[0]!.tracks).toHaveLength(5);
    // The ones kept are the most confident.
    const kept = Math.min(...report.files[0]!.tracks.map((t) => t.faces[0]!.detectionScore));
    const all = byDefault.tracks.map((t) => t.faces[0]!.detectionScore).sort((a, b) => b - a);
    expect(kept).toBeGreaterThanOrEqual(all[4]! - 1e-6);
    expect(report.files[1]!.facesDropped).toBeUndefined(); // nothing dropped: absent
    const { report: roomy } = await scanJson(['--max-faces', '40', fixture('thirty-faces.jpg')]);
    expect(roomy.files[0]).toMatchObject({ facesDetected: 30 });
    expect(roomy.files[0]!.facesDropped).toBeUndefined();
  }, 300_000);
});
