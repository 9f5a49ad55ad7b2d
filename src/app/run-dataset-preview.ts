/**
 * `ldf dataset preview` as a use case: a PNG sheet of a prepared dataset's crops (with SBI: each crop, its
 * mask, its self-blended twin and their difference), src/train/preview-dataset.ts. Prints nothing: the sheet's
 * size and the items on it are returned.
 */
import { writeDatasetPreview, type PreviewOptions, type PreviewResult } from '../train/preview-dataset.js';

export type DatasetPreviewRequest = PreviewOptions & {
  /** The dataset folder (made by ldf dataset prepare). */
  dir: string;
  /** The PNG file to write. */
  outFile: string;
};

/** @throws DatasetError (not a dataset, no matching crops), SbiError. */
export async function runDatasetPreview(request: DatasetPreviewRequest): Promise<PreviewResult> {
  const { dir, outFile, ...options } = request;
  return writeDatasetPreview(dir, outFile, options);
}
