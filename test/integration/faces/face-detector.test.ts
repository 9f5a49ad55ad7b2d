import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cropFace, cropRegion } from '../../../src/faces/crop-face.js';
import { loadFaceApi } from '../../../src/faces/face-api-runtime.js';
import { FaceDetector, type DetectedFace, type DetectOptions } from '../../../src/faces/face-detector.js';
import { FacesError } from '../../../src/faces/faces-error.js';
import type { RgbFrame } from '../../../src/faces/rgb-frame.js';
import { DEFAULT_CROP_CONVENTION } from '../../../src/model/manifest.js';
import { useTestBackend } from '../../helpers/backend.js';
import { FACE_API_SAMPLE_COUNT, FACE_API_SAMPLE_FACES, loadFaceApiSample } from '../../helpers/faces-sample-photos.js';
import { solidFrame } from '../../helpers/faces-synthetic-frame.js';

let detector: FaceDetector;
let tensorsBeforeLoad: number;
const samples: RgbFrame[] = [];
/** detect(sample, defaults) per sample, computed once. */
const detections: DetectedFace[][] = [];

beforeAll(async () => {
  await useTestBackend();
  for (let i = 1; i <= FACE_API_SAMPLE_COUNT; i++) samples.push(await loadFaceApiSample(i));
  tensorsBeforeLoad = tf.memory().numTensors;
  detector = await FaceDetector.load();
  for (const frame of samples) detections.push(await detector.detect(frame));
});

afterAll(() => {
  detector?.dispose();
});

function mean(points: Array<[number, number]>): [number, number] {
  const sx = points.reduce((s, p) => s + p[0], 0);
  const sy = points.reduce((s, p) => s + p[1], 0);
  return [sx / points.length, sy / points.length];
}

async function codeOf(f: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(FacesError);
    return (e as FacesError).code;
  }
  return undefined;
}

describe('FaceDetector runtime', () => {
  it("runs on ldf's TF.js engine and wasm backend (face-api, the reference implementation, too)", () => {
    expect(detector.implementation).toBe('fused');
    const faceapi = loadFaceApi();
    expect(faceapi.tf.engine()).toBe(tf.engine());
    expect(faceapi.tf.Tensor).toBe(tf.Tensor);
    expect(tf.getBackend()).toBe('wasm');
    expect(faceapi.tf.getBackend()).toBe('wasm');
    expect(detector.backend).toBe('wasm');
    // The weights were created in ldf's engine (they show up in its tensor count).
    expect(tf.memory().numTensors).toBeGreaterThan(tensorsBeforeLoad + 100);
  });
});

