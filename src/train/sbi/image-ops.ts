/**
 * Small image operations for the SBI synthesis, on interleaved RGB typed arrays (row-major, 3 values per
 * pixel, like cropFace's output). Pure TypeScript, synchronous, deterministic (plain IEEE-754 arithmetic).
 *
 * Coordinates: pixel (i, j) covers [i, i + 1) x [j, j + 1); its centre is (i + 0.5, j + 0.5).
 * Reads outside the image clamp to the nearest edge pixel (no black borders leaking into a blend).
 * Most operations take a `rect`: only the pixels inside it are computed (the SBI source is only needed where
 * the blend mask is non-zero), the others are left at 0 in the output.
 */

/** Integer pixel rectangle, half-open: columns [x0, x1), rows [y0, y1). */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** An affine map of the plane: (x, y) -> (a x + b y + c, d x + e y + f). */
export interface Affine2D {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

/** A per-pixel colour map: out = m * rgb + offset (m row-major 3x3), then rounded and clamped to 0..255. */
export interface ColourMap {
  m: readonly number[];
  offset: readonly number[];
}

export function fullRect(width: number, height: number): Rect {
  return { x0: 0, y0: 0, x1: width, y1: height };
}

export function isEmptyRect(r: Rect): boolean {
  return r.x1 <= r.x0 || r.y1 <= r.y0;
}

/** `r` grown by `mx` columns and `my` rows on each side, clipped to [0, width) x [0, height). */
export function growRect(r: Rect, mx: number, my: number, width: number, height: number): Rect {
  return {
    x0: Math.max(0, r.x0 - mx),
    y0: Math.max(0, r.y0 - my),
    x1: Math.min(width, r.x1 + mx),
    y1: Math.min(height, r.y1 + my),
  };
}

/** Taps -radius..radius of a Gaussian with standard deviation `sigma`, normalised to sum 1 (sigma <= 0: identity). */
export function gaussianKernel(sigma: number, radius: number): Float64Array {
  const r = Math.max(0, Math.round(radius));
  const k = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) {
    const w = sigma > 0 ? Math.exp(-(i * i) / (2 * sigma * sigma)) : i === 0 ? 1 : 0;
    k[i + r] = w;
    sum += w;
  }
  for (let i = 0; i < k.length; i++) k[i] = k[i]! / sum;
  return k;
}

/**
 * Separable convolution of an RGB image with `kernelX` (along rows) then `kernelY` (along columns), both of
 * odd length. Output pixels are computed inside `rect` only (0 elsewhere); reads clamp to the image edge.
 */
export function blurRgb(
  src: ArrayLike<number>,
  width: number,
  height: number,
  kernelX: Float64Array,
  kernelY: Float64Array,
  rect: Rect,
): Float32Array {
  const rx = (kernelX.length - 1) >> 1;
  const ry = (kernelY.length - 1) >> 1;
  const tmp = new Float32Array(width * height * 3);
  const out = new Float32Array(width * height * 3);
  const ya = Math.max(0, rect.y0 - ry);
  const yb = Math.min(height, rect.y1 + ry);
  const xa = Math.max(0, rect.x0);
  const xb = Math.min(width, rect.x1);
  for (let y = ya; y < yb; y++) {
    const row = y * width;
    for (let x = xa; x < xb; x++) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      for (let j = 0; j < kernelX.length; j++) {
        let xx = x + j - rx;
        xx = xx < 0 ? 0 : xx >= width ? width - 1 : xx;
        const w = kernelX[j]!;
        const p = (row + xx) * 3;
        s0 += w * src[p]!;
        s1 += w * src[p + 1]!;
        s2 += w * src[p + 2]!;
      }
      const o = (row + x) * 3;
      tmp[o] = s0;
      tmp[o + 1] = s1;
      tmp[o + 2] = s2;
    }
  }
  const yLo = ya;
  const yHi = yb - 1;
  for (let y = Math.max(0, rect.y0); y < Math.min(height, rect.y1); y++) {
    for (let x = xa; x < xb; x++) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      for (let j = 0; j < kernelY.length; j++) {
        let yy = y + j - ry;
        yy = yy < yLo ? yLo : yy > yHi ? yHi : yy;
        const w = kernelY[j]!;
        const p = (yy * width + x) * 3;
        s0 += w * tmp[p]!;
        s1 += w * tmp[p + 1]!;
        s2 += w * tmp[p + 2]!;
      }
      const o = (y * width + x) * 3;
      out[o] = s0;
      out[o + 1] = s1;
      out[o + 2] = s2;
    }
  }
  return out;
}

