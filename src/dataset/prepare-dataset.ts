/**
 * `ldf dataset prepare`: finds the faces in folders of photos and videos once, and stores each face as a
 * crop (cropFace with the model's crop convention, the function `ldf scan` uses) plus its 68 landmarks in
 * crop pixels, labelled and split, so training never runs the detector again. See dataset-format.ts for
 * the files.
 *
 * Pipeline: sources are planned (label, identity, split) and photos decoded with sharp a few files ahead
 * of the detector (mapAhead); small photos are searched 9 at a time (mosaic-detect.ts), bigger photos and
 * video frames one by one (videos sampled with src/video readFrames, as `ldf scan` samples them); each
 * finished source is handed to the store (PNG encoding on sharp's threads) while the detector goes on with
 * the next ones.
 */
import path from 'node:path';
import { cropFace, cropRegion, type CropTarget } from '../faces/crop-face.js';
import type { DetectedFace } from '../faces/face-detector.js';
import type { RgbFrame } from '../faces/rgb-frame.js';
import { DEFAULT_CROP_CONVENTION, type CropConvention } from '../model/manifest.js';
import { readAhead } from '../util/read-ahead.js';
import { FfmpegAdapter } from '../video/ffmpeg-adapter.js';
import type { ResolveBinariesOptions } from '../video/ffmpeg-binaries.js';
import { DAMAGE_WARNING_CODES, readFrames, type FrameReaderWarning } from '../video/frame-reader.js';
import { probeMedia } from '../video/probe.js';
import type { SamplingSpec } from '../video/sample-times.js';
import { checkSplitOptions, compileIdentityPattern, identityFromPattern, splitFor } from './assign-split.js';
import { decodeStill } from './decode-still.js';
import { samplingRecord } from './sampling-record.js';
import { discoverSources, type DiscoveredSource } from './discover-sources.js';
import { DatasetError } from './dataset-error.js';
import {
  itemId,
  LANDMARK_COUNT,
  sourceKey,
  type DatasetManifest,
  type DatasetOptions,
  type DatasetSplit,
  type FaceLabel,
  type SourceRecord,
  type SourceRef,
} from './dataset-format.js';
import { DatasetStore, readManifestIfAny, type FaceToStore, type ResumeState, type SourceCommit } from './dataset-store.js';
import { labelFromLayout, readLabelsCsv, type LabelsCsvEntry } from './label-rules.js';
import { DEFAULT_MOSAIC, detectInMosaic, detectPadded, type FaceFilter, type LandmarkFaceDetector } from './mosaic-detect.js';
import { mapAhead } from './pipeline.js';

export const DATASET_DEFAULTS = {
  frames: 32,
  maxSidePx: 1920,
  minFacePx: 40,
  minConfidence: 0.5,
  /** One face per frame: the most confident (datasets of one person per photo / video). */
  maxFaces: 1,
  valShare: 0,
  splitSeed: 0,
} as const;

export interface PrepareDatasetOptions {
  /** Folders (walked recursively) and files. */
  inputs: readonly string[];
  /** The dataset folder (created, or added to / resumed). */
  outDir: string;
  /** A CSV of `path,label[,identity]` (paths relative to the CSV's folder). */
  labelsFile?: string | undefined;
  /** The label of every source that has none from --labels (must agree with a real/ or fake/ folder). */
  label?: FaceLabel | undefined;
  /** A regular expression on the path below the input root; its first group is the identity. */
  identityPattern?: string | undefined;
  /** Share of identities in the validation split, [0, 1). Default 0. */
  valShare?: number | undefined;
  splitSeed?: number | undefined;
  sampling?: SamplingSpec | undefined;
  startMs?: number | undefined;
  endMs?: number | undefined;
  maxFrames?: number | undefined;
  maxSidePx?: number | undefined;
  minFacePx?: number | undefined;
  minConfidence?: number | undefined;
  maxFaces?: number | undefined;
  /** Photos per mosaic row / column (1 = one photo per detector pass). Default 3. */
  mosaicGrid?: number | undefined;
  /** Try sources that failed in an earlier run again. */
  retryErrors?: boolean | undefined;
  crop?: CropConvention | undefined;
  toolVersion?: string | undefined;
  /** Backend name for the run record (dataset.json runs[]). */
  backend?: string | null | undefined;
  signal?: AbortSignal | undefined;
}

