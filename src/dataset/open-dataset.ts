/**
 * The trainer's side of a prepared dataset: openDataset reads and checks dataset.json and the items, readCrop
 * decodes one crop to RGB24 (sharp's PNG decoder, about 1 ms for 256x256).
 *
 *   const { manifest, items } = await openDataset(dir);
 *   const train = items.filter((it) => it.split === 'train');
 *   const { rgb, landmarks } = await readCrop(dir, train[0]);  // rgb: size * size * 3 bytes
 */
import path from 'node:path';
import sharp from 'sharp';
import { describeSchemaErrors, schemaValidator } from '../util/json-schema.js';
import { DatasetError } from './dataset-error.js';
import { DATASET_FILES, DATASET_SCHEMAS, sourceKey, type DatasetItem, type DatasetManifest, type SourceRecord } from './dataset-format.js';
import { readJsonl } from './jsonl-file.js';
import { readManifestIfAny } from './dataset-store.js';

export interface OpenedDataset {
  /** Absolute path of the dataset folder. */
  dir: string;
  manifest: DatasetManifest;
  /** Every face crop of a finished source, in the order they were prepared. */
  items: DatasetItem[];
}

export interface OpenDatasetOptions {
  /** Check every item against schemas/dataset-item.schema.json (default true; ~20 ms per 10,000 items). */
  validate?: boolean;
}

/**
 * Opens a dataset folder made by `ldf dataset prepare`. Items of a source that was not finished (a
 * prepare run killed or still running) and a torn last line are left out.
 *
 * @throws DatasetError NOT_A_DATASET (no dataset.json, damaged lines), INVALID_DATASET (schema),
 *   DATASET_MISMATCH (another format version).
 */
export async function openDataset(dir: string, options: OpenDatasetOptions = {}): Promise<OpenedDataset> {
  const abs = path.resolve(dir);
  const manifest = await readManifestIfAny(abs);
  if (manifest === undefined) throw new DatasetError('NOT_A_DATASET', `${abs}: no ${DATASET_FILES.manifest} (not a dataset made by ldf dataset prepare)`, { path: abs });
  const done = new Map<string, SourceRecord>();
  for (const r of (await readJsonl(path.join(abs, DATASET_FILES.sources))).records as SourceRecord[]) done.set(sourceKey(r.source), r);
  const { records } = await readJsonl(path.join(abs, DATASET_FILES.items));
  const validate = options.validate === false ? undefined : schemaValidator(DATASET_SCHEMAS.item);
  const items: DatasetItem[] = [];
  for (const [i, record] of records.entries()) {
    if (validate !== undefined && !validate(record)) {
      throw new DatasetError('INVALID_DATASET', `${path.join(abs, DATASET_FILES.items)}: item ${i + 1} is not valid: ${describeSchemaErrors(validate)}`, { path: abs });
    }
    const item = record as DatasetItem;
    if (done.get(sourceKey(item.source))?.status === 'ok') items.push(item);
  }
  return { dir: abs, manifest, items };
}

export interface CropPixels {
  /** RGB24, row-major, size * size * 3 bytes. */
  rgb: Uint8Array;
  size: number;
  /** The item's 68 landmarks in crop pixels. */
  landmarks: [number, number][];
}

/**
 * Decodes an item's crop PNG. `size`, when given (the manifest's crop.size), is checked.
 * @throws DatasetError BAD_CROP for a missing or unreadable file, or one that is not a square RGB image.
 */
export async function readCrop(dir: string, item: Pick<DatasetItem, 'crop' | 'landmarks'>, size?: number): Promise<CropPixels> {
  const file = path.join(dir, ...item.crop.split('/'));
  const { data, info } = await sharp(file)
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((cause: unknown) => {
      throw new DatasetError('BAD_CROP', `${file}: cannot read the crop (${String((cause as Error).message).split('\n')[0]})`, { cause, path: file });
    });
  if (info.channels !== 3 || info.width !== info.height || (size !== undefined && info.width !== size)) {
    throw new DatasetError('BAD_CROP', `${file}: expected a ${size ?? 'square'}${size === undefined ? '' : `x${size}`} RGB crop, got ${info.width}x${info.height} with ${info.channels} channels`, { path: file });
  }
  return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.length), size: info.width, landmarks: item.landmarks };
}
