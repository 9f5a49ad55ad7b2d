/**
 * TinyFaceDetector (the default detector of landmark-cropped models) against the SSD on the same photos:
 * every face of 60 px or more the SSD finds is found, and the landmark crops built from both detectors'
 * faces agree within a few pixels (the crop depends on the landmarks, not on the detector's box). An image
 * that is itself a tight face crop comes out as a face with the tight-crop retry.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cropRegion } from '../../../src/faces/crop-face.js';
import { FaceDetector, type DetectedFace } from '../../../src/faces/face-detector.js';
import { resampleRegion } from '../../../src/faces/resample-region.js';
import type { RgbFrame } from '../../../src/faces/rgb-frame.js';
import { DEFAULT_CROP_CONVENTION } from '../../../src/model/manifest.js';
import { decodeStill } from '../../../src/dataset/decode-still.js';
import { useTestBackend } from '../../helpers/backend.js';
import { FACE_API_SAMPLE_COUNT, loadFaceApiSample } from '../../helpers/faces-sample-photos.js';

let ssd: FaceDetector;
let tiny: FaceDetector;
const frames: RgbFrame[] = [];

beforeAll(async () => {
  await useTestBackend();
  for (let i = 1; i <= FACE_API_SAMPLE_COUNT; i++) frames.push(await loadFaceApiSample(i));
  frames.push(await decodeStill('fixtures/still.jpg', 1920));
  ssd = await FaceDetector.load({ detector: 'ssd' });
  tiny = await FaceDetector.load({ detector: 'tiny' });
});

afterAll(() => {
  ssd?.dispose();
  tiny?.dispose();
});

const iou = (a: DetectedFace['box'], b: DetectedFace['box']): number => {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return inter / (a.width * a.height + b.width * b.height - inter);
};

describe('TinyFaceDetector', () => {
  it('is a tiny detector and frees its tensors', async () => {
    expect(tiny.kind).toBe('tiny');
    expect(ssd.kind).toBe('ssd');
    const before = tf.memory().numTensors;
    await tiny.detect(frames[0]!);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('finds every face of 60 px or more that the SSD finds, and the landmark crops agree within a few pixels', async () => {
    let compared = 0;
    const diffs: number[] = [];
    const sides: number[] = [];
    for (const frame of frames) {
      const fromSsd = (await ssd.detect(frame)).filter((f) => Math.min(f.box.width, f.box.height) >= 60);
      const fromTiny = await tiny.detect(frame, { minFacePx: 30 });
      for (const face of fromSsd) {
        const match = fromTiny.reduce<DetectedFace | undefined>((best, f) => (iou(f.box, face.box) > (best === undefined ? 0.3 : iou(best.box, face.box)) ? f : best), undefined);
        expect(match, `face at ${Math.round(face.box.x)},${Math.round(face.box.y)} (${Math.round(face.box.width)} px) found by the SSD`).toBeDefined();
        const a = cropRegion(face, DEFAULT_CROP_CONVENTION);
        const b = cropRegion(match!, DEFAULT_CROP_CONVENTION);
        // In pixels of the 256 px crop: centre and side.
        const k = DEFAULT_CROP_CONVENTION.size / a.width;
        const d = [Math.abs(a.x + a.width / 2 - (b.x + b.width / 2)) * k, Math.abs(a.y + a.height / 2 - (b.y + b.height / 2)) * k, Math.abs(a.width - b.width) * k];
        diffs.push(d[0]!, d[1]!);
        sides.push(d[2]!);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(20);
    // In pixels of the 256 px crop. Typically within a few pixels: the median centre difference under 4 px,
    // 90 % under 10 px (the training's shift jitter is +-4 %, 10 px). The side depends on the jaw landmarks,
    // the least stable: 90 % within 16 px (the scale jitter is +-8 %, 20 px). Measured: one side-turned
    // face of the 23 (demo photo 2) differs by 23 px in its centre and 37 px in its side; every bound below
    // holds with it.
    const at = (list: number[], q: number): number => [...list].sort((p, r) => p - r)[Math.floor(q * (list.length - 1))]!;
    expect(at(diffs, 0.5)).toBeLessThan(4);
    expect(at(diffs, 0.9)).toBeLessThan(10);
    expect(at(sides, 0.9)).toBeLessThan(16);
    expect(Math.max(...diffs)).toBeLessThan(30);
  });

  it('finds a tight face crop (the face filling the image) with the tight-crop retry', async () => {
    const frame = frames[FACE_API_SAMPLE_COUNT]!; // fixtures/still.jpg
    const [face] = await ssd.detect(frame);
    expect(face).toBeDefined();
    // The face's own landmark box, a little enlarged: a crop exported by another tool.
    const r = cropRegion(face!, { name: 'landmarks-square', scale: 1.05, shiftY: 0 });
    const side = 160;
    const tight: RgbFrame = { width: side, height: side, data: resampleRegion(frame, r, side, side) };
    for (const detector of [tiny, ssd]) {
      const retried = await detector.detect(tight, { tightCropRetry: true });
      expect(retried.length, `${detector.kind} with the retry`).toBe(1);
      expect(retried[0]!.landmarks).toHaveLength(68);
      expect(Math.min(retried[0]!.box.width, retried[0]!.box.height)).toBeGreaterThan(side / 2);
    }
  });
});
