import sharp from 'sharp';
import type { Rng } from './sbi/index.js';

export type Point = readonly [number, number];

export interface AugmentOptions {
  /** Probability of a horizontal flip (default 0.5). */
  flipProbability: number;
  /** Rotations are drawn uniformly from [-maxRotationDeg, maxRotationDeg] (default 10). */
  maxRotationDeg: number;
  /** Probability of JPEG re-compression (default 0.5), at a quality drawn from [jpegQualityMin, 95]. */
  jpegProbability: number;
  jpegQualityMin: number;
  /**
   * Crop jitter, as a detector's and landmark net's error moves the crop: the scale is drawn from
   * [1 - maxScaleJitter, 1 + maxScaleJitter] and the shift per axis from +-maxShiftJitter of the crop side.
   * Absent or 0: no jitter, and no draws (older recipes draw exactly as before).
   */
  maxScaleJitter?: number;
  maxShiftJitter?: number;
}

export const DEFAULT_AUGMENT: AugmentOptions = {
  flipProbability: 0.5,
  maxRotationDeg: 10,
  jpegProbability: 0.5,
  jpegQualityMin: 60,
};

export interface GeometricAugment {
  flip: boolean;
  rotationDeg: number;
  /** Zoom about the centre (> 1 enlarges the face); default 1. */
  scale?: number;
  /** Shift of the content, px; default 0. */
  tx?: number;
  ty?: number;
}

/** iBUG 68-point indices that swap under a horizontal flip (jaw, brows, eyes, nose, mouth). */
const FLIP_PAIRS: readonly [number, number][] = (() => {
  const pairs: [number, number][] = [];
  for (let i = 0; i < 8; i++) pairs.push([i, 16 - i]); // jaw
  for (let i = 0; i < 5; i++) pairs.push([17 + i, 26 - i]); // brows
  pairs.push([31, 35], [32, 34]); // nostrils
  pairs.push([36, 45], [37, 44], [38, 43], [39, 42], [40, 47], [41, 46]); // eyes
  pairs.push([48, 54], [49, 53], [50, 52], [59, 55], [58, 56]); // outer lips
  pairs.push([60, 64], [61, 63], [67, 65]); // inner lips
  return pairs;
})();

export function drawGeometricAugment(rng: Rng, options: AugmentOptions, size = 0): GeometricAugment {
  const flip = rng() < options.flipProbability;
  const rotationDeg = (rng() * 2 - 1) * options.maxRotationDeg;
  const scaleJitter = options.maxScaleJitter ?? 0;
  const shiftJitter = options.maxShiftJitter ?? 0;
  if (scaleJitter <= 0 && shiftJitter <= 0) return { flip, rotationDeg };
  const scale = 1 + (rng() * 2 - 1) * scaleJitter;
  const tx = (rng() * 2 - 1) * shiftJitter * size;
  const ty = (rng() * 2 - 1) * shiftJitter * size;
  return { flip, rotationDeg, scale, tx, ty };
}

/**
 * Flips, rotates, zooms and shifts a square RGB crop (bilinear, zero outside) and moves
 * its landmarks with it (a flip also swaps left/right landmark indices, so
 * point 36 stays the subject's right eye corner).
 */
export function applyGeometric(
  crop: Uint8Array,
  size: number,
  landmarks: readonly Point[],
  aug: GeometricAugment,
): { crop: Uint8Array; landmarks: Point[] } {
  const c = (size - 1) / 2;
  const theta = (aug.rotationDeg * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const k = aug.scale ?? 1;
  const tx = aug.tx ?? 0;
  const ty = aug.ty ?? 0;
  const out = new Uint8Array(crop.length);
  // Output pixel (x, y) samples the input at the inverse transform: un-shift, un-zoom, un-rotate, un-flip.
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = (x - c - tx) / k;
      const dy = (y - c - ty) / k;
      let sx = c + cos * dx + sin * dy;
      const sy = c - sin * dx + cos * dy;
      if (aug.flip) sx = size - 1 - sx;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const o = (y * size + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        let v = 0;
        for (let j = 0; j < 2; j++) {
          const yy = y0 + j;
          if (yy < 0 || yy >= size) continue;
          const wy = j === 0 ? 1 - fy : fy;
          for (let i = 0; i < 2; i++) {
            const xx = x0 + i;
            if (xx < 0 || xx >= size) continue;
            const wx = i === 0 ? 1 - fx : fx;
            v += wx * wy * crop[(yy * size + xx) * 3 + ch]!;
          }
        }
        out[o + ch] = Math.round(v);
      }
    }
  }
  const moved: Point[] = landmarks.map(([px, py]) => {
    const fx = aug.flip ? size - 1 - px : px;
    const dx = fx - c;
    const dy = py - c;
    return [c + tx + k * (cos * dx - sin * dy), c + ty + k * (sin * dx + cos * dy)];
  });
  if (aug.flip && moved.length === 68) {
    for (const [a, b] of FLIP_PAIRS) {
      const t = moved[a]!;
      moved[a] = moved[b]!;
      moved[b] = t;
    }
  }
  return { crop: out, landmarks: moved };
}

/** JPEG round trip at `quality` (1-100); returns RGB of the same size. */
export async function jpegRecompress(crop: Uint8Array, size: number, quality: number): Promise<Uint8Array> {
  const jpeg = await sharp(crop, { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality: Math.round(quality) }).toBuffer();
  const { data } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
