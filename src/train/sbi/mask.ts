/**
 * The SBI blend mask, step by step, on typed arrays:
 *  1. face regions from the 68 landmarks: convex polygons (Face X-ray's / SBI's four hull types, see
 *     maskRegions), optionally with a synthetic forehead;
 *  2. mapped through the source's affine transform and rasterised (pixel centres, union of the polygons);
 *  3. elastically deformed by a smooth random displacement field (bilinear interpolation of random vectors on
 *     a coarse grid, so |displacement| <= amplitude everywhere);
 *  4. eroded or dilated with a square structuring element (what SBI's blur-and-threshold does);
 *  5. blurred with a finite separable Gaussian and normalised to a peak of 1.
 * Every step has a finite reach, so the soft mask is exactly 0 farther than
 * amplitude + sqrt(2) * dilation + hypot(blur radii) (+ 1 px of rounding) from the transformed regions.
 */
import { mulberry32 } from './rng.js';
import { isEmptyRect, type Affine2D, type Rect } from './image-ops.js';

export type Point = readonly [number, number];

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/**
 * Face region shapes, after Face X-ray's random_get_hull as used by SBI (each drawn with probability 1/4):
 *  - 'facehull': convex hull of all points (with SBI's 81-point landmarks it includes the forehead; here a
 *    synthetic forehead can be added, see foreheadPoints);
 *  - 'dfl': DeepFaceLab's full mask, union of three hulls (jaw + mouth, nose ridge, eyebrows + eyes);
 *  - 'components': union of eight part hulls (left/right jaw, cheeks, nose ridge, eye regions, nose);
 *  - 'extended': 'components' with the eyebrows pushed up by half their distance to the eyes.
 */
export type SbiHullType = 'facehull' | 'dfl' | 'components' | 'extended' | 'parts';

/** The four hull types SBI draws from (uniformly). 'parts' is drawn only when asked for, see SbiPartsMask. */
export const SBI_HULL_TYPES: readonly SbiHullType[] = ['facehull', 'dfl', 'components', 'extended'];

/**
 * Facial parts a 'parts' mask can cover, each alone or with others: the parts that hand-made splices
 * replace (an eye with its brow, the nose, the mouth), as in image-level face-part forgeries.
 */
export type SbiPart = 'leftEye' | 'rightEye' | 'nose' | 'mouth';

export const SBI_PARTS: readonly SbiPart[] = ['leftEye', 'rightEye', 'nose', 'mouth'];

/** A 'parts' mask: the union of the named parts' hulls, each grown about its own centroid by `grow`. */
export interface SbiPartsMask {
  names: SbiPart[];
  grow: number;
}

/** iBUG 68 indices of each part (the eye parts include their brow: "left" is the image's left). */
const PART_POINTS: Readonly<Record<SbiPart, readonly number[]>> = {
  leftEye: [...range(17, 21), ...range(36, 41)],
  rightEye: [...range(22, 26), ...range(42, 47)],
  nose: [...range(27, 35)],
  mouth: [...range(48, 59)],
};

/** Point index lists of the union parts of each hull type (iBUG 68 indices). */
const DFL_PARTS: readonly number[][] = [
  [...range(0, 16), ...range(48, 67), 0, 8, 16],
  [...range(27, 30), 33],
  [...range(17, 26), 0, 27, 16, 33],
];
const COMPONENT_PARTS: readonly number[][] = [
  [...range(0, 8), 17],
  [...range(8, 16), 26],
  [17, 18, 19, 8],
  [24, 25, 26, 8],
  [...range(19, 24), 8],
  [...range(17, 21), 27, ...range(31, 35), 8],
  [...range(22, 26), 27, ...range(31, 35), 8],
  [...range(27, 30), ...range(31, 35)],
];

