import { describe, expect, it } from 'vitest';
import type { DetectedFace, DetectOptions, LandmarkPoint } from '../../../src/faces/face-detector.js';
import type { RgbFrame } from '../../../src/faces/rgb-frame.js';
import { detectInMosaic, detectPadded, finishFaces, mosaicSide, type LandmarkFaceDetector } from '../../../src/dataset/mosaic-detect.js';
import { fillRect, solidFrame } from '../../helpers/faces-synthetic-frame.js';

/**
 * A stand-in detector: the red pixels of each `cellPx` cell form one "face" (their bounding box), with 68
 * landmarks alternating between the box's top-left and bottom-right corners.
 */
class RedBoxDetector implements LandmarkFaceDetector {
  frames: RgbFrame[] = [];
  constructor(private readonly cellPx: number) {}

  async detect(frame: RgbFrame, options: DetectOptions): Promise<DetectedFace[]> {
    this.frames.push(frame);
    const boxes = new Map<string, { x0: number; y0: number; x1: number; y1: number }>();
    for (let y = 0; y < frame.height; y++) {
      for (let x = 0; x < frame.width; x++) {
        const i = (y * frame.width + x) * 3;
        if (frame.data[i]! < 200 || frame.data[i + 1]! > 60) continue;
        const key = `${Math.floor(x / this.cellPx)},${Math.floor(y / this.cellPx)}`;
        const b = boxes.get(key) ?? { x0: x, y0: y, x1: x + 1, y1: y + 1 };
        boxes.set(key, { x0: Math.min(b.x0, x), y0: Math.min(b.y0, y), x1: Math.max(b.x1, x + 1), y1: Math.max(b.y1, y + 1) });
      }
    }
    const faces = [...boxes.values()].map((b, k): DetectedFace => {
      const landmarks: LandmarkPoint[] = Array.from({ length: 68 }, (_, i) => (i % 2 === 0 ? [b.x0, b.y0] : [b.x1, b.y1]));
      return { box: { x: b.x0, y: b.y0, width: b.x1 - b.x0, height: b.y1 - b.y0 }, score: 0.9 - k * 0.01, landmarks };
    });
    return faces.filter((f) => Math.min(f.box.width, f.box.height) >= (options.minFacePx ?? 0)).slice(0, options.maxFaces ?? 10);
  }
}

/** A grey photo with a red rectangle [x0, x1) x [y0, y1). */
function photo(width: number, height: number, rect: [number, number, number, number]): RgbFrame {
  return fillRect(solidFrame(width, height, [90, 90, 90]), ...rect, [255, 0, 0]);
}

const filter = { minConfidence: 0.5, minFacePx: 0, maxFaces: 1 };

describe('detectInMosaic', () => {
  it('runs one detector pass for several photos and maps boxes and landmarks back to each photo', async () => {
    const layout = { grid: 3, tilePx: 256 };
    const cell = Math.round(256 * 1.5);
    const detector = new RedBoxDetector(cell);
    const photos = [
      photo(200, 200, [50, 40, 150, 170]), // enlarged to 256
      photo(309, 394, [100, 120, 220, 300]), // shrunk, not square
      photo(256, 128, [0, 0, 64, 64]), // native size, at the corner
      photo(64, 64, [10, 10, 30, 30]),
      solidFrame(100, 100, [90, 90, 90]), // no face
    ];
    const result = await detectInMosaic(detector, photos, layout, filter);
    expect(detector.frames).toHaveLength(1);
    expect(detector.frames[0]!.width).toBe(mosaicSide(layout));
    expect(mosaicSide(layout)).toBe(3 * cell);
    const expected: [number, number, number, number][] = [
      [50, 40, 100, 130],
      [100, 120, 120, 180],
      [0, 0, 64, 64],
      [10, 10, 20, 20],
    ];
    for (const [k, [x, y, w, h]] of expected.entries()) {
      const faces = result[k]!;
      expect(faces).toHaveLength(1);
      const { box, landmarks } = faces[0]!;
      // Resampling moves edges by at most about one source pixel.
      const tol = Math.max(1.5, photos[k]!.width / 256 + 0.5);
      expect(Math.abs(box.x - x)).toBeLessThanOrEqual(tol);
      expect(Math.abs(box.y - y)).toBeLessThanOrEqual(tol);
      expect(Math.abs(box.width - w)).toBeLessThanOrEqual(2 * tol);
      expect(Math.abs(box.height - h)).toBeLessThanOrEqual(2 * tol);
      expect(landmarks).toHaveLength(68);
      expect(Math.abs(landmarks[0]![0] - x)).toBeLessThanOrEqual(tol);
      expect(Math.abs(landmarks[1]![1] - (y + h))).toBeLessThanOrEqual(2 * tol);
    }
    expect(result[4]).toEqual([]);
  });

  it('applies minFacePx in photo pixels and refuses more photos than cells', async () => {
    const detector = new RedBoxDetector(384);
    // A 20 px red square in a 64 px photo becomes 80 px in the mosaic; it is still 20 px in the photo.
    const result = await detectInMosaic(detector, [photo(64, 64, [10, 10, 30, 30])], { grid: 2, tilePx: 256 }, { ...filter, minFacePx: 25 });
    expect(result).toEqual([[]]);
    await expect(detectInMosaic(detector, Array.from({ length: 5 }, () => photo(10, 10, [0, 0, 5, 5])), { grid: 2, tilePx: 256 }, filter)).rejects.toThrow(RangeError);
  });
});

describe('detectPadded', () => {
  it('searches the photo inside a black margin and returns photo coordinates', async () => {
    const detector = new RedBoxDetector(10_000);
    const faces = await detectPadded(detector, photo(200, 200, [0, 20, 180, 200]), 100, filter);
    expect(detector.frames[0]!.width).toBe(400);
    expect(faces).toHaveLength(1);
    expect(faces[0]!.box).toEqual({ x: 0, y: 20, width: 180, height: 180 });
    expect(faces[0]!.landmarks[1]).toEqual([180, 200]);
  });
});

describe('finishFaces', () => {
  it('clips to the photo, filters by size and confidence, orders by score then x, and cuts', () => {
    const lm: LandmarkPoint[] = [];
    const faces: DetectedFace[] = [
      { box: { x: -10, y: -10, width: 60, height: 60 }, score: 0.8, landmarks: lm },
      { box: { x: 50, y: 0, width: 45, height: 45 }, score: 0.9, landmarks: lm },
      { box: { x: 10, y: 0, width: 45, height: 45 }, score: 0.9, landmarks: lm },
      { box: { x: 0, y: 0, width: 10, height: 10 }, score: 0.99, landmarks: lm },
      { box: { x: 0, y: 0, width: 80, height: 80 }, score: 0.4, landmarks: lm },
      { box: { x: 200, y: 0, width: 80, height: 80 }, score: 0.95, landmarks: lm },
    ];
    const kept = finishFaces(faces, { width: 100, height: 100 }, { minConfidence: 0.5, minFacePx: 40, maxFaces: 3 });
    expect(kept.map((f) => f.box)).toEqual([
      { x: 10, y: 0, width: 45, height: 45 },
      { x: 50, y: 0, width: 45, height: 45 },
      { x: 0, y: 0, width: 50, height: 50 },
    ]);
  });
});
