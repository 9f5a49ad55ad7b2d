/**
 * The fused networks (FaceDetector's default implementation) against face-api's own SsdMobilenetv1 and
 * FaceLandmark68Net (`implementation: 'face-api'`), through the same detect() pipeline: same faces, boxes
 * within 1 px and scores within 1e-3 (in practice they agree to ~1e-4 px and ~1e-6: only float32 rounding
 * differs), landmarks within 1 px.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaceDetector, type DetectedFace, type DetectOptions } from '../../../src/faces/face-detector.js';
import type { RgbFrame } from '../../../src/faces/rgb-frame.js';
import { useTestBackend } from '../../helpers/backend.js';
import { FACE_API_SAMPLE_COUNT, FACE_API_SAMPLE_FACES, loadFaceApiSample } from '../../helpers/faces-sample-photos.js';

const BOX_TOLERANCE_PX = 1;
const SCORE_TOLERANCE = 1e-3;
const LANDMARK_TOLERANCE_PX = 1;

let fused: FaceDetector;
let reference: FaceDetector;
let tensorsBefore: number;
const samples: RgbFrame[] = [];

beforeAll(async () => {
  await useTestBackend();
  for (let i = 1; i <= FACE_API_SAMPLE_COUNT; i++) samples.push(await loadFaceApiSample(i));
  tensorsBefore = tf.memory().numTensors;
  fused = await FaceDetector.load();
  reference = await FaceDetector.load({ implementation: 'face-api' });
});

afterAll(() => {
  fused?.dispose();
  reference?.dispose();
});

function expectSameFaces(actual: DetectedFace[], expected: DetectedFace[]): void {
  expect(actual).toHaveLength(expected.length);
  for (const [k, want] of expected.entries()) {
    const got = actual[k]!;
    expect(Math.abs(got.score - want.score)).toBeLessThanOrEqual(SCORE_TOLERANCE);
    for (const key of ['x', 'y', 'width', 'height'] as const) {
      expect(Math.abs(got.box[key] - want.box[key])).toBeLessThanOrEqual(BOX_TOLERANCE_PX);
    }
    expect(got.landmarks).toHaveLength(want.landmarks.length);
    for (const [p, [x, y]] of want.landmarks.entries()) {
      expect(Math.abs(got.landmarks[p]![0] - x)).toBeLessThanOrEqual(LANDMARK_TOLERANCE_PX);
      expect(Math.abs(got.landmarks[p]![1] - y)).toBeLessThanOrEqual(LANDMARK_TOLERANCE_PX);
    }
  }
}

describe('fused networks vs face-api', () => {
  it('loads both implementations', () => {
    expect(fused.implementation).toBe('fused');
    expect(reference.implementation).toBe('face-api');
    expect(fused.faceApiVersion).toBe(reference.faceApiVersion);
  });

  it.each(FACE_API_SAMPLE_FACES.map((faces, i) => [i + 1, faces] as const))(
    'sample%i.jpg (full size): the same %i faces, boxes, scores and landmarks',
    async (index, faces) => {
      const frame = samples[index - 1]!;
      const want = await reference.detect(frame);
      expect(want).toHaveLength(faces);
      expectSameFaces(await fused.detect(frame), want);
    },
  );

  it('the same candidates down to a low threshold, on a 1080p frame, without landmarks', async () => {
    const options: DetectOptions = { minConfidence: 0.05, minFacePx: 0, maxFaces: 100, landmarks: false };
    let total = 0;
    for (const index of [2, 5]) {
      const frame = await loadFaceApiSample(index, { width: 1920, height: 1080 });
      const want = await reference.detect(frame, options);
      total += want.length;
      const got = await fused.detect(frame, options);
      expectSameFaces(got, want);
      for (const face of got) expect(face.landmarks).toEqual([]);
    }
    expect(total).toBeGreaterThan(FACE_API_SAMPLE_FACES[1]! + FACE_API_SAMPLE_FACES[4]!); // low scores too
  });

  it('frees everything on dispose', () => {
    fused.dispose();
    reference.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
