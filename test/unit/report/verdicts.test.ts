import { describe, expect, it } from 'vitest';
import { checkThresholds, reachesFailOn, verdictFor } from '../../../src/report/verdicts.js';
import { decideExitCode } from '../../../src/cli/decide-exit-code.js';

describe('verdict bands', () => {
  const t = { real: 0.3, fake: 0.7 };
  it('real below real, fake at or above fake, uncertain between (edges included)', () => {
    expect(verdictFor(0, t)).toBe('real');
    expect(verdictFor(0.2999, t)).toBe('real');
    expect(verdictFor(0.3, t)).toBe('uncertain');
    expect(verdictFor(0.6999, t)).toBe('uncertain');
    expect(verdictFor(0.7, t)).toBe('fake');
    expect(verdictFor(1, t)).toBe('fake');
  });
  it('a zero-width uncertain band is allowed', () => {
    expect(verdictFor(0.5, { real: 0.5, fake: 0.5 })).toBe('fake');
    expect(verdictFor(0.49, { real: 0.5, fake: 0.5 })).toBe('real');
  });
  it('refuses non-probabilities and inverted thresholds', () => {
    expect(() => verdictFor(Number.NaN, t)).toThrow(RangeError);
    expect(() => verdictFor(1.5, t)).toThrow(RangeError);
    expect(() => checkThresholds({ real: 0.8, fake: 0.2 })).toThrow(RangeError);
    expect(() => checkThresholds({ real: -0.1, fake: 0.2 })).toThrow(RangeError);
    expect(checkThresholds(t)).toEqual(t);
  });
});

describe('--fail-on and exit codes', () => {
  it('fake flags only fakes; uncertain flags both; none flags nothing', () => {
    expect(reachesFailOn('fake', 'fake')).toBe(true);
    expect(reachesFailOn('uncertain', 'fake')).toBe(false);
    expect(reachesFailOn('uncertain', 'uncertain')).toBe(true);
    expect(reachesFailOn('fake', 'uncertain')).toBe(true);
    expect(reachesFailOn('real', 'uncertain')).toBe(false);
    expect(reachesFailOn('fake', 'none')).toBe(false);
    expect(reachesFailOn('no-face', 'uncertain')).toBe(false);
  });
  it('0 when nothing is flagged, 1 on a finding, 2 on any error (outranking findings), 3 on nothing to scan', () => {
    expect(decideExitCode(['real', 'no-face'], 'fake')).toBe(0);
    expect(decideExitCode(['real', 'fake'], 'fake')).toBe(1);
    expect(decideExitCode(['real', 'uncertain'], 'fake')).toBe(0);
    expect(decideExitCode(['real', 'uncertain'], 'uncertain')).toBe(1);
    expect(decideExitCode(['fake', 'error'], 'fake')).toBe(2);
    expect(decideExitCode(['real', 'error'], 'none')).toBe(2);
    expect(decideExitCode(['fake'], 'none')).toBe(0);
    expect(decideExitCode([], 'fake')).toBe(3);
  });
});
