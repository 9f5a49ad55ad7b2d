import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import {
  affineOf,
  convexHull,
  drawSbiParams,
  foreheadPoints,
  maskRegions,
  mulberry32,
  renderSbi,
  renderSbiPreviewSheet,
  sampleRng,
  sampleSeed,
  SBI_HULL_TYPES,
  SBI_PARTS,
  SBI_RANGES,
  sbiPreviewSheetSize,
  SbiError,
  synthesizeSbi,
  writeSbiPreviewSheet,
  type Point,
  type SbiParams,
  type SbiResult,
} from '../../../src/train/sbi/index.js';

import { syntheticLandmarks } from '../../helpers/synthetic-landmarks.js';

const SIZE = 256;

/** A textured 256 px crop (smooth gradients plus seeded noise, so every augmentation changes something). */
function syntheticCrop(seed = 7): Uint8Array {
  const rng = mulberry32(seed);
  const crop = new Uint8Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const o = (y * SIZE + x) * 3;
      const n = rng() * 40;
      crop[o] = 60 + ((x * 120) >> 8) + n;
      crop[o + 1] = 40 + ((y * 150) >> 8) + 0.5 * n;
      crop[o + 2] = 90 + 40 * Math.sin(x / 9) * Math.cos(y / 13) + 0.3 * n;
    }
  }
  return crop;
}

const LANDMARKS = syntheticLandmarks();
const CROP = syntheticCrop();

function distanceToConvexPolygon(p: Point, poly: readonly Point[]): number {
  let inside = true;
  let best = Infinity;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % poly.length]!;
    const ex = b[0] - a[0];
    const ey = b[1] - a[1];
    // convexHull is counter-clockwise in image coordinates (y down): the inside is on the cross >= 0 side.
    if (ex * (p[1] - a[1]) - ey * (p[0] - a[0]) < 0) inside = false;
    const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * ex + (p[1] - a[1]) * ey) / (ex * ex + ey * ey)));
    best = Math.min(best, Math.hypot(p[0] - (a[0] + t * ex), p[1] - (a[1] + t * ey)));
  }
  return inside ? 0 : best;
}

/** The hull of every vertex the mask regions of `params` can use, mapped through the source affine. */
function boundPolygon(landmarks: readonly Point[], params: SbiParams): Point[] {
  const map = affineOf(params);
  const vertices = maskRegions(landmarks, params.hullType, params.foreheadLift).flat();
  return convexHull(vertices.map(([x, y]) => [map.a * x + map.b * y + map.c, map.d * x + map.e * y + map.f] as const));
}

/** How far (px) the soft mask may reach beyond the transformed regions. */
function maskReach(params: SbiParams): number {
  return (
    params.elastic.amplitude +
    Math.SQRT2 * Math.max(0, params.erodeDilate) +
    Math.hypot(params.blur.radiusX, params.blur.radiusY) +
    1.5 // pixel-centre rasterisation + nearest-pixel elastic sampling
  );
}

/** The largest values every range allows, to test the bounds at their worst. */
const WORST = {
  erodeDilate: Math.round(SBI_RANGES.erodeDilate[1] * 145),
  blur: { radiusX: 16, radiusY: 16, sigmaX: 32, sigmaY: 32 },
  elastic: { amplitude: SBI_RANGES.elasticAmplitude[1] * 145, spacing: 14.5, seed: 12345 },
  affine: { scale: 1 / 0.95, tx: 0.06 * 145, ty: -0.035 * 145, cx: 128, cy: 156 },
  blendRatio: 1,
};

