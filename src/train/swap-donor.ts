/**
 * The donor of a cross-identity blend (docs/training.md, --swap): of DONOR_CANDIDATES random training items, the
 * one whose landmarks best fit the target's after a similarity alignment (a similar pose and shape, as Face
 * X-ray picks its donors by landmark distance). Landmarks are in memory, so only the donor's crop is read.
 */
import type { DatasetItem } from '../dataset/index.js';
import { fitSimilarity, type Rng } from './sbi/index.js';

/** Random training items a cross-identity donor is chosen among (the best landmark fit wins). */
const DONOR_CANDIDATES = 8;

/** The training item a swap takes its face from, drawn by the sample's own generator. */
export function pickSwapDonor(items: readonly DatasetItem[], rng: Rng, target: readonly (readonly [number, number])[]): DatasetItem {
  let best: DatasetItem | undefined;
  let bestResidual = Infinity;
  for (let k = 0; k < DONOR_CANDIDATES; k++) {
    const candidate = items[Math.min(items.length - 1, Math.floor(rng() * items.length))]!;
    const residual = alignmentResidual(candidate.landmarks, target);
    if (residual < bestResidual) {
      bestResidual = residual;
      best = candidate;
    }
  }
  return best!;
}

/** Mean squared distance between `target` and `points` mapped onto it by the best similarity (scale-free). */
function alignmentResidual(points: readonly (readonly [number, number])[], target: readonly (readonly [number, number])[]): number {
  if (points.length !== target.length || points.length === 0) return Infinity;
  const t = fitSimilarity(points, target);
  let sum = 0;
  let spread = 0;
  let mx = 0;
  let my = 0;
  for (const [x, y] of target) {
    mx += x;
    my += y;
  }
  mx /= target.length;
  my /= target.length;
  points.forEach(([x, y], i) => {
    const [u, v] = target[i]!;
    sum += (t.a * x + t.b * y + t.c - u) ** 2 + (t.d * x + t.e * y + t.f - v) ** 2;
    spread += (u - mx) ** 2 + (v - my) ** 2;
  });
  return spread > 0 ? sum / spread : Infinity;
}
