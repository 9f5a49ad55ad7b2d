/**
 * Cross-identity blends (after Face X-ray, Li et al., CVPR 2020): the forged twin of a real crop gets the
 * face of ANOTHER training face, aligned to it by the similarity transform that best maps its 68 landmarks
 * onto the target's, colour-matched inside the mask (per-channel mean and standard deviation, as Face
 * X-ray's colour correction), and pasted through an SBI mask. Real swaps bring another person's skin,
 * lighting and texture, which self-blending (the same face pasted back) never shows.
 *
 * The mask, its placement jitter and the source-quality step are SBI's (drawSbiParams with the same
 * options), so a swap twin differs from an SBI twin only in where the pasted pixels come from. The colour
 * jitter of SBI is replaced by the colour match; the real of the pair is always the crop itself.
 */
import { SbiError } from './errors.js';
import { fullRect, isEmptyRect, warpColourRgb, type Affine2D } from './image-ops.js';
import type { Rng } from './rng.js';
import {
  applyQuality,
  blendThroughMask,
  checkLandmarks,
  cropSide,
  drawSbiParams,
  inverseAffineOf,
  renderSbiMask,
  type Point,
  type SbiOptions,
  type SbiResult,
} from './synthesize.js';

/** The face pasted in: another crop of the same side, with its 68 landmarks in crop pixels. */
export interface SwapDonor {
  rgb: Uint8Array;
  landmarks: readonly Point[];
}

/**
 * The least-squares similarity (rotation, uniform scale, translation) mapping points `from` onto `to`
 * (Umeyama's closed form in 2-D). @throws SbiError BAD_LANDMARKS for degenerate input
 */
export function fitSimilarity(from: readonly Point[], to: readonly Point[]): Affine2D {
  if (from.length !== to.length || from.length < 2) throw new SbiError('BAD_LANDMARKS', 'similarity fit needs two equal point sets of 2 or more');
  const n = from.length;
  let mx = 0, my = 0, ux = 0, uy = 0;
  for (let i = 0; i < n; i++) {
    mx += from[i]![0]; my += from[i]![1]; ux += to[i]![0]; uy += to[i]![1];
  }
  mx /= n; my /= n; ux /= n; uy /= n;
  let sxx = 0, sxy = 0, norm = 0;
  for (let i = 0; i < n; i++) {
    const ax = from[i]![0] - mx, ay = from[i]![1] - my;
    const bx = to[i]![0] - ux, by = to[i]![1] - uy;
    sxx += ax * bx + ay * by; // sum of dot products
    sxy += ax * by - ay * bx; // sum of cross products
    norm += ax * ax + ay * ay;
  }
  if (!(norm > 0)) throw new SbiError('BAD_LANDMARKS', 'similarity fit: the source points coincide');
  const a = sxx / norm; // s cos(theta)
  const b = sxy / norm; // s sin(theta)
  // to = [a -b; b a] from + t
  return { a, b: -b, c: ux - (a * mx - b * my), d: b, e: a, f: uy - (b * mx + a * my) };
}

/** q = outer(inner(p)). */
function compose(outer: Affine2D, inner: Affine2D): Affine2D {
  return {
    a: outer.a * inner.a + outer.b * inner.d,
    b: outer.a * inner.b + outer.b * inner.e,
    c: outer.a * inner.c + outer.b * inner.f + outer.c,
    d: outer.d * inner.a + outer.e * inner.d,
    e: outer.d * inner.b + outer.e * inner.e,
    f: outer.d * inner.c + outer.e * inner.f + outer.f,
  };
}

/**
 * The real crop and its cross-identity twin. `rng` makes exactly drawSbiParams' draws (the augmentation
 * always goes to the source: the donor).
 *
 * @throws SbiError BAD_CROP (crops of different sides), BAD_LANDMARKS, BAD_ARGUMENT
 */
export function synthesizeSwap(crop: Uint8Array, landmarks: readonly Point[], donor: SwapDonor, rng: Rng, options: SbiOptions = {}): SbiResult {
  const size = cropSide(crop);
  if (donor.rgb.length !== crop.length) throw new SbiError('BAD_CROP', 'the donor crop must have the size of the target crop');
  checkLandmarks(landmarks);
  checkLandmarks(donor.landmarks);
  const params = { ...drawSbiParams(rng, landmarks, { ...options, targetAugmentProbability: 0 }), augmented: 'source' as const };
  const { mask, box, erodeDilate } = renderSbiMask(size, landmarks, params);
  const used = erodeDilate === params.erodeDilate ? params : { ...params, erodeDilate };
  const real = crop.slice();
  if (isEmptyRect(box)) return { size, real, fake: real.slice(), mask, maskBox: box, params: used };

  // Output pixel -> (SBI placement jitter undone) target coordinates -> donor coordinates.
  const toDonor = compose(fitSimilarity(landmarks, donor.landmarks), inverseAffineOf(params));
  const donorQ = applyQuality(donor.rgb, size, params.quality, fullRect(size, size));
  const source = new Uint8Array(size * size * 3);
  warpColourRgb(donorQ, size, size, toDonor, null, box, source);

  // Colour match inside the mask: donor's per-channel mean / std to the target's.
  const sum = new Float64Array(6);
  const sq = new Float64Array(6);
  let count = 0;
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      if (mask[y * size + x]! <= 0) continue;
      const o = (y * size + x) * 3;
      count++;
      for (let c = 0; c < 3; c++) {
        const s = source[o + c]!;
        const t = real[o + c]!;
        sum[c]! += s;
        sq[c]! += s * s;
        sum[c + 3]! += t;
        sq[c + 3]! += t * t;
      }
    }
  }
  const gain = [1, 1, 1];
  const offset = [0, 0, 0];
  if (count > 1) {
    for (let c = 0; c < 3; c++) {
      const ms = sum[c]! / count, mt = sum[c + 3]! / count;
      const ss = Math.sqrt(Math.max(0, sq[c]! / count - ms * ms));
      const st = Math.sqrt(Math.max(0, sq[c + 3]! / count - mt * mt));
      const g = ss > 1 ? Math.min(3, Math.max(1 / 3, st / ss)) : 1;
      gain[c] = g;
      offset[c] = mt - g * ms;
    }
  }
  const blended = blendThroughMask(real, source, mask, box, size, gain, offset);
  return { size, real, fake: blended, mask, maskBox: box, params: used };
}
