/**
 * Face detection + 68-point landmarks with face-api's SSD MobileNet v1 and FaceLandmark68Net weights
 * (@vladmandic/face-api), run by ldf's own fused implementation of the two networks
 * (src/faces/ssd-mobilenet-v1.ts, src/faces/landmark-net.ts; see src/faces/face-nets.ts) on ldf's TF.js
 * engine and backend. face-api's own implementation stays available as the reference
 * (`load({ implementation: 'face-api' })`, src/faces/face-api-nets.ts): the equivalence test
 * (test/integration/faces/face-detector-equivalence.test.ts) checks that both give the same faces.
 *
 * Pipeline of detect(), all in frame pixels at the API:
 *  1. The frame is padded (zeros, bottom / right) to a square and area-averaged down to the SSD's fixed
 *     512x512 input in TypeScript (src/faces/resample-region.ts): an anti-aliased downscale, and the full
 *     frame is never uploaded as a tensor. Same geometry as face-api's own preprocessing (pad to square,
 *     bilinear resize), which aliases on 1080p frames.
 *  2. SSD MobileNet v1 + non-max suppression (face-api's algorithm, IoU 0.5). Boxes are mapped back to frame
 *     pixels and clipped to the frame; then filtered (minConfidence, minFacePx), ordered (score desc, then x,
 *     then y) and cut to maxFaces, so landmarks are computed only for faces that are returned.
 *  3. Landmarks (unless `landmarks: false`): each box is cut out of the full-resolution frame the way
 *     face-api does it (box content centred in a square, zero bars on the short side) straight at the
 *     landmark net's 112x112 input, and all faces of the frame go through the net as one batch.
 *
 * Cost on the wasm backend (2 threads, a 1920x1080 frame): about 15 ms for step 1, the SSD forward pass
 * dominates the rest (~3 GMACs at 512x512, one fused kernel per layer); landmarks add a few ms per face.
 * face-api's own SSD pipeline needs ~1.5x as long (separate BN / bias / ReLU6 kernels, a per-pair
 * `arraySync()` in its non-max suppression).
 *
 * The SSD input size is not configurable: face-api's SSD has its 5118 anchor boxes baked into the weights
 * for a 512x512 input, so a 1080p frame is reduced 3.75x. Measured on the demo photos pasted small into a
 * black 1920x1080 frame: faces of 45-60 px (min box side) are still all found, recall drops below ~45 px
 * (about 12 px in the SSD input). Finding smaller faces would need tiling (one SSD pass per tile).
 * Batching frames brings nothing on wasm (4 frames in one SSD batch cost as much as 4 single passes),
 * hence no detectBatch().
 *
 * Every tensor is freed before detect() returns (the integration test checks tf.memory().numTensors).
 */
import { pointsBounds } from './crop-face.js';
import { faceApiModelDir, faceApiPackageVersion, assertBackendSelected } from './face-api-runtime.js';
import { loadFaceApiNets } from './face-api-nets.js';
import { loadFusedNets, type FaceNets, type FaceNetsImplementation } from './face-nets.js';
import { FacesError } from './faces-error.js';
import { LANDMARK_NET_INPUT_SIZE } from './landmark-net.js';
import { resampleRegion } from './resample-region.js';
import { assertRgbFrame, type FaceBox, type RgbFrame } from './rgb-frame.js';
import { SSD_INPUT_SIZE } from './ssd-mobilenet-v1.js';
import { loadTinyFaceDetector, type FaceLocator } from './tiny-face-detector.js';

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
   * Empty when detect() ran with `landmarks: false` (the landmark net is then skipped).
   */
  landmarks: LandmarkPoint[];
}

export interface DetectOptions {
  /** Lowest detector score kept, in [MIN_CONFIDENCE_FLOOR, 1]. Default 0.5 (SSD), 0.3 (TinyFaceDetector). */
  minConfidence?: number;
  /** Smallest face kept: min(box width, box height) in frame pixels, >= 0. Default 40. */
  minFacePx?: number;
  /** Most faces returned (the highest scores), a positive integer. Default 10. */
  maxFaces?: number;
  /**
   * Compute the 68 landmarks of every returned face. Default true. false skips the landmark net entirely
   * (every face then has `landmarks: []`); boxes and scores are the same either way. Scanning only needs
   * the boxes.
   */
  landmarks?: boolean;
  /**
   * When nothing is found in a frame whose longer side is at most TIGHT_CROP_MAX_SIDE_PX, search it again
   * centred in a black frame 3x its size. Detectors want context around a face: an image that is itself a
   * tight face crop (a profile photo, a crop exported by another tool) is otherwise "no face". Boxes are
   * clipped to the frame; landmarks keep their frame coordinates. Default false. Meant for still images:
   * on the no-face fixture video (synthetic texture, 320x240) the margin made the SSD report faces.
   */
  tightCropRetry?: boolean;
  /**
   * Told how many faces were found (past minConfidence and minFacePx) but not returned because of maxFaces;
   * called only when some were. SSD's non-max suppression keeps at most 100 boxes, so the count is of those.
   */
  onDropped?: (count: number) => void;
}