describe('FaceDetector.detect on the face-api demo photos', () => {
  it.each(FACE_API_SAMPLE_FACES.map((faces, i) => [i + 1, faces] as const))(
    'sample%i.jpg: finds its %i faces with sane boxes and landmarks',
    (index, faces) => {
      const frame = samples[index - 1]!;
      const found = detections[index - 1]!;
      expect(found).toHaveLength(faces);
      for (const [k, face] of found.entries()) {
        const { box, score, landmarks } = face;
        expect(score).toBeGreaterThanOrEqual(0.5);
        expect(score).toBeLessThanOrEqual(1);
        if (k > 0) expect(score).toBeLessThanOrEqual(found[k - 1]!.score);
        // Boxes inside the frame, face-sized (these photos' faces are 140-310 px).
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.y).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(frame.width);
        expect(box.y + box.height).toBeLessThanOrEqual(frame.height);
        expect(Math.min(box.width, box.height)).toBeGreaterThan(100);
        expect(Math.max(box.width, box.height)).toBeLessThan(400);
        // 68 landmarks inside the box, give or take 20 % of its size.
        expect(landmarks).toHaveLength(68);
        const mx = 0.2 * box.width;
        const my = 0.2 * box.height;
        for (const [x, y] of landmarks) {
          expect(x).toBeGreaterThanOrEqual(box.x - mx);
          expect(x).toBeLessThanOrEqual(box.x + box.width + mx);
          expect(y).toBeGreaterThanOrEqual(box.y - my);
          expect(y).toBeLessThanOrEqual(box.y + box.height + my);
        }
        // Upright faces: eyes (36-47) above the nose tip (30) above the mouth (48-67) above the chin (8).
        const eyes = mean(landmarks.slice(36, 48));
        const mouth = mean(landmarks.slice(48, 68));
        expect(eyes[1]).toBeLessThan(landmarks[30]![1]);
        expect(landmarks[30]![1]).toBeLessThan(mouth[1]);
        expect(mouth[1]).toBeLessThan(landmarks[8]![1]);
        // Left eye (36-41, image left) left of the right eye (42-47).
        expect(mean(landmarks.slice(36, 42))[0]).toBeLessThan(mean(landmarks.slice(42, 48))[0]);
      }
    },
  );

  it('minConfidence keeps exactly the faces scoring at least that much', async () => {
    const all = await detector.detect(samples[1]!, { minConfidence: 0.3 });
    expect(all.length).toBeGreaterThanOrEqual(FACE_API_SAMPLE_FACES[1]!);
    const threshold = 0.9;
    const strict = await detector.detect(samples[1]!, { minConfidence: threshold });
    expect(strict.length).toBeGreaterThan(0);
    expect(strict.length).toBeLessThan(all.length);
    expect(strict).toEqual(all.filter((f) => f.score >= threshold));
  });

  it('minFacePx drops faces whose smaller box side is below it', async () => {
    const base = detections[0]!;
    const sides = base.map((f) => Math.min(f.box.width, f.box.height)).sort((a, b) => a - b);
    const threshold = (sides[0]! + sides[1]!) / 2;
    const filtered = await detector.detect(samples[0]!, { minFacePx: threshold });
    expect(filtered).toHaveLength(base.length - 1);
    expect(filtered).toEqual(base.filter((f) => Math.min(f.box.width, f.box.height) >= threshold));
    expect(await detector.detect(samples[0]!, { minFacePx: 1000 })).toEqual([]);
  });

  it('maxFaces keeps the highest scores, in the same order', async () => {
    const base = detections[4]!;
    expect(await detector.detect(samples[4]!, { maxFaces: 2 })).toEqual(base.slice(0, 2));
    expect(await detector.detect(samples[4]!, { maxFaces: 1 })).toEqual(base.slice(0, 1));
  });

  it('landmarks: false skips the landmark net: same boxes and scores, no landmarks', async () => {
    for (const index of [1, 5]) {
      const withLandmarks = detections[index - 1]!;
      const without = await detector.detect(samples[index - 1]!, { landmarks: false });
      expect(without).toEqual(withLandmarks.map((f) => ({ ...f, landmarks: [] })));
    }
  });

  it('finds no face in blank frames', async () => {
    expect(await detector.detect(solidFrame(1920, 1080, [128, 128, 128]))).toEqual([]);
    expect(await detector.detect(solidFrame(640, 480, [128, 128, 128]), { minConfidence: 0.1 })).toEqual([]);
    expect(await detector.detect(solidFrame(64, 48, [0, 0, 0]))).toEqual([]);
  });

  it('crops detected faces with cropFace: right size, face centred', () => {
    const { size } = DEFAULT_CROP_CONVENTION;
    for (const [i, found] of detections.entries()) {
      for (const face of found) {
        const crop = cropFace(samples[i]!, face, DEFAULT_CROP_CONVENTION);
        expect(crop.length).toBe(size * size * 3);
        // The landmarks' centre, in crop pixels, lies near the crop centre.
        const region = cropRegion(face, DEFAULT_CROP_CONVENTION);
        const [cx, cy] = mean(face.landmarks);
        const u = ((cx - region.x) / region.width) * size;
        const v = ((cy - region.y) / region.height) * size;
        expect(Math.abs(u - size / 2)).toBeLessThan(0.15 * size);
        expect(Math.abs(v - size / 2)).toBeLessThan(0.15 * size);
      }
    }
  });
});

describe('FaceDetector resources and errors', () => {
  it('frees every tensor: 50 detect() calls leave tf.memory().numTensors unchanged', async () => {
    const frame = await loadFaceApiSample(1, { width: 640, height: 480 });
    const first = await detector.detect(frame, { minFacePx: 20 });
    expect(first.length).toBeGreaterThan(0); // the landmark path runs too
    const before = tf.memory().numTensors;
    for (let i = 0; i < 49; i++) {
      const again = await detector.detect(frame, { minFacePx: 20 });
      expect(again).toEqual(first); // deterministic
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options and frames', async () => {
    const frame = solidFrame(32, 32, [0, 0, 0]);
    const bad: DetectOptions[] = [
      { minConfidence: 0 },
      { minConfidence: 1.5 },
      { minConfidence: Number.NaN },
      { minFacePx: -1 },
      { minFacePx: Number.POSITIVE_INFINITY },
      { maxFaces: 0 },
      { maxFaces: 2.5 },
      { landmarks: 'no' as unknown as boolean },
    ];
    for (const options of bad) expect(await codeOf(() => detector.detect(frame, options))).toBe('INVALID_OPTIONS');
    expect(await codeOf(() => detector.detect({ ...frame, height: 31 }))).toBe('INVALID_FRAME');
  });

  it('dispose() frees the weights; detect() afterwards throws DETECTOR_DISPOSED', async () => {
    const extra = await FaceDetector.load();
    extra.dispose();
    extra.dispose(); // idempotent
    expect(await codeOf(() => extra.detect(solidFrame(8, 8, [0, 0, 0])))).toBe('DETECTOR_DISPOSED');
    detector.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBeforeLoad);
  });
});
