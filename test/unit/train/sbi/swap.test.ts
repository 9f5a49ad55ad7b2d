import { describe, expect, it } from 'vitest';
import { drawSbiParams, fitSimilarity, mulberry32, SbiError, synthesizeSbi, synthesizeSwap, type Point } from '../../../../src/train/sbi/index.js';
import { syntheticLandmarks } from '../../../helpers/synthetic-landmarks.js';

const SIZE = 256;

/** Vertical stripes of period `period` px in channel 0, flat elsewhere. */
function stripes(period: number): Uint8Array {
  const out = new Uint8Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const o = (y * SIZE + x) * 3;
      out[o] = Math.floor(x / period) % 2 === 0 ? 40 : 200;
      out[o + 1] = 100;
      out[o + 2] = 120;
    }
  }
  return out;
}

describe('fitSimilarity', () => {
  it('recovers a rotation, scale and shift exactly', () => {
    const from = syntheticLandmarks();
    const s = 1.3;
    const t = 0.4;
    const to: Point[] = from.map(([x, y]) => [s * (Math.cos(t) * x - Math.sin(t) * y) + 12, s * (Math.sin(t) * x + Math.cos(t) * y) - 7]);
    const m = fitSimilarity(from, to);
    from.forEach(([x, y], i) => {
      expect(m.a * x + m.b * y + m.c).toBeCloseTo(to[i]![0], 6);
      expect(m.d * x + m.e * y + m.f).toBeCloseTo(to[i]![1], 6);
    });
  });

  it('refuses coincident or mismatched points', () => {
    expect(() => fitSimilarity([[1, 1], [1, 1]], [[0, 0], [2, 2]])).toThrow(SbiError);
    expect(() => fitSimilarity([[1, 1]], [[0, 0]])).toThrow(SbiError);
  });
});

describe('synthesizeSwap (cross-identity blends)', () => {
  const landmarks = syntheticLandmarks();
  const target = stripes(32);
  const donor = { rgb: stripes(4), landmarks };

  it('keeps the real untouched, changes only masked pixels, and uses SBI\'s mask for the same draws', () => {
    const swap = synthesizeSwap(target, landmarks, donor, mulberry32(11));
    const sbi = synthesizeSbi(target, landmarks, mulberry32(11));
    expect(Buffer.from(swap.real).equals(Buffer.from(target))).toBe(true);
    expect(swap.params.augmented).toBe('source');
    // Same draws as drawSbiParams: same mask.
    expect(drawSbiParams(mulberry32(11), landmarks).hullType).toBe(swap.params.hullType);
    expect(swap.params.affine).toEqual(sbi.params.affine);
    let changedOutside = 0;
    for (let p = 0; p < SIZE * SIZE; p++) if (swap.mask[p] === 0 && swap.fake[p * 3] !== target[p * 3]) changedOutside++;
    expect(changedOutside).toBe(0);
  });

  it('pastes the donor\'s texture, not the target\'s, where the mask is full', () => {
    let checked = 0;
    for (let seed = 0; seed < 6; seed++) {
      const swap = synthesizeSwap(target, landmarks, donor, mulberry32(seed), { overrides: { blendRatio: 1 } });
      // Count stripe edges along the row through the nose, inside the mask at full strength.
      const y = 140;
      let edgesFake = 0;
      let edgesReal = 0;
      for (let x = 100; x < 156; x++) {
        if (swap.mask[y * SIZE + x]! < 0.99 || swap.mask[y * SIZE + x + 1]! < 0.99) continue;
        checked++;
        if (Math.abs(swap.fake[(y * SIZE + x + 1) * 3]! - swap.fake[(y * SIZE + x) * 3]!) > 30) edgesFake++;
        if (Math.abs(target[(y * SIZE + x + 1) * 3]! - target[(y * SIZE + x) * 3]!) > 30) edgesReal++;
      }
      expect(edgesFake).toBeGreaterThan(edgesReal);
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('is deterministic and refuses a donor of another size', () => {
    const a = synthesizeSwap(target, landmarks, donor, mulberry32(3));
    const b = synthesizeSwap(target, landmarks, donor, mulberry32(3));
    expect(Buffer.from(a.fake).equals(Buffer.from(b.fake))).toBe(true);
    expect(() => synthesizeSwap(target, landmarks, { rgb: new Uint8Array(12), landmarks }, mulberry32(3))).toThrow(SbiError);
  });
});