/** Frames up to this longer side (px) get the tight-crop retry (DetectOptions.tightCropRetry). */
export const TIGHT_CROP_MAX_SIDE_PX = 1024;

export interface FaceDetectorLoadOptions {
  /**
   * Directory holding face-api's weight files (ssd_mobilenetv1_model-weights_manifest.json,
   * face_landmark_68_model-weights_manifest.json and their shards). Default: the `model/` folder of the
   * installed @vladmandic/face-api package.
   */
  modelDir?: string;
  /**
   * Which implementation runs the networks: `fused` (default, ldf's fast forward passes) or `face-api`
   * (face-api's own networks: the reference the fused path is tested against; slower, for debugging).
   */
  implementation?: FaceNetsImplementation;
  /**
   * Which network finds the faces: `ssd` (SSD MobileNet v1 at 512x512, ~3 GMACs; the default here, and the
   * detector ldfnet-sbi-v1/v2 were trained with) or `tiny` (TinyFaceDetector at 320 and 512 px, ~0.42 GMACs;
   * see src/faces/tiny-face-detector.ts). The landmark net is the same for both.
   */
  detector?: FaceDetectorKind;
}

export type FaceDetectorKind = 'ssd' | 'tiny';
export const FACE_DETECTOR_KINDS: readonly FaceDetectorKind[] = ['ssd', 'tiny'];

/** Default minConfidence of the SSD; TinyFaceDetector's scores run lower, so its default is lower. */
export const DEFAULT_MIN_CONFIDENCE = 0.5;
export const DEFAULT_MIN_CONFIDENCE_TINY = 0.3;
export const DEFAULT_MIN_FACE_PX = 40;
export const DEFAULT_MAX_FACES = 10;
/** Lowest accepted minConfidence: below it SSD's non-max suppression would sort through thousands of boxes. */
export const MIN_CONFIDENCE_FLOOR = 0.01;
/** SSD non-max suppression keeps at most this many boxes (before the minFacePx / maxFaces filters). */
const SSD_MAX_RESULTS = 100;

interface ResolvedOptions {
  minConfidence: number;
  minFacePx: number;
  maxFaces: number;
  landmarks: boolean;
}

export class FaceDetector {
  /** Name of the TF.js backend the detector was loaded on (its weights live there). */
  readonly backend: string;
  /** @vladmandic/face-api version (the package the weights come from). */
  readonly faceApiVersion: string;
  /** Which implementation runs the networks (see FaceDetectorLoadOptions.implementation). */
  readonly implementation: FaceNetsImplementation;

  /** Which network finds the faces (FaceDetectorLoadOptions.detector). */
  readonly kind: FaceDetectorKind;

  private nets: FaceNets | undefined;
  private tiny: FaceLocator | undefined;

  private constructor(nets: FaceNets, backend: string, faceApiVersion: string, tiny: FaceLocator | undefined) {
    this.nets = nets;
    this.tiny = tiny;
    this.kind = tiny === undefined ? 'ssd' : 'tiny';
    this.implementation = nets.implementation;
    this.backend = backend;
    this.faceApiVersion = faceApiVersion;
  }

  /**
   * Loads the two networks with face-api's weights on the active TF.js backend. Call selectBackend()
   * (src/model/backend.ts) first; the detector must then be used on that backend. Each instance owns its
   * weights (~100 tensors, ~7 MB): dispose() it.
   *
   * @throws FacesError BACKEND_NOT_SELECTED, FACE_MODEL_LOAD_FAILED (and, for the `face-api`
   *   implementation, ENGINE_MISMATCH: see loadFaceApi), INVALID_OPTIONS for an unknown implementation.
   */
  static async load(options: FaceDetectorLoadOptions = {}): Promise<FaceDetector> {
    const implementation = options.implementation ?? 'fused';
    if (implementation !== 'fused' && implementation !== 'face-api') {
      throw new FacesError('INVALID_OPTIONS', `unknown detector implementation '${String(implementation)}'`);
    }
    const kind = options.detector ?? 'ssd';
    if (!FACE_DETECTOR_KINDS.includes(kind)) throw new FacesError('INVALID_OPTIONS', `unknown face detector '${String(kind)}'`);
    const backend = assertBackendSelected();
    const modelDir = options.modelDir ?? faceApiModelDir();
    const nets = implementation === 'fused' ? await loadFusedNets(modelDir) : await loadFaceApiNets(modelDir);
    let tiny: FaceLocator | undefined;
    if (kind === 'tiny') {
      try {
        tiny = await loadTinyFaceDetector(modelDir);
      } catch (e) {
        nets.dispose();
        throw e;
      }
    }
    return new FaceDetector(nets, backend, faceApiPackageVersion(), tiny);
  }

