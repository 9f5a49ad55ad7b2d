/**
 * The on-disk format of a prepared face dataset (`ldf dataset prepare --out DIR`), version 1:
 *
 *   DIR/dataset.json   DatasetManifest (schemas/dataset-manifest.schema.json)
 *   DIR/items.jsonl    one DatasetItem per face crop (schemas/dataset-item.schema.json)
 *   DIR/sources.jsonl  one SourceRecord per finished source file, faces or not (schemas/dataset-source.schema.json)
 *   DIR/errors.jsonl   one ErrorRecord per source that failed (schemas/dataset-error.schema.json)
 *   DIR/crops/NNNN/NNNNNNNN.png  the crops, lossless 8-bit RGB PNG, 1000 per folder
 *
 * A source's lines are written in this order: its crop PNGs, its item lines, its error line (if it failed),
 * its sources.jsonl line. A source counts as done only once its sources.jsonl line is there; readers ignore
 * items of sources that are not done (a run killed in the middle of one) and a torn last line.
 */
import type { CropConvention } from '../model/manifest.js';
import type { SamplingOptions } from '../report/scan-report.js';

export const DATASET_FORMAT_VERSION = 1;
export const DATASET_KIND = 'ldf-face-dataset';

export const DATASET_FILES = {
  manifest: 'dataset.json',
  items: 'items.jsonl',
  sources: 'sources.jsonl',
  errors: 'errors.jsonl',
  crops: 'crops',
  lock: '.lock',
} as const;

export const DATASET_SCHEMAS = {
  manifest: 'dataset-manifest.schema.json',
  item: 'dataset-item.schema.json',
  source: 'dataset-source.schema.json',
  error: 'dataset-error.schema.json',
} as const;

/** Crop files per folder under crops/. */
export const CROPS_PER_FOLDER = 1000;

/** The number of landmarks per face (iBUG / dlib 68-point scheme). */
export const LANDMARK_COUNT = 68;

export type FaceLabel = 'real' | 'fake';
export const FACE_LABELS: readonly FaceLabel[] = ['real', 'fake'];
export type DatasetSplit = 'train' | 'val';
export const DATASET_SPLITS: readonly DatasetSplit[] = ['train', 'val'];

/** A source file: the key of its input root (DatasetManifest.roots) and its path below it, '/'-separated. */
export interface SourceRef {
  root: string;
  path: string;
}

export interface DatasetBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One face crop. */
export interface DatasetItem {
  /** `<root>/<path>#f<frameIndex>-<faceIndex>`: stable across runs and machines. */
  id: string;
  source: SourceRef;
  label: FaceLabel;
  /** Whose face: all items of one identity are in the same split. */
  identity: string;
  split: DatasetSplit;
  /** Index of the sampled frame in the source (0 for a still). */
  frameIndex: number;
  /** Presentation time of the frame in ms; null for a still image. */
  frameTimestampMs: number | null;
  /** Rank of the face in its frame (0 = the detector's most confident). */
  faceIndex: number;
  /** Size of the decoded frame the box refers to (display orientation, after the --max-side cap). */
  frameWidth: number;
  frameHeight: number;
  /** The detector's face box, frame pixels. */
  box: DatasetBox;
  detectionScore: number;
  /** Path of the crop PNG relative to the dataset folder, '/'-separated. */
  crop: string;
  /** The 68 landmarks [x, y] in crop pixels (0..crop size; points may fall slightly outside). */
  landmarks: [number, number][];
}

export type SourceKind = 'image' | 'video';
export type SourceStatus = 'ok' | 'no-face' | 'error';

/** A finished source (one line of sources.jsonl): what resuming skips. */
export interface SourceRecord {
  source: SourceRef;
  kind: SourceKind;
  status: SourceStatus;
  label: FaceLabel | null;
  identity: string | null;
  split: DatasetSplit | null;
  /** Frames decoded and searched. */
  frames: number;
  /** Face crops stored (items). */
  faces: number;
  error: { code: string; message: string } | null;
  finishedAt: string;
}

/** A source that failed (one line of errors.jsonl). */
export interface ErrorRecord {
  source: SourceRef;
  /** The file as it was found (absolute path). */
  file: string;
  code: string;
  message: string;
  at: string;
}

/**
 * The options every run on a folder must share (they shape the items); a run with different ones is refused.
 * Labels (--labels, --label) may differ from run to run.
 */
export interface DatasetOptions {
  /** Recorded as `ldf scan` records its sampling (ScanOptions.sampling). */
  sampling: SamplingOptions;
  /** Frames (and stills) are decoded with their longer side at most this. */
  maxSidePx: number;
  minFacePx: number;
  minConfidence: number;
  maxFaces: number;
  valShare: number;
  splitSeed: number;
  identityPattern: string | null;
  /** Small stills are searched for faces several at a time in a mosaic (see mosaic-detect.ts); grid 1 = off. */
  mosaic: { grid: number; tilePx: number; maxSidePx: number };
}

