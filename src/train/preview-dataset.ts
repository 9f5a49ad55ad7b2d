/**
 * `ldf dataset preview` (beside the trainer, since it shows what training synthesises): contact sheets for a person to look at. With SBI, each row is a crop, its mask, its
 * self-blended twin and the amplified difference (src/train/sbi writeSbiPreviewSheet); without, a grid of
 * crops with their 68 landmarks drawn.
 */
import sharp from 'sharp';
import { mulberry32, sampleRng, sbiPreviewSheetSize, synthesizeSbi, writeSbiPreviewSheet, type SbiPreviewSample } from './sbi/index.js';
import { DatasetError } from '../dataset/dataset-error.js';
import type { DatasetItem, DatasetSplit, FaceLabel } from '../dataset/dataset-format.js';
import { openDataset, readCrop } from '../dataset/open-dataset.js';

export interface PreviewOptions {
  /** Samples on the sheet (fewer when the dataset has fewer matching items). Default 8. */
  count?: number;
  /** Chooses the items and seeds the SBI draws. Default 0. */
  seed?: number;
  split?: DatasetSplit | undefined;
  label?: FaceLabel | undefined;
  /** 'sbi': crop | mask | self-blended | difference rows; 'landmarks': crops with landmarks drawn. */
  kind: 'sbi' | 'landmarks';
  /** 'sbi' only: probability of a facial-parts mask (SbiOptions.partsProbability). Default 0. */
  sbiParts?: number;
}

export interface PreviewResult {
  width: number;
  height: number;
  /** Ids of the items shown, top to bottom (left to right, row by row, for 'landmarks'). */
  itemIds: string[];
}

export const LANDMARK_SHEET_COLUMNS = 4;
const GAP = 4;
const GAP_GREY = 40;

/** Picks `count` items at random (seeded, without repetition), after filtering by split and label. */
export function pickPreviewItems(items: readonly DatasetItem[], options: Pick<PreviewOptions, 'count' | 'seed' | 'split' | 'label'>): DatasetItem[] {
  const pool = items.filter((it) => (options.split === undefined || it.split === options.split) && (options.label === undefined || it.label === options.label));
  const rng = mulberry32(options.seed ?? 0);
  const order = pool.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.slice(0, options.count ?? 8).map((i) => pool[i]!);
}

/**
 * Writes a preview sheet of the dataset in `dir` to `outPath` (PNG).
 * @throws DatasetError NO_ITEMS when no item matches, and openDataset / readCrop errors.
 */
export async function writeDatasetPreview(dir: string, outPath: string, options: PreviewOptions): Promise<PreviewResult> {
  const count = options.count ?? 8;
  if (!Number.isInteger(count) || count < 1) throw new DatasetError('INVALID_OPTIONS', `count must be a positive integer, got ${count}`);
  const { dir: abs, manifest, items } = await openDataset(dir);
  const picked = pickPreviewItems(items, { ...options, count });
  if (picked.length === 0) {
    const what = [options.split, options.label].filter((x) => x !== undefined).join(' ');
    throw new DatasetError('NO_ITEMS', `${abs}: no ${what === '' ? '' : `${what} `}face crops to show`, { path: abs });
  }
  const crops = await Promise.all(picked.map((it) => readCrop(abs, it, manifest.crop.size)));
  const itemIds = picked.map((it) => it.id);
  if (options.kind === 'sbi') {
    const seed = options.seed ?? 0;
    const samples: SbiPreviewSample[] = crops.map((c, i) => synthesizeSbi(c.rgb, c.landmarks, sampleRng(seed, i), { partsProbability: options.sbiParts ?? 0 }));
    const dims = await writeSbiPreviewSheet(samples, outPath);
    return { ...dims, itemIds };
  }
  const sheet = renderLandmarkSheet(crops.map((c) => ({ rgb: c.rgb, landmarks: c.landmarks })), manifest.crop.size);
  await sharp(sheet.data, { raw: { width: sheet.width, height: sheet.height, channels: 3 } }).png().toFile(outPath);
  return { width: sheet.width, height: sheet.height, itemIds };
}

/** Size of a landmark sheet of `count` crops of side `size` (LANDMARK_SHEET_COLUMNS per row). */
export function landmarkSheetSize(count: number, size: number): { width: number; height: number } {
  const columns = Math.min(LANDMARK_SHEET_COLUMNS, count);
  const rows = Math.ceil(count / LANDMARK_SHEET_COLUMNS);
  return { width: columns * size + (columns + 1) * GAP, height: rows * size + (rows + 1) * GAP };
}

/** Crops in a grid with their landmarks as small green dots (eyes red, mouth blue); raw RGB24. */
export function renderLandmarkSheet(crops: readonly { rgb: Uint8Array; landmarks: readonly (readonly [number, number])[] }[], size: number): { width: number; height: number; data: Uint8Array } {
  const { width, height } = landmarkSheetSize(crops.length, size);
  const data = new Uint8Array(width * height * 3).fill(GAP_GREY);
  crops.forEach((crop, n) => {
    const left = GAP + (n % LANDMARK_SHEET_COLUMNS) * (size + GAP);
    const top = GAP + Math.floor(n / LANDMARK_SHEET_COLUMNS) * (size + GAP);
    for (let y = 0; y < size; y++) data.set(crop.rgb.subarray(y * size * 3, (y + 1) * size * 3), ((top + y) * width + left) * 3);
    crop.landmarks.forEach(([lx, ly], i) => {
      const colour = i >= 36 && i <= 47 ? [255, 60, 60] : i >= 48 ? [60, 140, 255] : [60, 255, 60];
      const cx = Math.round(lx);
      const cy = Math.round(ly);
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const x = cx + dx;
          const y = cy + dy;
          if (x < 0 || y < 0 || x >= size || y >= size) continue;
          data.set(colour, ((top + y) * width + left + x) * 3);
        }
      }
    });
  });
  return { width, height, data };
}

export { sbiPreviewSheetSize };
