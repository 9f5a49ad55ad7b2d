/**
 * THE face crop: scanning, training and evaluation all cut faces out of frames with cropFace, so a model
 * always sees crops made exactly the way it was trained on. A model's manifest records the convention
 * (src/model/manifest.ts, CropConvention); assertCropConvention refuses conventions this function does not
 * implement.
 *
 * Two conventions:
 * - `landmarks-square`: the square centred on the bounding box of the 68 landmarks (moved down by `shiftY`
 *   times the square's side), side = the landmark box's longer side times `scale`. It depends on the landmarks only, so the face detector (SSD, TinyFaceDetector, or a
 *   whole-image box for a tight crop) can change without changing what the model sees.
 * - `square-box-scaled`: the detector's box made square on its longer side and scaled by `scale` about its
 *   centre (the convention of ldfnet-sbi-v1/v2, tied to the SSD's boxes).
 */
import { CROP_CONVENTION_NAMES, type CropConvention } from '../model/manifest.js';
import { FacesError } from './faces-error.js';
import { resampleRegion } from './resample-region.js';
import { assertFaceBox, assertRgbFrame, type FaceBox, type RgbFrame } from './rgb-frame.js';

/** Largest output side cropFace accepts (a sanity bound, far above any model input). */
export const MAX_CROP_SIZE_PX = 4096;

/** Number of landmarks a `landmarks-square` crop is built on (iBUG 68). */
export const CROP_LANDMARK_COUNT = 68;

/** What a crop is built on: the detector's box and the face's 68 landmarks (frame pixels). */
export interface CropTarget {
  box: FaceBox;
  /** The 68 iBUG points [x, y]; required by `landmarks-square`, unused by `square-box-scaled`. */
  landmarks: readonly (readonly [number, number])[];
}

/**
 * Checks that cropFace implements `convention`: a known name, padding 'zero', a finite scale > 0 and an
 * integer size in [1, MAX_CROP_SIZE_PX]. Call it once when a model is loaded.
 *
 * @throws FacesError code CROP_MISMATCH (message says what does not match) otherwise.
 */
export function assertCropConvention(convention: CropConvention): void {
  const { name, padding, scale, size } = convention as { [K in keyof CropConvention]: unknown };
  if (!(CROP_CONVENTION_NAMES as readonly unknown[]).includes(name)) {
    throw new FacesError(
      'CROP_MISMATCH',
      `the model asks for crop convention '${String(name)}', but ldf only implements ${CROP_CONVENTION_NAMES.map((n) => `'${n}'`).join(' and ')}`,
    );
  }
  if (padding !== 'zero') {
    throw new FacesError(
      'CROP_MISMATCH',
      `the model asks for crop padding '${String(padding)}', but ldf only implements 'zero'`,
    );
  }
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) {
    throw new FacesError('CROP_MISMATCH', `crop scale must be a finite number > 0, got ${String(scale)}`);
  }
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_CROP_SIZE_PX) {
    throw new FacesError(
      'CROP_MISMATCH',
      `crop size must be an integer in [1, ${MAX_CROP_SIZE_PX}] px, got ${String(size)}`,
    );
  }
  const shiftY = (convention as { shiftY?: unknown }).shiftY;
  if (name === 'landmarks-square') {
    if (typeof shiftY !== 'number' || !Number.isFinite(shiftY) || Math.abs(shiftY) > 0.5) {
      throw new FacesError('CROP_MISMATCH', `a landmarks-square crop needs shiftY, a number in [-0.5, 0.5], got ${String(shiftY)}`);
    }
  } else if (shiftY !== undefined) {
    throw new FacesError('CROP_MISMATCH', `crop convention '${String(name)}' takes no shiftY`);
  }
}

/** True when `convention` needs the landmarks (the scanner must then run the landmark net). */
export function cropNeedsLandmarks(convention: Pick<CropConvention, 'name'>): boolean {
  return convention.name === 'landmarks-square';
}

/**
 * Axis-aligned bounding box of any points (no checks; an empty list gives NaN-free zeros). The one place
 * ldf takes the extent of a face's landmarks: crops, face sizes, the SSD-like box and degradations.
 */
export function pointsBounds(points: CropTarget['landmarks']): FaceBox {
  if (points.length === 0) return { x: 0, y: 0, width: 0, height: 0 };
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const [x, y] of points) {
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Axis-aligned bounding box of the 68 landmarks, frame pixels. @throws FacesError INVALID_LANDMARKS */
export function landmarkBounds(landmarks: CropTarget['landmarks']): FaceBox {
  if (landmarks.length !== CROP_LANDMARK_COUNT) {
    throw new FacesError('INVALID_LANDMARKS', `a landmarks-square crop needs ${CROP_LANDMARK_COUNT} landmarks, got ${landmarks.length}`);
  }
  if (!landmarks.every(([x, y]) => Number.isFinite(x) && Number.isFinite(y))) {
    throw new FacesError('INVALID_LANDMARKS', 'landmark coordinates must be finite');
  }
  const bounds = pointsBounds(landmarks);
  if (!(bounds.width > 0 && bounds.height > 0)) throw new FacesError('INVALID_LANDMARKS', 'the landmarks span no area');
  return bounds;
}

/**
 * The source square a crop covers, in frame pixels: centred on the box the convention builds on (the
 * landmarks' bounding box for `landmarks-square`, the detector's box for `square-box-scaled`), side
 * max(width, height) * convention.scale. It may extend past the frame.
 *
 * @throws FacesError INVALID_LANDMARKS (landmarks-square without 68 finite points), INVALID_BOX.
 */
export function cropRegion(face: CropTarget, convention: Pick<CropConvention, 'name' | 'scale' | 'shiftY'>): FaceBox {
  const landmarks = convention.name === 'landmarks-square';
  const base = landmarks ? landmarkBounds(face.landmarks) : face.box;
  const side = Math.max(base.width, base.height) * convention.scale;
  const shift = landmarks ? (convention.shiftY ?? 0) * side : 0;
  return {
    x: base.x + base.width / 2 - side / 2,
    y: base.y + base.height / 2 - side / 2 + shift,
    width: side,
    height: side,
  };
}

/**
 * Cuts `face` out of `frame` following `convention`: the square {@link cropRegion} resampled to
 * `convention.size` x `convention.size` pixels, pixels outside the frame black. Returns `size * size * 3`
 * bytes of RGB24, row-major.
 *
 * Resampling (src/faces/resample-region.ts): exact area averaging when shrinking (anti-aliased), bilinear
 * when enlarging, deterministic, synchronous; ~2 ms for a 600 px face to 256 px.
 *
 * @throws FacesError code CROP_MISMATCH for a convention it does not implement (see assertCropConvention),
 *   INVALID_FRAME for a malformed frame, INVALID_BOX for a box without finite coordinates and positive size,
 *   INVALID_LANDMARKS for a landmarks-square crop without 68 finite landmarks.
 */
export function cropFace(frame: RgbFrame, face: CropTarget, convention: CropConvention): Uint8Array {
  assertCropConvention(convention);
  assertRgbFrame(frame);
  assertFaceBox(face.box);
  return resampleRegion(frame, cropRegion(face, convention), convention.size, convention.size);
}