export interface PrepareContext {
  /** A loaded FaceDetector (src/faces/face-detector.ts), reused for every source. */
  detector: LandmarkFaceDetector & { faceApiVersion: string; implementation: string };
  /** Used for videos; created on the first video when left out. */
  ffmpeg?: FfmpegAdapter | undefined;
  binaries?: ResolveBinariesOptions | undefined;
}

export type PrepareEvent =
  | { type: 'start'; found: number; toProcess: number; alreadyDone: number; ignored: number; resume: ResumeState }
  | { type: 'source-done'; file: string; record: SourceRecord; processed: number; toProcess: number }
  | { type: 'source-error'; file: string; code: string; message: string }
  | { type: 'input-problem'; path: string; code: string; message: string }
  | { type: 'warning'; file: string | null; message: string };

export type PrepareListener = (event: PrepareEvent) => void;

export interface PrepareSummary {
  dir: string;
  /** The dataset's manifest after the run; null when nothing was found and DIR holds no dataset. */
  manifest: DatasetManifest | null;
  /** Sources found in the inputs. */
  sourcesFound: number;
  /** Found but already done by an earlier run. */
  sourcesSkipped: number;
  sourcesProcessed: number;
  sourcesWithFaces: number;
  sourcesWithoutFaces: number;
  sourcesFailed: number;
  /** Inputs that do not exist, folders that cannot be listed. */
  inputProblems: number;
  /** Files in the folders that are neither images nor videos. */
  ignoredFiles: number;
  /** Face crops added by this run. */
  items: number;
  /** Frames searched (a photo is one). */
  frames: number;
  elapsedMs: number;
  /** frames / elapsed seconds (null when nothing was processed). */
  imagesPerSecond: number | null;
  /** The run stopped early (signal). */
  aborted: boolean;
}

interface PlannedSource {
  found: DiscoveredSource;
  ref: SourceRef;
  label: FaceLabel | null;
  identity: string | null;
  split: DatasetSplit | null;
  /** Decoded photo (kind image, when decoding worked). */
  frame?: RgbFrame;
  error?: { code: string; message: string };
}

/**
 * Prepares (or adds to, or resumes) the dataset in `options.outDir`. Problems with single files never
 * throw: they become error lines (errors.jsonl, a 'source-error' event) and the other files go on.
 *
 * @throws DatasetError INVALID_OPTIONS, BAD_LABELS_FILE, NOT_A_DATASET, INVALID_DATASET, DATASET_MISMATCH,
 *   DATASET_LOCKED; file system errors writing the dataset.
 */
