import { describe, expect, it } from 'vitest';
import { cropFace } from '../../../src/faces/crop-face.js';
import { BOX_CROP_CONVENTION, DEFAULT_CROP_CONVENTION } from '../../../src/model/manifest.js';
import { landmarksInCrop } from '../../../src/dataset/prepare-dataset.js';
import { solidFrame } from '../../helpers/faces-synthetic-frame.js';

describe('landmarksInCrop', () => {
  it('maps frame points into crop pixels exactly as cropFace maps pixels', () => {
    const frame = solidFrame(640, 480, [0, 0, 0]);
    const point: [number, number] = [300.5, 200.5]; // the centre of pixel (300, 200)
    frame.data.set([255, 255, 255], (200 * 640 + 300) * 3);
    for (const box of [
      { x: 250, y: 150, width: 100, height: 120 },
      { x: 280, y: 170, width: 40, height: 40 }, // enlarged to 256
      { x: -30, y: 100, width: 400, height: 300 }, // past the frame edge
    ]) {
      // A landmarks-square crop on landmarks spanning the box, and the box crop itself.
      const face = { box, landmarks: [[box.x, box.y], [box.x + box.width, box.y + box.height], ...Array.from({ length: 66 }, () => [box.x + box.width / 2, box.y + box.height / 2] as [number, number])] as [number, number][] };
      for (const convention of [DEFAULT_CROP_CONVENTION, BOX_CROP_CONVENTION]) {
      const crop = cropFace(frame, face, convention);
      const size = convention.size;
      // Centre of mass of the white dot in the crop.
      let sx = 0;
      let sy = 0;
      let sw = 0;
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const w = crop[(y * size + x) * 3]!;
          sx += w * (x + 0.5);
          sy += w * (y + 0.5);
          sw += w;
        }
      }
      const [[lx, ly]] = landmarksInCrop([point], face, convention) as [[number, number]];
      expect(sw).toBeGreaterThan(0);
      expect(Math.abs(sx / sw - lx)).toBeLessThan(0.6);
      expect(Math.abs(sy / sw - ly)).toBeLessThan(0.6);
      }
    }
  });

  it('puts the box centre at the crop centre (box convention)', () => {
    const box = { x: 100, y: 50, width: 80, height: 100 };
    expect(landmarksInCrop([[140, 100]], { box, landmarks: [] }, BOX_CROP_CONVENTION)).toEqual([[128, 128]]);
  });
});
