import type { VerdictThresholds } from '../model/manifest.js';

export type { VerdictThresholds };

/**
 * A file's verdict. `no-face`, `too-small` (faces found, but all smaller than the model can judge) and
 * `error` never carry a score.
 */
export const VERDICTS = ['real', 'uncertain', 'fake', 'no-face', 'too-small', 'error'] as const;
export type Verdict = (typeof VERDICTS)[number];
export type ScoredVerdict = 'real' | 'uncertain' | 'fake';

export function checkThresholds(t: VerdictThresholds): VerdictThresholds {
  const ok = (v: number): boolean => Number.isFinite(v) && v >= 0 && v <= 1;
  if (!ok(t.real) || !ok(t.fake) || t.real > t.fake) {
    throw new RangeError(`verdict thresholds must satisfy 0 <= real (${t.real}) <= fake (${t.fake}) <= 1`);
  }
  return t;
}

export function verdictFor(scoreFake: number, thresholds: VerdictThresholds): ScoredVerdict {
  if (!Number.isFinite(scoreFake) || scoreFake < 0 || scoreFake > 1) {
    throw new RangeError(`fake score ${scoreFake} is not a probability`);
  }
  if (scoreFake >= thresholds.fake) return 'fake';
  if (scoreFake < thresholds.real) return 'real';
  return 'uncertain';
}

/** What makes `ldf scan` exit 1: verdicts at or above this level. */
export const FAIL_ON = ['fake', 'uncertain', 'none'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export function reachesFailOn(verdict: Verdict, failOn: FailOn): boolean {
  if (failOn === 'none') return false;
  if (failOn === 'fake') return verdict === 'fake';
  return verdict === 'fake' || verdict === 'uncertain';
}
