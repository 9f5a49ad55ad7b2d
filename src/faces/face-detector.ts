/**
 * Face detection + 68-point landmarks with @vladmandic/face-api (SSD MobileNet v1 + FaceLandmark68Net),
 * running on ldf's TF.js engine and backend (see src/faces/face-api-runtime.ts for the bundle choice and
 * the shared-engine check).
 *
 * Pipeline of detect(), all in frame pixels at the API:
 *  1. The frame is padded (zeros, bottom / right) to a square and area-averaged down to the SSD's fixed
 *     512x512 input in TypeScript (src/faces/resample-region.ts): an anti-aliased downscale, and the full
 *     frame is never uploaded as a tensor. Same geometry as face-api's own preprocessing (pad to square,
 *     bilinear resize), which aliases on 1080p frames.
 *  2. SSD MobileNet v1 + non-max suppression (face-api, IoU 0.5). Boxes are mapped back to frame pixels and
 *     clipped to the frame; then filtered (minConfidence, minFacePx), ordered (score desc, then x, then y)
 *     and cut to maxFaces, so landmarks are computed only for faces that are returned.
 *  3. Landmarks: each box is cut out of the full-resolution frame the way face-api does it (box content
 *     centred in a square, zero bars on the short side) straight at the landmark net's 112x112 input, and
 *     all faces of the frame go through the net as one batch.
 *
 * The SSD input size is not configurable: face-api's SSD has its 5118 anchor boxes baked into the weights
 * for a 512x512 input, so a 1080p frame is reduced 3.75x. Measured on the demo photos pasted small into a
 * black 1920x1080 frame: faces of 45-60 px (min box side) are still all found, recall drops below ~45 px
 * (about 12 px in the SSD input). Finding smaller faces would need tiling (one SSD pass, ~130 ms, per tile).
 * Batching frames brings nothing on wasm (4 frames in one SSD batch cost as much as 4 single passes, and
 * face-api's locateFaces only decodes batch item 0), hence no detectBatch().
 *
 * Every tensor is freed before detect() returns (the integration test checks tf.memory().numTensors).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  faceApiModelDir,
  LANDMARK_INPUT_PX,
  loadFaceApi,
  loadFaceApiWeights,
  SSD_INPUT_PX,
  type FaceApiDetection,
  type FaceApiFaceLandmark68Net,
  type FaceApiSsdMobilenetv1,
} from './face-api-runtime.js';
import { FacesError } from './faces-error.js';
import { resampleRegion } from './resample-region.js';
import { assertRgbFrame, type FaceBox, type RgbFrame } from './rgb-frame.js';

export type { FaceBox, RgbFrame } from './rgb-frame.js';

/** One landmark point [x, y] in frame pixels. */
export type LandmarkPoint = [number, number];

export interface DetectedFace {
  /** Face box from the SSD detector, frame pixels, clipped to the frame (not square: usually taller than wide). */
  box: FaceBox;
  /** Detector confidence in [minConfidence, 1]. */
  score: number;
  /**
   * The 68 iBUG / dlib points in frame pixels: 0-16 jaw, 17-21 and 22-26 eyebrows, 27-35 nose,
   * 36-41 and 42-47 eyes, 48-67 mouth. Points may fall slightly outside the box (or the frame).
   */
  landmarks: LandmarkPoint[];
}

export interface DetectOptions {
  /** Lowest detector score kept, in [MIN_CONFIDENCE_FLOOR, 1]. Default 0.5. */
  minConfidence?: number;
  /** Smallest face kept: min(box width, box height) in frame pixels, >= 0. Default 40. */
  minFacePx?: number;
  /** Most faces returned (the highest scores), a positive integer. Default 10. */
  maxFaces?: number;
}

export interface FaceDetectorLoadOptions {
  /**
   * Directory holding face-api's weight files (ssd_mobilenetv1_model-weights_manifest.json,
   * face_landmark_68_model-weights_manifest.json and their shards). Default: the `model/` folder of the
   * installed @vladmandic/face-api package.
   */
  modelDir?: string;
}