/** Convex hull (Andrew's monotone chain), counter-clockwise in image coordinates, collinear points dropped. */
export function convexHull(points: readonly Point[]): Point[] {
  const pts = [...points].sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  if (pts.length <= 2) return pts;
  const cross = (o: Point, a: Point, b: Point): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Point[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

function mean(points: readonly Point[]): [number, number] {
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p[0];
    y += p[1];
  }
  return [x / points.length, y / points.length];
}

/** The upward face direction (unit vector, image coordinates): perpendicular to the line through the eye centres. */
export function faceUp(landmarks: readonly Point[]): [number, number] {
  const left = mean(landmarks.slice(36, 42));
  const right = mean(landmarks.slice(42, 48));
  let ex = right[0] - left[0];
  let ey = right[1] - left[1];
  const n = Math.hypot(ex, ey);
  if (!(n > 0)) return [0, -1];
  ex /= n;
  ey /= n;
  return [ey, -ex];
}

/**
 * A synthetic forehead standing in for the 13 forehead points of the 81-point model SBI uses: the ten
 * eyebrow points (17-26) moved up (perpendicular to the eye line) by `lift` px at the middle of the brows,
 * tapering to lift / 2 at their outer ends (a dome).
 */
export function foreheadPoints(landmarks: readonly Point[], lift: number): Point[] {
  const up = faceUp(landmarks);
  const a = landmarks[17]!;
  const b = landmarks[26]!;
  const ax = b[0] - a[0];
  const ay = b[1] - a[1];
  const len2 = ax * ax + ay * ay || 1;
  const out: Point[] = [];
  for (let i = 17; i <= 26; i++) {
    const p = landmarks[i]!;
    const t = Math.max(-1, Math.min(1, (2 * ((p[0] - a[0]) * ax + (p[1] - a[1]) * ay)) / len2 - 1));
    const h = lift * (0.5 + 0.5 * (1 - t * t));
    out.push([p[0] + up[0] * h, p[1] + up[1] * h]);
  }
  return out;
}

/**
 * The convex polygons whose union is the (untransformed) mask of `hullType`, in the landmarks' coordinates.
 * `foreheadLift` > 0 adds foreheadPoints to the 'facehull' type (the other types ignore it, as SBI's do
 * with its extra 13 points). The 'parts' type needs `parts`. @throws RangeError 'parts' without parts
 */
export function maskRegions(landmarks: readonly Point[], hullType: SbiHullType, foreheadLift = 0, parts?: SbiPartsMask): Point[][] {
  const pts = (ids: readonly number[], from: readonly Point[] = landmarks): Point[] => ids.map((i) => from[i]!);
  switch (hullType) {
    case 'parts': {
      if (parts === undefined || parts.names.length === 0) throw new RangeError("a 'parts' mask needs at least one part");
      return parts.names.map((name) => {
        const hull = convexHull(pts(PART_POINTS[name]));
        const [cx, cy] = mean(hull);
        return hull.map(([x, y]) => [cx + parts.grow * (x - cx), cy + parts.grow * (y - cy)] as const);
      });
    }
    case 'facehull': {
      const all = foreheadLift > 0 ? [...landmarks, ...foreheadPoints(landmarks, foreheadLift)] : [...landmarks];
      return [convexHull(all)];
    }
    case 'dfl':
      return DFL_PARTS.map((ids) => convexHull(pts(ids)));
    case 'components':
      return COMPONENT_PARTS.map((ids) => convexHull(pts(ids)));
    case 'extended': {
      const lm = landmarks.map((p) => [p[0], p[1]] as [number, number]);
      const half = (p: Point, q: Point): Point => [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2];
      const ml = half(landmarks[36]!, landmarks[0]!);
      const mr = half(landmarks[16]!, landmarks[45]!);
      const ql = half(landmarks[36]!, ml);
      const qr = half(landmarks[45]!, mr);
      const botL = [ql, landmarks[36]!, landmarks[37]!, landmarks[38]!, landmarks[39]!];
      const botR = [landmarks[42]!, landmarks[43]!, landmarks[44]!, landmarks[45]!, qr];
      for (let k = 0; k < 5; k++) {
        const top = landmarks[17 + k]!;
        const bot = botL[k]!;
        lm[17 + k] = [top[0] + (top[0] - bot[0]) / 2, top[1] + (top[1] - bot[1]) / 2];
        const topR = landmarks[22 + k]!;
        const botr = botR[k]!;
        lm[22 + k] = [topR[0] + (topR[0] - botr[0]) / 2, topR[1] + (topR[1] - botr[1]) / 2];
      }
      return COMPONENT_PARTS.map((ids) => convexHull(pts(ids, lm)));
    }
  }
}

/** `poly` mapped through `map`. */
export function transformPolygon(poly: readonly Point[], map: Affine2D): Point[] {
  return poly.map(([x, y]) => [map.a * x + map.b * y + map.c, map.d * x + map.e * y + map.f] as const);
}

/**
 * Sets to 1 the pixels of `out` (width x height, one byte per pixel) whose centre lies inside at least one
 * of the convex polygons (boundary included). Returns the bounding rectangle of the pixels set (empty when
 * none).
 */
export function rasterizeConvexUnion(polys: readonly (readonly Point[])[], width: number, height: number, out: Uint8Array): Rect {
  const box: Rect = { x0: width, y0: height, x1: 0, y1: 0 };
  for (const poly of polys) {
    if (poly.length < 3) continue;
    let minY = Infinity;
    let maxY = -Infinity;
    for (const p of poly) {
      minY = Math.min(minY, p[1]);
      maxY = Math.max(maxY, p[1]);
    }
    const rowA = Math.max(0, Math.ceil(minY - 0.5));
    const rowB = Math.min(height - 1, Math.floor(maxY - 0.5));
    for (let y = rowA; y <= rowB; y++) {
      const cy = y + 0.5;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < poly.length; i++) {
        const p = poly[i]!;
        const q = poly[(i + 1) % poly.length]!;
        const y0 = Math.min(p[1], q[1]);
        const y1 = Math.max(p[1], q[1]);
        if (cy < y0 || cy > y1) continue;
        if (y1 === y0) {
          lo = Math.min(lo, p[0], q[0]);
          hi = Math.max(hi, p[0], q[0]);
        } else {
          const x = p[0] + ((cy - p[1]) * (q[0] - p[0])) / (q[1] - p[1]);
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
        }
      }
      if (!(lo <= hi)) continue;
      const colA = Math.max(0, Math.ceil(lo - 0.5));
      const colB = Math.min(width - 1, Math.floor(hi - 0.5));
      if (colA > colB) continue;
      out.fill(1, y * width + colA, y * width + colB + 1);
      box.x0 = Math.min(box.x0, colA);
      box.x1 = Math.max(box.x1, colB + 1);
      box.y0 = Math.min(box.y0, y);
      box.y1 = Math.max(box.y1, y + 1);
    }
  }
  return box;
}