describe('seeded generator', () => {
  it('mulberry32 is reproducible and in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });

  it('per-sample seeds differ between indices and runs, and reject bad input', () => {
    const seeds = new Set<number>();
    for (let i = 0; i < 1000; i++) seeds.add(sampleSeed(1, i));
    expect(seeds.size).toBe(1000);
    expect(sampleSeed(1, 5)).toBe(sampleSeed(1, 5));
    expect(sampleSeed(2, 5)).not.toBe(sampleSeed(1, 5));
    expect(() => sampleSeed(1, -1)).toThrow(SbiError);
    expect(() => sampleSeed(1.5, 0)).toThrow(SbiError);
  });
});

describe('synthesizeSbi', () => {
  it('is deterministic for identical (crop, landmarks, seed, index), and differs across indices', () => {
    const a = synthesizeSbi(CROP, LANDMARKS, sampleRng(9, 3));
    const b = synthesizeSbi(CROP.slice(), LANDMARKS.map((p) => [p[0], p[1]] as const), sampleRng(9, 3));
    expect(b.params).toEqual(a.params);
    expect(Buffer.from(b.fake).equals(Buffer.from(a.fake))).toBe(true);
    expect(Buffer.from(b.mask.buffer).equals(Buffer.from(a.mask.buffer))).toBe(true);
    const c = synthesizeSbi(CROP, LANDMARKS, sampleRng(9, 4));
    expect(c.params).not.toEqual(a.params);
    expect(Buffer.from(c.fake).equals(Buffer.from(a.fake))).toBe(false);
    // The input is not modified.
    expect(Buffer.from(CROP).equals(Buffer.from(syntheticCrop()))).toBe(true);
  });

  it('overrides replace one parameter without shifting the other draws', () => {
    const drawn = drawSbiParams(sampleRng(5, 0), LANDMARKS);
    const fixed = drawSbiParams(sampleRng(5, 0), LANDMARKS, { overrides: { blendRatio: 0.5, hullType: 'dfl' } });
    expect(fixed).toEqual({ ...drawn, blendRatio: 0.5, hullType: 'dfl' });
  });

  it('changes pixels only where the mask is non-zero, and does change pixels there', () => {
    const kinds = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const r = synthesizeSbi(CROP, LANDMARKS, sampleRng(11, i));
      kinds.add(`${r.params.hullType}/${r.params.quality.kind}`);
      expect(Buffer.from(r.real).equals(Buffer.from(CROP))).toBe(true);
      let changedInside = 0;
      let nonZero = 0;
      for (let p = 0; p < SIZE * SIZE; p++) {
        const m = r.mask[p]!;
        const o = p * 3;
        const same = r.fake[o] === CROP[o] && r.fake[o + 1] === CROP[o + 1] && r.fake[o + 2] === CROP[o + 2];
        if (m === 0) {
          if (!same) expect({ pixel: p, mask: m, same }).toEqual({ pixel: p, mask: m, same: true });
        } else {
          nonZero++;
          if (!same) changedInside++;
        }
        expect(m).toBeGreaterThanOrEqual(0);
        expect(m).toBeLessThanOrEqual(r.params.blendRatio);
      }
      expect(nonZero).toBeGreaterThan(5000);
      expect(changedInside).toBeGreaterThan(0.3 * nonZero);
      expect(Math.max(...r.mask)).toBe(r.params.blendRatio);
    }
    expect(kinds.size).toBeGreaterThan(5);
  });

  it('keeps the mask within the transformed face regions grown by elastic + dilation + blur reach, off the corners', () => {
    const cases: SbiParams[] = [];
    for (let i = 0; i < 24; i++) cases.push(drawSbiParams(sampleRng(12, i), LANDMARKS));
    // Every range at its widest, for each hull type (and the face hull with the highest forehead).
    for (const hullType of SBI_HULL_TYPES) cases.push(drawSbiParams(sampleRng(13, 0), LANDMARKS, { overrides: { ...WORST, hullType } }));
    cases.push(drawSbiParams(sampleRng(13, 1), LANDMARKS, { overrides: { ...WORST, hullType: 'facehull', foreheadLift: 0.45 * 120 } }));
    for (const params of cases) {
      const r = renderSbi(CROP, LANDMARKS, params);
      const poly = boundPolygon(LANDMARKS, r.params);
      const reach = maskReach(r.params);
      let worst = 0;
      for (let y = 0; y < SIZE; y++) {
        for (let x = 0; x < SIZE; x++) {
          if (r.mask[y * SIZE + x] === 0) continue;
          worst = Math.max(worst, distanceToConvexPolygon([x + 0.5, y + 0.5], poly));
        }
      }
      expect(worst).toBeLessThanOrEqual(reach);
      // The crop corners (24 px squares) are never blended for a centred face.
      for (const [cx, cy] of [[0, 0], [SIZE - 24, 0], [0, SIZE - 24], [SIZE - 24, SIZE - 24]] as const) {
        for (let y = cy; y < cy + 24; y++) for (let x = cx; x < cx + 24; x++) expect(r.mask[y * SIZE + x]).toBe(0);
      }
    }
  });

  it('reaches its bound: the worst-case mask extends well beyond the landmark hull', () => {
    const params = drawSbiParams(sampleRng(13, 0), LANDMARKS, { overrides: { ...WORST, hullType: 'facehull', foreheadLift: 0 } });
    const r = renderSbi(CROP, LANDMARKS, params);
    const hull = convexHull(LANDMARKS);
    let worst = 0;
    for (let p = 0; p < SIZE * SIZE; p++) {
      if (r.mask[p] !== 0) worst = Math.max(worst, distanceToConvexPolygon([(p % SIZE) + 0.5, Math.floor(p / SIZE) + 0.5], hull));
    }
    expect(worst).toBeGreaterThan(15);
  });

  it("SBI's other half: augmenting the target makes `real` the augmented crop, the fake still equals it off the mask", () => {
    const r = synthesizeSbi(CROP, LANDMARKS, sampleRng(3, 0), { targetAugmentProbability: 1 });
    expect(r.params.augmented).toBe('target');
    expect(Buffer.from(r.real).equals(Buffer.from(CROP))).toBe(false);
    let changed = 0;
    for (let p = 0; p < SIZE * SIZE; p++) {
      const o = p * 3;
      const same = r.fake[o] === r.real[o] && r.fake[o + 1] === r.real[o + 1] && r.fake[o + 2] === r.real[o + 2];
      if (r.mask[p] === 0) expect(same).toBe(true);
      else if (!same) changed++;
    }
    expect(changed).toBeGreaterThan(1000);
  });

  it('drops an erosion that would leave an empty mask', () => {
    const tiny: Point[] = LANDMARKS.map(([x, y]) => [128 + (x - 128) * 0.05, 128 + (y - 128) * 0.05]);
    const params = drawSbiParams(sampleRng(1, 0), tiny, { overrides: { erodeDilate: -20 } });
    const r = renderSbi(CROP, tiny, params);
    expect(r.params.erodeDilate).toBe(0);
    expect(Math.max(...r.mask)).toBe(params.blendRatio);
  });

  it('rejects malformed crops, landmarks and parameters', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(SbiError);
        return (e as SbiError).code;
      }
      return undefined;
    };
    expect(code(() => synthesizeSbi(new Uint8Array(100), LANDMARKS, mulberry32(1)))).toBe('BAD_CROP');
    expect(code(() => synthesizeSbi(CROP, LANDMARKS.slice(0, 67), mulberry32(1)))).toBe('BAD_LANDMARKS');
    const nan = LANDMARKS.map((p, i) => (i === 5 ? ([NaN, 1] as const) : p));
    expect(code(() => synthesizeSbi(CROP, nan, mulberry32(1)))).toBe('BAD_LANDMARKS');
    expect(code(() => synthesizeSbi(CROP, LANDMARKS, mulberry32(1), { overrides: { blendRatio: 2 } }))).toBe('BAD_ARGUMENT');
    expect(code(() => synthesizeSbi(CROP, LANDMARKS, mulberry32(1), { targetAugmentProbability: 2 }))).toBe('BAD_ARGUMENT');
  });
});

