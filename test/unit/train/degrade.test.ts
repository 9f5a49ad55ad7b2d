import { describe, expect, it } from 'vitest';
import { applyDegradation, DEFAULT_DEGRADE, drawDegradation, isIdentityDegradation, type DegradeOptions } from '../../../src/train/degrade.js';
import { mulberry32 } from '../../../src/train/sbi/index.js';

const SIZE = 64;

/** 1 px black/white checkerboard: every resolution loss or blur turns it grey. */
function checkerboard(): Uint8Array {
  const out = new Uint8Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) out.fill((x + y) % 2 === 0 ? 255 : 0, (y * SIZE + x) * 3, (y * SIZE + x) * 3 + 3);
  return out;
}

/** Mean absolute difference between horizontal neighbours: high-frequency energy. */
function detail(img: Uint8Array): number {
  let sum = 0;
  for (let y = 0; y < SIZE; y++) for (let x = 1; x < SIZE; x++) sum += Math.abs(img[(y * SIZE + x) * 3]! - img[(y * SIZE + x - 1) * 3]!);
  return sum / (SIZE * (SIZE - 1));
}

const NONE: DegradeOptions = { ...DEFAULT_DEGRADE, resolutionProbability: 0, blurProbability: 0, noiseProbability: 0, colourProbability: 0, jpegProbability: 0 };
const ALL: DegradeOptions = { ...DEFAULT_DEGRADE, resolutionProbability: 1, blurProbability: 1, noiseProbability: 1, colourProbability: 1, jpegProbability: 1 };

describe('scan-like degradations', () => {
  it('draws the same number of values whatever fires, so one probability does not shift the others', () => {
    const a = mulberry32(5);
    const b = mulberry32(5);
    drawDegradation(a, NONE, SIZE, 50);
    drawDegradation(b, ALL, SIZE, 50);
    expect(a()).toBe(b());
  });

  it('changes nothing when no step fires', async () => {
    const d = drawDegradation(mulberry32(1), NONE, SIZE, 50);
    expect(isIdentityDegradation(d)).toBe(true);
    const img = checkerboard();
    expect(Buffer.from(await applyDegradation(img, SIZE, d)).equals(Buffer.from(img))).toBe(true);
  });

  it('gives both images of a pair the same treatment: identical inputs stay identical (noise field included)', async () => {
    for (let seed = 0; seed < 5; seed++) {
      const d = drawDegradation(mulberry32(seed), ALL, SIZE, 50);
      expect(d.noise).not.toBeNull();
      const a = await applyDegradation(checkerboard(), SIZE, d);
      const b = await applyDegradation(checkerboard(), SIZE, d);
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
      expect(Buffer.from(a).equals(Buffer.from(checkerboard()))).toBe(false);
    }
  });

  it('shrinks the face to between faceMinPx and its size, and enlarges it back (detail lost)', async () => {
    const options = { ...NONE, resolutionProbability: 1, faceMinPx: 12 };
    for (let seed = 0; seed < 20; seed++) {
      const d = drawDegradation(mulberry32(seed), options, SIZE, 48);
      // face 48 px in a 64 px crop: the crop goes to 64 * target / 48 with target in [12, 48].
      expect(d.downsizePx === null || (d.downsizePx >= 16 && d.downsizePx < SIZE)).toBe(true);
      if (d.downsizePx !== null && d.downsizePx < 40) {
        const out = await applyDegradation(checkerboard(), SIZE, d);
        expect(out.length).toBe(SIZE * SIZE * 3);
        expect(detail(out)).toBeLessThan(0.5 * detail(checkerboard()));
      }
    }
    // A face already at faceMinPx or smaller is left at its resolution.
    expect(drawDegradation(mulberry32(3), options, SIZE, 12).downsizePx).toBeNull();
  });

  it('draws JPEG qualities in [jpegQualityMin, 95] and blur sigmas in [0.4, blurMaxSigma]', () => {
    for (let seed = 0; seed < 50; seed++) {
      const d = drawDegradation(mulberry32(seed), ALL, SIZE, 50);
      expect(d.jpegQuality).toBeGreaterThanOrEqual(ALL.jpegQualityMin);
      expect(d.jpegQuality).toBeLessThanOrEqual(95);
      expect(d.blurSigma).toBeGreaterThanOrEqual(0.4);
      expect(d.blurSigma).toBeLessThanOrEqual(ALL.blurMaxSigma);
    }
  });

  it('refuses a crop of the wrong size', async () => {
    await expect(applyDegradation(new Uint8Array(10), SIZE, drawDegradation(mulberry32(1), NONE, SIZE, 50))).rejects.toThrow(RangeError);
  });
});
