import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyGeometric,
  DEFAULT_AUGMENT,
  drawGeometricAugment,
  jpegRecompress,
  type AugmentOptions,
  type GeometricAugment,
  type Point,
} from '../../../src/train/augment.js';
import { openDataset, type DatasetItem } from '../../../src/dataset/index.js';
import { mulberry32, sampleRng } from '../../../src/train/sbi/index.js';
import { DEFAULT_DEGRADE } from '../../../src/train/degrade.js';
import { sampleImages } from '../../../src/train/training-batch.js';
import { syntheticCrop, syntheticLandmarks, writeSyntheticDataset } from '../../helpers/synthetic-face-dataset.js';

const SIZE = 64;
const CROP = syntheticCrop(SIZE);
const LANDMARKS = syntheticLandmarks(SIZE);
const NONE: GeometricAugment = { flip: false, rotationDeg: 0 };

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** Pixel (x, y), channel ch of a square RGB24 image. */
const at = (img: Uint8Array, size: number, x: number, y: number, ch = 0): number => img[(y * size + x) * 3 + ch]!;

/** The intensity-weighted centre of the red channel of a square RGB24 image. */
function centroid(img: Uint8Array, size: number): Point {
  let sum = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = at(img, size, x, y);
      sum += v;
      sx += v * x;
      sy += v * y;
    }
  }
  return [sx / sum, sy / sum];
}

/** A black crop with a 3x3 white square centred on each integer point. */
function dots(size: number, points: readonly Point[]): Uint8Array {
  const img = new Uint8Array(size * size * 3);
  for (const [px, py] of points) {
    for (let y = py - 1; y <= py + 1; y++) for (let x = px - 1; x <= px + 1; x++) img.fill(255, (y * size + x) * 3, (y * size + x) * 3 + 3);
  }
  return img;
}

describe('drawGeometricAugment', () => {
  it('is reproducible from the seed and differs across seeds', () => {
    const draws = (seed: number): GeometricAugment[] => {
      const rng = mulberry32(seed);
      return Array.from({ length: 50 }, () => drawGeometricAugment(rng, DEFAULT_AUGMENT));
    };
    expect(draws(3)).toEqual(draws(3));
    const a = draws(3);
    const b = draws(4);
    expect(b).not.toEqual(a);
    expect(b.filter((d, i) => d.rotationDeg === a[i]!.rotationDeg)).toHaveLength(0);
  });

  it('flips with the given probability and keeps rotations within +-maxRotationDeg, both signs', () => {
    const rng = mulberry32(11);
    const n = 4000;
    const draws = Array.from({ length: n }, () => drawGeometricAugment(rng, DEFAULT_AUGMENT));
    const flips = draws.filter((d) => d.flip).length / n;
    expect(flips).toBeGreaterThan(0.46);
    expect(flips).toBeLessThan(0.54);
    const angles = draws.map((d) => d.rotationDeg);
    expect(Math.max(...angles.map(Math.abs))).toBeLessThanOrEqual(DEFAULT_AUGMENT.maxRotationDeg);
    expect(Math.max(...angles)).toBeGreaterThan(0.95 * DEFAULT_AUGMENT.maxRotationDeg);
    expect(Math.min(...angles)).toBeLessThan(-0.95 * DEFAULT_AUGMENT.maxRotationDeg);
    const mean = angles.reduce((s, v) => s + v, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(0.5);

    const off: AugmentOptions = { ...DEFAULT_AUGMENT, flipProbability: 0, maxRotationDeg: 0 };
    const rng2 = mulberry32(12);
    for (let i = 0; i < 200; i++) {
      const d = drawGeometricAugment(rng2, off);
      expect([d.flip, Math.abs(d.rotationDeg)]).toEqual([false, 0]);
    }
    const always: AugmentOptions = { ...DEFAULT_AUGMENT, flipProbability: 1, maxRotationDeg: 3 };
    for (let i = 0; i < 200; i++) {
      const d = drawGeometricAugment(rng2, always);
      expect(d.flip).toBe(true);
      expect(Math.abs(d.rotationDeg)).toBeLessThanOrEqual(3);
    }
  });
});

describe('crop jitter (scale and shift)', () => {
  it('draws nothing extra when off, and stays within the bounds when on', () => {
    const off = mulberry32(9);
    const plain = mulberry32(9);
    drawGeometricAugment(off, { ...DEFAULT_AUGMENT, maxScaleJitter: 0, maxShiftJitter: 0 }, SIZE);
    drawGeometricAugment(plain, DEFAULT_AUGMENT, SIZE);
    expect(off()).toBe(plain());
    for (let seed = 0; seed < 50; seed++) {
      const g = drawGeometricAugment(mulberry32(seed), { ...DEFAULT_AUGMENT, maxScaleJitter: 0.1, maxShiftJitter: 0.05 }, SIZE);
      expect(g.scale).toBeGreaterThanOrEqual(0.9);
      expect(g.scale).toBeLessThanOrEqual(1.1);
      expect(Math.abs(g.tx!)).toBeLessThanOrEqual(0.05 * SIZE);
      expect(Math.abs(g.ty!)).toBeLessThanOrEqual(0.05 * SIZE);
    }
  });

  it('moves the landmarks with the pixels: a bright dot and its landmark land in the same place', () => {
    const crop = new Uint8Array(SIZE * SIZE * 3);
    crop.fill(255, (20 * SIZE + 40) * 3, (20 * SIZE + 40) * 3 + 3); // pixel (40, 20), centre (40.5, 20.5)
    const aug: GeometricAugment = { flip: false, rotationDeg: 0, scale: 1.1, tx: -3, ty: 2 };
    // Pixel centres sit at integer + 0.5 in the sampling grid of applyGeometric: pass the pixel index.
    const { crop: out, landmarks } = applyGeometric(crop, SIZE, [[40, 20]], aug);
    let sx = 0, sy = 0, sw = 0;
    for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) {
      const w = out[(y * SIZE + x) * 3]!;
      sx += w * x; sy += w * y; sw += w;
    }
    expect(sw).toBeGreaterThan(0);
    expect(Math.abs(sx / sw - landmarks[0]![0])).toBeLessThan(0.6);
    expect(Math.abs(sy / sw - landmarks[0]![1])).toBeLessThan(0.6);
    expect(landmarks[0]![0]).not.toBeCloseTo(40, 0);
  });
});