/** Gaussian blur (standard deviation `sigma`, kernel radius ceil(3 sigma)) inside `rect`. */
export function gaussianBlurRgb(src: ArrayLike<number>, width: number, height: number, sigma: number, rect: Rect): Float32Array {
  const k = gaussianKernel(sigma, Math.ceil(3 * sigma));
  return blurRgb(src, width, height, k, k, rect);
}

/**
 * Unsharp mask inside `rect`: src + amount * (src - gaussianBlur(src, sigma)) (not clamped: the colour map
 * that follows clamps).
 */
export function unsharpMaskRgb(
  src: ArrayLike<number>,
  width: number,
  height: number,
  sigma: number,
  amount: number,
  rect: Rect,
): Float32Array {
  const blurred = gaussianBlurRgb(src, width, height, sigma, rect);
  for (let y = rect.y0; y < rect.y1; y++) {
    for (let i = (y * width + rect.x0) * 3, end = (y * width + rect.x1) * 3; i < end; i++) {
      const v = src[i]!;
      blurred[i] = v + amount * (v - blurred[i]!);
    }
  }
  return blurred;
}

/**
 * The resolution loss of SBI's RandomDownScale, inside `rect`: the image is shrunk by `factor` with nearest
 * neighbour sampling (to floor(width / factor) x floor(height / factor), OpenCV INTER_NEAREST's pixel choice)
 * and enlarged back with bilinear interpolation (half-pixel centres, edge clamped).
 */
export function downUpScaleRgb(src: ArrayLike<number>, width: number, height: number, factor: number, rect: Rect): Float32Array {
  const sw = Math.max(1, Math.floor(width / factor));
  const sh = Math.max(1, Math.floor(height / factor));
  const small = new Float32Array(sw * sh * 3);
  for (let j = 0; j < sh; j++) {
    const yy = Math.min(height - 1, Math.floor((j * height) / sh));
    for (let i = 0; i < sw; i++) {
      const xx = Math.min(width - 1, Math.floor((i * width) / sw));
      const p = (yy * width + xx) * 3;
      const o = (j * sw + i) * 3;
      small[o] = src[p]!;
      small[o + 1] = src[p + 1]!;
      small[o + 2] = src[p + 2]!;
    }
  }
  const out = new Float32Array(width * height * 3);
  const kx = sw / width;
  const ky = sh / height;
  for (let y = rect.y0; y < rect.y1; y++) {
    let sy = (y + 0.5) * ky - 0.5;
    sy = sy < 0 ? 0 : sy > sh - 1 ? sh - 1 : sy;
    const y0 = Math.floor(sy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = rect.x0; x < rect.x1; x++) {
      let sx = (x + 0.5) * kx - 0.5;
      sx = sx < 0 ? 0 : sx > sw - 1 ? sw - 1 : sx;
      const x0 = Math.floor(sx);
      const x1 = Math.min(sw - 1, x0 + 1);
      const fx = sx - x0;
      const p00 = (y0 * sw + x0) * 3;
      const p01 = (y0 * sw + x1) * 3;
      const p10 = (y1 * sw + x0) * 3;
      const p11 = (y1 * sw + x1) * 3;
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const top = small[p00 + c]! + fx * (small[p01 + c]! - small[p00 + c]!);
        const bottom = small[p10 + c]! + fx * (small[p11 + c]! - small[p10 + c]!);
        out[o + c] = top + fy * (bottom - top);
      }
    }
  }
  return out;
}

/**
 * Resamples `src` through the inverse map `inverse` (output pixel centre -> source coordinates; null = the
 * identity, no resampling) with bilinear interpolation (edge clamped), applies `colour` (null = none), and
 * writes the rounded, clamped bytes into `out` for the pixels inside `rect` (others untouched).
 */