export async function prepareDataset(options: PrepareDatasetOptions, context: PrepareContext, emit: PrepareListener = () => {}): Promise<PrepareSummary> {
  const startedAt = new Date().toISOString();
  const datasetOptions = resolveOptions(options);
  const crop = options.crop ?? DEFAULT_CROP_CONVENTION;
  const pattern = datasetOptions.identityPattern === null ? null : compileIdentityPattern(datasetOptions.identityPattern);
  const csv = options.labelsFile === undefined ? null : await readLabelsCsv(options.labelsFile);
  const outDir = path.resolve(options.outDir);

  const discovery = await discoverSources(options.inputs, { excludeDirs: [outDir] });
  for (const p of discovery.problems) emit({ type: 'input-problem', path: p.path, code: p.code, message: p.message });
  if (csv !== null) {
    const found = new Set(discovery.sources.map((s) => s.file));
    const unused = [...csv.keys()].filter((k) => !found.has(k)).length;
    if (unused > 0) emit({ type: 'warning', file: options.labelsFile ?? null, message: `${unused} file(s) listed in ${options.labelsFile} are not among the inputs` });
  }

  if (discovery.sources.length === 0) {
    // Nothing to do: no folder is created (a mistyped input must not leave a dataset with these options).
    emit({ type: 'start', found: 0, toProcess: 0, alreadyDone: 0, ignored: discovery.ignored, resume: { sources: 0, items: 0, repaired: { itemLines: 0, errorLines: 0, sourceLines: 0, cropFiles: 0, tornLines: 0 } } });
    return { ...emptySummary(outDir, (await readManifestIfAny(outDir)) ?? null), inputProblems: discovery.problems.length, ignoredFiles: discovery.ignored };
  }

  const store = await DatasetStore.open({
    dir: outDir,
    crop,
    options: datasetOptions,
    detector: { name: 'face-api ssd-mobilenet-v1 + face-landmark-68', faceApiVersion: context.detector.faceApiVersion, implementation: context.detector.implementation },
    toolVersion: options.toolVersion ?? '0.0.0',
    run: {
      startedAt,
      inputs: options.inputs.map((i) => path.resolve(i)),
      labelsFile: options.labelsFile === undefined ? null : path.resolve(options.labelsFile),
      label: options.label ?? null,
      backend: options.backend ?? null,
    },
    retryErrors: options.retryErrors,
  });

  const summary: PrepareSummary = {
    ...emptySummary(outDir, store.current),
    sourcesFound: discovery.sources.length,
    inputProblems: discovery.problems.length,
    ignoredFiles: discovery.ignored,
  };
  const started = performance.now();
  try {
    const todo: Array<{ found: DiscoveredSource; ref: SourceRef }> = [];
    for (const found of discovery.sources) {
      const ref = { root: await store.rootKey(found.rootPath), path: found.relPath };
      if (store.isDone(ref)) summary.sourcesSkipped++;
      else todo.push({ found, ref });
    }
    emit({ type: 'start', found: discovery.sources.length, toProcess: todo.length, alreadyDone: summary.sourcesSkipped, ignored: discovery.ignored, resume: store.resume });

    const filter: FaceFilter = { minConfidence: datasetOptions.minConfidence, minFacePx: datasetOptions.minFacePx, maxFaces: datasetOptions.maxFaces };
    const mosaic = datasetOptions.mosaic;
    const groupSize = mosaic.grid * mosaic.grid;
    let ffmpeg = context.ffmpeg;

    // Finished sources are written in order while the detector goes on (bounded backlog).
    let writing: Promise<void> = Promise.resolve();
    let backlog = 0;
    let writeFailed = false;
    const commit = async (planned: PlannedSource, faces: FaceToStore[], frames: number, error: { code: string; message: string } | null): Promise<void> => {
      const status: SourceRecord['status'] = error !== null ? 'error' : faces.length > 0 ? 'ok' : 'no-face';
      const source: SourceCommit = {
        record: { source: planned.ref, kind: planned.found.kind, status, label: planned.label, identity: planned.identity, split: planned.split, frames, error },
        faces: error === null ? faces : [],
        error: error === null ? null : { source: planned.ref, file: planned.found.file, code: error.code, message: error.message },
      };
      summary.frames += frames;
      backlog++;
      const next = writing.then(async () => {
        const record = await store.commit(source);
        backlog--;
        summary.sourcesProcessed++;
        summary.items += record.faces;
        if (record.status === 'ok') summary.sourcesWithFaces++;
        else if (record.status === 'no-face') summary.sourcesWithoutFaces++;
        else {
          summary.sourcesFailed++;
          emit({ type: 'source-error', file: planned.found.file, code: error!.code, message: error!.message });
        }
        emit({ type: 'source-done', file: planned.found.file, record, processed: summary.sourcesProcessed, toProcess: todo.length });
      });
      next.catch(() => {
        writeFailed = true; // rethrown by the next await of `writing`
      });
      writing = next;
      if (backlog > 2 * groupSize || writeFailed) await writing;
    };

    const facesOf = (planned: PlannedSource, frame: RgbFrame, found: readonly DetectedFace[], frameIndex: number, timestampMs: number | null): FaceToStore[] =>
      found.map((face, faceIndex) => toStore(planned, frame, face, crop, frameIndex, faceIndex, timestampMs));

    let group: PlannedSource[] = [];
    const flushGroup = async (): Promise<void> => {
      if (group.length === 0) return;
      const photos = group;
      group = [];
      const found = await detectInMosaic(context.detector, photos.map((p) => p.frame!), mosaic, filter);
      for (const [k, planned] of photos.entries()) {
        const frame = planned.frame!;
        let faces = found[k]!;
        // Nothing in the mosaic: search the photo alone, with a margin (tight crops need context).
        if (faces.length === 0) faces = await retryPadded(context.detector, frame, filter);
        // Nor there: the photo as it is (small faces in a mid-sized photo shrink too much in the other two).
        if (faces.length === 0) faces = await context.detector.detect(frame, { ...filter, landmarks: true });
        await commit(planned, facesOf(planned, frame, faces, 0, null), 1, null);
      }
    };

    const plan = async (item: { found: DiscoveredSource; ref: SourceRef }): Promise<PlannedSource> => {
      const planned: PlannedSource = { ...item, label: null, identity: null, split: null };
      const labelled = labelSource(item.found, item.ref, csv, options.label ?? null, pattern);
      if ('error' in labelled) return { ...planned, error: labelled.error };
      Object.assign(planned, labelled, { split: splitFor(labelled.identity, datasetOptions.valShare, datasetOptions.splitSeed) });
      if (item.found.kind === 'image') {
        try {
          planned.frame = await decodeStill(item.found.file, datasetOptions.maxSidePx);
        } catch (error) {
          planned.error = errorInfo(error, item.found.file);
        }
      }
      return planned;
    };

    const stopRequested = (): boolean => options.signal?.aborted === true;
    for await (const planned of mapAhead(todo, plan, groupSize + 3)) {
      if (stopRequested()) {
        summary.aborted = true;
        break;
      }
      if (planned.error !== undefined) {
        await flushGroup();
        await commit(planned, [], 0, planned.error);
      } else if (planned.frame !== undefined) {
        const small = Math.max(planned.frame.width, planned.frame.height) <= mosaic.maxSidePx;
        if (small && mosaic.grid > 1) {
          group.push(planned);
          if (group.length >= groupSize) await flushGroup();
        } else {
          await flushGroup();
          const frame = planned.frame;
          let found = await context.detector.detect(frame, { ...filter, landmarks: true });
          if (found.length === 0) found = await retryPadded(context.detector, frame, filter);
          await commit(planned, facesOf(planned, frame, found, 0, null), 1, null);
        }
      } else {
        await flushGroup();
        ffmpeg ??= await FfmpegAdapter.create(context.binaries);
        const result = await readVideoFaces(planned, ffmpeg, options, datasetOptions, filter, context.detector, facesOf, emit);
        if (stopRequested()) {
          summary.aborted = true; // an interrupted video is not done: the next run does it again
          break;
        }
        await commit(planned, result.faces, result.frames, result.error);
      }
    }
    if (!summary.aborted) await flushGroup();
    await writing;

    summary.elapsedMs = performance.now() - started;
    summary.imagesPerSecond = summary.frames > 0 ? summary.frames / (summary.elapsedMs / 1000) : null;
    summary.manifest = await store.finish({
      sourcesProcessed: summary.sourcesProcessed,
      sourcesSkipped: summary.sourcesSkipped,
      items: summary.items,
      errors: summary.sourcesFailed,
      imagesPerSecond: summary.imagesPerSecond === null ? null : Math.round(summary.imagesPerSecond * 100) / 100,
    });
    return summary;
  } finally {
    await store.release();
  }
}