describe('applyGeometric', () => {
  it('is the identity without flip or rotation, and does not modify its input', () => {
    const before = CROP.slice();
    const out = applyGeometric(CROP, SIZE, LANDMARKS, NONE);
    expect(same(out.crop, CROP)).toBe(true);
    expect(out.crop).not.toBe(CROP);
    expect(out.landmarks).toEqual(LANDMARKS);
    expect(same(CROP, before)).toBe(true);
  });

  it('a flip is an exact horizontal mirror, and flipping twice restores the crop and landmarks', () => {
    const out = applyGeometric(CROP, SIZE, LANDMARKS, { flip: true, rotationDeg: 0 });
    expect(out.crop.length).toBe(SIZE * SIZE * 3);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        for (let ch = 0; ch < 3; ch++) {
          const got = at(out.crop, SIZE, x, y, ch);
          const want = at(CROP, SIZE, SIZE - 1 - x, y, ch);
          if (got !== want) expect({ x, y, ch, got }).toEqual({ x, y, ch, got: want });
        }
      }
    }
    expect(same(out.crop, CROP)).toBe(false);
    const back = applyGeometric(out.crop, SIZE, out.landmarks, { flip: true, rotationDeg: 0 });
    expect(same(back.crop, CROP)).toBe(true);
    back.landmarks.forEach((p, i) => {
      expect(p[0]).toBeCloseTo(LANDMARKS[i]![0], 9);
      expect(p[1]).toBeCloseTo(LANDMARKS[i]![1], 9);
    });
  });

  it('a flip mirrors the 68 landmarks and swaps left and right indices: a symmetric face maps onto itself', () => {
    // Without the swap, point 36 (image-left eye corner) would land on the image right; with it, every point of
    // a mirror-symmetric face returns to where it was.
    const out = applyGeometric(CROP, SIZE, LANDMARKS, { flip: true, rotationDeg: 0 });
    expect(out.landmarks).toHaveLength(68);
    out.landmarks.forEach((p, i) => {
      expect([i, p[0]]).toEqual([i, expect.closeTo(LANDMARKS[i]![0], 9)]);
      expect([i, p[1]]).toEqual([i, expect.closeTo(LANDMARKS[i]![1], 9)]);
    });
    // Each flipped point is the mirror of some original point, and the subject's right eye (36-41) stays on
    // the image left of the left eye (42-47), the jaw runs from image left (0) to image right (16).
    expect(out.landmarks[36]![0]).toBeLessThan(out.landmarks[45]![0]);
    expect(out.landmarks[0]![0]).toBeLessThan(out.landmarks[16]![0]);
    // Asymmetric points: moved[i] is the mirror of original[pair(i)], a permutation of the mirrored set.
    const skew: Point[] = LANDMARKS.map(([x, y], i) => [x + (i % 7) * 0.1, y + (i % 5) * 0.1]);
    const flipped = applyGeometric(CROP, SIZE, skew, { flip: true, rotationDeg: 0 }).landmarks;
    const mirrored = skew.map(([x, y]) => `${(SIZE - 1 - x).toFixed(6)},${y.toFixed(6)}`).sort();
    expect(flipped.map(([x, y]) => `${x.toFixed(6)},${y.toFixed(6)}`).sort()).toEqual(mirrored);
    const moved = flipped.filter((p, i) => Math.abs(p[0] - (SIZE - 1 - skew[i]![0])) > 1e-9 || Math.abs(p[1] - skew[i]![1]) > 1e-9).length;
    expect(moved).toBe(68 - 10); // 8, 27-30, 33, 51, 57, 62, 66 lie on the mid-line and keep their index
  });

  it('mirrors other landmark counts without reordering them', () => {
    const five: Point[] = [
      [10, 20],
      [50, 21],
      [30, 35],
      [15, 50],
      [45, 51],
    ];
    const out = applyGeometric(CROP, SIZE, five, { flip: true, rotationDeg: 0 });
    expect(out.landmarks).toEqual(five.map(([x, y]) => [SIZE - 1 - x, y]));
  });

  it('rotates image and landmarks together about the crop centre, by the requested angle', () => {
    const points: Point[] = [
      [20, 14],
      [49, 40],
    ];
    const img = dots(SIZE, points);
    const c = (SIZE - 1) / 2;
    for (const aug of [
      { flip: false, rotationDeg: 9 },
      { flip: false, rotationDeg: -7 },
      { flip: true, rotationDeg: 6 },
    ]) {
      const out = applyGeometric(img, SIZE, points, aug);
      // The angle of each point about the centre changes by the rotation (y down: positive is clockwise on
      // screen), its distance does not.
      points.forEach((p, i) => {
        const q = out.landmarks[i]!;
        const src: Point = aug.flip ? [SIZE - 1 - p[0], p[1]] : p;
        expect(Math.hypot(q[0] - c, q[1] - c)).toBeCloseTo(Math.hypot(src[0] - c, src[1] - c), 9);
        const turned = (Math.atan2(q[1] - c, q[0] - c) - Math.atan2(src[1] - c, src[0] - c)) * (180 / Math.PI);
        expect(turned).toBeCloseTo(aug.rotationDeg, 9);
      });
      // The dots in the image move to where the landmarks went: a lone dot's centre of brightness lands on
      // its moved landmark (bilinear sampling keeps it to a fraction of a pixel).
      for (const [i, p] of points.entries()) {
        const single = applyGeometric(dots(SIZE, [p]), SIZE, [p], aug);
        const [cx, cy] = centroid(single.crop, SIZE);
        expect(single.landmarks[0]).toEqual(out.landmarks[i]);
        expect(Math.hypot(cx - out.landmarks[i]![0], cy - out.landmarks[i]![1])).toBeLessThan(0.25);
      }
    }
  });

  it('a small rotation keeps the size, blacks out only the corners and stays close to the input', () => {
    const out = applyGeometric(CROP, SIZE, LANDMARKS, { flip: false, rotationDeg: 10 });
    expect(out.crop.length).toBe(CROP.length);
    // Corners sample outside the crop (zero padding); the inscribed circle never does.
    expect([at(out.crop, SIZE, 0, 0), at(out.crop, SIZE, SIZE - 1, 0), at(out.crop, SIZE, 0, SIZE - 1), at(out.crop, SIZE, SIZE - 1, SIZE - 1)]).toEqual([0, 0, 0, 0]);
    let zerosInside = 0;
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        if (Math.hypot(x - (SIZE - 1) / 2, y - (SIZE - 1) / 2) < SIZE / 2 - 1 && at(out.crop, SIZE, x, y, 1) === 0) zerosInside++;
      }
    }
    expect(zerosInside).toBe(0);
    const d = meanAbsDiff(out.crop, CROP);
    expect(d).toBeGreaterThan(1);
    expect(d).toBeLessThan(40);
  });
});