export interface LabelSplitCounts {
  train: number;
  val: number;
}

export interface DatasetCounts {
  sources: number;
  sourcesWithFaces: number;
  sourcesWithoutFaces: number;
  sourcesFailed: number;
  items: number;
  identities: LabelSplitCounts;
  byLabel: Record<FaceLabel, number>;
  bySplit: LabelSplitCounts;
  byLabelSplit: Record<FaceLabel, LabelSplitCounts>;
}

export interface DatasetRun {
  startedAt: string;
  /** null while running (or when the run was killed). */
  finishedAt: string | null;
  inputs: string[];
  labelsFile: string | null;
  label: FaceLabel | null;
  backend: string | null;
  sourcesProcessed: number;
  sourcesSkipped: number;
  items: number;
  errors: number;
  /** Frames (stills count one) searched per second of the run. */
  imagesPerSecond: number | null;
}

export interface DatasetManifest {
  formatVersion: typeof DATASET_FORMAT_VERSION;
  kind: typeof DATASET_KIND;
  crop: CropConvention;
  cropFormat: 'png-rgb8';
  landmarks: { points: typeof LANDMARK_COUNT; scheme: 'ibug-68'; space: 'crop-pixels' };
  options: DatasetOptions;
  detector: { name: string; faceApiVersion: string; implementation: string };
  roots: { key: string; path: string }[];
  counts: DatasetCounts;
  createdAt: string;
  updatedAt: string;
  tool: { name: 'ldf'; version: string };
  runs: DatasetRun[];
}

/** The item id for a face: `<root>/<path>#f<frameIndex>-<faceIndex>`. */
export function itemId(source: SourceRef, frameIndex: number, faceIndex: number): string {
  return `${sourceKey(source)}#f${frameIndex}-${faceIndex}`;
}

/** `<root>/<path>`: the key of a source in sources.jsonl. */
export function sourceKey(source: SourceRef): string {
  return `${source.root}/${source.path}`;
}

/** Relative path (from the dataset folder) of the crop with sequence number `seq`. */
export function cropPath(seq: number): string {
  const folder = String(Math.floor(seq / CROPS_PER_FOLDER)).padStart(4, '0');
  return `${DATASET_FILES.crops}/${folder}/${String(seq).padStart(8, '0')}.png`;
}

/** The sequence number of a crop path made by cropPath, or undefined. */
export function cropSeq(path: string): number | undefined {
  const m = /^crops\/\d{4,}\/(\d{8,})\.png$/.exec(path);
  return m === null ? undefined : Number(m[1]);
}

/** Running counts of items and sources (what DatasetManifest.counts holds), without keeping the items. */
export class CountsTally {
  private readonly sourceStatus: Record<SourceStatus, number> = { ok: 0, 'no-face': 0, error: 0 };
  private readonly byLabelSplit: Record<FaceLabel, LabelSplitCounts> = { real: { train: 0, val: 0 }, fake: { train: 0, val: 0 } };
  private readonly identities = { train: new Set<string>(), val: new Set<string>() };

  addSource(record: Pick<SourceRecord, 'status'>): void {
    this.sourceStatus[record.status]++;
  }

  addItem(item: Pick<DatasetItem, 'label' | 'split' | 'identity'>): void {
    this.byLabelSplit[item.label][item.split]++;
    this.identities[item.split].add(item.identity);
  }

  counts(): DatasetCounts {
    const { real, fake } = this.byLabelSplit;
    const s = this.sourceStatus;
    return {
      sources: s.ok + s['no-face'] + s.error,
      sourcesWithFaces: s.ok,
      sourcesWithoutFaces: s['no-face'],
      sourcesFailed: s.error,
      items: real.train + real.val + fake.train + fake.val,
      identities: { train: this.identities.train.size, val: this.identities.val.size },
      byLabel: { real: real.train + real.val, fake: fake.train + fake.val },
      bySplit: { train: real.train + fake.train, val: real.val + fake.val },
      byLabelSplit: { real: { ...real }, fake: { ...fake } },
    };
  }
}

/** Counts of a set of items and sources. */
export function computeCounts(items: Iterable<Pick<DatasetItem, 'label' | 'split' | 'identity'>>, sources: Iterable<Pick<SourceRecord, 'status'>>): DatasetCounts {
  const tally = new CountsTally();
  for (const s of sources) tally.addSource(s);
  for (const item of items) tally.addItem(item);
  return tally.counts();
}
