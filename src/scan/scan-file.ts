import { pointsBounds } from '../faces/crop-face.js';
import type { LdfnetModel } from '../model/ldfnet-model.js';
import type { FaceResult, FileResult, MediaSummary, StageTimings, TrackResult } from '../report/scan-report.js';
import { verdictFor, type VerdictThresholds } from '../report/verdicts.js';
import type { FfmpegAdapter } from '../video/ffmpeg-adapter.js';
import type { MediaInfo } from '../video/media-info.js';
import type { FrameReaderWarning } from '../video/frame-reader.js';
import { inProcessOpener, type FrameRequest, type MediaOpener, type OpenedMedia } from '../video/media-opener.js';
import { computeSampleTimes, type SamplingSpec } from '../video/sample-times.js';
import { aggregateScores, type AggregateOptions } from './aggregate-scores.js';
import { fileSha256 } from './file-sha256.js';
import { linkTracks } from './link-tracks.js';
import { ScanError } from './scan-error.js';

/** A face as the detector reports it (frame pixels). */
export interface FoundFace {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  /** The 68 landmarks (frame pixels) when detect() ran with `landmarks: true`, else empty. */
  landmarks: readonly (readonly [number, number])[];
}

export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** What scanning needs to find faces; the face-api detector implements it. */
export interface FaceFinder {
  detect(
    frame: RgbImage,
    options: {
      minConfidence: number;
      minFacePx: number;
      maxFaces: number;
      landmarks: boolean;
      tightCropRetry?: boolean;
      /** Told how many faces the frame had beyond maxFaces (only when it had some). */
      onDropped?: (count: number) => void;
    },
  ): Promise<FoundFace[]>;
}

/** The crop function (src/faces/crop-face.ts), passed in so scanning and training share one. */
export type CropFunction = (frame: RgbImage, face: Pick<FoundFace, 'box' | 'landmarks'>, convention: LdfnetModel['manifest']['crop']) => Uint8Array;

/** The loaded things a scan runs with; one set serves a whole batch. */
export interface ScanContext {
  model: LdfnetModel;
  detector: FaceFinder;
  crop: CropFunction;
  ffmpeg: FfmpegAdapter;
  /** Probes and decodes files; default: in this thread with `ffmpeg` (a DecodePool decodes in a thread of its own). */
  opener?: MediaOpener | undefined;
}

export interface ScanSettings {
  sampling: SamplingSpec;
  startMs?: number | undefined;
  endMs?: number | undefined;
  maxFrames?: number | undefined;
  minFacePx: number;
  minConfidence: number;
  maxFaces: number;
  aggregate: AggregateOptions;
  /** Tracks with fewer faces do not count for the file's score (capped at the frames sampled). */
  minTrackFaces: number;
  thresholds: VerdictThresholds;
  /** Faces per forward pass of the network. */
  batchSize: number;
  /**
   * Faces whose size (faceSizeOf) is below this are too small to judge: counted in facesTooSmall, not
   * scored, never part of a track or of the verdict (default 0: every face is judged).
   */
  minJudgedFacePx?: number;
  /**
   * count / every sampling: 'auto' (default) takes a sample's nearest key frame where each sample has one
   * of its own (decoding nothing else of its GOP), the exact frame elsewhere; 'exact' always decodes the
   * frame on screen at the sample time.
   */
  decode?: 'auto' | 'exact' | undefined;
  /** Frames are decoded with their longer side at most this (bigger sources are scaled down). */
  maxSidePx?: number | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Keep, per person, the crops of this many faces that scored highest and as many that scored lowest
   * (report: TrackResult.thumbnails; the crops themselves go out as an `evidence` event). Default 0: none.
   * Memory: the crops of one file's faces are held until the file ends (frames x faces x 192 KiB).
   */
  evidencePerRank?: number | undefined;
}

