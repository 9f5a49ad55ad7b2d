import { MetricsError } from './errors.js';
import { checkScored } from './inputs.js';

export interface CalibrationBin {
  /** Bin i covers [lower, upper) = [i / bins, (i + 1) / bins); the LAST bin also holds 1.0. */
  lower: number;
  upper: number;
  count: number;
  /** Mean fake score of the bin's items; null for an empty bin. */
  meanScore: number | null;
  /** Share of the bin's items that are fake (label 1); null for an empty bin. */
  fractionFake: number | null;
}

export interface CalibrationTable {
  bins: CalibrationBin[];
  /**
   * Expected calibration error: sum over bins of (count / total) * |meanScore - fractionFake|
   * (empty bins contribute nothing). 0 = perfectly calibrated; at most 1.
   */
  ece: number;
  /** Items in all bins. */
  count: number;
}

/** Index of the equal-width bin holding `s` in [0, 1]; exact at the edges i / bins. */
export function binIndex(s: number, bins: number): number {
  let i = Math.min(bins - 1, Math.floor(s * bins));
  // s * bins can round across an edge (0.29 * 100 = 28.999...); the edges are i / bins.
  if (i > 0 && s < i / bins) i--;
  else if (i < bins - 1 && s >= (i + 1) / bins) i++;
  return i;
}

/**
 * Reliability table over `bins` equal-width bins of the fake score, plus the ECE.
 * Throws MetricsError EMPTY on empty input (one class is fine: calibration is still defined).
 */
export function calibrationTable(scores: ArrayLike<number>, labels: ArrayLike<number>, bins = 10): CalibrationTable {
  if (!Number.isInteger(bins) || bins < 1) {
    throw new MetricsError('BAD_ARGUMENT', `calibrationTable: bin count ${bins} is not a positive integer`);
  }
  checkScored('calibrationTable', scores, labels);
  const count = new Array<number>(bins).fill(0);
  const sumScore = new Array<number>(bins).fill(0);
  const fakes = new Array<number>(bins).fill(0);
  for (let k = 0; k < scores.length; k++) {
    const s = scores[k] as number;
    const i = binIndex(s, bins);
    count[i] = (count[i] as number) + 1;
    sumScore[i] = (sumScore[i] as number) + s;
    if (labels[k] === 1) fakes[i] = (fakes[i] as number) + 1;
  }
  const n = scores.length;
  let ece = 0;
  const out: CalibrationBin[] = [];
  for (let i = 0; i < bins; i++) {
    const c = count[i] as number;
    const meanScore = c === 0 ? null : (sumScore[i] as number) / c;
    const fractionFake = c === 0 ? null : (fakes[i] as number) / c;
    if (meanScore !== null && fractionFake !== null) ece += (c / n) * Math.abs(meanScore - fractionFake);
    out.push({ lower: i / bins, upper: (i + 1) / bins, count: c, meanScore, fractionFake });
  }
  return { bins: out, ece, count: n };
}
