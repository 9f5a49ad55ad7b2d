/**
 * The `face-api` implementation of {@link FaceNets}: face-api's own SsdMobilenetv1 and FaceLandmark68Net,
 * run through its public API exactly as ldf used them before the fused networks. Reference for the
 * equivalence tests and a debug option (`FaceDetector.load({ implementation: 'face-api' })`); never on
 * the default path.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadFaceApi, loadFaceApiWeights, type FaceApiModule } from './face-api-runtime.js';
import { FacesError } from './faces-error.js';
import { LANDMARK_WEIGHTS, rgbTensor, SSD_WEIGHTS, type FaceNets } from './face-nets.js';
import { LANDMARK_COUNT, LANDMARK_NET_INPUT_SIZE } from './landmark-net.js';
import { SSD_INPUT_SIZE } from './ssd-mobilenet-v1.js';

/**
 * Requires the face-api bundle (see face-api-runtime.ts) and loads its two networks with the weights in
 * `modelDir`.
 *
 * @throws FacesError BACKEND_NOT_SELECTED, ENGINE_MISMATCH, FACE_MODEL_LOAD_FAILED (see loadFaceApi).
 */
export async function loadFaceApiNets(modelDir: string): Promise<FaceNets> {
  const faceapi: FaceApiModule = loadFaceApi();
  const ssd = new faceapi.SsdMobilenetv1();
  const landmarkNet = new faceapi.FaceLandmark68Net();
  const loaded: tf.NamedTensorMap[] = [];
  try {
    for (const [net, name] of [
      [ssd, SSD_WEIGHTS],
      [landmarkNet, LANDMARK_WEIGHTS],
    ] as const) {
      const weights = await loadFaceApiWeights(modelDir, name);
      loaded.push(weights);
      try {
        // Takes the tensors it needs and disposes the rest of the map.
        net.loadFromWeightMap(weights);
      } catch (cause) {
        const message = `face-api rejected the weights '${name}': ${cause instanceof Error ? cause.message : String(cause)}`;
        throw new FacesError('FACE_MODEL_LOAD_FAILED', message, { cause });
      }
    }
  } catch (e) {
    for (const weights of loaded) tf.dispose(Object.values(weights).filter((t) => !t.isDisposed));
    throw e;
  }
  return {
    implementation: 'face-api',
    async locateFaces(rgb, options) {
      const input = rgbTensor(rgb, SSD_INPUT_SIZE, SSD_INPUT_SIZE);
      try {
        return await ssd.locateFaces(input, options);
      } finally {
        input.dispose();
      }
    },
    async detectLandmarks(crops) {
      if (crops.length === 0) return [];
      const inputs = crops.map((c) => rgbTensor(c, LANDMARK_NET_INPUT_SIZE, LANDMARK_NET_INPUT_SIZE));
      try {
        const landmarks = await landmarkNet.detectLandmarks(inputs);
        return landmarks.map(({ positions }) => {
          const points = new Float64Array(LANDMARK_COUNT * 2);
          for (const [i, p] of positions.entries()) {
            points[2 * i] = p.x;
            points[2 * i + 1] = p.y;
          }
          return points;
        });
      } finally {
        tf.dispose(inputs);
      }
    },
    dispose() {
      ssd.dispose(false);
      landmarkNet.dispose(false);
    },
  };
}