/**
 * Elastic deformation of a binary mask: out(p) = mask(p + d(p)) (nearest pixel), with d the bilinear
 * interpolation of random vectors on a square grid of node spacing `spacing` px, each drawn uniformly in
 * the disc of radius `amplitude` from mulberry32(seed) (so |d| <= amplitude). Returns the new mask and the
 * bounding rectangle of its ones.
 */
export function elasticWarpMask(
  mask: Uint8Array,
  width: number,
  height: number,
  box: Rect,
  amplitude: number,
  spacing: number,
  seed: number,
): { mask: Uint8Array; box: Rect } {
  if (!(amplitude > 0) || isEmptyRect(box)) return { mask, box };
  const g = Math.max(1, spacing);
  const nx = Math.ceil(width / g) + 1;
  const ny = Math.ceil(height / g) + 1;
  const rng = mulberry32(seed);
  const fx = new Float64Array(nx * ny);
  const fy = new Float64Array(nx * ny);
  for (let i = 0; i < nx * ny; i++) {
    const r = amplitude * Math.sqrt(rng());
    const t = 2 * Math.PI * rng();
    fx[i] = r * Math.cos(t);
    fy[i] = r * Math.sin(t);
  }
  const out = new Uint8Array(width * height);
  const reach = Math.ceil(amplitude) + 1;
  const x0 = Math.max(0, box.x0 - reach);
  const x1 = Math.min(width, box.x1 + reach);
  const y0 = Math.max(0, box.y0 - reach);
  const y1 = Math.min(height, box.y1 + reach);
  const outBox: Rect = { x0: width, y0: height, x1: 0, y1: 0 };
  for (let y = y0; y < y1; y++) {
    const v = (y + 0.5) / g;
    const j = Math.min(ny - 2, Math.floor(v));
    const ty = v - j;
    for (let x = x0; x < x1; x++) {
      const u = (x + 0.5) / g;
      const i = Math.min(nx - 2, Math.floor(u));
      const tx = u - i;
      const k = j * nx + i;
      const w00 = (1 - tx) * (1 - ty);
      const w01 = tx * (1 - ty);
      const w10 = (1 - tx) * ty;
      const w11 = tx * ty;
      const dx = w00 * fx[k]! + w01 * fx[k + 1]! + w10 * fx[k + nx]! + w11 * fx[k + nx + 1]!;
      const dy = w00 * fy[k]! + w01 * fy[k + 1]! + w10 * fy[k + nx]! + w11 * fy[k + nx + 1]!;
      const sx = Math.floor(x + 0.5 + dx);
      const sy = Math.floor(y + 0.5 + dy);
      if (sx < 0 || sy < 0 || sx >= width || sy >= height) continue;
      if (mask[sy * width + sx] === 1) {
        out[y * width + x] = 1;
        if (x < outBox.x0) outBox.x0 = x;
        if (x >= outBox.x1) outBox.x1 = x + 1;
        if (y < outBox.y0) outBox.y0 = y;
        if (y >= outBox.y1) outBox.y1 = y + 1;
      }
    }
  }
  return { mask: out, box: outBox };
}