describe('mask regions', () => {
  it("'facehull' without forehead is the hull of the 68 points; the forehead only adds area above the brows", () => {
    expect(maskRegions(LANDMARKS, 'facehull', 0)).toEqual([convexHull(LANDMARKS)]);
    const lift = 40;
    const forehead = foreheadPoints(LANDMARKS, lift);
    expect(forehead).toHaveLength(10);
    for (let k = 0; k < 10; k++) {
      const brow = LANDMARKS[17 + k]!;
      const up = brow[1] - forehead[k]![1];
      expect(up).toBeGreaterThanOrEqual(lift / 2 - 1e-9);
      expect(up).toBeLessThanOrEqual(lift + 1e-9);
      expect(forehead[k]![0]).toBeCloseTo(brow[0], 9); // upright face: straight up
    }
  });

  it("every hull type's regions lie inside the face hull, except the raised brows of 'extended'", () => {
    const hull = convexHull(LANDMARKS);
    for (const type of ['dfl', 'components'] as const) {
      for (const poly of maskRegions(LANDMARKS, type)) {
        for (const p of poly) expect(distanceToConvexPolygon(p, hull)).toBeLessThan(1e-9);
      }
    }
    const browTop = Math.min(...LANDMARKS.slice(17, 27).map((p) => p[1]));
    const extended = maskRegions(LANDMARKS, 'extended').flat();
    expect(Math.min(...extended.map((p) => p[1]))).toBeLessThan(browTop - 5);
  });
});

