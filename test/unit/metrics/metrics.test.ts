import { describe, expect, it } from 'vitest';
import {
  aucStandardError,
  accuracy,
  auc,
  aucFromRoc,
  binIndex,
  calibrationTable,
  confusionMatrix,
  eer,
  eerFromRoc,
  MetricsError,
  rocCurve,
  tprAtFpr,
  type RocPoint,
} from '../../../src/metrics/index.js';

/** Scores of the real items and of the fake items -> (scores, labels) with label 0 = real, 1 = fake. */
function data(real: number[], fake: number[]): [number[], (0 | 1)[]] {
  return [
    [...real, ...fake],
    [...real.map(() => 0 as const), ...fake.map(() => 1 as const)],
  ];
}

/** (fpr, tpr, threshold) of each vertex, for compact comparisons. */
function triples(points: RocPoint[]): [number, number, number][] {
  return points.map((p) => [p.fpr, p.tpr, p.threshold]);
}

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MetricsError);
    return (err as MetricsError).code;
  }
  return undefined;
}

/** Deterministic PRNG (mulberry32) for the property checks. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** O(P*N) Mann-Whitney: share of (fake, real) pairs where the fake scores higher, ties 1/2. */
function bruteAuc(scores: number[], labels: number[]): number {
  let u = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      const f = scores[i] as number;
      const r = scores[j] as number;
      u += f > r ? 1 : f === r ? 0.5 : 0;
    }
  }
  return u / pairs;
}

/** Max TPR over every real threshold (each distinct score, plus "nothing is fake") with FPR <= target. */
function bruteTprAtFpr(scores: number[], labels: number[], target: number): number {
  const P = labels.filter((l) => l === 1).length;
  const N = labels.length - P;
  let best = 0;
  for (const t of new Set(scores)) {
    let fp = 0;
    let tp = 0;
    scores.forEach((s, i) => {
      if (s >= t) {
        if (labels[i] === 1) tp++;
        else fp++;
      }
    });
    if (fp / N <= target) best = Math.max(best, tp / P);
  }
  return best;
}

describe('rocCurve', () => {
  it('one vertex per distinct score, thresholds decreasing, from (0,0,+inf) to (1,1)', () => {
    // real [0.1, 0.4, 0.4, 0.8], fake [0.4, 0.6, 0.9]: N = 4, P = 3.
    // Descending distinct scores and cumulative (fp, tp):
    //   +inf: (0, 0); 0.9 (1 fake): (0, 1); 0.8 (1 real): (1, 1); 0.6 (1 fake): (1, 2);
    //   0.4 (2 real + 1 fake, ONE step): (3, 3); 0.1 (1 real): (4, 3).
    const [s, l] = data([0.1, 0.4, 0.4, 0.8], [0.4, 0.6, 0.9]);
    const roc = rocCurve(s, l);
    expect(roc.positives).toBe(3);
    expect(roc.negatives).toBe(4);
    expect(roc.points.map((p) => [p.fp, p.tp])).toEqual([
      [0, 0],
      [0, 1],
      [1, 1],
      [1, 2],
      [3, 3],
      [4, 3],
    ]);
    expect(triples(roc.points)).toEqual([
      [0, 0, Number.POSITIVE_INFINITY],
      [0, 1 / 3, 0.9],
      [1 / 4, 1 / 3, 0.8],
      [1 / 4, 2 / 3, 0.6],
      [3 / 4, 1, 0.4],
      [1, 1, 0.1],
    ]);
  });

  it('input order does not matter', () => {
    const [s, l] = data([0.1, 0.4, 0.4, 0.8], [0.4, 0.6, 0.9]);
    const perm = [6, 2, 0, 4, 1, 5, 3];
    const a = rocCurve(s, l);
    const b = rocCurve(
      perm.map((i) => s[i] as number),
      perm.map((i) => l[i] as number),
    );
    expect(b).toEqual(a);
  });

  it('accepts typed arrays', () => {
    const roc = rocCurve(new Float32Array([0.25, 0.75]), new Uint8Array([0, 1]));
    expect(triples(roc.points)).toEqual([
      [0, 0, Number.POSITIVE_INFINITY],
      [0, 1, 0.75],
      [1, 1, 0.25],
    ]);
  });
});