/** Photos up to this size (longer side) with no face found are searched again inside a black margin. */
export const RETRY_MAX_SIDE_PX = 1024;

/**
 * Another search for a photo where none was found: alone, in the middle of a black frame 3x its size
 * (margin = its longer side), where a face filling the photo has the context the detector wants. Measured
 * on the 10 of 300 UTKFace photos the mosaic missed: margin 1x finds 8, 0.5x 5, 0.75x 6, 1.5x 2. Bigger
 * photos are not retried (a face filling a big photo is found anyway; the padded frame would be large).
 * Photos the mosaic missed are then also searched as they are (prepareDataset).
 */
async function retryPadded(detector: LandmarkFaceDetector, photo: RgbFrame, filter: FaceFilter): Promise<DetectedFace[]> {
  const side = Math.max(photo.width, photo.height);
  if (side > RETRY_MAX_SIDE_PX) return [];
  return detectPadded(detector, photo, side, filter);
}

function emptySummary(dir: string, manifest: DatasetManifest | null): PrepareSummary {
  return {
    dir,
    manifest,
    sourcesFound: 0,
    sourcesSkipped: 0,
    sourcesProcessed: 0,
    sourcesWithFaces: 0,
    sourcesWithoutFaces: 0,
    sourcesFailed: 0,
    inputProblems: 0,
    ignoredFiles: 0,
    items: 0,
    frames: 0,
    elapsedMs: 0,
    imagesPerSecond: null,
    aborted: false,
  };
}

