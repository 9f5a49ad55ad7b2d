/**
 * Prepared face datasets: `ldf dataset prepare` writes them (prepareDataset), the trainer reads them
 * (openDataset, readCrop). Format: dataset-format.ts and schemas/dataset-*.schema.json.
 */
export { DatasetError, type DatasetErrorCode } from './dataset-error.js';
export {
  computeCounts,
  cropPath,
  CROPS_PER_FOLDER,
  DATASET_FILES,
  DATASET_FORMAT_VERSION,
  DATASET_SCHEMAS,
  itemId,
  LANDMARK_COUNT,
  sourceKey,
  type DatasetCounts,
  type DatasetItem,
  type DatasetManifest,
  type DatasetOptions,
  type DatasetRun,
  type DatasetSplit,
  type ErrorRecord,
  type FaceLabel,
  type SourceRecord,
  type SourceRef,
} from './dataset-format.js';
export { openDataset, readCrop, type CropPixels, type OpenDatasetOptions, type OpenedDataset } from './open-dataset.js';
export {
  DATASET_DEFAULTS,
  landmarksInCrop,
  prepareDataset,
  type PrepareContext,
  type PrepareDatasetOptions,
  type PrepareEvent,
  type PrepareListener,
  type PrepareSummary,
} from './prepare-dataset.js';
