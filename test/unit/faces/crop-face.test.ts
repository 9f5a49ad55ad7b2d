import { describe, expect, it } from 'vitest';
import {
  assertCropConvention,
  cropFace as cropFaceOf,
  cropRegion as cropRegionOf,
  landmarkBounds,
} from '../../../src/faces/crop-face.js';
import { FacesError } from '../../../src/faces/faces-error.js';
import type { FaceBox, RgbFrame } from '../../../src/faces/rgb-frame.js';
import {
  BOX_CROP_CONVENTION,
  DEFAULT_CROP_CONVENTION as LANDMARK_CROP_CONVENTION,
  type CropConvention,
} from '../../../src/model/manifest.js';
import {
  cropPixel,
  fillRect,
  frameFrom,
  pixelAt,
  solidFrame,
  type Rgb,
} from '../../helpers/faces-synthetic-frame.js';

// Most of this file tests the resampling through the box convention (square-box-scaled): a box is a
// face without landmarks there. The landmarks-square convention has its own block at the end.
const DEFAULT_CROP_CONVENTION = BOX_CROP_CONVENTION;
const cropFace = (frame: RgbFrame, box: FaceBox, convention: CropConvention): Uint8Array =>
  cropFaceOf(frame, { box, landmarks: [] }, convention);
const cropRegion = (box: FaceBox, convention: Pick<CropConvention, 'scale'>): FaceBox =>
  cropRegionOf({ box, landmarks: [] }, { name: 'square-box-scaled', ...convention });

const GREY: Rgb = [50, 60, 70];
const RED: Rgb = [200, 10, 20];
const BLACK: Rgb = [0, 0, 0];

function conv(scale: number, size: number): CropConvention {
  return { name: 'square-box-scaled', scale, size, padding: 'zero' };
}

/** 100x100 grey frame with a red square on pixels [40, 60) x [40, 60). */
function redSquareFrame(): RgbFrame {
  return fillRect(solidFrame(100, 100, GREY), 40, 40, 60, 60, RED);
}

/** Every pixel of a 1:1 crop equals the frame pixel (region.x + col, region.y + row), black outside the frame. */
function expectOneToOne(crop: Uint8Array, frame: RgbFrame, region: FaceBox, size: number): void {
  expect(region.width).toBe(size);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const want = pixelAt(frame, region.x + col, region.y + row);
      const got = cropPixel(crop, size, col, row);
      if (got[0] !== want[0] || got[1] !== want[1] || got[2] !== want[2]) {
        expect({ col, row, got }).toEqual({ col, row, got: want });
      }
    }
  }
}

/**
 * Independent reference for shrinking (L >= 1): brute-force 2D area integral over the zero-padded frame,
 * (1 / L^2) * sum over source pixels of overlapX * overlapY * value.
 */
function referenceAreaCrop(frame: RgbFrame, region: FaceBox, size: number): Float64Array {
  const L = region.width / size;
  const out = new Float64Array(size * size * 3);
  const overlap = (a: number, b: number, i: number): number => Math.max(0, Math.min(b, i + 1) - Math.max(a, i));
  for (let row = 0; row < size; row++) {
    const ya = region.y + row * L;
    const yb = ya + L;
    for (let col = 0; col < size; col++) {
      const xa = region.x + col * L;
      const xb = xa + L;
      for (let y = Math.floor(ya); y < Math.ceil(yb); y++) {
        for (let x = Math.floor(xa); x < Math.ceil(xb); x++) {
          const w = (overlap(xa, xb, x) * overlap(ya, yb, y)) / (L * L);
          const p = pixelAt(frame, x, y);
          for (let c = 0; c < 3; c++) out[(row * size + col) * 3 + c]! += w * p[c]!;
        }
      }
    }
  }
  return out;
}

describe('cropRegion', () => {
  it('is the square on the longer side, scaled around the box centre', () => {
    expect(cropRegion({ x: 40, y: 30, width: 20, height: 40 }, { scale: 1.3 })).toEqual({
      x: 50 - 26,
      y: 50 - 26,
      width: 52,
      height: 52,
    });
    expect(cropRegion({ x: 10, y: 20, width: 60, height: 30 }, { scale: 1 })).toEqual({
      x: 10,
      y: 5,
      width: 60,
      height: 60,
    });
  });
});

