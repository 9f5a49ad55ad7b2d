import { describe, expect, it } from 'vitest';
import { checkSplitOptions, compileIdentityPattern, identityFromPattern, splitFor, splitPosition } from '../../../src/dataset/assign-split.js';
import { DatasetError } from '../../../src/dataset/dataset-error.js';

const ids = Array.from({ length: 2000 }, (_, i) => `person-${i}`);

describe('splitFor', () => {
  it('is deterministic, depends on the seed, and puts whole identities on one side', () => {
    const a = ids.map((id) => splitFor(id, 0.2, 7));
    expect(ids.map((id) => splitFor(id, 0.2, 7))).toEqual(a);
    const otherSeed = ids.map((id) => splitFor(id, 0.2, 8));
    expect(otherSeed).not.toEqual(a);
    // Frames of one identity (any number of calls, any order) always land on the same side.
    const frames = [...ids, ...ids.slice().reverse()].map((id) => [id, splitFor(id, 0.2, 7)] as const);
    const side = new Map<string, string>();
    for (const [id, s] of frames) {
      expect(side.get(id) ?? s).toBe(s);
      side.set(id, s);
    }
  });

  it('gives close to the requested share of identities to val', () => {
    for (const share of [0.05, 0.2, 0.5]) {
      const val = ids.filter((id) => splitFor(id, share, 1) === 'val').length / ids.length;
      expect(Math.abs(val - share)).toBeLessThan(0.035);
    }
  });

  it('puts everything in train with share 0, and grows val monotonically with the share', () => {
    expect(ids.every((id) => splitFor(id, 0, 3) === 'train')).toBe(true);
    const small = new Set(ids.filter((id) => splitFor(id, 0.1, 3) === 'val'));
    const large = new Set(ids.filter((id) => splitFor(id, 0.3, 3) === 'val'));
    for (const id of small) expect(large.has(id)).toBe(true);
  });

  it('spreads identities uniformly over [0, 1)', () => {
    const positions = ids.map((id) => splitPosition(id, 0));
    expect(Math.min(...positions)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...positions)).toBeLessThan(1);
    const mean = positions.reduce((a, b) => a + b, 0) / positions.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.03);
  });

  it('checks its options', () => {
    expect(() => checkSplitOptions(1, 0)).toThrow(DatasetError);
    expect(() => checkSplitOptions(-0.1, 0)).toThrow(/val-share/);
    expect(() => checkSplitOptions(0.1, 1.5)).toThrow(/split-seed/);
    expect(() => checkSplitOptions(0.1, 2)).not.toThrow();
  });
});

describe('identity patterns', () => {
  it('takes the first capture group of the relative path', () => {
    const re = compileIdentityPattern('^(?:real|fake)/([^/]+)/');
    expect(identityFromPattern(re, 'real/alice/1.jpg')).toBe('alice');
    expect(identityFromPattern(re, 'fake/bob/clips/2.mp4')).toBe('bob');
    expect(identityFromPattern(re, 'loose.jpg')).toBeNull();
    expect(identityFromPattern(compileIdentityPattern('^(\\d+)_'), '23_1_0_2017.jpg')).toBe('23');
  });

  it('refuses patterns without a capture group or with a syntax error', () => {
    expect(() => compileIdentityPattern('^[^/]+/')).toThrow(/capture group/);
    expect(() => compileIdentityPattern('^(?:x)')).toThrow(/capture group/);
    expect(() => compileIdentityPattern('([')).toThrow(DatasetError);
  });
});