describe('AUC', () => {
  it('perfect separation: 1', () => {
    // every fake (0.8, 0.9) above every real (0.1, 0.2): U = 2 * 2 = 4 of 4 pairs.
    const [s, l] = data([0.1, 0.2], [0.8, 0.9]);
    expect(auc(s, l)).toBe(1);
  });

  it('perfect inversion: 0', () => {
    // every fake (0.1, 0.2) below every real (0.8, 0.9): U = 0 of 4 pairs.
    const [s, l] = data([0.8, 0.9], [0.1, 0.2]);
    expect(auc(s, l)).toBe(0);
  });

  it('all tied: 0.5 (every pair counts 1/2; the curve is the single diagonal)', () => {
    // 3 real, 2 fake, all 0.5: U = 6 pairs * 1/2 = 3; AUC = 3 / 6.
    const [s, l] = data([0.5, 0.5, 0.5], [0.5, 0.5]);
    expect(auc(s, l)).toBe(0.5);
    expect(triples(rocCurve(s, l).points)).toEqual([
      [0, 0, Number.POSITIVE_INFINITY],
      [1, 1, 0.5],
    ]);
  });

  it('mixed with ties: real [0.1,0.4,0.4,0.8], fake [0.4,0.6,0.9] -> U = 9 of 12 pairs', () => {
    // fake 0.4: > 0.1 (1), = 0.4 twice (1/2 + 1/2), < 0.8 (0)  -> 2
    // fake 0.6: > 0.1, 0.4, 0.4 (3), < 0.8 (0)                  -> 3
    // fake 0.9: > all four                                      -> 4
    // U = 9, P * N = 3 * 4 = 12, AUC = 9 / 12 = 0.75.
    // Same by trapezoids over the vertices (0,0) (0,1/3) (1/4,1/3) (1/4,2/3) (3/4,1) (1,1):
    //   0 + 1/4 * 1/3 + 0 + 1/2 * (2/3 + 1) / 2 + 1/4 * 1 = 1/12 + 5/12 + 3/12 = 9/12.
    const [s, l] = data([0.1, 0.4, 0.4, 0.8], [0.4, 0.6, 0.9]);
    expect(auc(s, l)).toBe(0.75);
    expect(bruteAuc(s, l)).toBe(0.75);
  });

  it('matches brute-force pairwise Mann-Whitney on random data with many ties', () => {
    const rand = rng(12345);
    for (let trial = 0; trial < 200; trial++) {
      const n = 2 + Math.floor(rand() * 120);
      // Few distinct values (0, 0.1, ..., 1 or coarser) -> lots of ties, often mixed-class.
      const levels = 1 + Math.floor(rand() * 10);
      const s: number[] = [];
      const l: number[] = [];
      for (let i = 0; i < n; i++) {
        const label = rand() < 0.4 ? 1 : 0;
        // Fakes drift upwards a little so the AUC is spread over (0, 1).
        const raw = Math.min(1, rand() + (label === 1 ? rand() * 0.3 : 0));
        s.push(Math.round(raw * levels) / levels);
        l.push(label);
      }
      l[0] = 0;
      l[1] = 1;
      const roc = rocCurve(s, l);
      const a = aucFromRoc(roc);
      expect(Math.abs(a - bruteAuc(s, l))).toBeLessThan(1e-12);
      // The float trapezoid over (fpr, tpr) agrees too.
      let trap = 0;
      for (let k = 1; k < roc.points.length; k++) {
        const p = roc.points[k - 1] as RocPoint;
        const q = roc.points[k] as RocPoint;
        trap += ((q.fpr - p.fpr) * (p.tpr + q.tpr)) / 2;
      }
      expect(Math.abs(a - trap)).toBeLessThan(1e-12);
      // Reversing the scores mirrors the AUC exactly (ties stay ties).
      expect(Math.abs(auc(s.map((v) => 1 - v), l) - (1 - a))).toBeLessThan(1e-12);
    }
  });
});

