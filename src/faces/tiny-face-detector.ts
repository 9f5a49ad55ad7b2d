/**
 * TinyFaceDetector (face-api's Tiny YOLO v2 face detector with depthwise-separable convolutions; weights
 * `tiny_face_detector_model` inside @vladmandic/face-api, 190 KB), run by face-api's own implementation on
 * ldf's TF.js engine. About 300M multiply-accumulates at 512x512 (200M at 416) against about 3G for the SSD at 512x512;
 * and it takes any input size that is a multiple of 32.
 *
 * Input: the frame padded to a square (bottom / right) and area-averaged to TINY_INPUT_SIZE in TypeScript by
 * FaceDetector, so face-api's own resize is the identity. Boxes come back in pixels of that input.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadFaceApi, loadFaceApiWeights } from './face-api-runtime.js';
import { FacesError } from './faces-error.js';
import { rgbTensor } from './face-nets.js';

/** Network input side (px). At 416 it missed 3 of the 22 faces (150-220 px) the SSD finds in the face-api demo photos; at 512 none (minConfidence 0.3). */
export const TINY_INPUT_SIZE = 512;
export const TINY_WEIGHTS = 'tiny_face_detector_model';

export interface LocatedFace {
  box: { x: number; y: number; width: number; height: number };
  score: number;
}

/** A face locator on a square RGB24 input of `inputSize` px. */
export interface FaceLocator {
  readonly inputSize: number;
  locate(rgb: Uint8Array, minConfidence: number, maxResults: number): Promise<LocatedFace[]>;
  dispose(): void;
}

interface TinyNet {
  loadFromWeightMap(weightMap: tf.NamedTensorMap): void;
  locateFaces(input: tf.Tensor3D, options: unknown): Promise<{ score: number; box: { x: number; y: number; width: number; height: number } }[]>;
  dispose(throwOnRedispose?: boolean): void;
}

interface TinyModule {
  TinyFaceDetector: new () => TinyNet;
  TinyFaceDetectorOptions: new (options: { inputSize: number; scoreThreshold: number }) => unknown;
}

/**
 * Loads TinyFaceDetector from `modelDir` (face-api's model folder) on the active backend.
 * @throws FacesError BACKEND_NOT_SELECTED, ENGINE_MISMATCH, FACE_MODEL_LOAD_FAILED
 */
export async function loadTinyFaceDetector(modelDir: string, inputSize = TINY_INPUT_SIZE): Promise<FaceLocator> {
  if (!Number.isInteger(inputSize) || inputSize < 32 || inputSize % 32 !== 0) {
    throw new FacesError('INVALID_OPTIONS', `TinyFaceDetector input size must be a multiple of 32, got ${String(inputSize)}`);
  }
  const faceapi = loadFaceApi() as unknown as TinyModule;
  const net = new faceapi.TinyFaceDetector();
  const weights = await loadFaceApiWeights(modelDir, TINY_WEIGHTS);
  try {
    net.loadFromWeightMap(weights);
  } catch (cause) {
    tf.dispose(Object.values(weights).filter((t) => !t.isDisposed));
    const message = `face-api rejected the weights '${TINY_WEIGHTS}': ${cause instanceof Error ? cause.message : String(cause)}`;
    throw new FacesError('FACE_MODEL_LOAD_FAILED', message, { cause });
  }
  return {
    inputSize,
    async locate(rgb, minConfidence, maxResults) {
      const input = rgbTensor(rgb, inputSize, inputSize);
      try {
        const found = await net.locateFaces(input, new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: minConfidence }));
        return found
          .map((d) => ({ score: d.score, box: { x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height } }))
          .sort((a, b) => b.score - a.score)
          .slice(0, maxResults);
      } finally {
        input.dispose();
      }
    },
    dispose() {
      net.dispose(false);
    },
  };
}