describe('cropFace', () => {
  it('returns size * size * 3 RGB bytes (default convention: 256 px)', () => {
    const crop = cropFace(redSquareFrame(), { x: 40, y: 40, width: 20, height: 20 }, DEFAULT_CROP_CONVENTION);
    expect(crop).toBeInstanceOf(Uint8Array);
    expect(crop.length).toBe(256 * 256 * 3);
  });

  it('copies the box exactly at scale 1 and 1:1 size', () => {
    const crop = cropFace(redSquareFrame(), { x: 40, y: 40, width: 20, height: 20 }, conv(1, 20));
    for (let i = 0; i < 20 * 20; i++) expect(cropPixel(crop, 20, i % 20, Math.floor(i / 20))).toEqual(RED);
  });

  it('centres the box and applies the scale (scale 2: a 10 px ring of background around the box)', () => {
    const frame = redSquareFrame();
    const crop = cropFace(frame, { x: 40, y: 40, width: 20, height: 20 }, conv(2, 40));
    expectOneToOne(crop, frame, { x: 30, y: 30, width: 40, height: 40 }, 40);
    expect(cropPixel(crop, 40, 9, 20)).toEqual(GREY);
    expect(cropPixel(crop, 40, 10, 20)).toEqual(RED);
    expect(cropPixel(crop, 40, 29, 29)).toEqual(RED);
    expect(cropPixel(crop, 40, 30, 29)).toEqual(GREY);
  });

  it('averages 2x2 blocks when shrinking by exactly 2', () => {
    // Region [30, 70)^2 -> 20 px: red covers output [5, 15). A 1 px red line at x = 40 averages to half.
    const frame = fillRect(redSquareFrame(), 20, 0, 21, 100, [255, 255, 255]); // column 20: outside the region
    fillRect(frame, 31, 30, 32, 70, [250, 250, 250]); // column 31: shares output column 0 with column 30
    const crop = cropFace(frame, { x: 40, y: 40, width: 20, height: 20 }, conv(2, 20));
    expect(cropPixel(crop, 20, 5, 5)).toEqual(RED);
    expect(cropPixel(crop, 20, 14, 14)).toEqual(RED);
    expect(cropPixel(crop, 20, 15, 14)).toEqual(GREY);
    expect(cropPixel(crop, 20, 0, 0)).toEqual([150, 155, 160]); // (GREY + 250) / 2
  });

  it('weights partially covered pixels by their coverage (scale 1.5 -> 1.5 source px per output px)', () => {
    // Region [35, 65)^2 -> 20 px. Output column 3 covers [39.5, 41): 0.5 px of grey and 1 px of red;
    // output row 13 covers [54.5, 56): all red rows. R = (0.5 * 50 + 1 * 200) / 1.5 = 150,
    // G = (0.5 * 60 + 10) / 1.5 = 26.67 -> 27, B = (0.5 * 70 + 20) / 1.5 = 36.67 -> 37.
    const crop = cropFace(redSquareFrame(), { x: 40, y: 40, width: 20, height: 20 }, conv(1.5, 20));
    expect(cropPixel(crop, 20, 3, 13)).toEqual([150, 27, 37]);
    // Column 3, row 3: a 1.5 x 1.5 footprint with 1 x 1 red in its corner: R = (1.25 * 50 + 1 * 200) / 2.25.
    const corner = (g: number, r: number): number => Math.round((1.25 * g + r) / 2.25);
    expect(cropPixel(crop, 20, 3, 3)).toEqual([corner(50, 200), corner(60, 10), corner(70, 20)]);
    expect(cropPixel(crop, 20, 2, 10)).toEqual(GREY); // [38, 39.5)
    expect(cropPixel(crop, 20, 4, 10)).toEqual(RED); // [41, 42.5)
  });

  it('matches a brute-force area integral for arbitrary shrink factors and sub-pixel boxes', () => {
    const frame = frameFrom(64, 48, (x, y) => [(x * 37 + y * 11) % 256, (x * x + 3 * y) % 256, (x * y) % 256]);
    const boxes: Array<[FaceBox, CropConvention]> = [
      [{ x: 10.3, y: 7.7, width: 21.1, height: 17.9 }, conv(1.3, 13)],
      [{ x: -5.25, y: 30.5, width: 30, height: 25 }, conv(1.1, 16)],
      [{ x: 50.1, y: -3.3, width: 19, height: 23 }, conv(1.7, 9)],
    ];
    for (const [box, convention] of boxes) {
      const region = cropRegion(box, convention);
      const want = referenceAreaCrop(frame, region, convention.size);
      const got = cropFace(frame, box, convention);
      for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(0.5 + 1e-3);
    }
  });

  it.each([
    ['top-left', { x: 0, y: 0 }],
    ['top-right', { x: 80, y: 0 }],
    ['bottom-left', { x: 0, y: 80 }],
    ['bottom-right', { x: 80, y: 80 }],
  ])('pads with black where the crop leaves the frame (%s corner)', (_corner, at) => {
    const frame = fillRect(solidFrame(100, 100, GREY), at.x, at.y, at.x + 20, at.y + 20, RED);
    const crop = cropFace(frame, { ...at, width: 20, height: 20 }, conv(2, 40));
    const region = { x: at.x - 10, y: at.y - 10, width: 40, height: 40 };
    expectOneToOne(crop, frame, region, 40);
    // The face sits in the middle of the crop, the 10 px margins on the outer sides are black.
    expect(cropPixel(crop, 40, 20, 20)).toEqual(RED);
    const outerCol = at.x === 0 ? 0 : 39;
    const outerRow = at.y === 0 ? 0 : 39;
    const innerCol = at.x === 0 ? 39 : 0;
    const innerRow = at.y === 0 ? 39 : 0;
    expect(cropPixel(crop, 40, outerCol, 20)).toEqual(BLACK);
    expect(cropPixel(crop, 40, 20, outerRow)).toEqual(BLACK);
    expect(cropPixel(crop, 40, innerCol, 20)).toEqual(GREY);
    expect(cropPixel(crop, 40, 20, innerRow)).toEqual(GREY);
  });

  it('pads with black on every side when the crop is larger than the frame', () => {
    const frame = solidFrame(10, 10, RED);
    const crop = cropFace(frame, { x: 0, y: 0, width: 10, height: 10 }, conv(3, 30));
    expectOneToOne(crop, frame, { x: -10, y: -10, width: 30, height: 30 }, 30);
    expect(cropPixel(crop, 30, 9, 15)).toEqual(BLACK);
    expect(cropPixel(crop, 30, 10, 15)).toEqual(RED);
    expect(cropPixel(crop, 30, 19, 19)).toEqual(RED);
    expect(cropPixel(crop, 30, 20, 15)).toEqual(BLACK);
    expect(cropPixel(crop, 30, 15, 20)).toEqual(BLACK);
  });

  it('blends a sub-pixel frame edge with the black padding by coverage', () => {
    // Region x in [-0.5, 9.5): output column 0 is half padding, half frame.
    const crop = cropFace(solidFrame(10, 10, [200, 100, 50]), { x: -0.5, y: 0, width: 10, height: 10 }, conv(1, 10));
    expect(cropPixel(crop, 10, 0, 5)).toEqual([100, 50, 25]);
    expect(cropPixel(crop, 10, 1, 5)).toEqual([200, 100, 50]);
    expect(cropPixel(crop, 10, 9, 5)).toEqual([200, 100, 50]);
  });

  it('handles non-square boxes (square on the longer side)', () => {
    // Tall box [40, 60) x [30, 70): region [30, 70)^2; the box fills crop columns [10, 30) on every row.
    const tall = fillRect(solidFrame(100, 100, GREY), 40, 30, 60, 70, RED);
    const tallCrop = cropFace(tall, { x: 40, y: 30, width: 20, height: 40 }, conv(1, 40));
    expectOneToOne(tallCrop, tall, { x: 30, y: 30, width: 40, height: 40 }, 40);
    expect(cropPixel(tallCrop, 40, 10, 0)).toEqual(RED);
    expect(cropPixel(tallCrop, 40, 29, 39)).toEqual(RED);
    expect(cropPixel(tallCrop, 40, 9, 20)).toEqual(GREY);
    expect(cropPixel(tallCrop, 40, 30, 20)).toEqual(GREY);
    // Wide box [20, 80) x [45, 55) near nothing special: region [20, 80) x [20, 80), rows [25, 35) red.
    const wide = fillRect(solidFrame(100, 100, GREY), 20, 45, 80, 55, RED);
    const wideCrop = cropFace(wide, { x: 20, y: 45, width: 60, height: 10 }, conv(1, 30));
    // 60 px -> 30 px: rows 45..54 -> output rows 12.5..17.5: rows 13..16 fully red, 12 and 17 half.
    expect(cropPixel(wideCrop, 30, 15, 13)).toEqual(RED);
    expect(cropPixel(wideCrop, 30, 15, 16)).toEqual(RED);
    expect(cropPixel(wideCrop, 30, 0, 12)).toEqual([125, 35, 45]); // (GREY + RED) / 2
    expect(cropPixel(wideCrop, 30, 29, 17)).toEqual([125, 35, 45]);
    expect(cropPixel(wideCrop, 30, 15, 11)).toEqual(GREY);
    expect(cropPixel(wideCrop, 30, 15, 18)).toEqual(GREY);
  });

  it('interpolates bilinearly when enlarging tiny boxes', () => {
    // R = 4x, G = 4y. Box [10, 12)^2 -> 4 px: footprint centres (pixel-centre coordinates) 9.75 + 0.5j,
    // and bilinear interpolation of a linear ramp is the ramp: R = 4 * (9.75 + 0.5j) = 39, 41, 43, 45.
    const frame = frameFrom(40, 40, (x, y) => [4 * x, 4 * y, 77]);
    const crop = cropFace(frame, { x: 10, y: 10, width: 2, height: 2 }, conv(1, 4));
    for (let j = 0; j < 4; j++) {
      expect(cropPixel(crop, 4, j, 0)).toEqual([39 + 2 * j, 39, 77]);
      expect(cropPixel(crop, 4, 0, j)).toEqual([39, 39 + 2 * j, 77]);
    }
    // A 1 px box in the frame corner into the default 256 px crop: region [-0.15, 1.15)^2. Output pixel 0
    // is centred at -0.15 + 1.3 / 512 (pixel-centre coordinate c = that - 0.5): bilinear between the zero
    // padding (pixel -1) and pixel 0 with weight f = c + 1 on pixel 0, in both axes.
    const tiny = cropFace(frame, { x: 0, y: 0, width: 1, height: 1 }, DEFAULT_CROP_CONVENTION);
    expect(tiny.length).toBe(256 * 256 * 3);
    const f = -0.15 + 1.3 / 512 - 0.5 + 1;
    expect(cropPixel(tiny, 256, 0, 0)).toEqual([0, 0, Math.round(77 * f * f)]);
    // Last pixel: centred at 1.15 - 1.3 / 512 (c = 0.6475): 0.6475 of pixel 1 (R = 4), the rest of pixel 0.
    const g = 1.15 - 1.3 / 512 - 0.5;
    expect(cropPixel(tiny, 256, 255, 255)).toEqual([Math.round(4 * g), Math.round(4 * g), 77]);
  });

  it('keeps a linear ramp centred at any shrink factor (no half-pixel shift)', () => {
    // Pixel i holds 2i (a staircase around the line 2 * (t - 0.5)): each output pixel is within 1 of the
    // line at its footprint centre, and the errors average out (a half-pixel shift would bias them by 1).
    const frame = frameFrom(120, 120, (x, y) => [2 * x, 2 * y, 0]);
    const box = { x: 30, y: 30, width: 50, height: 50 }; // region [22.5, 87.5)^2: inside the frame
    const convention = conv(1.3, 37);
    const region = cropRegion(box, convention);
    const L = region.width / 37;
    const crop = cropFace(frame, box, convention);
    let sum = 0;
    for (let j = 0; j < 37; j++) {
      const line = 2 * (region.x + (j + 0.5) * L - 0.5);
      const errX = cropPixel(crop, 37, j, 18)[0] - line;
      const errY = cropPixel(crop, 37, 18, j)[1] - line;
      expect(Math.abs(errX)).toBeLessThanOrEqual(1);
      expect(errY).toBe(errX);
      sum += errX;
    }
    expect(Math.abs(sum / 37)).toBeLessThan(0.15);
  });

  it('anti-aliases: 1 px stripes shrunk 600 -> 256 average out instead of aliasing', () => {
    const frame = frameFrom(800, 800, (x) => (x % 2 === 0 ? [255, 255, 255] : [0, 0, 0]));
    const crop = cropFace(frame, { x: 100, y: 100, width: 600, height: 600 }, conv(1, 256));
    let min = 255;
    let max = 0;
    for (let i = 0; i < crop.length; i++) {
      min = Math.min(min, crop[i]!);
      max = Math.max(max, crop[i]!);
    }
    // Each output pixel covers 2.34 stripes: between 1/2.34 and 1.34/2.34 of it is white.
    expect(min).toBeGreaterThanOrEqual(Math.floor((255 * 1) / 2.34375));
    expect(max).toBeLessThanOrEqual(Math.ceil((255 * 1.34375) / 2.34375));
  });

  it('gives black for boxes partly or wholly outside the frame', () => {
    const frame = solidFrame(100, 100, GREY);
    const left = cropFace(frame, { x: -10, y: 40, width: 20, height: 20 }, conv(1, 20));
    expect(cropPixel(left, 20, 9, 10)).toEqual(BLACK);
    expect(cropPixel(left, 20, 10, 10)).toEqual(GREY);
    for (const box of [
      { x: 200, y: 200, width: 20, height: 20 },
      { x: -50, y: -50, width: 20, height: 20 },
      { x: 40, y: 120, width: 20, height: 20 },
      { x: 1e6, y: -1e6, width: 5, height: 5 },
    ]) {
      expect(cropFace(frame, box, conv(1.3, 32)).every((v) => v === 0)).toBe(true);
    }
  });

  it('is deterministic and leaves the frame untouched', () => {
    const frame = frameFrom(50, 40, (x, y) => [(x * 7) % 256, (y * 13) % 256, (x + y) % 256]);
    const before = Uint8Array.from(frame.data);
    const box = { x: 7.3, y: 5.1, width: 23.4, height: 19.9 };
    const a = cropFace(frame, box, conv(1.3, 64));
    const b = cropFace(frame, box, conv(1.3, 64));
    expect(b).toEqual(a);
    expect(frame.data).toEqual(before);
  });

  it('rejects malformed frames and boxes', () => {
    const frame = solidFrame(10, 10, GREY);
    const codeOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(FacesError);
        return (e as FacesError).code;
      }
      return undefined;
    };
    const box = { x: 0, y: 0, width: 5, height: 5 };
    const short = { ...frame, data: frame.data.subarray(1) };
    expect(codeOf(() => cropFace(short, box, DEFAULT_CROP_CONVENTION))).toBe('INVALID_FRAME');
    expect(codeOf(() => cropFace({ ...frame, width: 0 }, box, DEFAULT_CROP_CONVENTION))).toBe('INVALID_FRAME');
    expect(codeOf(() => cropFace(frame, { ...box, width: 0 }, DEFAULT_CROP_CONVENTION))).toBe('INVALID_BOX');
    expect(codeOf(() => cropFace(frame, { ...box, x: Number.NaN }, DEFAULT_CROP_CONVENTION))).toBe('INVALID_BOX');
    expect(codeOf(() => cropFace(frame, { ...box, height: -3 }, DEFAULT_CROP_CONVENTION))).toBe('INVALID_BOX');
  });
});