  /**
   * Finds the faces in one RGB24 frame, with 68 landmarks each (unless `landmarks: false`). Result order is
   * stable: score descending, then box x, then box y (ascending).
   *
   * @throws FacesError INVALID_FRAME, INVALID_OPTIONS, DETECTOR_DISPOSED.
   */
  async detect(frame: RgbFrame, options: DetectOptions = {}): Promise<DetectedFace[]> {
    const opts = resolveOptions(options, this.kind === 'tiny' ? DEFAULT_MIN_CONFIDENCE_TINY : DEFAULT_MIN_CONFIDENCE);
    assertRgbFrame(frame);
    const nets = this.liveNets();

    // 1. The SSD's input: the frame padded to a square (bottom / right), area-averaged to 512x512.
    //    TinyFaceDetector does its own (two input sizes) and returns frame pixels.
    const side = Math.max(frame.width, frame.height);
    // face-api's rule is score > minConfidence, with minConfidence in (0, 1); the exact threshold
    // (score >= minConfidence) is applied below.
    const minConfidence = Math.min(opts.minConfidence, 0.999);
    let detections: { box: FaceBox; score: number }[];
    let toFrame = 1;
    if (this.tiny === undefined) {
      const pixels = resampleRegion(frame, { x: 0, y: 0, width: side, height: side }, SSD_INPUT_SIZE, SSD_INPUT_SIZE);
      detections = await nets.locateFaces(pixels, { minConfidence, maxResults: SSD_MAX_RESULTS });
      toFrame = side / SSD_INPUT_SIZE;
    } else {
      detections = await this.tiny.locate(frame, minConfidence, SSD_MAX_RESULTS);
    }

    // 2. Back to frame pixels, filter, order, cut.
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
    const dropped = faces.splice(opts.maxFaces).length;
    if (dropped > 0) options.onDropped?.(dropped);
    if (faces.length === 0) {
      return options.tightCropRetry === true && Math.max(frame.width, frame.height) <= TIGHT_CROP_MAX_SIDE_PX
        ? this.detectPadded(frame, { ...options, tightCropRetry: false })
        : [];
    }
    if (!opts.landmarks) return faces.map(({ box, score }) => ({ box, score, landmarks: [] }));

    // 3. Landmarks, one batch for the frame. The landmark net sees each face as face-api's SSD box frames
    //    it (box content centred in a square, zero bars): for the SSD, one pass on its box (as the training
    //    datasets were made). TinyFaceDetector's boxes are wider and sit lower, so for it the net runs twice:
    //    on the Tiny box mapped to an SSD-like box, then on the SSD-like box its first landmarks imply
    //    (SSD_BOX_FROM_LANDMARKS), which no longer depends on the Tiny box's shape.
    let boxes = faces.map(({ box }) => (this.tiny === undefined ? box : ssdLikeFromTinyBox(box)));
    let points = await this.landmarksIn(nets, frame, boxes);
    if (this.tiny !== undefined) {
      boxes = points.map((p, i) => (p.length === 0 ? boxes[i]! : ssdLikeFromLandmarks(p)));
      points = await this.landmarksIn(nets, frame, boxes);
    }
    return faces.map(({ box, score }, i) => ({ box, score, landmarks: points[i] ?? [] }));
  }

  /** The 68 landmarks (frame pixels) of the face in each box, one batch. */
  private async landmarksIn(nets: FaceNets, frame: RgbFrame, boxes: readonly FaceBox[]): Promise<LandmarkPoint[][]> {
    const S = LANDMARK_NET_INPUT_SIZE;
    const regions = boxes.map((box) => landmarkRegion(box));
    const crops = boxes.map((box, i) =>
      resampleRegion(frame, regions[i]!, S, S, {
        x0: Math.round(box.x),
        y0: Math.round(box.y),
        x1: Math.round(box.x + box.width),
        y1: Math.round(box.y + box.height),
      }),
    );
    const landmarks = await nets.detectLandmarks(crops);
    return regions.map((region, i) => {
      const k = region.width / S;
      const points = landmarks[i] ?? new Float64Array(0);
      const out: LandmarkPoint[] = [];
      for (let p = 0; p + 1 < points.length; p += 2) out.push([region.x + points[p]! * k, region.y + points[p + 1]! * k]);
      return out;
    });
  }