describe('EER', () => {
  it('perfect separation: 0, at the lowest fake score', () => {
    // vertices (0,0) (0,1/2)@0.9 (0,1)@0.8 (1/2,1)@0.2 (1,1)@0.1; FPR + TPR - 1 first reaches 0
    // at (0,1): EER 0, threshold 0.8 (score >= 0.8 => fake makes no error).
    const [s, l] = data([0.1, 0.2], [0.8, 0.9]);
    expect(eer(s, l)).toEqual({ rate: 0, threshold: 0.8, fpr: 0, fnr: 0 });
  });

  it('perfect inversion: 1', () => {
    // vertices (0,0) (1/2,0)@0.9 (1,0)@0.8 ...: FPR + TPR - 1 reaches 0 at (1,0): FPR = FNR = 1.
    const [s, l] = data([0.8, 0.9], [0.1, 0.2]);
    expect(eer(s, l)).toEqual({ rate: 1, threshold: 0.8, fpr: 1, fnr: 1 });
  });

  it('all tied: 0.5 in the middle of the one diagonal step', () => {
    const [s, l] = data([0.5, 0.5, 0.5], [0.5, 0.5]);
    const e = eer(s, l);
    expect(e.rate).toBeCloseTo(0.5, 12);
    expect(e.threshold).toBe(0.5);
    expect(e).toMatchObject({ fpr: 1, fnr: 0 });
  });

  it('between vertices, on a diagonal tie step: real [0.1,0.4,0.4,0.8], fake [0.4,0.6,0.9] -> 0.3', () => {
    // FPR + TPR - 1 at the vertices: (0,0) -1, (0,1/3) -2/3, (1/4,1/3) -5/12, (1/4,2/3) -1/12,
    // (3/4,1) +3/4 -> the crossing is on the tie step (1/4,2/3) -> (3/4,1) (threshold 0.4).
    // Along it FPR = 1/4 + a/2, TPR = 2/3 + a/3; FPR = 1 - TPR <=> 11/12 + 5a/6 = 1 <=> a = 1/10.
    // EER = 1/4 + 1/20 = 0.3; check FNR = 1 - (2/3 + 1/30) = 9/30 = 0.3.
    // At threshold 0.4 itself: FPR 3/4, FNR 0; one step higher (0.6): FPR 1/4, FNR 1/3.
    const [s, l] = data([0.1, 0.4, 0.4, 0.8], [0.4, 0.6, 0.9]);
    const e = eer(s, l);
    expect(e.rate).toBeCloseTo(0.3, 12);
    expect(e.threshold).toBe(0.4);
    expect(e.fpr).toBe(0.75);
    expect(e.fnr).toBe(0);
  });

  it('between vertices, on a vertical step: real [0.1,0.3,0.6], fake [0.5,0.8] -> 1/3', () => {
    // N = 3, P = 2. Vertices: (0,0) g=-1; 0.8 F (0,1/2) g=-1/2; 0.6 R (1/3,1/2) g=-1/6;
    // 0.5 F (1/3,1) g=+1/3 -> crossing on the vertical step at FPR = 1/3: TPR = 1/2 + a/2 = 2/3
    // (a = 1/3), so FNR = 1/3 = FPR. Threshold 0.5: FPR 1/3, FNR 0.
    const [s, l] = data([0.1, 0.3, 0.6], [0.5, 0.8]);
    const e = eer(s, l);
    expect(e.rate).toBeCloseTo(1 / 3, 12);
    expect(e).toMatchObject({ threshold: 0.5, fnr: 0 });
    expect(e.fpr).toBeCloseTo(1 / 3, 12);
  });

  it('brackets the EER between the vertex it reports and the one before (random data)', () => {
    const rand = rng(777);
    for (let trial = 0; trial < 200; trial++) {
      const n = 2 + Math.floor(rand() * 80);
      const s: number[] = [];
      const l: number[] = [];
      for (let i = 0; i < n; i++) {
        l.push(rand() < 0.5 ? 1 : 0);
        s.push(Math.round(rand() * 8) / 8);
      }
      l[0] = 0;
      l[1] = 1;
      const roc = rocCurve(s, l);
      const e = eerFromRoc(roc);
      const k = roc.points.findIndex((p) => p.threshold === e.threshold);
      const b = roc.points[k] as RocPoint;
      const a = roc.points[k - 1] as RocPoint;
      const eps = 1e-12;
      // At the reported threshold FPR >= EER >= FNR; one vertex earlier FPR <= EER <= FNR.
      expect(b.fpr).toBeGreaterThanOrEqual(e.rate - eps);
      expect(1 - b.tpr).toBeLessThanOrEqual(e.rate + eps);
      expect(a.fpr).toBeLessThanOrEqual(e.rate + eps);
      expect(1 - a.tpr).toBeGreaterThanOrEqual(e.rate - eps);
      expect(a.fpr + a.tpr).toBeLessThan(1);
    }
  });
});