describe('assertCropConvention', () => {
  const mismatch = (c: unknown): void => {
    let error: unknown;
    try {
      assertCropConvention(c as CropConvention);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FacesError);
    expect((error as FacesError).code).toBe('CROP_MISMATCH');
  };

  it('accepts the implemented convention with any valid scale and size', () => {
    expect(() => assertCropConvention(DEFAULT_CROP_CONVENTION)).not.toThrow();
    expect(() => assertCropConvention(conv(1.7, 224))).not.toThrow();
    expect(() => assertCropConvention(conv(0.5, 1))).not.toThrow();
  });

  it('throws CROP_MISMATCH for another convention name or padding', () => {
    mismatch({ ...DEFAULT_CROP_CONVENTION, name: 'landmark-aligned' });
    mismatch({ ...DEFAULT_CROP_CONVENTION, padding: 'edge' });
    mismatch({ ...DEFAULT_CROP_CONVENTION, padding: 'reflect' });
  });

  it('throws CROP_MISMATCH for unusable scale or size', () => {
    for (const scale of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1.3']) {
      mismatch({ ...DEFAULT_CROP_CONVENTION, scale });
    }
    for (const size of [0, -256, 1.5, 100_000, Number.NaN]) mismatch({ ...DEFAULT_CROP_CONVENTION, size });
  });

  it('is enforced by cropFace', () => {
    const edge = { ...DEFAULT_CROP_CONVENTION, padding: 'edge' } as unknown as CropConvention;
    expect(() => cropFace(solidFrame(4, 4, GREY), { x: 0, y: 0, width: 2, height: 2 }, edge)).toThrow(FacesError);
  });
});