  /** detect() on `frame` centred in a black frame 3x its size, results mapped back and clipped. */
  private async detectPadded(frame: RgbFrame, options: DetectOptions): Promise<DetectedFace[]> {
    const m = Math.max(frame.width, frame.height);
    const width = frame.width + 2 * m;
    const height = frame.height + 2 * m;
    const data = new Uint8Array(width * height * 3);
    for (let y = 0; y < frame.height; y++) {
      data.set(frame.data.subarray(y * frame.width * 3, (y + 1) * frame.width * 3), ((y + m) * width + m) * 3);
    }
    const found = await this.detect({ width, height, data }, options);
    const out: DetectedFace[] = [];
    for (const f of found) {
      const box = clipToFrame({ x: f.box.x - m, y: f.box.y - m, width: f.box.width, height: f.box.height }, frame);
      if (box === undefined) continue;
      out.push({ box, score: f.score, landmarks: f.landmarks.map(([x, y]): LandmarkPoint => [x - m, y - m]) });
    }
    return out;
  }

  /** Frees the networks' weights. Idempotent; detect() afterwards throws DETECTOR_DISPOSED. */
  dispose(): void {
    this.nets?.dispose();
    this.nets = undefined;
    this.tiny?.dispose();
    this.tiny = undefined;
  }

  private liveNets(): FaceNets {
    if (this.nets === undefined) throw new FacesError('DETECTOR_DISPOSED', 'this FaceDetector has been disposed');
    return this.nets;
  }
}

function resolveOptions(options: DetectOptions, defaultMinConfidence: number): ResolvedOptions {
  const minConfidence = options.minConfidence ?? defaultMinConfidence;
  const minFacePx = options.minFacePx ?? DEFAULT_MIN_FACE_PX;
  const maxFaces = options.maxFaces ?? DEFAULT_MAX_FACES;
  const landmarks = options.landmarks ?? true;
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
  if (typeof landmarks !== 'boolean') {
    throw new FacesError('INVALID_OPTIONS', `landmarks must be a boolean, got ${String(landmarks)}`);
  }
  return { minConfidence, minFacePx, maxFaces, landmarks };
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

/**
 * face-api's SSD box relative to the bounding box of the 68 landmarks the landmark net finds in it, as
 * multiples of the landmark box's longer side L (medians over 80 faces: the face-api demo photos, Yonsei
 * portraits and All-Age-Faces photos): width 1.042 L, height 1.205 L, centre 0.125 L above the landmark
 * box's centre.
 */
const SSD_BOX_FROM_LANDMARKS = { width: 1.042, height: 1.205, dy: -0.125 };
/**
 * face-api's SSD box relative to TinyFaceDetector's box of the same face (medians over the same 80 faces):
 * width 0.841, height 1.081, centre 0.133 of the Tiny box's height higher.
 */
const SSD_BOX_FROM_TINY_BOX = { width: 0.841, height: 1.081, dy: -0.133 };

function ssdLikeFromTinyBox(box: FaceBox): FaceBox {
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2 + SSD_BOX_FROM_TINY_BOX.dy * box.height;
  const w = box.width * SSD_BOX_FROM_TINY_BOX.width;
  const h = box.height * SSD_BOX_FROM_TINY_BOX.height;
  return { x: cx - w / 2, y: cy - h / 2, width: w, height: h };
}

function ssdLikeFromLandmarks(points: readonly LandmarkPoint[]): FaceBox {
  const b = pointsBounds(points);
  const L = Math.max(b.width, b.height);
  const cx = b.x + b.width / 2;
  const cy = b.y + b.height / 2 + SSD_BOX_FROM_LANDMARKS.dy * L;
  const w = SSD_BOX_FROM_LANDMARKS.width * L;
  const h = SSD_BOX_FROM_LANDMARKS.height * L;
  return { x: cx - w / 2, y: cy - h / 2, width: w, height: h };
}

/** The landmark net's input square: centred on the box, side = the box's longer side (face-api's padToSquare). */
function landmarkRegion(box: FaceBox): FaceBox {
  const side = Math.max(box.width, box.height);
  return { x: box.x + (box.width - side) / 2, y: box.y + (box.height - side) / 2, width: side, height: side };
}