/** Progress of a scan, for whoever renders it (the CLI draws bars; scanning never prints). */
export type ScanEvent =
  | { type: 'file-start'; path: string; fileIndex: number }
  | { type: 'frames-planned'; path: string; fileIndex: number; frames: number | null }
  | { type: 'frame-done'; path: string; fileIndex: number; framesDone: number; faces: number }
  | { type: 'file-done'; path: string; fileIndex: number; result: FileResult }
  | { type: 'warning'; path: string; fileIndex: number; message: string }
  /**
   * The crops kept as evidence (ScanSettings.evidencePerRank), sent before file-done: each the exact RGB
   * crop LDFnet scored, named as the report's TrackResult.thumbnails name it.
   */
  | { type: 'evidence'; path: string; fileIndex: number; crops: EvidenceCrop[] };

export interface EvidenceCrop {
  /** The file name the report points at (Thumbnail.image). */
  image: string;
  /** RGB24, sizePx x sizePx. */
  rgb: Uint8Array;
  sizePx: number;
}

export type ScanEventListener = (event: ScanEvent) => void;

/** Default cap on decoded frame size: 1080p sources stay native, 4K/8K are scaled down. */
export const DEFAULT_MAX_SIDE_PX = 1920;

function errorInfo(error: unknown, path: string): { code: string; message: string } {
  const code = (error as { code?: unknown } | null)?.code;
  let message = error instanceof Error ? error.message : String(error);
  message = message.split('\n')[0] ?? message;
  // The report names the file once; messages that start with it do not repeat it.
  if (message.startsWith(`${path}: `)) message = message.slice(path.length + 2);
  return { code: typeof code === 'string' ? code : 'INTERNAL_ERROR', message };
}

/** The damage the frame reader reported for a file, or null when every sample got a frame. */
function damageOf(warnings: readonly FrameReaderWarning[], samplesPlanned: number | null): NonNullable<FileResult['damage']> | null {
  const missing = warnings.filter((w) => w.code === 'MISSING_SAMPLE');
  const truncated = warnings.find((w) => w.code === 'TRUNCATED');
  const decodeErrors = warnings.reduce((n, w) => n + (w.code === 'CORRUPT_DATA' ? w.decodeErrors : 0), 0);
  if (missing.length === 0 && truncated === undefined && decodeErrors === 0) return null;
  return {
    decodeErrors,
    firstDecodeError: warnings.flatMap((w) => (w.code === 'CORRUPT_DATA' && w.firstError !== null ? [w.firstError] : []))[0] ?? null,
    truncated: truncated !== undefined,
    decodedUntilMs: truncated?.code === 'TRUNCATED' ? truncated.decodedUntilMs : null,
    declaredDurationMs: truncated?.code === 'TRUNCATED' ? truncated.declaredDurationMs : null,
    samplesPlanned,
    samplesMissing: missing.length,
    missingTimestampsMs: missing.map((w) => (w.code === 'MISSING_SAMPLE' ? w.requestedTimestampMs : 0)),
  };
}

function damageMessage(damage: NonNullable<FileResult['damage']>): string {
  const seconds = (ms: number | null): string => (ms === null ? '?' : `${(ms / 1000).toFixed(2)} s`);
  const missing = `${damage.samplesMissing}${damage.samplesPlanned === null ? '' : ` of ${damage.samplesPlanned}`} sampled times have no decodable frame`;
  const decoder = damage.decodeErrors > 0 ? `the decoder reported ${damage.decodeErrors} error(s) in the data${damage.firstDecodeError === null ? '' : ` (${damage.firstDecodeError})`}, so frames may show concealed damage` : '';
  if (damage.samplesMissing === 0 && !damage.truncated) return `damaged media: ${decoder}`;
  if (!damage.truncated) return `damaged media: ${missing}${decoder === '' ? '' : `; ${decoder}`}`;
  const extent = damage.decodedUntilMs === null ? 'no frame decodes' : `frames end at ${seconds(damage.decodedUntilMs)}`;
  return `damaged or truncated media: ${extent} of ${seconds(damage.declaredDurationMs)} declared; ${missing}`;
}

function mediaSummary(media: MediaInfo, width: number, height: number): MediaSummary {
  const v = media.video;
  return {
    container: media.formatName,
    codec: v.codec,
    durationMs: media.durationMs,
    width,
    height,
    rotationDeg: v.rotationDeg,
    frameRate: v.frameRate,
    variableFrameRate: v.isVariableFrameRate,
    bitDepth: v.bitDepth,
    hdr: v.isHdr,
    isStillImage: media.isStillImage,
  };
}