/** 68 points spread over the rectangle [x0, x1] x [y0, y1] (corners included), the rest inside. */
function landmarksIn(x0: number, y0: number, x1: number, y1: number): [number, number][] {
  const points: [number, number][] = [
    [x0, y0],
    [x1, y0],
    [x0, y1],
    [x1, y1],
  ];
  for (let i = 4; i < 68; i++) points.push([x0 + ((x1 - x0) * ((i * 7) % 64)) / 64, y0 + ((y1 - y0) * ((i * 13) % 64)) / 64]);
  return points;
}

describe('landmarks-square crops', () => {
  const lm = (scale: number, size: number, shiftY = 0): CropConvention => ({ name: 'landmarks-square', scale, size, padding: 'zero', shiftY });

  it('is the default convention of new models, with a shift up towards the forehead', () => {
    expect(LANDMARK_CROP_CONVENTION.name).toBe('landmarks-square');
    expect(LANDMARK_CROP_CONVENTION.shiftY).toBeLessThan(0);
    expect(() => assertCropConvention(LANDMARK_CROP_CONVENTION)).not.toThrow();
  });

  it('builds the square on the landmarks box, whatever the detector box', () => {
    const landmarks = landmarksIn(40, 30, 60, 70); // 20 x 40, centre (50, 50)
    const a = cropRegionOf({ box: { x: 0, y: 0, width: 10, height: 10 }, landmarks }, lm(1.5, 64));
    const b = cropRegionOf({ box: { x: 35, y: 20, width: 33, height: 61 }, landmarks }, lm(1.5, 64));
    expect(a).toEqual({ x: 20, y: 20, width: 60, height: 60 });
    expect(b).toEqual(a);
    expect(landmarkBounds(landmarks)).toEqual({ x: 40, y: 30, width: 20, height: 40 });
  });

  it('moves the centre by shiftY times the side', () => {
    const landmarks = landmarksIn(40, 30, 60, 70);
    const region = cropRegionOf({ box: { x: 0, y: 0, width: 1, height: 1 }, landmarks }, lm(1, 40, -0.25));
    expect(region).toEqual({ x: 30, y: 20, width: 40, height: 40 });
  });

  it('cuts the same pixels as a box crop on the landmark box', () => {
    const frame = fillRect(solidFrame(100, 100, GREY), 45, 35, 55, 65, RED);
    const landmarks = landmarksIn(40, 30, 60, 70);
    const got = cropFaceOf(frame, { box: { x: 1, y: 1, width: 5, height: 5 }, landmarks }, lm(1.3, 32));
    const want = cropFaceOf(frame, { box: { x: 40, y: 30, width: 20, height: 40 }, landmarks: [] }, conv(1.3, 32));
    expect(Buffer.from(got).equals(Buffer.from(want))).toBe(true);
  });

  it('refuses missing, short or non-finite landmarks and a missing or stray shiftY', () => {
    const frame = solidFrame(100, 100, GREY);
    const box = { x: 10, y: 10, width: 20, height: 20 };
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (e) {
        return (e as FacesError).code;
      }
      return undefined;
    };
    expect(code(() => cropFaceOf(frame, { box, landmarks: [] }, lm(1.3, 16)))).toBe('INVALID_LANDMARKS');
    expect(code(() => cropFaceOf(frame, { box, landmarks: landmarksIn(1, 1, 2, 2).slice(0, 67) }, lm(1.3, 16)))).toBe('INVALID_LANDMARKS');
    const bad = landmarksIn(1, 1, 20, 20);
    bad[5] = [Number.NaN, 3];
    expect(code(() => cropFaceOf(frame, { box, landmarks: bad }, lm(1.3, 16)))).toBe('INVALID_LANDMARKS');
    expect(code(() => cropFaceOf(frame, { box, landmarks: landmarksIn(5, 5, 5, 9) }, lm(1.3, 16)))).toBe('INVALID_LANDMARKS');
    const { shiftY: _s, ...noShift } = lm(1.3, 16);
    expect(code(() => assertCropConvention(noShift as CropConvention))).toBe('CROP_MISMATCH');
    expect(code(() => assertCropConvention(lm(1.3, 16, 0.9)))).toBe('CROP_MISMATCH');
    expect(code(() => assertCropConvention({ ...conv(1.3, 16), shiftY: 0 }))).toBe('CROP_MISMATCH');
  });
});