describe('jpegRecompress', () => {
  it('keeps size and channels, changes pixels slightly, more at a lower quality, and is deterministic', async () => {
    const q90 = await jpegRecompress(CROP, SIZE, 90);
    const q60 = await jpegRecompress(CROP, SIZE, 60);
    const q10 = await jpegRecompress(CROP, SIZE, 10);
    for (const out of [q90, q60, q10]) expect(out.length).toBe(SIZE * SIZE * 3);
    const d90 = meanAbsDiff(q90, CROP);
    const d60 = meanAbsDiff(q60, CROP);
    const d10 = meanAbsDiff(q10, CROP);
    expect(d90).toBeGreaterThan(0);
    expect(d90).toBeLessThan(8);
    expect(d60).toBeLessThan(12);
    expect(d60).toBeGreaterThan(d90);
    expect(d10).toBeGreaterThan(d60);
    // Fractional qualities (drawn uniformly) round to the nearest integer one.
    expect(same(await jpegRecompress(CROP, SIZE, 90), q90)).toBe(true);
    expect(same(await jpegRecompress(CROP, SIZE, 89.6), q90)).toBe(true);
    // Not a multiple of the 8x8 / 16x16 JPEG blocks.
    const odd = syntheticCrop(37);
    const o = await jpegRecompress(odd, 37, 75);
    expect(o.length).toBe(37 * 37 * 3);
    expect(meanAbsDiff(o, odd)).toBeGreaterThan(0);
    expect(meanAbsDiff(o, odd)).toBeLessThan(12);
  });
});