/**
 * Binary erosion (radius < 0) or dilation (radius > 0) of a 0/1 mask with a (2|radius| + 1)-px square
 * (separable running counts; the outside of the image counts as 0). Returns the new mask and the bounding
 * rectangle of its ones.
 */
export function erodeDilateMask(
  mask: Uint8Array,
  width: number,
  height: number,
  box: Rect,
  radius: number,
): { mask: Uint8Array; box: Rect } {
  const r = Math.abs(Math.round(radius));
  if (r === 0 || isEmptyRect(box)) return { mask, box };
  const dilate = radius > 0;
  const full = 2 * r + 1;
  // Pass 1, along rows: rows of the box, columns of the box (+ r when dilating).
  const ox0 = dilate ? Math.max(0, box.x0 - r) : box.x0;
  const ox1 = dilate ? Math.min(width, box.x1 + r) : box.x1;
  const tmp = new Uint8Array(width * height);
  const prefix = new Int32Array(Math.max(width, height) + 1);
  for (let y = box.y0; y < box.y1; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) prefix[x + 1] = prefix[x]! + mask[row + x]!;
    for (let x = ox0; x < ox1; x++) {
      const count = prefix[Math.min(width, x + r + 1)]! - prefix[Math.max(0, x - r)]!;
      tmp[row + x] = (dilate ? count > 0 : count === full) ? 1 : 0;
    }
  }
  // Pass 2, along columns.
  const oy0 = dilate ? Math.max(0, box.y0 - r) : box.y0;
  const oy1 = dilate ? Math.min(height, box.y1 + r) : box.y1;
  const out = new Uint8Array(width * height);
  const outBox: Rect = { x0: width, y0: height, x1: 0, y1: 0 };
  for (let x = ox0; x < ox1; x++) {
    for (let y = 0; y < height; y++) prefix[y + 1] = prefix[y]! + tmp[y * width + x]!;
    for (let y = oy0; y < oy1; y++) {
      const count = prefix[Math.min(height, y + r + 1)]! - prefix[Math.max(0, y - r)]!;
      if (dilate ? count > 0 : count === full) {
        out[y * width + x] = 1;
        if (x < outBox.x0) outBox.x0 = x;
        if (x >= outBox.x1) outBox.x1 = x + 1;
        if (y < outBox.y0) outBox.y0 = y;
        if (y >= outBox.y1) outBox.y1 = y + 1;
      }
    }
  }
  return { mask: out, box: outBox };
}

