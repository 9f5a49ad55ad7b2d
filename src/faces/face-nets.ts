/**
 * The two networks behind FaceDetector, as one interface with two implementations:
 *  - `fused` (the default, {@link loadFusedNets}): ldf's own forward passes on face-api's weights
 *    (src/faces/ssd-mobilenet-v1.ts, src/faces/landmark-net.ts), one fused kernel per layer, post-processing
 *    in TypeScript. Does not load the face-api bundle at all (only its weight files).
 *  - `face-api` (loadFaceApiNets in src/faces/face-api-runtime.ts): face-api's own SsdMobilenetv1 and
 *    FaceLandmark68Net. Kept as the reference the fused path is tested against (same faces, boxes and
 *    landmarks up to float rounding) and as a debug option; about 1.5x slower (see face-detector.ts).
 * Both take the same preprocessed inputs (FaceDetector does the resampling), so they differ only in the math.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadFaceApiWeights } from './face-api-runtime.js';
import { LandmarkNet } from './landmark-net.js';
import { SsdMobilenetV1, type SsdDetection, type SsdLocateOptions } from './ssd-mobilenet-v1.js';

export type { SsdDetection, SsdLocateOptions } from './ssd-mobilenet-v1.js';

export type FaceNetsImplementation = 'fused' | 'face-api';

export interface FaceNets {
  readonly implementation: FaceNetsImplementation;
  /**
   * SSD MobileNet v1 + non-max suppression (IoU 0.5) on a 512x512 RGB24 image: the faces scoring strictly
   * above `minConfidence` (in (0, 1)), best first, boxes in pixels of that image.
   */
  locateFaces(rgb: Uint8Array, options: SsdLocateOptions): Promise<SsdDetection[]>;
  /** 68 landmarks per 112x112 RGB24 face crop: x0, y0, x1, y1, ... in pixels of the crop. */
  detectLandmarks(crops: readonly Uint8Array[]): Promise<Float64Array[]>;
  /** Frees the weights. Idempotent. */
  dispose(): void;
}

/** Weight files (`<name>-weights_manifest.json` + shards) of the two networks, in face-api's model folder. */
export const SSD_WEIGHTS = 'ssd_mobilenetv1_model';
export const LANDMARK_WEIGHTS = 'face_landmark_68_model';

/**
 * Loads the fused networks from face-api's weight files in `modelDir`, on the active backend.
 *
 * @throws FacesError FACE_MODEL_LOAD_FAILED (nothing is left allocated).
 */
export async function loadFusedNets(modelDir: string): Promise<FaceNets> {
  const ssd = SsdMobilenetV1.fromWeightMap(await loadFaceApiWeights(modelDir, SSD_WEIGHTS));
  let landmarks: LandmarkNet;
  try {
    landmarks = LandmarkNet.fromWeightMap(await loadFaceApiWeights(modelDir, LANDMARK_WEIGHTS));
  } catch (e) {
    ssd.dispose();
    throw e;
  }
  return {
    implementation: 'fused',
    locateFaces: (rgb, options) => Promise.resolve(ssd.locateFaces(rgb, options)),
    detectLandmarks: (crops) => Promise.resolve(landmarks.detect(crops)),
    dispose: () => {
      ssd.dispose();
      landmarks.dispose();
    },
  };
}

/** An RGB24 byte image as a float32 [height, width, 3] tensor (face-api's input form). */
export function rgbTensor(rgb: Uint8Array, width: number, height: number): tf.Tensor3D {
  return tf.tensor3d(Float32Array.from(rgb), [height, width, 3], 'float32');
}