export function warpColourRgb(
  src: ArrayLike<number>,
  width: number,
  height: number,
  inverse: Affine2D | null,
  colour: ColourMap | null,
  rect: Rect,
  out: Uint8Array,
): void {
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = colour === null ? [1, 0, 0, 0, 1, 0, 0, 0, 1] : colour.m;
  const [b0, b1, b2] = colour === null ? [0, 0, 0] : colour.offset;
  const M0 = m0!, M1 = m1!, M2 = m2!, M3 = m3!, M4 = m4!, M5 = m5!, M6 = m6!, M7 = m7!, M8 = m8!;
  const B0 = b0!, B1 = b1!, B2 = b2!;
  for (let y = rect.y0; y < rect.y1; y++) {
    for (let x = rect.x0; x < rect.x1; x++) {
      let r: number;
      let g: number;
      let b: number;
      if (inverse === null) {
        const p = (y * width + x) * 3;
        r = src[p]!;
        g = src[p + 1]!;
        b = src[p + 2]!;
      } else {
        const cx = x + 0.5;
        const cy = y + 0.5;
        let sx = inverse.a * cx + inverse.b * cy + inverse.c - 0.5;
        let sy = inverse.d * cx + inverse.e * cy + inverse.f - 0.5;
        sx = sx < 0 ? 0 : sx > width - 1 ? width - 1 : sx;
        sy = sy < 0 ? 0 : sy > height - 1 ? height - 1 : sy;
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const x1 = x0 + 1 < width ? x0 + 1 : x0;
        const y1 = y0 + 1 < height ? y0 + 1 : y0;
        const fx = sx - x0;
        const fy = sy - y0;
        const w00 = (1 - fx) * (1 - fy);
        const w01 = fx * (1 - fy);
        const w10 = (1 - fx) * fy;
        const w11 = fx * fy;
        const p00 = (y0 * width + x0) * 3;
        const p01 = (y0 * width + x1) * 3;
        const p10 = (y1 * width + x0) * 3;
        const p11 = (y1 * width + x1) * 3;
        r = w00 * src[p00]! + w01 * src[p01]! + w10 * src[p10]! + w11 * src[p11]!;
        g = w00 * src[p00 + 1]! + w01 * src[p01 + 1]! + w10 * src[p10 + 1]! + w11 * src[p11 + 1]!;
        b = w00 * src[p00 + 2]! + w01 * src[p01 + 2]! + w10 * src[p10 + 2]! + w11 * src[p11 + 2]!;
      }
      const o = (y * width + x) * 3;
      // Uint8Array stores clamp-free: round and clamp explicitly (a typed array would wrap 256 to 0).
      out[o] = clampByte(M0 * r + M1 * g + M2 * b + B0);
      out[o + 1] = clampByte(M3 * r + M4 * g + M5 * b + B1);
      out[o + 2] = clampByte(M6 * r + M7 * g + M8 * b + B2);
    }
  }
}

/** Rounds half up and clamps to 0..255. */
export function clampByte(v: number): number {
  const r = Math.floor(v + 0.5);
  return r < 0 ? 0 : r > 255 ? 255 : r;
}

/** 3x3 matrix product a * b (row-major). */
export function mul3(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += a[i * 3 + k]! * b[k * 3 + j]!;
      out[i * 3 + j] = s;
    }
  }
  return out;
}

/** Rotation of hue by `degrees` about the grey axis (the SVG / CSS hue-rotate matrix: greys stay grey). */
export function hueRotateMatrix(degrees: number): number[] {
  const t = (degrees * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  return [
    0.213 + c * 0.787 - s * 0.213,
    0.715 - c * 0.715 - s * 0.715,
    0.072 - c * 0.072 + s * 0.928,
    0.213 - c * 0.213 + s * 0.143,
    0.715 + c * 0.285 + s * 0.14,
    0.072 - c * 0.072 - s * 0.283,
    0.213 - c * 0.213 - s * 0.787,
    0.715 - c * 0.715 + s * 0.715,
    0.072 + c * 0.928 + s * 0.072,
  ];
}

/** Saturation scaling by `factor` (1 = unchanged, 0 = grey; the SVG / CSS saturate matrix). */
export function saturateMatrix(factor: number): number[] {
  const s = factor;
  return [
    0.213 + 0.787 * s,
    0.715 - 0.715 * s,
    0.072 - 0.072 * s,
    0.213 - 0.213 * s,
    0.715 + 0.285 * s,
    0.072 - 0.072 * s,
    0.213 - 0.213 * s,
    0.715 - 0.715 * s,
    0.072 + 0.928 * s,
  ];
}

/** Mean Rec. 601 luma of an RGB image (0..255). */
export function meanLuma(src: ArrayLike<number>): number {
  let sum = 0;
  const n = Math.floor(src.length / 3);
  for (let i = 0; i < n; i++) sum += 0.299 * src[i * 3]! + 0.587 * src[i * 3 + 1]! + 0.114 * src[i * 3 + 2]!;
  return n > 0 ? sum / n : 0;
}