function plannedFrames(media: MediaInfo, settings: ScanSettings): number | null {
  if (media.isStillImage) return 1;
  if (settings.sampling.mode === 'keyframes') return null;
  return computeSampleTimes({
    sampling: settings.sampling,
    durationMs: media.durationMs,
    isStillImage: false,
    frameRate: media.video.frameRate,
    startMs: settings.startMs,
    endMs: settings.endMs,
    maxFrames: settings.maxFrames,
  }).length;
}

interface PendingFace {
  frameIndex: number;
  timestampMs: number;
  box: FoundFace['box'];
  detectionScore: number;
  faceSizePx: number;
}

/**
 * A face's size for judging: the longer side of the box its crop is built on (the landmarks' box for a
 * landmarks-square crop, the detector's box for square-box-scaled), frame pixels.
 */
export function faceSizeOf(face: Pick<FoundFace, 'box' | 'landmarks'>, cropName: string): number {
  if (cropName === 'landmarks-square' && face.landmarks.length > 0) {
    const b = pointsBounds(face.landmarks);
    return Math.max(b.width, b.height);
  }
  return Math.max(face.box.width, face.box.height);
}

/** The frames a scan asks the decoder for. */
export function frameRequestOf(settings: ScanSettings): FrameRequest {
  return {
    sampling: settings.sampling,
    startMs: settings.startMs,
    endMs: settings.endMs,
    maxFrames: settings.maxFrames,
    maxSidePx: settings.maxSidePx ?? DEFAULT_MAX_SIDE_PX,
    decode: settings.decode === 'exact' ? 'exact' : 'nearest-keyframe',
  };
}

/**
 * Scans one file: probe, sample frames, find faces, crop, score, link
 * faces into tracks, aggregate, decide. Never throws for a problem with the
 * file: that becomes a result with status `error` and a one-line reason.
 * Memory stays bounded: a frame is dropped once its faces are cropped, and
 * crops once their batch is scored.
 */
export async function scanFile(
  path: string,
  ctx: ScanContext,
  settings: ScanSettings,
  fileIndex = 0,
  emit: ScanEventListener = () => {},
): Promise<FileResult> {
  const opener = ctx.opener ?? inProcessOpener(ctx.ffmpeg);
  const opened = opener.open(path, frameRequestOf(settings), { signal: settings.signal });
  return analyzeFile(opened, ctx, settings, { fileIndex, emit, sha256: fileSha256(path, settings.signal).catch(() => null) });
}

export interface AnalyzeOptions {
  fileIndex?: number;
  emit?: ScanEventListener;
  /** The file's sha256 (computed alongside; null when it could not be read). */
  sha256?: Promise<string | null>;
}

/**
 * The analysis half of scanFile, for a file whose probing and decoding
 * have already started (possibly ahead of time, in another thread): takes
 * its frames in order and does everything else here. Closes `opened`.
 */