describe('facial-parts masks (partsProbability)', () => {
  const draws = (p: number | undefined, n: number): SbiParams[] =>
    Array.from({ length: n }, (_, i) => drawSbiParams(sampleRng(21, i), LANDMARKS, p === undefined ? {} : { partsProbability: p }));

  it('with probability 0 (the default), draws exactly what SBI draws', () => {
    const plain = draws(undefined, 50);
    expect(draws(0, 50)).toEqual(plain);
    expect(plain.every((p) => p.hullType !== 'parts' && p.parts === undefined)).toBe(true);
  });

  it('replaces the hull by some parts about as often as asked, leaving the other samples as SBI drew them', () => {
    const plain = draws(undefined, 400);
    const half = draws(0.5, 400);
    const parts = half.filter((p) => p.hullType === 'parts');
    expect(parts.length).toBeGreaterThan(0.4 * 400);
    expect(parts.length).toBeLessThan(0.6 * 400);
    half.forEach((p, i) => {
      if (p.hullType !== 'parts') expect(p).toEqual(plain[i]);
    });
    // Every sample is parts at probability 1; each part is kept about half the time, at least one always.
    const all = draws(1, 400);
    expect(all.every((p) => p.hullType === 'parts' && p.foreheadLift === 0)).toBe(true);
    for (const p of all) {
      expect(p.parts!.names.length).toBeGreaterThanOrEqual(1);
      expect(p.parts!.names).toEqual(SBI_PARTS.filter((name) => p.parts!.names.includes(name))); // no repeats, in order
      expect(p.parts!.grow).toBeGreaterThanOrEqual(1.1);
      expect(p.parts!.grow).toBeLessThanOrEqual(1.6);
    }
    for (const name of SBI_PARTS) {
      const share = all.filter((p) => p.parts!.names.includes(name)).length / all.length;
      expect(share).toBeGreaterThan(0.4);
      expect(share).toBeLessThan(0.65);
    }
    expect(all.some((p) => p.parts!.names.length === 1)).toBe(true);
    expect(all.some((p) => p.parts!.names.length === 4)).toBe(true);
  });

  it("maskRegions 'parts': each part's landmark hull grown about its centroid", () => {
    const [mouth1] = maskRegions(LANDMARKS, 'parts', 0, { names: ['mouth'], grow: 1 });
    expect(mouth1).toEqual(convexHull(LANDMARKS.slice(48, 60)));
    const [mouth2] = maskRegions(LANDMARKS, 'parts', 0, { names: ['mouth'], grow: 1.5 });
    const centre = (poly: readonly Point[]): Point => [poly.reduce((a, p) => a + p[0], 0) / poly.length, poly.reduce((a, p) => a + p[1], 0) / poly.length];
    const c = centre(mouth1!);
    mouth1!.forEach((p, i) => {
      expect(mouth2![i]![0] - c[0]).toBeCloseTo(1.5 * (p[0] - c[0]), 9);
      expect(mouth2![i]![1] - c[1]).toBeCloseTo(1.5 * (p[1] - c[1]), 9);
    });
    expect(maskRegions(LANDMARKS, 'parts', 0, { names: ['leftEye', 'nose'], grow: 1.2 })).toHaveLength(2);
    expect(() => maskRegions(LANDMARKS, 'parts')).toThrow(RangeError);
    expect(() => maskRegions(LANDMARKS, 'parts', 0, { names: [], grow: 1.2 })).toThrow(RangeError);
  });

  it('blends only around the chosen parts, with a harder edge than the face hull', () => {
    const base = drawSbiParams(sampleRng(22, 0), LANDMARKS, { partsProbability: 1 });
    const mouthOnly = renderSbi(CROP, LANDMARKS, { ...base, parts: { names: ['mouth'], grow: 1.3 }, affine: { ...base.affine, scale: 1, tx: 0, ty: 0 } });
    const at = (r: SbiResult, x: number, y: number): number => r.mask[y * SIZE + x]!;
    expect(at(mouthOnly, 128, 182)).toBeGreaterThan(0); // the mouth
    for (const [x, y] of [[96, 112], [160, 112], [128, 120], [128, 60], [60, 200]] as const) expect(at(mouthOnly, x, y)).toBe(0); // eyes, nose ridge, forehead, jaw
    // Within reach of the grown part polygons, like every mask.
    for (let i = 0; i < 24; i++) {
      const params = drawSbiParams(sampleRng(23, i), LANDMARKS, { partsProbability: 1 });
      const r = renderSbi(CROP, LANDMARKS, params);
      const map = affineOf(params);
      const polys = maskRegions(LANDMARKS, 'parts', 0, params.parts).map((poly) => poly.map(([x, y]) => [map.a * x + map.c, map.e * y + map.f] as const));
      const reach = maskReach(r.params);
      let worst = 0;
      let blended = 0;
      for (let p = 0; p < SIZE * SIZE; p++) {
        if (r.mask[p] === 0) continue;
        blended++;
        const q: Point = [(p % SIZE) + 0.5, Math.floor(p / SIZE) + 0.5];
        worst = Math.max(worst, Math.min(...polys.map((poly) => distanceToConvexPolygon(q, convexHull(poly)))));
      }
      expect(blended).toBeGreaterThan(0);
      expect(worst).toBeLessThanOrEqual(reach);
    }
    // The edge: the blur radius is drawn from a shorter range than SBI's face-hull blur.
    const radii = draws(1, 200).map((p) => Math.max(p.blur.radiusX, p.blur.radiusY));
    const hullRadii = draws(undefined, 200).map((p) => Math.max(p.blur.radiusX, p.blur.radiusY));
    expect(Math.max(...radii)).toBeLessThan(Math.max(...hullRadii));
  });

  it('rejects a bad probability and malformed parts', () => {
    for (const bad of [-0.1, 1.5, Number.NaN]) {
      expect(() => drawSbiParams(sampleRng(1, 0), LANDMARKS, { partsProbability: bad })).toThrow(SbiError);
    }
    const params = drawSbiParams(sampleRng(1, 0), LANDMARKS, { partsProbability: 1 });
    for (const parts of [undefined, { names: [], grow: 1.2 }, { names: ['ear'], grow: 1.2 }, { names: ['nose'], grow: 0 }]) {
      const broken = { ...params, parts } as SbiParams;
      expect(() => renderSbi(CROP, LANDMARKS, broken)).toThrow(SbiError);
    }
  });
});