describe('TPR at FPR (100 real items)', () => {
  // 100 reals: one at 0.95, two at 0.85 (tied with a fake), two at 0.75, 95 at 0.2.
  // 10 fakes: 0.99, 0.97, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.1.
  // Vertices (FPR, TPR) @ threshold:
  //   0.99 (0, .1)  0.97 (0, .2)  0.95 (.01, .2)  0.9 (.01, .3)
  //   0.85 (.03, .4)   <- 2 reals + 1 fake in ONE step: FPR jumps .01 -> .03
  //   0.8 (.03, .5)  0.75 (.05, .5)  0.7 (.05, .6)  0.6 (.05, .7)  0.5 (.05, .8)  0.4 (.05, .9)
  //   0.2 (1, .9)  0.1 (1, 1)
  const real = [0.95, 0.85, 0.85, 0.75, 0.75, ...new Array<number>(95).fill(0.2)];
  const fake = [0.99, 0.97, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.1];
  const [s, l] = data(real, fake);

  it('1% FPR: TPR 0.3 at threshold 0.9 (exactly 1 false positive of 100 is allowed)', () => {
    expect(tprAtFpr(s, l, 0.01)).toEqual({ tpr: 0.3, fpr: 0.01, threshold: 0.9 });
  });

  it('5% FPR: TPR 0.9 at threshold 0.4', () => {
    expect(tprAtFpr(s, l, 0.05)).toEqual({ tpr: 0.9, fpr: 0.05, threshold: 0.4 });
  });

  it('no interpolation into a tie block: 2% FPR stays at 0.3 (the 0.85 block costs FPR .03)', () => {
    // Interpolating along the diagonal (.01,.3)-(.03,.4) would claim 0.35 at 2%; not achievable.
    expect(tprAtFpr(s, l, 0.02).tpr).toBe(0.3);
    expect(tprAtFpr(s, l, 0.03)).toEqual({ tpr: 0.5, fpr: 0.03, threshold: 0.8 });
  });

  it('0% FPR: the fakes above every real; 0 with +inf threshold when a real tops the list', () => {
    expect(tprAtFpr(s, l, 0)).toEqual({ tpr: 0.2, fpr: 0, threshold: 0.97 });
    const [s2, l2] = data([0.9, 0.1], [0.5]);
    expect(tprAtFpr(s2, l2, 0)).toEqual({ tpr: 0, fpr: 0, threshold: Number.POSITIVE_INFINITY });
    expect(tprAtFpr(s2, l2, 1)).toEqual({ tpr: 1, fpr: 1, threshold: 0.1 });
  });

  it('matches a brute force over every threshold on random data with ties', () => {
    const rand = rng(4242);
    for (let trial = 0; trial < 100; trial++) {
      const n = 2 + Math.floor(rand() * 300);
      const s2: number[] = [];
      const l2: number[] = [];
      for (let i = 0; i < n; i++) {
        const label = rand() < 0.3 ? 1 : 0;
        l2.push(label);
        s2.push(Math.round(Math.min(1, rand() + label * 0.4) * 20) / 20);
      }
      l2[0] = 0;
      l2[1] = 1;
      for (const target of [0, 0.01, 0.05, 0.1, 0.5]) {
        expect(tprAtFpr(s2, l2, target).tpr).toBe(bruteTprAtFpr(s2, l2, target));
      }
    }
  });

  it('refuses a target outside [0, 1]', () => {
    expect(errorCode(() => tprAtFpr(s, l, 1.5))).toBe('BAD_ARGUMENT');
    expect(errorCode(() => tprAtFpr(s, l, Number.NaN))).toBe('BAD_ARGUMENT');
  });
});

