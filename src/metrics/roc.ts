/**
 * ROC curve and the metrics read off it (AUC, EER, TPR at a fixed FPR).
 *
 * Conventions (shared by every function here):
 * - The positive class is FAKE (label 1); a higher score means "more fake".
 * - An operating point at threshold t classifies `score >= t` as fake (the same
 *   rule as the `fake` verdict threshold of `ldf scan`).
 * - TIES: all items with the same score move together. The curve has one vertex
 *   per DISTINCT score, and between two vertices it is the straight segment that
 *   randomly splitting that tie block would give (a diagonal when the block holds
 *   both classes). So an all-tied input is the single diagonal (0,0)-(1,1).
 */
import { MetricsError } from './errors.js';
import { checkScored, requireBothClasses, type ScoredSet } from './inputs.js';

export interface RocPoint {
  /** False positive rate: real items scored >= threshold / all real items. */
  fpr: number;
  /** True positive rate: fake items scored >= threshold / all fake items. */
  tpr: number;
  /**
   * The operating point classifies `score >= threshold` as fake. The first point
   * (0, 0) has threshold +Infinity (nothing is called fake); every other point's
   * threshold is one of the scores, in decreasing order, the last being the lowest
   * score (so the last point is (1, 1)).
   */
  threshold: number;
  /** Real items scored >= threshold (false positives), exact count. */
  fp: number;
  /** Fake items scored >= threshold (true positives), exact count. */
  tp: number;
}

export interface RocCurve {
  /** From (0, 0) to (1, 1), one vertex per distinct score, thresholds decreasing. */
  points: RocPoint[];
  /** Number of fake items (label 1). */
  positives: number;
  /** Number of real items (label 0). */
  negatives: number;
}

/**
 * The ROC curve of fake scores against labels (0 = real, 1 = fake).
 * Throws MetricsError EMPTY, ONE_CLASS (the rates divide by the class sizes),
 * LENGTH_MISMATCH, BAD_SCORE or BAD_LABEL.
 */
export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): RocCurve {
  const set = checkScored('rocCurve', scores, labels);
  requireBothClasses('rocCurve', set);
  return buildRoc(set);
}

function buildRoc(set: ScoredSet): RocCurve {
  const { scores, labels, positives: P, negatives: N } = set;
  const order = Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Number.POSITIVE_INFINITY, fp: 0, tp: 0 }];
  let fp = 0;
  let tp = 0;
  let i = 0;
  while (i < order.length) {
    const threshold = scores[order[i] as number] as number;
    // Take the whole tie block at this score.
    while (i < order.length && scores[order[i] as number] === threshold) {
      if (labels[order[i] as number] === 1) tp++;
      else fp++;
      i++;
    }
    points.push({ fpr: fp / N, tpr: tp / P, threshold, fp, tp });
  }
  return { points, positives: P, negatives: N };
}

function checkCurve(fn: string, curve: RocCurve): void {
  if (curve.positives <= 0 || curve.negatives <= 0 || curve.points.length < 2) {
    throw new MetricsError('BAD_ARGUMENT', `${fn}: not a ROC curve from rocCurve() (needs both classes and >= 2 points)`);
  }
}

/**
 * Area under the ROC curve (trapezoids over the vertices, tie blocks as diagonals).
 * This equals the Mann-Whitney statistic U / (P * N) with tied (real, fake) pairs
 * counted 1/2: the probability that a random fake item scores above a random real
 * one, ties counted half. Computed from exact counts: each block with `dfp` reals and
 * `dtp` fakes contributes dfp * (tpBefore + dtp / 2).
 */
export function aucFromRoc(curve: RocCurve): number {
  checkCurve('aucFromRoc', curve);
  let twiceU = 0;
  const pts = curve.points;
  for (let k = 1; k < pts.length; k++) {
    const a = pts[k - 1] as RocPoint;
    const b = pts[k] as RocPoint;
    twiceU += (b.fp - a.fp) * (a.tp + b.tp);
  }
  return twiceU / (2 * curve.positives * curve.negatives);
}

/** AUC of scores against labels; see {@link aucFromRoc}. Throws MetricsError on EMPTY / ONE_CLASS input. */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  return aucFromRoc(rocCurve(scores, labels));
}

export interface EerResult {
  /** The equal error rate: the FPR (= FNR) where the interpolated ROC meets FPR = FNR. */
  rate: number;
  /**
   * The threshold of the ROC vertex that closes the crossing segment: with
   * `score >= threshold` => fake, FPR >= rate >= FNR there, and any higher
   * threshold (above the next higher distinct score) gives FPR <= rate <= FNR.
   */
  threshold: number;
  /** FPR at `threshold` (a real, deterministic operating point). */
  fpr: number;
  /** FNR = 1 - TPR at `threshold`. */
  fnr: number;
}

