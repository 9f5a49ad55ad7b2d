/**
 * TinyFaceDetector (face-api's Tiny YOLO v2 face detector with depthwise-separable convolutions; weights
 * `tiny_face_detector_model` inside @vladmandic/face-api, 190 KB), run by face-api's own implementation on
 * ldf's TF.js engine, at two input sizes (TINY_INPUT_SIZES) merged by non-max suppression: about 0.42G
 * multiply-accumulates per frame, against about 3G for the SSD at 512x512.
 *
 * Input: the frame padded to a square (bottom / right) and area-averaged to each input size in TypeScript,
 * so face-api's own resize is the identity. Boxes come back in frame pixels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadFaceApi, loadFaceApiWeights } from './face-api-runtime.js';
import { FacesError } from './faces-error.js';
import { rgbTensor } from './face-nets.js';
import { resampleRegion } from './resample-region.js';
import { boxIou, type RgbFrame } from './rgb-frame.js';


export const TINY_WEIGHTS = 'tiny_face_detector_model';

export interface LocatedFace {
  box: { x: number; y: number; width: number; height: number };
  score: number;
}

/** A face locator on a frame; boxes in frame pixels, best first. */
export interface FaceLocator {
  readonly inputSizes: readonly number[];
  locate(frame: RgbFrame, minConfidence: number, maxResults: number): Promise<LocatedFace[]>;
  dispose(): void;
}

/**
 * Input sides (px) TinyFaceDetector runs at, merged by non-max suppression. One size alone is erratic: on
 * fixtures/still.jpg (a 135 px face in a 360 px photo) the face scores 0.74 at 288, 0.27 at 352, 0.62 at
 * 416 and 0.33 at 512; at 416 alone 3 of the 22 faces (150-220 px) the SSD finds in the face-api demo
 * photos are missed. Two passes, 320 and 512 (about 0.12 + 0.3 GMACs), find all of them.
 */
export const TINY_INPUT_SIZES: readonly number[] = [320, 512];

/** Boxes overlapping a better one by more than this IoU are dropped when merging the passes. */
const MERGE_IOU = 0.4;

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
export async function loadTinyFaceDetector(modelDir: string, inputSizes: readonly number[] = TINY_INPUT_SIZES): Promise<FaceLocator> {
  for (const inputSize of inputSizes) {
    if (!Number.isInteger(inputSize) || inputSize < 32 || inputSize % 32 !== 0) {
      throw new FacesError('INVALID_OPTIONS', `TinyFaceDetector input size must be a multiple of 32, got ${String(inputSize)}`);
    }
  }
  if (inputSizes.length === 0) throw new FacesError('INVALID_OPTIONS', 'TinyFaceDetector needs at least one input size');
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
  const pass = async (frame: RgbFrame, inputSize: number, minConfidence: number): Promise<LocatedFace[]> => {
    // The frame padded to a square (bottom / right), area-averaged to the input side.
    const side = Math.max(frame.width, frame.height);
    const rgb = resampleRegion(frame, { x: 0, y: 0, width: side, height: side }, inputSize, inputSize);
    const input = rgbTensor(rgb, inputSize, inputSize);
    try {
      const found = await net.locateFaces(input, new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold: minConfidence }));
      const k = side / inputSize;
      return found.map((d) => ({ score: d.score, box: { x: d.box.x * k, y: d.box.y * k, width: d.box.width * k, height: d.box.height * k } }));
    } finally {
      input.dispose();
    }
  };
  return {
    inputSizes: [...inputSizes],
    async locate(frame, minConfidence, maxResults) {
      const all: LocatedFace[] = [];
      for (const size of inputSizes) all.push(...(await pass(frame, size, minConfidence)));
      all.sort((a, b) => b.score - a.score);
      const kept: LocatedFace[] = [];
      for (const face of all) {
        if (kept.some((k) => boxIou(k.box, face.box) > MERGE_IOU)) continue;
        kept.push(face);
        if (kept.length >= maxResults) break;
      }
      return kept;
    },
    dispose() {
      net.dispose(false);
    },
  };
}