export const DEFAULT_MIN_CONFIDENCE = 0.5;
export const DEFAULT_MIN_FACE_PX = 40;
export const DEFAULT_MAX_FACES = 10;
/** Lowest accepted minConfidence: below it SSD's non-max suppression would sort through thousands of boxes. */
export const MIN_CONFIDENCE_FLOOR = 0.01;
/** SSD non-max suppression keeps at most this many boxes (before the minFacePx / maxFaces filters). */
const SSD_MAX_RESULTS = 100;

const SSD_WEIGHTS = 'ssd_mobilenetv1_model';
const LANDMARK_WEIGHTS = 'face_landmark_68_model';

interface ResolvedOptions {
  minConfidence: number;
  minFacePx: number;
  maxFaces: number;
}

export class FaceDetector {
  /** Name of the TF.js backend the detector was loaded on (its weights live there). */
  readonly backend: string;
  /** @vladmandic/face-api version. */
  readonly faceApiVersion: string;

  private ssd: FaceApiSsdMobilenetv1 | undefined;
  private landmarkNet: FaceApiFaceLandmark68Net | undefined;

  private constructor(
    ssd: FaceApiSsdMobilenetv1,
    landmarkNet: FaceApiFaceLandmark68Net,
    backend: string,
    faceApiVersion: string,
  ) {
    this.ssd = ssd;
    this.landmarkNet = landmarkNet;
    this.backend = backend;
    this.faceApiVersion = faceApiVersion;
  }

  /**
   * Loads face-api (once per process, Node's require cache) and a fresh pair of networks with their
   * weights on the active TF.js backend. Call selectBackend() (src/model/backend.ts) first; the detector
   * must then be used on that backend. Each instance owns its weights (~180 tensors, ~7 MB): dispose() it.
   *
   * @throws FacesError BACKEND_NOT_SELECTED, ENGINE_MISMATCH, FACE_MODEL_LOAD_FAILED (see loadFaceApi).
   */
  static async load(options: FaceDetectorLoadOptions = {}): Promise<FaceDetector> {
    const faceapi = loadFaceApi();
    const modelDir = options.modelDir ?? faceApiModelDir();
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
          const message = `face-api rejected the weights '${name}': ${messageOf(cause)}`;
          throw new FacesError('FACE_MODEL_LOAD_FAILED', message, { cause });
        }
      }
    } catch (e) {
      for (const weights of loaded) tf.dispose(Object.values(weights).filter((t) => !t.isDisposed));
      throw e;
    }
    return new FaceDetector(ssd, landmarkNet, tf.getBackend(), faceapi.version);
  }

  /**
   * Finds the faces in one RGB24 frame, with 68 landmarks each. Result order is stable: score descending,
   * then box x, then box y (ascending).
   *
   * @throws FacesError INVALID_FRAME, INVALID_OPTIONS, DETECTOR_DISPOSED.
   */
  async detect(frame: RgbFrame, options: DetectOptions = {}): Promise<DetectedFace[]> {
    const opts = resolveOptions(options);
    assertRgbFrame(frame);
    const { ssd, landmarkNet } = this.nets();

    // 1. SSD input: the frame padded to a square (bottom / right), area-averaged to 512x512.
    const side = Math.max(frame.width, frame.height);
    const ssdPixels = resampleRegion(frame, { x: 0, y: 0, width: side, height: side }, SSD_INPUT_PX, SSD_INPUT_PX);
    const ssdInput = tf.tensor3d(new Float32Array(ssdPixels), [SSD_INPUT_PX, SSD_INPUT_PX, 3], 'float32');
    let detections: FaceApiDetection[];
    try {
      detections = await ssd.locateFaces(ssdInput, {
        // face-api requires a value in (0, 1); the exact threshold is applied below.
        minConfidence: Math.min(opts.minConfidence, 0.999),
        maxResults: SSD_MAX_RESULTS,
      });
    } finally {
      ssdInput.dispose();
    }

    // 2. Back to frame pixels, filter, order, cut.
    const toFrame = side / SSD_INPUT_PX;
    const faces: Array<{ box: FaceBox; score: number }> = [];
    for (const d of detections) {
      const box = clipToFrame(
        { x: d.box.x * toFrame, y: d.box.y * toFrame, width: d.box.width * toFrame, height: d.box.height * toFrame },
        frame,
      );
      if (box === undefined || d.score < opts.minConfidence) continue;
      if (Math.min(box.width, box.height) < opts.minFacePx) continue;
      faces.push({ box, score: d.score });
    }
    faces.sort((a, b) => b.score - a.score || a.box.x - b.box.x || a.box.y - b.box.y);
    faces.splice(opts.maxFaces);
    if (faces.length === 0) return [];

    // 3. Landmarks, one batch for the frame.
    const regions = faces.map(({ box }) => landmarkRegion(box));
    const inputs = faces.map(({ box }, i) => {
      const pixels = resampleRegion(frame, regions[i]!, LANDMARK_INPUT_PX, LANDMARK_INPUT_PX, {
        x0: Math.round(box.x),
        y0: Math.round(box.y),
        x1: Math.round(box.x + box.width),
        y1: Math.round(box.y + box.height),
      });
      return tf.tensor3d(new Float32Array(pixels), [LANDMARK_INPUT_PX, LANDMARK_INPUT_PX, 3], 'float32');
    });
    let landmarks;
    try {
      landmarks = await landmarkNet.detectLandmarks(inputs);
    } finally {
      tf.dispose(inputs);
    }
    return faces.map(({ box, score }, i) => {
      const region = regions[i]!;
      const k = region.width / LANDMARK_INPUT_PX;
      const points = landmarks[i]?.positions ?? [];
      return {
        box,
        score,
        landmarks: points.map((p): LandmarkPoint => [region.x + p.x * k, region.y + p.y * k]),
      };
    });
  }

  /** Frees the networks' weights. Idempotent; detect() afterwards throws DETECTOR_DISPOSED. */
  dispose(): void {
    this.ssd?.dispose(false);
    this.landmarkNet?.dispose(false);
    this.ssd = undefined;
    this.landmarkNet = undefined;
  }

  private nets(): { ssd: FaceApiSsdMobilenetv1; landmarkNet: FaceApiFaceLandmark68Net } {
    if (this.ssd === undefined || this.landmarkNet === undefined) {
      throw new FacesError('DETECTOR_DISPOSED', 'this FaceDetector has been disposed');
    }
    return { ssd: this.ssd, landmarkNet: this.landmarkNet };
  }
}

