/**
 * The resampler behind cropFace (and the face detector's network inputs): cuts an arbitrary, possibly
 * fractional rectangle out of an RGB24 frame and scales it to an exact output size, in plain TypeScript.
 *
 * Why not sharp: sharp/libvips picks its shrink-on-load and reduce strategy from the scale factor, needs
 * an extract + extend + resize chain (three integer-rounded steps: the sub-pixel box position is lost) and
 * is asynchronous; a small separable resampler is exact, synchronous, deterministic on every platform
 * (plain IEEE-754 arithmetic, no SIMD or thread-count dependent paths) and fast enough (a 600 px face to
 * 256 px takes about 2 ms).
 *
 * Sampling model, per axis (separable, so the same in x and y):
 *  - Source pixel i covers [i, i + 1). Output pixel j covers the source interval
 *    [start + j * L, start + (j + 1) * L) with L = length / outLength.
 *  - Downscaling or 1:1 (L >= 1): exact area averaging: each source pixel contributes in proportion to
 *    how much of the output pixel's footprint it covers (fractional at the footprint's ends). This is a box
 *    prefilter of width L, so a 600 px face reduced to 256 px does not alias.
 *  - Upscaling (L < 1, tiny boxes): bilinear interpolation at the footprint's centre (area averaging would
 *    degenerate to nearest neighbour). Both rules agree at L = 1.
 *  - Pixels outside the clip rectangle (by default the frame) are zero: their weight is kept but their
 *    value is 0, so a footprint half outside the frame comes out at half intensity, and a region wholly
 *    outside gives black. Weights are never renormalised.
 *  - The result is rounded to the nearest integer (halves up) and clamped to [0, 255].
 */
import type { FaceBox, RgbFrame } from './rgb-frame.js';

/** Integer pixel rectangle, half-open: columns [x0, x1), rows [y0, y1). */
export interface PixelRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Per-output-pixel source taps along one axis (flattened, `stride` slots per output pixel). */
interface AxisTaps {
  stride: number;
  count: Int32Array;
  index: Int32Array;
  weight: Float64Array;
  /** Smallest / largest (inclusive) source index used by any tap; lo > hi when there is no tap at all. */
  lo: number;
  hi: number;
}

/**
 * Taps of `outLength` output pixels covering [start, start + length) of a source axis whose pixels outside
 * [validLo, validHi) are zero (and therefore get no tap).
 */
function axisTaps(start: number, length: number, outLength: number, validLo: number, validHi: number): AxisTaps {
  const L = length / outLength;
  const area = L >= 1;
  const stride = area ? Math.max(1, Math.min(Math.ceil(L) + 1, validHi - validLo)) : 2;
  const count = new Int32Array(outLength);
  const index = new Int32Array(outLength * stride);
  const weight = new Float64Array(outLength * stride);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < outLength; j++) {
    const base = j * stride;
    let n = 0;
    const a = start + j * L;
    const b = start + (j + 1) * L;
    if (area) {
      const first = Math.max(Math.floor(a), validLo);
      const end = Math.min(Math.ceil(b), validHi);
      for (let i = first; i < end; i++) {
        const w = (Math.min(b, i + 1) - Math.max(a, i)) / L;
        if (w > 0) {
          index[base + n] = i;
          weight[base + n] = w;
          n++;
        }
      }
    } else {
      const c = (a + b) / 2 - 0.5; // footprint centre in "pixel centre" coordinates
      const i0 = Math.floor(c);
      const f = c - i0;
      if (i0 >= validLo && i0 < validHi && f < 1) {
        index[base + n] = i0;
        weight[base + n] = 1 - f;
        n++;
      }
      if (i0 + 1 >= validLo && i0 + 1 < validHi && f > 0) {
        index[base + n] = i0 + 1;
        weight[base + n] = f;
        n++;
      }
    }
    count[j] = n;
    if (n > 0) {
      lo = Math.min(lo, index[base]!);
      hi = Math.max(hi, index[base + n - 1]!);
    }
  }
  return { stride, count, index, weight, lo, hi };
}

/**
 * Resamples `region` (source pixels, may be fractional and extend past the frame) of `frame` to an
 * `outWidth` x `outHeight` RGB24 image (see the file comment for the sampling rules). Pixels outside `clip`
 * (intersected with the frame; default: the whole frame) read as zero.
 *
 * The caller validates its arguments (frame layout, finite region with positive size, integer output size).
 */
export function resampleRegion(
  frame: RgbFrame,
  region: FaceBox,
  outWidth: number,
  outHeight: number,
  clip?: PixelRect,
): Uint8Array {
  const { width: W, height: H, data: src } = frame;
  const cx0 = Math.max(0, Math.ceil(clip?.x0 ?? 0));
  const cy0 = Math.max(0, Math.ceil(clip?.y0 ?? 0));
  const cx1 = Math.min(W, Math.floor(clip?.x1 ?? W));
  const cy1 = Math.min(H, Math.floor(clip?.y1 ?? H));
  const out = new Uint8Array(outWidth * outHeight * 3);
  if (cx1 <= cx0 || cy1 <= cy0) return out;

  const xt = axisTaps(region.x, region.width, outWidth, cx0, cx1);
  const yt = axisTaps(region.y, region.height, outHeight, cy0, cy1);
  if (xt.lo > xt.hi || yt.lo > yt.hi) return out;

  // Pass 1, horizontal: every source row some output row reads, reduced to outWidth columns.
  const rowLen = outWidth * 3;
  const rows = yt.hi - yt.lo + 1;
  const tmp = new Float32Array(rows * rowLen);
  const { stride: xs, count: xCount, index: xIndex, weight: xWeight } = xt;
  for (let r = 0; r < rows; r++) {
    const srcRow = (yt.lo + r) * W * 3;
    const dstRow = r * rowLen;
    for (let j = 0; j < outWidth; j++) {
      const n = xCount[j]!;
      if (n === 0) continue;
      const base = j * xs;
      let accR = 0;
      let accG = 0;
      let accB = 0;
      for (let t = 0; t < n; t++) {
        const w = xWeight[base + t]!;
        const p = srcRow + xIndex[base + t]! * 3;
        accR += w * src[p]!;
        accG += w * src[p + 1]!;
        accB += w * src[p + 2]!;
      }
      const d = dstRow + j * 3;
      tmp[d] = accR;
      tmp[d + 1] = accG;
      tmp[d + 2] = accB;
    }
  }

  // Pass 2, vertical.
  const { stride: ys, count: yCount, index: yIndex, weight: yWeight } = yt;
  const rowOffset = new Int32Array(ys);
  const rowWeight = new Float64Array(ys);
  for (let i = 0; i < outHeight; i++) {
    const n = yCount[i]!;
    if (n === 0) continue;
    const base = i * ys;
    for (let t = 0; t < n; t++) {
      rowOffset[t] = (yIndex[base + t]! - yt.lo) * rowLen;
      rowWeight[t] = yWeight[base + t]!;
    }
    const dst = i * rowLen;
    for (let k = 0; k < rowLen; k++) {
      let v = 0;
      for (let t = 0; t < n; t++) v += rowWeight[t]! * tmp[rowOffset[t]! + k]!;
      // v >= 0 (non-negative weights and samples): floor(v + 0.5) is Math.round, clamped at 255.
      const q = (v + 0.5) | 0;
      out[dst + k] = q > 255 ? 255 : q;
    }
  }
  return out;
}