describe('confusion matrix and accuracy', () => {
  // Thresholds {real: 0.3, fake: 0.7}: score < 0.3 real, >= 0.7 fake, else uncertain.
  //   reals 0.0 R, 0.29 R, 0.3 U (on `real`), 0.5 U, 0.7 F (on `fake`), 1.0 F -> {2, 2, 2}
  //   fakes 0.1 R, 0.3 U (on `real`), 0.69 U, 0.7 F (on `fake`), 0.9 F        -> {1, 2, 2}
  const [s, l] = data([0, 0.29, 0.3, 0.5, 0.7, 1], [0.1, 0.3, 0.69, 0.7, 0.9]);
  const t = { real: 0.3, fake: 0.7 };

  it('rows = true label, columns = verdict; values on a threshold go up', () => {
    expect(confusionMatrix(s, l, t)).toEqual({
      real: { real: 2, uncertain: 2, fake: 2 },
      fake: { real: 1, uncertain: 2, fake: 2 },
    });
  });

  it('accuracy counts uncertain as wrong: (2 + 2) / 11', () => {
    expect(accuracy(s, l, t)).toBe(4 / 11);
  });

  it('single threshold 0.5 (score >= 0.5 => fake): 6 / 11', () => {
    // reals: 0, 0.29, 0.3 right; 0.5 (on the threshold), 0.7, 1 called fake -> 3 right
    // fakes: 0.69, 0.7, 0.9 right; 0.1, 0.3 missed                             -> 3 right
    expect(confusionMatrix(s, l, 0.5)).toEqual({
      real: { real: 3, uncertain: 0, fake: 3 },
      fake: { real: 2, uncertain: 0, fake: 3 },
    });
    expect(accuracy(s, l, 0.5)).toBe(6 / 11);
  });

  it('works with one class; empty gives a zero matrix but no accuracy', () => {
    expect(accuracy([0.1, 0.9], [0, 0], 0.5)).toBe(0.5);
    expect(confusionMatrix([], [], t)).toEqual({
      real: { real: 0, uncertain: 0, fake: 0 },
      fake: { real: 0, uncertain: 0, fake: 0 },
    });
    expect(errorCode(() => accuracy([], [], t))).toBe('EMPTY');
  });

  it('refuses inverted thresholds', () => {
    expect(errorCode(() => confusionMatrix(s, l, { real: 0.8, fake: 0.2 }))).toBe('BAD_ARGUMENT');
  });
});

describe('calibration table', () => {
  it('equal-width bins, edges go to the upper bin, 1.0 in the last bin; ECE by hand', () => {
    // bin 0 [0, .1):  0.0 R, 0.05 R          -> count 2, mean 0.025, fraction fake 0
    // bin 1 [.1, .2): 0.1 F (on the edge)    -> count 1, mean 0.1,   fraction fake 1
    // bin 2 [.2, .3): 0.29 R                 -> count 1, mean 0.29,  fraction fake 0
    // bin 3 [.3, .4): 0.3 F (on the edge)    -> count 1, mean 0.3,   fraction fake 1
    // bin 9 [.9, 1]:  0.95 F, 1.0 F, 1.0 R   -> count 3, mean 2.95/3, fraction fake 2/3
    // ECE = 2/8*0.025 + 1/8*0.9 + 1/8*0.29 + 1/8*0.7 + 3/8*(2.95/3 - 2/3)
    //     = 0.00625 + 0.1125 + 0.03625 + 0.0875 + 0.95/8 (= 0.11875) = 0.36125
    const s = [0, 0.05, 0.1, 0.29, 0.3, 0.95, 1, 1];
    const l = [0, 0, 1, 0, 1, 1, 1, 0];
    const table = calibrationTable(s, l);
    expect(table.count).toBe(8);
    expect(table.bins).toHaveLength(10);
    expect(table.bins.map((b) => b.count)).toEqual([2, 1, 1, 1, 0, 0, 0, 0, 0, 3]);
    expect(table.bins[0]).toMatchObject({ lower: 0, upper: 0.1, fractionFake: 0 });
    expect(table.bins[0]?.meanScore).toBeCloseTo(0.025, 12);
    expect(table.bins[1]).toMatchObject({ meanScore: 0.1, fractionFake: 1 });
    expect(table.bins[3]).toMatchObject({ meanScore: 0.3, fractionFake: 1 });
    expect(table.bins[4]).toMatchObject({ count: 0, meanScore: null, fractionFake: null });
    expect(table.bins[9]).toMatchObject({ lower: 0.9, upper: 1, fractionFake: 2 / 3 });
    expect(table.bins[9]?.meanScore).toBeCloseTo(2.95 / 3, 12);
    expect(table.ece).toBeCloseTo(0.36125, 12);
  });

  it('perfectly calibrated bins give ECE 0; one class is fine', () => {
    // bin [.5, .6): two items at 0.5, one fake -> mean 0.5 = fraction 0.5.
    expect(calibrationTable([0.5, 0.5], [0, 1]).ece).toBe(0);
    // all real at 0.2: ECE = |0.2 - 0| = 0.2.
    expect(calibrationTable([0.2, 0.2, 0.2], [0, 0, 0], 5).ece).toBeCloseTo(0.2, 12);
  });

  it('bin index is exact at edges where score * bins rounds down (0.29 * 100 = 28.999...)', () => {
    expect(binIndex(0.29, 100)).toBe(29);
    expect(binIndex(0.57, 100)).toBe(57);
    expect(binIndex(0.7, 10)).toBe(7);
    expect(binIndex(1, 10)).toBe(9);
    expect(binIndex(0, 3)).toBe(0);
    expect(binIndex(1 / 3, 3)).toBe(1);
    expect(binIndex(0.9999999, 10)).toBe(9);
    for (const bins of [3, 7, 10, 100]) {
      for (let i = 0; i <= bins; i++) expect(binIndex(i / bins, bins)).toBe(Math.min(i, bins - 1));
    }
  });

  it('refuses empty input and a bad bin count', () => {
    expect(errorCode(() => calibrationTable([], []))).toBe('EMPTY');
    expect(errorCode(() => calibrationTable([0.5], [1], 0))).toBe('BAD_ARGUMENT');
    expect(errorCode(() => calibrationTable([0.5], [1], 2.5))).toBe('BAD_ARGUMENT');
  });
});