function resolveOptions(options: DetectOptions): ResolvedOptions {
  const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const minFacePx = options.minFacePx ?? DEFAULT_MIN_FACE_PX;
  const maxFaces = options.maxFaces ?? DEFAULT_MAX_FACES;
  if (typeof minConfidence !== 'number' || !(minConfidence >= MIN_CONFIDENCE_FLOOR && minConfidence <= 1)) {
    throw new FacesError(
      'INVALID_OPTIONS',
      `minConfidence must be a number in [${MIN_CONFIDENCE_FLOOR}, 1], got ${String(minConfidence)}`,
    );
  }
  if (typeof minFacePx !== 'number' || !Number.isFinite(minFacePx) || minFacePx < 0) {
    throw new FacesError('INVALID_OPTIONS', `minFacePx must be a finite number >= 0, got ${String(minFacePx)}`);
  }
  if (!Number.isInteger(maxFaces) || maxFaces < 1) {
    throw new FacesError('INVALID_OPTIONS', `maxFaces must be a positive integer, got ${String(maxFaces)}`);
  }
  return { minConfidence, minFacePx, maxFaces };
}

/** `box` clipped to the frame, or undefined when nothing of it is left. */
function clipToFrame(box: FaceBox, frame: RgbFrame): FaceBox | undefined {
  const x0 = Math.max(0, box.x);
  const y0 = Math.max(0, box.y);
  const x1 = Math.min(frame.width, box.x + box.width);
  const y1 = Math.min(frame.height, box.y + box.height);
  if (!(x1 > x0 && y1 > y0)) return undefined;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The landmark net's input square: centred on the box, side = the box's longer side (face-api's padToSquare). */
function landmarkRegion(box: FaceBox): FaceBox {
  const side = Math.max(box.width, box.height);
  return { x: box.x + (box.width - side) / 2, y: box.y + (box.height - side) / 2, width: side, height: side };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