describe('preview sheet', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ldf-sbi-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a PNG of 4 tiles per sample with the expected dimensions and content', async () => {
    const samples: SbiResult[] = [0, 1, 2].map((i) => synthesizeSbi(CROP, LANDMARKS, sampleRng(21, i)));
    const out = path.join(dir, 'sheet.png');
    const dims = await writeSbiPreviewSheet(samples, out);
    expect(dims).toEqual(sbiPreviewSheetSize(3, SIZE));
    expect(dims).toEqual({ width: 4 * SIZE + 5 * 4, height: 3 * SIZE + 4 * 4 });
    const meta = await sharp(out).metadata();
    expect(meta.format).toBe('png');
    expect([meta.width, meta.height]).toEqual([dims.width, dims.height]);
    // The PNG holds exactly the rendered raster: tile (row 1, col 0) is sample 1's real crop, col 1 its mask.
    const { data } = await sharp(out).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const raster = renderSbiPreviewSheet(samples);
    expect(Buffer.from(data).equals(Buffer.from(raster.data))).toBe(true);
    const at = (col: number, row: number, x: number, y: number): number =>
      data[((4 + row * (SIZE + 4) + y) * dims.width + 4 + col * (SIZE + 4) + x) * 3]!;
    expect(at(0, 1, 100, 120)).toBe(samples[1]!.real[(120 * SIZE + 100) * 3]);
    expect(at(1, 1, 128, 150)).toBe(Math.round(255 * samples[1]!.mask[150 * SIZE + 128]!));
    expect(at(2, 2, 128, 150)).toBe(samples[2]!.fake[(150 * SIZE + 128) * 3]);
  });

  it('refuses an empty or mixed-size sample list', async () => {
    await expect(writeSbiPreviewSheet([], path.join(dir, 'x.png'))).rejects.toThrow(SbiError);
    const a = synthesizeSbi(CROP, LANDMARKS, sampleRng(1, 0));
    const b = { real: new Uint8Array(12), fake: new Uint8Array(12), mask: new Float32Array(4) };
    expect(() => renderSbiPreviewSheet([a, b])).toThrow(SbiError);
  });
});