/**
 * Equal error rate, interpolated LINEARLY along the ROC curve (the same piecewise-linear
 * curve the AUC integrates): find the first segment (A -> B) where FPR + TPR - 1 changes
 * sign (FNR = 1 - TPR, so FPR = FNR <=> FPR + TPR = 1); solve FPR(a) = FNR(a) for the
 * fraction a along that segment; the rate is the FPR there. A point inside a segment is
 * what randomly calling a fraction of B's tie block fake would give, so it is the exact
 * EER of the best randomised classifier, not a fitted curve. From exact counts:
 *   a = (P*N - N*tpA - P*fpA) / (P*dfp + N*dtp),  rate = (fpA + a*dfp) / N.
 * The reported threshold is B's (see {@link EerResult.threshold}); no threshold is
 * interpolated, because no deterministic threshold lies strictly between two
 * adjacent distinct scores' operating points.
 */
export function eerFromRoc(curve: RocCurve): EerResult {
  checkCurve('eerFromRoc', curve);
  const P = curve.positives;
  const N = curve.negatives;
  const pts = curve.points;
  for (let k = 1; k < pts.length; k++) {
    const a = pts[k - 1] as RocPoint;
    const b = pts[k] as RocPoint;
    // sign of FPR + TPR - 1, scaled by P*N to stay in integers.
    const gB = P * b.fp + N * b.tp - P * N;
    if (gB < 0) continue;
    const dfp = b.fp - a.fp;
    const dtp = b.tp - a.tp;
    const frac = (P * N - N * a.tp - P * a.fp) / (P * dfp + N * dtp);
    const rate = (a.fp + frac * dfp) / N;
    return { rate, threshold: b.threshold, fpr: b.fpr, fnr: 1 - b.tpr };
  }
  // Unreachable for a curve ending at (1, 1): there FPR + TPR - 1 = 1 > 0.
  throw new MetricsError('BAD_ARGUMENT', 'eerFromRoc: the curve never reaches FPR = FNR (does it end at (1, 1)?)');
}

/** EER of scores against labels; see {@link eerFromRoc}. Throws MetricsError on EMPTY / ONE_CLASS input. */
export function eer(scores: ArrayLike<number>, labels: ArrayLike<number>): EerResult {
  return eerFromRoc(rocCurve(scores, labels));
}

export interface TprAtFprResult {
  /** The highest TPR among ROC vertices with FPR <= the target. */
  tpr: number;
  /** The FPR actually reached at that vertex (<= target). */
  fpr: number;
  /**
   * Its threshold (`score >= threshold` => fake). +Infinity when no threshold reaches
   * a TPR above 0 within the target (then tpr is 0: call nothing fake).
   */
  threshold: number;
}

/**
 * TPR at a maximum FPR, CONSERVATIVE: only ROC vertices count (operating points a
 * real threshold achieves); there is NO interpolation along a segment, so a tie block
 * holding real items is either taken whole or not at all. The (0, 0) vertex always
 * qualifies, so the result is 0 rather than undefined when even the top score
 * exceeds the FPR budget. `targetFpr` in [0, 1], e.g. 0.01 or 0.05; the comparison
 * is `fp / N <= targetFpr` (so 1 false positive among 100 reals meets 0.01).
 */
export function tprAtFprFromRoc(curve: RocCurve, targetFpr: number): TprAtFprResult {
  checkCurve('tprAtFprFromRoc', curve);
  if (!Number.isFinite(targetFpr) || targetFpr < 0 || targetFpr > 1) {
    throw new MetricsError('BAD_ARGUMENT', `tprAtFpr: target FPR ${targetFpr} is not in [0, 1]`);
  }
  let best = curve.points[0] as RocPoint;
  for (const p of curve.points) {
    // FPR and TPR never decrease along the curve: the last qualifying vertex has the highest TPR.
    if (p.fpr > targetFpr) break;
    best = p;
  }
  return { tpr: best.tpr, fpr: best.fpr, threshold: best.threshold };
}

/** TPR at FPR <= targetFpr; see {@link tprAtFprFromRoc}. Throws MetricsError on EMPTY / ONE_CLASS input. */
export function tprAtFpr(scores: ArrayLike<number>, labels: ArrayLike<number>, targetFpr: number): TprAtFprResult {
  return tprAtFprFromRoc(rocCurve(scores, labels), targetFpr);
}