/** The options recorded in dataset.json, defaults filled in and checked. @throws DatasetError INVALID_OPTIONS */
export function resolveOptions(options: PrepareDatasetOptions): DatasetOptions {
  const sampling = options.sampling ?? { mode: 'count', frames: DATASET_DEFAULTS.frames };
  const valShare = options.valShare ?? DATASET_DEFAULTS.valShare;
  const splitSeed = options.splitSeed ?? DATASET_DEFAULTS.splitSeed;
  checkSplitOptions(valShare, splitSeed);
  const minFacePx = options.minFacePx ?? DATASET_DEFAULTS.minFacePx;
  const minConfidence = options.minConfidence ?? DATASET_DEFAULTS.minConfidence;
  const maxFaces = options.maxFaces ?? DATASET_DEFAULTS.maxFaces;
  const maxSidePx = options.maxSidePx ?? DATASET_DEFAULTS.maxSidePx;
  const grid = options.mosaicGrid ?? DEFAULT_MOSAIC.grid;
  if (!(minFacePx >= 0 && Number.isFinite(minFacePx))) throw new DatasetError('INVALID_OPTIONS', `minFacePx must be >= 0, got ${minFacePx}`);
  if (!(minConfidence >= 0.01 && minConfidence <= 1)) throw new DatasetError('INVALID_OPTIONS', `minConfidence must be in [0.01, 1], got ${minConfidence}`);
  if (!Number.isInteger(maxFaces) || maxFaces < 1) throw new DatasetError('INVALID_OPTIONS', `maxFaces must be a positive integer, got ${maxFaces}`);
  if (!Number.isInteger(maxSidePx) || maxSidePx < 64) throw new DatasetError('INVALID_OPTIONS', `maxSidePx must be an integer >= 64, got ${maxSidePx}`);
  if (!Number.isInteger(grid) || grid < 1 || grid > 6) throw new DatasetError('INVALID_OPTIONS', `the mosaic grid must be an integer from 1 to 6, got ${grid}`);
  if (options.identityPattern !== undefined) compileIdentityPattern(options.identityPattern);
  if (options.label !== undefined && options.label !== 'real' && options.label !== 'fake') {
    throw new DatasetError('INVALID_OPTIONS', `label must be real or fake, got ${String(options.label)}`);
  }
  return {
    sampling: samplingRecord(sampling, options),
    maxSidePx,
    minFacePx,
    minConfidence,
    maxFaces,
    valShare,
    splitSeed,
    identityPattern: options.identityPattern ?? null,
    mosaic: { grid, tilePx: DEFAULT_MOSAIC.tilePx, maxSidePx: DEFAULT_MOSAIC.maxSidePx },
  };
}

/**
 * Label and identity of a source: --labels entry first; else --label and the real/ or fake/ folder above
 * the file (they must agree when both are there); identity from the CSV, else --identity-pattern, else the
 * source itself.
 */
export function labelSource(
  found: Pick<DiscoveredSource, 'file' | 'rootPath' | 'relPath'>,
  ref: SourceRef,
  csv: ReadonlyMap<string, LabelsCsvEntry> | null,
  flagLabel: FaceLabel | null,
  pattern: RegExp | null,
): { label: FaceLabel; identity: string } | { error: { code: string; message: string } } {
  const entry = csv?.get(found.file);
  let label: FaceLabel;
  if (entry !== undefined) label = entry.label;
  else {
    const layout = labelFromLayout(found.rootPath, found.relPath);
    if (flagLabel !== null && layout !== null && flagLabel !== layout) {
      return { error: { code: 'LABEL_CONFLICT', message: `--label ${flagLabel}, but the file is in a ${layout}/ folder` } };
    }
    const chosen = flagLabel ?? layout;
    if (chosen === null) {
      return { error: { code: 'NO_LABEL', message: 'no label: not below a real/ or fake/ folder, not in --labels, and no --label given' } };
    }
    label = chosen;
  }
  let identity: string;
  if (entry?.identity != null) identity = entry.identity;
  else if (pattern !== null) {
    const id = identityFromPattern(pattern, found.relPath);
    if (id === null) return { error: { code: 'NO_IDENTITY', message: `--identity-pattern ${pattern.source} does not match "${found.relPath}"` } };
    identity = id;
  } else identity = sourceKey(ref);
  return { label, identity };
}