describe('degenerate input gives clear errors, never 0.5', () => {
  it('one class: ONE_CLASS from every rank metric', () => {
    const onlyReal: [number[], number[]] = [[0.1, 0.5, 0.9], [0, 0, 0]];
    const onlyFake: [number[], number[]] = [[0.1, 0.5], [1, 1]];
    for (const [s, l] of [onlyReal, onlyFake]) {
      expect(errorCode(() => rocCurve(s, l))).toBe('ONE_CLASS');
      expect(errorCode(() => auc(s, l))).toBe('ONE_CLASS');
      expect(errorCode(() => eer(s, l))).toBe('ONE_CLASS');
      expect(errorCode(() => tprAtFpr(s, l, 0.01))).toBe('ONE_CLASS');
    }
    expect(() => auc(...onlyReal)).toThrow(/all 3 items are real/);
  });

  it('empty: EMPTY', () => {
    expect(errorCode(() => rocCurve([], []))).toBe('EMPTY');
    expect(errorCode(() => auc([], []))).toBe('EMPTY');
    expect(errorCode(() => eer([], []))).toBe('EMPTY');
  });

  it('bad scores, labels and lengths', () => {
    expect(errorCode(() => auc([0.1, 0.2], [0]))).toBe('LENGTH_MISMATCH');
    expect(errorCode(() => auc([0.1, Number.NaN], [0, 1]))).toBe('BAD_SCORE');
    expect(errorCode(() => auc([0.1, 1.01], [0, 1]))).toBe('BAD_SCORE');
    expect(errorCode(() => auc([0.1, -0.01], [0, 1]))).toBe('BAD_SCORE');
    expect(errorCode(() => auc([0.1, 0.2], [0, 2]))).toBe('BAD_LABEL');
    expect(errorCode(() => auc([0.1, 0.2], [0, 0.5]))).toBe('BAD_LABEL');
  });
});

describe('aucStandardError (Hanley-McNeil)', () => {
  it('matches the closed form at AUC 0.5 and shrinks with more items and with AUC near 1', () => {
    // At 0.5, Q1 = Q2 = 1/3: SE^2 = (0.25 + (n1 - 1) / 12 + (n2 - 1) / 12) / (n1 n2).
    expect(aucStandardError(0.5, 100, 100)).toBeCloseTo(Math.sqrt((0.25 + 99 / 12 + 99 / 12) / 10_000), 12);
    expect(aucStandardError(0.5, 100, 100)).toBeCloseTo(0.04093, 4);
    expect(aucStandardError(0.5, 400, 400)).toBeLessThan(aucStandardError(0.5, 100, 100) / 1.9);
    expect(aucStandardError(0.9, 100, 100)).toBeLessThan(aucStandardError(0.7, 100, 100));
    expect(aucStandardError(1, 50, 50)).toBe(0);
    // Symmetric in the classes at 0.5 only: at 0.9, 3 fakes among 200 reals is twice as noisy as the reverse
    // (0.120 against 0.055), the videos set's situation.
    expect(aucStandardError(0.9, 3, 200)).toBeCloseTo(0.1196, 3);
    expect(aucStandardError(0.9, 3, 200)).toBeGreaterThan(2 * aucStandardError(0.9, 200, 3));
  });

  it('refuses an AUC outside [0, 1] and empty classes', () => {
    expect(() => aucStandardError(1.2, 10, 10)).toThrow(MetricsError);
    expect(() => aucStandardError(Number.NaN, 10, 10)).toThrow(MetricsError);
    expect(() => aucStandardError(0.7, 0, 10)).toThrow(MetricsError);
    expect(() => aucStandardError(0.7, 10, 1.5)).toThrow(MetricsError);
  });
});
