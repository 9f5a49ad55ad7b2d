/**
 * THE face crop: scanning, training and evaluation all cut faces out of frames with cropFace, so a model
 * always sees crops made exactly the way it was trained on. A model's manifest records the convention
 * (src/model/manifest.ts, CropConvention); assertCropConvention refuses conventions this function does not
 * implement.
 */
import type { CropConvention } from '../model/manifest.js';
import { FacesError } from './faces-error.js';
import { resampleRegion } from './resample-region.js';
import { assertFaceBox, assertRgbFrame, type FaceBox, type RgbFrame } from './rgb-frame.js';

/** Largest output side cropFace accepts (a sanity bound, far above any model input). */
export const MAX_CROP_SIZE_PX = 4096;

/**
 * Checks that cropFace implements `convention`: name 'square-box-scaled', padding 'zero', a finite scale
 * > 0 and an integer size in [1, MAX_CROP_SIZE_PX]. Call it once when a model is loaded.
 *
 * @throws FacesError code CROP_MISMATCH (message says what does not match) otherwise.
 */
export function assertCropConvention(convention: CropConvention): void {
  const { name, padding, scale, size } = convention as { [K in keyof CropConvention]: unknown };
  if (name !== 'square-box-scaled') {
    throw new FacesError(
      'CROP_MISMATCH',
      `the model asks for crop convention '${String(name)}', but ldf only implements 'square-box-scaled'`,
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
}

/**
 * The source square a crop covers, in frame pixels: centred on the box centre, side
 * max(box.width, box.height) * convention.scale. It may extend past the frame.
 */
export function cropRegion(box: FaceBox, convention: Pick<CropConvention, 'scale'>): FaceBox {
  const side = Math.max(box.width, box.height) * convention.scale;
  return {
    x: box.x + box.width / 2 - side / 2,
    y: box.y + box.height / 2 - side / 2,
    width: side,
    height: side,
  };
}

/**
 * Cuts the face in `box` out of `frame` following `convention` ('square-box-scaled', zero padding):
 * the square {@link cropRegion} resampled to `convention.size` x `convention.size` pixels, pixels outside
 * the frame black. Returns `size * size * 3` bytes of RGB24, row-major.
 *
 * Resampling (src/faces/resample-region.ts): exact area averaging when shrinking (anti-aliased), bilinear
 * when enlarging, deterministic, synchronous; ~2 ms for a 600 px face to 256 px.
 *
 * @throws FacesError code CROP_MISMATCH for a convention it does not implement (see assertCropConvention),
 *   INVALID_FRAME for a malformed frame, INVALID_BOX for a box without finite coordinates and positive size.
 */
export function cropFace(frame: RgbFrame, box: FaceBox, convention: CropConvention): Uint8Array {
  assertCropConvention(convention);
  assertRgbFrame(frame);
  assertFaceBox(box);
  return resampleRegion(frame, cropRegion(box, convention), convention.size, convention.size);
}