/** One face as stored: the crop cut from the frame with cropFace, landmarks mapped into crop pixels. */
function toStore(planned: PlannedSource, frame: RgbFrame, face: DetectedFace, crop: CropConvention, frameIndex: number, faceIndex: number, timestampMs: number | null): FaceToStore {
  if (face.landmarks.length !== LANDMARK_COUNT) throw new RangeError(`expected ${LANDMARK_COUNT} landmarks, got ${face.landmarks.length}`);
  return {
    rgb: cropFace(frame, face, crop),
    item: {
      id: itemId(planned.ref, frameIndex, faceIndex),
      source: planned.ref,
      label: planned.label!,
      identity: planned.identity!,
      split: planned.split!,
      frameIndex,
      frameTimestampMs: timestampMs,
      faceIndex,
      frameWidth: frame.width,
      frameHeight: frame.height,
      box: { x: round(face.box.x, 3), y: round(face.box.y, 3), width: round(face.box.width, 3), height: round(face.box.height, 3) },
      detectionScore: round(face.score, 6),
      landmarks: landmarksInCrop(face.landmarks, face, crop),
    },
  };
}

/**
 * Landmarks mapped from frame pixels into the crop's pixels: (p - region.x) * size / region.width with
 * region = cropRegion(face) (the same square cropFace resamples), rounded to 1/100 px.
 */
export function landmarksInCrop(points: readonly (readonly [number, number])[], face: CropTarget, crop: CropConvention): [number, number][] {
  const region = cropRegion(face, crop);
  const k = crop.size / region.width;
  return points.map(([x, y]) => [round((x - region.x) * k, 2), round((y - region.y) * k, 2)]);
}

async function readVideoFaces(
  planned: PlannedSource,
  ffmpeg: FfmpegAdapter,
  options: PrepareDatasetOptions,
  datasetOptions: DatasetOptions,
  filter: FaceFilter,
  detector: LandmarkFaceDetector,
  facesOf: (planned: PlannedSource, frame: RgbFrame, found: readonly DetectedFace[], frameIndex: number, timestampMs: number | null) => FaceToStore[],
  emit: PrepareListener,
): Promise<{ faces: FaceToStore[]; frames: number; error: { code: string; message: string } | null }> {
  const file = planned.found.file;
  const faces: FaceToStore[] = [];
  let frames = 0;
  const damage: { first: FrameReaderWarning | null; missing: number } = { first: null, missing: 0 };
  try {
    const media = await probeMedia(file, { adapter: ffmpeg, signal: options.signal });
    const reader = readFrames(file, {
      sampling: options.sampling ?? { mode: 'count', frames: DATASET_DEFAULTS.frames },
      startMs: options.startMs,
      endMs: options.endMs,
      maxFrames: options.maxFrames,
      maxSidePx: datasetOptions.maxSidePx,
      mediaInfo: media,
      adapter: ffmpeg,
      signal: options.signal,
      // Damage is told once, at the end (an error without frames, else one warning); duplicates are not news.
      onWarning: (w) => {
        if (DAMAGE_WARNING_CODES.includes(w.code)) {
          damage.first = w.code === 'TRUNCATED' ? w : (damage.first ?? w);
          damage.missing += w.code === 'MISSING_SAMPLE' ? 1 : 0;
        }
      },
    });
    for await (const frame of readAhead(reader, 1)) {
      frames++;
      const rgb: RgbFrame = { width: frame.width, height: frame.height, data: frame.data };
      const found = await detector.detect(rgb, { ...filter, landmarks: true });
      faces.push(...facesOf(planned, rgb, found, frame.index, media.isStillImage ? null : frame.timestampMs));
    }
    // A damaged source keeps the faces of the frames it has (the frames are real ones); with none, it is DAMAGED_MEDIA.
    if (frames === 0 && damage.first !== null) return { faces: [], frames, error: { code: 'DAMAGED_MEDIA', message: `damaged or truncated media: ${damage.first.message.replace(`${file}: `, '')}` } };
    if (frames === 0) return { faces: [], frames, error: { code: 'NO_FRAMES', message: 'no frame could be decoded in the sampled range' } };
    if (damage.first !== null) {
      emit({ type: 'warning', file, message: `${damage.first.message}; ${damage.missing} sampled time(s) without a frame, the faces of the ${frames} decoded frame(s) kept` });
    }
    return { faces, frames, error: null };
  } catch (error) {
    return { faces: [], frames, error: errorInfo(error, file) };
  }
}

function errorInfo(error: unknown, file: string): { code: string; message: string } {
  const code = (error as { code?: unknown } | null)?.code;
  let message = error instanceof Error ? error.message : String(error);
  message = message.split('\n')[0] ?? message;
  if (message.startsWith(`${file}: `)) message = message.slice(file.length + 2);
  return { code: typeof code === 'string' ? code : 'INTERNAL_ERROR', message };
}

function round(value: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(value * k) / k;
}