export async function analyzeFile(opened: OpenedMedia, ctx: ScanContext, settings: ScanSettings, options: AnalyzeOptions = {}): Promise<FileResult> {
  const path = opened.path;
  const fileIndex = options.fileIndex ?? 0;
  const emit = options.emit ?? ((): void => {});
  const started = performance.now();
  const timings: StageTimings = { probeMs: 0, decodeMs: 0, detectMs: 0, cropMs: 0, classifyMs: 0, totalMs: 0 };
  const result: FileResult = {
    path,
    status: 'ok',
    verdict: 'no-face',
    scoreFake: null,
    worstTrackId: null,
    error: null,
    sha256: null,
    sizeBytes: null,
    media: null,
    framesSampled: 0,
    facesDetected: 0,
    tracks: [],
    timings,
  };
  emit({ type: 'file-start', path, fileIndex });
  const readerWarnings: FrameReaderWarning[] = [];
  opened.onWarning((warning) => {
    readerWarnings.push(warning);
    emit({ type: 'warning', path, fileIndex, message: warning.message });
  });
  try {
    const { media, probeMs, sizeBytes } = await opened.probed;
    timings.probeMs = probeMs;
    result.sizeBytes = sizeBytes;
    emit({ type: 'frames-planned', path, fileIndex, frames: plannedFrames(media, settings) });

    const faces: PendingFace[] = [];
    let facesTooSmall = 0;
    let facesDropped = 0;
    let keyframeFrames = 0;
    const scores: number[] = [];
    let crops: Uint8Array[] = [];
    const keepEvidence = (settings.evidencePerRank ?? 0) > 0;
    const keptCrops: Uint8Array[] = [];
    const classify = async (): Promise<void> => {
      if (crops.length === 0) return;
      const c = performance.now();
      const batch = crops;
      crops = [];
      scores.push(...(await ctx.model.predict(batch, { batchSize: settings.batchSize })));
      timings.classifyMs += performance.now() - c;
    };

    let t = performance.now();
    for await (const frame of opened.frames()) {
      timings.decodeMs += performance.now() - t;
      if (settings.signal?.aborted === true) throw new ScanError('ABORTED', 'aborted');
      if (result.media === null) result.media = mediaSummary(media, frame.width, frame.height);
      if (frame.keyframe === true) keyframeFrames++;
      const frameIndex = result.framesSampled++;
      const d = performance.now();
      const found = await ctx.detector.detect(frame, {
        minConfidence: settings.minConfidence,
        minFacePx: settings.minFacePx,
        maxFaces: settings.maxFaces,
        // A landmark-defined crop needs the 68 points; a box crop needs only the box (landmark net skipped).
        landmarks: ctx.model.manifest.crop.name === 'landmarks-square',
        // A small still with no face may be a tight face crop (a profile photo, an exported crop): search
        // it again inside a black margin. Not video frames: there the margin finds faces in texture.
        tightCropRetry: media.isStillImage,
        onDropped: (count) => (facesDropped += count),
      });
      timings.detectMs += performance.now() - d;
      const c = performance.now();
      for (const face of found) {
        const faceSizePx = faceSizeOf(face, ctx.model.manifest.crop.name);
        if (faceSizePx < (settings.minJudgedFacePx ?? 0)) {
          facesTooSmall++;
          continue;
        }
        faces.push({ frameIndex, timestampMs: frame.timestampMs, box: face.box, detectionScore: face.score, faceSizePx: Math.round(faceSizePx * 10) / 10 });
        const crop = ctx.crop(frame, face, ctx.model.manifest.crop);
        crops.push(crop);
        if (keepEvidence) keptCrops.push(crop);
      }
      timings.cropMs += performance.now() - c;
      if (crops.length >= settings.batchSize) await classify();
      emit({ type: 'frame-done', path, fileIndex, framesDone: result.framesSampled, faces: faces.length });
      t = performance.now();
    }
    await classify();
    const damage = damageOf(readerWarnings, plannedFrames(media, settings));
    if (result.framesSampled === 0) {
      if (damage !== null) {
        result.damage = damage;
        throw new ScanError('DAMAGED_MEDIA', damageMessage(damage));
      }
      throw new ScanError('NO_FRAMES', 'no frame could be decoded in the sampled range');
    }
    const duplicates = readerWarnings.filter((w) => w.code === 'DUPLICATE_FRAME').length;
    if (duplicates > 0) result.duplicateSamples = duplicates;
    result.facesDetected = faces.length + facesTooSmall;
    if (!media.isStillImage && (settings.sampling.mode === 'count' || settings.sampling.mode === 'every')) {
      result.decode = { mode: settings.decode === 'exact' ? 'exact' : 'auto', keyframeFrames, exactFrames: result.framesSampled - keyframeFrames };
    }
    if ((settings.minJudgedFacePx ?? 0) > 0) result.facesTooSmall = facesTooSmall;
    if (facesDropped > 0) result.facesDropped = facesDropped;
    const faceIndex = new Map<FaceResult, number>();
    result.tracks = buildTracks(faces, scores, settings, result.framesSampled, (face, i) => faceIndex.set(face, i));
    if (keepEvidence) {
      const fileId = ((await options.sha256) ?? `file-${fileIndex}`).slice(0, 16);
      const evidence: EvidenceCrop[] = [];
      for (const track of result.tracks) {
        track.thumbnails = pickThumbnails(track, settings.evidencePerRank ?? 0).map(({ face, rank }) => {
          const image = `${fileId}-t${track.id}-f${face.frameIndex}.png`;
          evidence.push({ image, rgb: keptCrops[faceIndex.get(face)!]!, sizePx: ctx.model.manifest.crop.size });
          return { frameIndex: face.frameIndex, timestampMs: face.timestampMs, scoreFake: face.scoreFake, rank, image };
        });
      }
      if (evidence.length > 0) emit({ type: 'evidence', path, fileIndex, crops: evidence });
    }
    const counted = result.tracks.filter((tr) => tr.counted);
    if (counted.length > 0) {
      const worst = counted.reduce((a, b) => (b.scoreFake > a.scoreFake ? b : a));
      result.scoreFake = worst.scoreFake;
      result.worstTrackId = worst.id;
      result.verdict = verdictFor(worst.scoreFake, settings.thresholds);
    } else if (facesTooSmall > 0 && faces.length === 0) {
      // Faces were there, but none the model can judge: never a real or fake verdict, never a score.
      result.verdict = 'too-small';
    }
    if (damage !== null) {
      // What was decoded stays in the report (tracks, damage); the file gets no verdict and no score.
      result.damage = damage;
      result.status = 'error';
      result.verdict = 'error';
      result.scoreFake = null;
      result.worstTrackId = null;
      result.error = { code: 'DAMAGED_MEDIA', message: damageMessage(damage) };
    }
  } catch (error) {
    result.status = 'error';
    result.verdict = 'error';
    result.scoreFake = null;
    result.worstTrackId = null;
    result.tracks = [];
    result.error = errorInfo(error, path);
  } finally {
    opened.close();
  }
  result.sha256 = (await options.sha256) ?? null;
  timings.totalMs = performance.now() - started;
  emit({ type: 'file-done', path, fileIndex, result });
  return result;
}