describe('sampleImages (augmentation in the training pipeline)', () => {
  let dir: string;
  let items: DatasetItem[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ldf-augment-'));
    await writeSyntheticDataset(dir, SIZE, [
      { name: 'real/a.jpg', label: 'real', split: 'train' },
      { name: 'fake/b.jpg', label: 'fake', split: 'train' },
    ]);
    items = (await openDataset(dir)).items;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const options = (augment: AugmentOptions | null, synthesize: 'sbi' | 'none' = 'none') => ({ size: SIZE, synthesize, augment });

  it('without augmentation yields the stored crop, labelled from the item', async () => {
    const [real] = await sampleImages(dir, items[0]!, 7, 0, options(null));
    const [fake] = await sampleImages(dir, items[1]!, 7, 0, options(null));
    expect(same(real!.rgb, syntheticCrop(SIZE, 100))).toBe(true);
    expect(real!.label).toBe(0);
    expect(same(fake!.rgb, syntheticCrop(SIZE, 101))).toBe(true);
    expect(fake!.label).toBe(1);
  });

  it('is reproducible from (seed, sample index), and differs across seeds and indices', async () => {
    const all = { flipProbability: 0.5, maxRotationDeg: 10, jpegProbability: 1, jpegQualityMin: 60 };
    const a = await sampleImages(dir, items[0]!, 7, 3, options(all, 'sbi'));
    const b = await sampleImages(dir, items[0]!, 7, 3, options(all, 'sbi'));
    expect(a.map((i) => i.label)).toEqual([0, 1]);
    expect(same(a[0]!.rgb, b[0]!.rgb) && same(a[1]!.rgb, b[1]!.rgb)).toBe(true);
    const otherSeed = await sampleImages(dir, items[0]!, 8, 3, options(all, 'sbi'));
    const otherIndex = await sampleImages(dir, items[0]!, 7, 4, options(all, 'sbi'));
    expect(same(otherSeed[0]!.rgb, a[0]!.rgb)).toBe(false);
    expect(same(otherIndex[0]!.rgb, a[0]!.rgb)).toBe(false);
    expect(same(otherIndex[1]!.rgb, a[1]!.rgb)).toBe(false);
  });

  it('with degradations, treats both images of an SBI pair alike (one draw) instead of a JPEG each', async () => {
    const flat = { flipProbability: 0, maxRotationDeg: 0, jpegProbability: 1, jpegQualityMin: 60 };
    const degrade = { ...DEFAULT_DEGRADE, resolutionProbability: 1, faceMinPx: 8, blurProbability: 0, noiseProbability: 1, colourProbability: 0, jpegProbability: 0 };
    const [real, fake] = await sampleImages(dir, items[0]!, 7, 2, { ...options(flat, 'sbi'), degrade });
    const [plainReal, plainFake] = await sampleImages(dir, items[0]!, 7, 2, { ...options({ ...flat, jpegProbability: 0 }, 'sbi') });
    // Outside the forged area the twin equals the real, so after identical degradations they still agree there.
    let equalOutside = 0;
    let total = 0;
    for (let p = 0; p < SIZE * SIZE; p++) {
      if (plainReal!.rgb[p * 3] !== plainFake!.rgb[p * 3]) continue;
      total++;
      if (real!.rgb[p * 3] === fake!.rgb[p * 3]) equalOutside++;
    }
    expect(total).toBeGreaterThan(0);
    expect(equalOutside / total).toBeGreaterThan(0.5);
    expect(same(real!.rgb, plainReal!.rgb)).toBe(false);
  });

  it('makes a cross-identity twin from the donor when asked, and needs a donor', async () => {
    const donorRgb = syntheticCrop(SIZE, 555);
    const donor = async () => ({ rgb: donorRgb, landmarks: LANDMARKS });
    const none = { flipProbability: 0, maxRotationDeg: 0, jpegProbability: 0, jpegQualityMin: 60 };
    const [real, fake] = await sampleImages(dir, items[0]!, 7, 1, { ...options(none, 'sbi'), swapProbability: 1, donor });
    expect(same(real!.rgb, syntheticCrop(SIZE, 100))).toBe(true);
    expect(same(fake!.rgb, real!.rgb)).toBe(false);
    await expect(sampleImages(dir, items[0]!, 7, 1, { ...options(none, 'sbi'), swapProbability: 1 })).rejects.toThrow(/donor/);
  });

  it('applies the drawn flip and rotation, then JPEG, exactly as the seeded draws say', async () => {
    const flipOnly: AugmentOptions = { flipProbability: 1, maxRotationDeg: 0, jpegProbability: 0, jpegQualityMin: 60 };
    const [flipped] = await sampleImages(dir, items[0]!, 7, 0, options(flipOnly));
    expect(same(flipped!.rgb, applyGeometric(syntheticCrop(SIZE, 100), SIZE, LANDMARKS, { flip: true, rotationDeg: 0 }).crop)).toBe(true);

    // Replays the pipeline's draws for one sample: geometry first, then one JPEG coin and quality per image.
    const jpegAlways: AugmentOptions = { flipProbability: 0.5, maxRotationDeg: 10, jpegProbability: 1, jpegQualityMin: 60 };
    const rng = sampleRng(7, 5);
    const geo = drawGeometricAugment(rng, jpegAlways);
    rng(); // the JPEG coin (heads: probability 1)
    const quality = 60 + rng() * 35;
    const expected = await jpegRecompress(applyGeometric(syntheticCrop(SIZE, 101), SIZE, LANDMARKS, geo).crop, SIZE, quality);
    const [got] = await sampleImages(dir, items[1]!, 7, 5, options(jpegAlways));
    expect(same(got!.rgb, expected)).toBe(true);
    expect(got!.label).toBe(1);
  });
});
