import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resampleRegion } from '../../../src/faces/resample-region.js';
import { openDataset, type DatasetItem } from '../../../src/dataset/index.js';
import { sampleRng, synthesizeSbi } from '../../../src/train/sbi/index.js';
import { sampleImages } from '../../../src/train/training-batch.js';
import { syntheticCrop, writeSyntheticDataset } from '../../helpers/synthetic-face-dataset.js';

const STORED = 64;
const INPUT = 32;
let dir: string;
let items: DatasetItem[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-training-batch-'));
  await writeSyntheticDataset(dir, STORED, [
    { name: 'real/a.jpg', label: 'real', split: 'train' },
    { name: 'fake/b.jpg', label: 'fake', split: 'train' },
  ]);
  items = (await openDataset(dir)).items;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sampleImages for a network whose input size is not the stored crop size', () => {
  it('resamples the stored crop as cropFace does (area averaging: here each pixel is its 2x2 block)', async () => {
    const [image] = await sampleImages(dir, items[1]!, 7, 0, { size: INPUT, synthesize: 'none', augment: null });
    expect(image!.label).toBe(1);
    expect(image!.rgb).toHaveLength(INPUT * INPUT * 3);
    const stored = syntheticCrop(STORED, 101);
    const expected = new Uint8Array(INPUT * INPUT * 3);
    for (let y = 0; y < INPUT; y++) {
      for (let x = 0; x < INPUT; x++) {
        for (let c = 0; c < 3; c++) {
          const at = (dy: number, dx: number): number => stored[((2 * y + dy) * STORED + 2 * x + dx) * 3 + c]!;
          expected[(y * INPUT + x) * 3 + c] = Math.floor((at(0, 0) + at(0, 1) + at(1, 0) + at(1, 1)) / 4 + 0.5);
        }
      }
    }
    expect(Buffer.from(image!.rgb).equals(Buffer.from(expected))).toBe(true);
  });

  it('blends SBI twins at the input size with the landmarks scaled alike', async () => {
    const images = await sampleImages(dir, items[0]!, 7, 3, { size: INPUT, synthesize: 'sbi', augment: null });
    expect(images.map((i) => i.label)).toEqual([0, 1]);
    const crop = resampleRegion({ width: STORED, height: STORED, data: syntheticCrop(STORED, 100) }, { x: 0, y: 0, width: STORED, height: STORED }, INPUT, INPUT);
    const landmarks = items[0]!.landmarks.map(([x, y]) => [x / 2, y / 2] as [number, number]);
    const { real, fake } = synthesizeSbi(crop, landmarks, sampleRng(7, 3));
    expect(Buffer.from(images[0]!.rgb).equals(Buffer.from(real))).toBe(true);
    expect(Buffer.from(images[1]!.rgb).equals(Buffer.from(fake))).toBe(true);
    expect(Buffer.from(fake).equals(Buffer.from(real))).toBe(false);
  });
});
