import { DEFAULT_CROP_CONVENTION } from '../../src/model/manifest.js';
import type { DatasetItem, DatasetSplit, FaceLabel } from '../../src/dataset/dataset-format.js';
import { DatasetStore } from '../../src/dataset/dataset-store.js';
import { resolveOptions } from '../../src/dataset/prepare-dataset.js';
import { mulberry32 } from '../../src/train/sbi/index.js';

export type Point = [number, number];

/**
 * A frontal face in iBUG 68-point order, laid out geometrically (image left to right, y down) and mirror
 * symmetric about the crop's centre column x = (size - 1) / 2: a horizontal flip maps the face onto itself,
 * point for point, once the left/right landmark indices are swapped. Face width ~ 0.56 of the crop, like
 * cropFace crops.
 */
export function syntheticLandmarks(size: number): Point[] {
  const c = (size - 1) / 2;
  const s = size / 256; // designed on a 256 px crop
  const at = (u: number, v: number): Point => [c + u * s, v * s];
  const pts: Point[] = [];
  for (let i = 0; i <= 16; i++) {
    const t = (Math.PI * i) / 16;
    pts.push(at(-72 * Math.cos(t), 120 + 100 * Math.sin(t))); // 0-16 jaw, image left to right, chin (8) lowest
  }
  const brow = (from: number, to: number): void => {
    for (let i = 0; i < 5; i++) {
      const u = from + ((to - from) * i) / 4;
      pts.push(at(u, 92 - 8 * Math.sin((Math.PI * (Math.abs(u) - 10)) / 50))); // an arch over each eye
    }
  };
  brow(-60, -10); // 17-21 left to right
  brow(10, 60); // 22-26 left to right
  for (let i = 0; i < 4; i++) pts.push(at(0, 105 + 12 * i)); // 27-30 nose ridge
  for (let i = 0; i < 5; i++) pts.push(at(-16 + 8 * i, 150 + (i === 2 ? 3 : 0))); // 31-35 nose base
  const eye = (u: number): void => {
    // From the leftmost corner, clockwise on screen (upper lid first).
    for (let i = 0; i < 6; i++) {
      const t = Math.PI + (2 * Math.PI * i) / 6;
      pts.push(at(u + 13 * Math.cos(t), 112 + 5 * Math.sin(t)));
    }
  };
  eye(-32); // 36-41
  eye(32); // 42-47
  for (let i = 0; i < 12; i++) {
    const t = Math.PI + (2 * Math.PI * i) / 12;
    pts.push(at(26 * Math.cos(t), 182 + 10 * Math.sin(t))); // 48-59 outer lips
  }
  for (let i = 0; i < 8; i++) {
    const t = Math.PI + (2 * Math.PI * i) / 8;
    pts.push(at(16 * Math.cos(t), 182 + 4 * Math.sin(t))); // 60-67 inner lips
  }
  return pts;
}

/**
 * A textured RGB24 crop (smooth gradients, a skin-toned face ellipse and seeded noise), so flips, rotations,
 * JPEG and SBI all change something. Not symmetric.
 */
export function syntheticCrop(size: number, seed = 7): Uint8Array {
  const rng = mulberry32(seed);
  const crop = new Uint8Array(size * size * 3);
  const c = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const o = (y * size + x) * 3;
      const n = rng() * 40;
      const face = ((x - c) / (0.3 * size)) ** 2 + ((y - 0.58 * size) / (0.4 * size)) ** 2 < 1 ? 50 : 0;
      crop[o] = 50 + (x * 120) / size + n + face;
      crop[o + 1] = 30 + (y * 150) / size + 0.5 * n + 0.6 * face;
      crop[o + 2] = 90 + 40 * Math.sin((x * 28) / size) * Math.cos((y * 20) / size) + 0.3 * n;
    }
  }
  return crop;
}

export interface SyntheticSource {
  /** Source path below the root, e.g. 'real/a.jpg' (also its identity). */
  name: string;
  label: FaceLabel;
  split: DatasetSplit;
}

/**
 * Writes a prepared dataset (the format `ldf dataset prepare` writes) of one synthetic face per source, with
 * crops of `size` px, straight through the dataset store: no face detection, so any crop size works.
 * Each crop gets its own texture seed. Returns the items in dataset order.
 */
export async function writeSyntheticDataset(dir: string, size: number, sources: readonly SyntheticSource[]): Promise<Omit<DatasetItem, 'crop'>[]> {
  const store = await DatasetStore.open({
    dir,
    crop: { ...DEFAULT_CROP_CONVENTION, size },
    options: resolveOptions({ inputs: [], outDir: '' }),
    detector: { name: 'synthetic', faceApiVersion: '0.0.0', implementation: 'none' },
    toolVersion: '0.0.0',
    run: { startedAt: new Date().toISOString(), inputs: ['/synthetic'], labelsFile: null, label: null, backend: null },
  });
  const items: Omit<DatasetItem, 'crop'>[] = [];
  try {
    const root = await store.rootKey('/synthetic');
    for (const [k, s] of sources.entries()) {
      const source = { root, path: s.name };
      const item: Omit<DatasetItem, 'crop'> = {
        id: `${root}/${s.name}#f0-0`,
        source,
        label: s.label,
        identity: `${root}/${s.name}`,
        split: s.split,
        frameIndex: 0,
        frameTimestampMs: null,
        faceIndex: 0,
        frameWidth: size,
        frameHeight: size,
        box: { x: 0.12 * size, y: 0.12 * size, width: 0.76 * size, height: 0.76 * size },
        detectionScore: 0.99,
        landmarks: syntheticLandmarks(size),
      };
      await store.commit({
        record: { source, kind: 'image', status: 'ok', label: s.label, identity: item.identity, split: s.split, frames: 1, error: null },
        faces: [{ item, rgb: syntheticCrop(size, 100 + k) }],
        error: null,
      });
      items.push(item);
    }
    await store.finish({ sourcesProcessed: sources.length, sourcesSkipped: 0, items: sources.length, errors: 0, imagesPerSecond: null });
  } finally {
    await store.release();
  }
  return items;
}
