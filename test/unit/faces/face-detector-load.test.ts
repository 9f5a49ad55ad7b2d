import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FaceDetector } from '../../../src/faces/face-detector.js';
import { FacesError } from '../../../src/faces/faces-error.js';
import { selectBackend } from '../../../src/model/backend.js';

async function codeOf(f: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(FacesError);
    return (e as FacesError).code;
  }
  return undefined;
}

// Test files run in their own process (vitest pool 'forks'): no TF.js backend is active at first.
describe('FaceDetector.load', () => {
  it('refuses to load before selectBackend() (and does not start a backend itself)', async () => {
    expect(tf.getBackend()).toBeFalsy(); // undefined until a backend is set
    expect(await codeOf(() => FaceDetector.load())).toBe('BACKEND_NOT_SELECTED');
    expect(tf.getBackend()).toBeFalsy(); // undefined until a backend is set
  });

  it('reports missing weight files as FACE_MODEL_LOAD_FAILED and leaks no tensor', async () => {
    await selectBackend({ backend: 'cpu' });
    const before = tf.memory().numTensors;
    expect(await codeOf(() => FaceDetector.load({ modelDir: '/nonexistent/face-api-models' }))).toBe(
      'FACE_MODEL_LOAD_FAILED',
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
