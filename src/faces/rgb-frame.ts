import { FacesError } from './faces-error.js';

/** A decoded video frame: RGB24, row-major, no row padding (`data.length === width * height * 3`). */
export interface RgbFrame {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * An axis-aligned rectangle in frame pixels: (x, y) is the top-left corner, the pixel (col, row) covers
 * [col, col + 1) x [row, row + 1). Coordinates may be fractional.
 */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Checks that `frame` is a usable RGB24 frame.
 * @throws FacesError code INVALID_FRAME otherwise.
 */
export function assertRgbFrame(frame: RgbFrame): void {
  const { width, height, data } = frame;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new FacesError(
      'INVALID_FRAME',
      `frame dimensions must be positive integers, got ${String(width)}x${String(height)}`,
    );
  }
  if (!(data instanceof Uint8Array)) {
    throw new FacesError('INVALID_FRAME', 'frame data must be a Uint8Array (RGB24)');
  }
  if (data.length !== width * height * 3) {
    throw new FacesError(
      'INVALID_FRAME',
      `frame data holds ${data.length} bytes, expected ${width * height * 3} for ${width}x${height} RGB24`,
    );
  }
}

/**
 * Checks that `box` has finite coordinates and a positive width and height.
 * @throws FacesError code INVALID_BOX otherwise.
 */
export function assertFaceBox(box: FaceBox): void {
  const { x, y, width, height } = box;
  if (![x, y, width, height].every(Number.isFinite) || !(width > 0) || !(height > 0)) {
    throw new FacesError(
      'INVALID_BOX',
      `face box must have finite coordinates and a positive size, got ${JSON.stringify({ x, y, width, height })}`,
    );
  }
}

/** Intersection over union of two boxes (0 when they do not overlap or have no area). */
export function boxIou(a: FaceBox, b: FaceBox): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}