/**
 * Separable blur of a 0/1 mask with the finite kernels `kernelX` / `kernelY` (odd lengths, zero outside the
 * image), normalised so its maximum is exactly 1 (then multiplied by `scale`). Pixels farther than the
 * kernel radii from every 1 stay exactly 0. Returns the soft mask and the bounding rectangle of its
 * non-zero values.
 */
export function blurMask(
  mask: Uint8Array,
  width: number,
  height: number,
  box: Rect,
  kernelX: Float64Array,
  kernelY: Float64Array,
  scale: number,
): { mask: Float32Array; box: Rect } {
  const out = new Float32Array(width * height);
  if (isEmptyRect(box)) return { mask: out, box };
  const rx = (kernelX.length - 1) >> 1;
  const ry = (kernelY.length - 1) >> 1;
  const x0 = Math.max(0, box.x0 - rx);
  const x1 = Math.min(width, box.x1 + rx);
  const y0 = Math.max(0, box.y0 - ry);
  const y1 = Math.min(height, box.y1 + ry);
  const tmp = new Float64Array(width * height);
  // Along rows: the input is binary, so sum the kernel over each run of ones (cumulative kernel sums).
  const cum = new Float64Array(kernelX.length + 1);
  for (let j = 0; j < kernelX.length; j++) cum[j + 1] = cum[j]! + kernelX[j]!;
  for (let y = box.y0; y < box.y1; y++) {
    const row = y * width;
    let x = box.x0;
    while (x < box.x1) {
      if (mask[row + x] !== 1) {
        x++;
        continue;
      }
      let end = x;
      while (end < box.x1 && mask[row + end] === 1) end++;
      // Run [x, end): output column c gets sum of kernel taps j with c + j - rx in [x, end).
      const c0 = Math.max(0, x - rx);
      const c1 = Math.min(width, end + rx);
      for (let c = c0; c < c1; c++) {
        const ja = Math.max(0, x - c + rx);
        const jb = Math.min(kernelX.length, end - c + rx);
        if (jb > ja) tmp[row + c] = tmp[row + c]! + (cum[jb]! - cum[ja]!);
      }
      x = end;
    }
  }
  let peak = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      let s = 0;
      const ja = Math.max(0, box.y0 - (y - ry));
      const jb = Math.min(kernelY.length, box.y1 - (y - ry));
      for (let j = ja; j < jb; j++) s += kernelY[j]! * tmp[(y + j - ry) * width + x]!;
      const i = y * width + x;
      out[i] = s;
      if (out[i]! > peak) peak = out[i]!;
    }
  }
  const outBox: Rect = { x0: width, y0: height, x1: 0, y1: 0 };
  if (!(peak > 0)) return { mask: out, box: outBox };
  const k = 1 / peak;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = y * width + x;
      const v = out[i]!;
      if (v > 0) {
        out[i] = v >= peak ? scale : Math.min(scale, v * k * scale);
        if (x < outBox.x0) outBox.x0 = x;
        if (x >= outBox.x1) outBox.x1 = x + 1;
        if (y < outBox.y0) outBox.y0 = y;
        if (y >= outBox.y1) outBox.y1 = y + 1;
      }
    }
  }
  return { mask: out, box: outBox };
}