/** A track's faces that scored highest (up to k) and lowest (up to k more, none twice), highest first. */
export function pickThumbnails(track: TrackResult, k: number): { face: FaceResult; rank: 'highest' | 'lowest' }[] {
  const byScore = [...track.faces].sort((a, b) => b.scoreFake - a.scoreFake || a.frameIndex - b.frameIndex);
  const highest = byScore.slice(0, k);
  const lowest = byScore.slice(Math.max(k, byScore.length - k)).reverse();
  return [...highest.map((face) => ({ face, rank: 'highest' as const })), ...lowest.map((face) => ({ face, rank: 'lowest' as const }))];
}

function buildTracks(
  faces: PendingFace[],
  scores: number[],
  settings: ScanSettings,
  framesSampled: number,
  onFace: (face: FaceResult, index: number) => void = () => {},
): TrackResult[] {
  const trackOf = linkTracks(faces.map((f) => ({ frameIndex: f.frameIndex, box: f.box })));
  const minFaces = Math.max(1, Math.min(settings.minTrackFaces, framesSampled));
  const members = new Map<number, FaceResult[]>();
  faces.forEach((f, i) => {
    const list = members.get(trackOf[i]!) ?? [];
    const face: FaceResult = {
      frameIndex: f.frameIndex,
      timestampMs: f.timestampMs,
      box: f.box,
      detectionScore: f.detectionScore,
      scoreFake: scores[i]!,
      faceSizePx: f.faceSizePx,
    };
    onFace(face, i);
    list.push(face);
    members.set(trackOf[i]!, list);
  });
  return [...members.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([id, list]) => {
      const scoreFake = aggregateScores(
        list.map((f) => f.scoreFake),
        settings.aggregate,
      );
      return {
        id,
        faceCount: list.length,
        scoreFake,
        verdict: verdictFor(scoreFake, settings.thresholds),
        counted: list.length >= minFaces,
        firstTimestampMs: list[0]!.timestampMs,
        lastTimestampMs: list.at(-1)!.timestampMs,
        faces: list,
      };
    });
}
