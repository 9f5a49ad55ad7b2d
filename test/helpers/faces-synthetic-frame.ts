import type { RgbFrame } from '../../src/faces/rgb-frame.js';

export type Rgb = readonly [number, number, number];

/** A width x height RGB24 frame filled with `colour`. */
export function solidFrame(width: number, height: number, colour: Rgb): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(colour, i * 3);
  return { width, height, data };
}

/** Paints pixels [x0, x1) x [y0, y1) (clipped to the frame) with `colour`, in place; returns the frame. */
export function fillRect(frame: RgbFrame, x0: number, y0: number, x1: number, y1: number, colour: Rgb): RgbFrame {
  for (let y = Math.max(0, y0); y < Math.min(frame.height, y1); y++) {
    for (let x = Math.max(0, x0); x < Math.min(frame.width, x1); x++) frame.data.set(colour, (y * frame.width + x) * 3);
  }
  return frame;
}

/** A frame whose pixel (x, y) is [f(x, y)[0], ...], values clamped to 0..255 by Uint8Array. */
export function frameFrom(width: number, height: number, f: (x: number, y: number) => Rgb): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(f(x, y), (y * width + x) * 3);
  return { width, height, data };
}

/** Pixel (x, y) of a frame, or black outside it (the crop's zero padding). */
export function pixelAt(frame: RgbFrame, x: number, y: number): Rgb {
  if (x < 0 || y < 0 || x >= frame.width || y >= frame.height) return [0, 0, 0];
  const i = (y * frame.width + x) * 3;
  return [frame.data[i]!, frame.data[i + 1]!, frame.data[i + 2]!];
}

/** Pixel (col, row) of a square RGB24 image of side `size`. */
export function cropPixel(crop: Uint8Array, size: number, col: number, row: number): Rgb {
  const i = (row * size + col) * 3;
  return [crop[i]!, crop[i + 1]!, crop[i + 2]!];
}
