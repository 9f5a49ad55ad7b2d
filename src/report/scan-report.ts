import type { FailOn, Verdict, VerdictThresholds } from './verdicts.js';

/**
 * Version 2 added inputs (folders, globs, shard), skipped, problems,
 * stopped, merged and the batch summary fields; version 1 reports are read
 * and upgraded (src/report/load-report.ts).
 */
export const SCAN_REPORT_VERSION = 2;

export interface ReportBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FaceResult {
  /** Index of the sampled frame (0-based, in sampling order). */
  frameIndex: number;
  timestampMs: number;
  /** Face box in displayed-frame pixels (after rotation). */
  box: ReportBox;
  /** The face detector's confidence. */
  detectionScore: number;
  /** LDFnet's probability that this face crop is forged. */
  scoreFake: number;
  /** The longer side of the box the crop is built on (the landmarks' box for landmark crops), frame px. */
  faceSizePx?: number;
}

/**
 * One of a person's crops kept as evidence (`ldf scan --evidence DIR`, `--format html`): the exact 256x256
 * crop LDFnet scored, written as DIR/image (PNG). The faces that scored highest and lowest are kept.
 */
export interface Thumbnail {
  frameIndex: number;
  timestampMs: number;
  scoreFake: number;
  rank: 'highest' | 'lowest';
  /** File name in the evidence folder: FILESHA256[0..16]-t{track}-f{frame}.png. */
  image: string;
}

export interface TrackResult {
  id: number;
  faceCount: number;
  /** The track's aggregated fake score (the --aggregate rule over its faces). */
  scoreFake: number;
  verdict: 'real' | 'uncertain' | 'fake';
  /** Whether the track had enough faces (--min-track-faces) to count for the file's verdict. */
  counted: boolean;
  firstTimestampMs: number;
  lastTimestampMs: number;
  faces: FaceResult[];
  /** The crops kept as evidence (absent when the scan kept none). */
  thumbnails?: Thumbnail[];
}

export interface MediaSummary {
  container: string;
  codec: string | null;
  durationMs: number | null;
  /** Displayed size (after rotation). */
  width: number;
  height: number;
  rotationDeg: number;
  frameRate: number | null;
  variableFrameRate: boolean;
  bitDepth: number | null;
  hdr: boolean;
  isStillImage: boolean;
}

export interface FileError {
  code: string;
  message: string;
}

export interface StageTimings {
  probeMs: number;
  decodeMs: number;
  detectMs: number;
  cropMs: number;
  classifyMs: number;
  totalMs: number;
}

export interface FileResult {
  path: string;
  status: 'ok' | 'error';
  verdict: Verdict;
  /** The file's fake score: the highest counted track score. Null for no-face, too-small and error. */
  scoreFake: number | null;
  /** The track that gave the score. */
  worstTrackId: number | null;
  error: FileError | null;
  sha256: string | null;
  sizeBytes: number | null;
  media: MediaSummary | null;
  framesSampled: number;
  facesDetected: number;
  /**
   * How the sampled frames were decoded (videos sampled by count or interval): under `auto`, how many
   * samples got their nearest key frame and how many their exact frame (absent in older reports).
   */
  decode?: { mode: 'auto' | 'exact'; keyframeFrames: number; exactFrames: number };
  /** Faces found but smaller than ScanOptions.minJudgedFacePx: not scored, not in tracks (absent in older reports). */
  facesTooSmall?: number;
  /**
   * Faces found beyond ScanOptions.maxFaces (`--max-faces`), summed over the sampled frames: not cropped, not
   * scored, not in tracks. Absent when none were dropped.
   */
  facesDropped?: number;
  /** Sampled times whose frame was one already sampled (samples closer than the frames): not sampled twice. */
  duplicateSamples?: number;
  /**
   * Set when the file was not decoded whole (error code DAMAGED_MEDIA): sampled times without a decodable
   * frame, and for a file cut short, where its frames end. The tracks then hold what was decoded, shown
   * for the record: the file has no verdict and no score.
   */
  damage?: {
    /** The frames end well before the stream's declared duration. */
    truncated: boolean;
    /** The last decodable frame's time (truncated files), else null. */
    decodedUntilMs: number | null;
    declaredDurationMs: number | null;
    samplesPlanned: number | null;
    samplesMissing: number;
    missingTimestampsMs: number[];
    /** Errors the decoder reported about the data it read (ffmpeg conceals them: the frames look whole). */
    decodeErrors: number;
    /** The first such error line, without ffmpeg's prefixes; null when none. */
    firstDecodeError: string | null;
  };
  tracks: TrackResult[];
  timings: StageTimings;
}

/**
 * How frames were sampled (the SamplingSpec of src/video/sample-times.ts, its window and frame cap; null
 * where a field does not apply), as recorded by a scan report, an eval report (options.scan.sampling) and a
 * dataset manifest (options.sampling).
 */
export interface SamplingOptions {
  mode: 'count' | 'every' | 'fps' | 'keyframes';
  frames: number | null;
  intervalMs: number | null;
  fps: number | null;
  startMs: number | null;
  endMs: number | null;
  maxFrames: number | null;
}

/** How a track's face scores become one score (src/scan/aggregate-scores.ts computes them). */
export const AGGREGATE_RULES = ['mean', 'median', 'max', 'topk', 'confident'] as const;
export type AggregateRule = (typeof AGGREGATE_RULES)[number];

export interface ScanOptions {
  sampling: SamplingOptions;
  minFacePx: number;
  minConfidence: number;
  maxFaces: number;
  aggregate: AggregateRule;
  topK: number;
  minTrackFaces: number;
  thresholds: VerdictThresholds;
  failOn: FailOn;
  batchSize: number;
  /** count / every sampling: nearest key frames where each sample has its own (auto), or exact frames. */
  decode?: 'auto' | 'exact';
  /** Faces smaller than this (FaceResult.faceSizePx) are too small to judge; 0: all judged (absent: 0). */
  minJudgedFacePx?: number;
  /** The face detector that found the faces (absent in reports written before ldf recorded it). */
  detector?: { name: 'tiny' | 'ssd'; package: string; version: string };
}

/** A file found in a folder whose content is not media: left out, not an error. */
export interface SkippedFile {
  path: string;
  /** NOT_MEDIA (content is not a video or image ffprobe reads) or EMPTY (zero bytes, no media extension). */
  reason: string;
}

/** Something found while walking folders (not a file's own failure). */
export interface InputProblem {
  path: string;
  /** DIR_UNREADABLE, NAME_NOT_UTF8 (errors: files were missed), SYMLINK_LOOP, BROKEN_SYMLINK (warnings). */
  code: string;
  message: string;
  severity: 'error' | 'warning';
}

export interface ShardSpec {
  /** 1-based. */
  index: number;
  count: number;
}

/** What was asked to be scanned. */
export interface ReportInputs {
  /** Files and folders as given on the command line. */
  paths: string[];
  include: string[];
  exclude: string[];
  /** --ext, lower case without dots; null: media recognised by extension or content. */
  extensions: string[] | null;
  shard: ShardSpec | null;
}

export interface ScanSummary {
  /** Files in the report (scanned now or resumed). */
  files: number;
  byVerdict: Record<Verdict, number>;
  flagged: number;
  /** Files that failed plus folder problems of severity error. */
  errors: number;
  /** Error codes of failed files and folder problems (errors and warnings), with their counts. */
  byErrorCode: Record<string, number>;
  skipped: number;
  problems: number;
  /** Files whose result was reused from an earlier run (--resume). */
  resumed: number;
  /** Wall time of the run (of all merged runs, summed). */
  totalMs: number;
  /** Over the files scanned (not resumed) in that time; null when none were. */
  throughput: { filesPerMinute: number | null; framesPerSecond: number | null };
}

export interface MergedFrom {
  createdAt: string;
  shard: ShardSpec | null;
  files: number;
}

/** An ffmpeg or ffprobe binary as a report records it (src/video FfmpegAdapter.describe). */
export interface DecoderBinary {
  path: string;
  /** How it was found: --ffmpeg-path/--ffprobe-path, FFMPEG_PATH/FFPROBE_PATH, the PATH, or the npm-bundled build. */
  source: 'option' | 'env' | 'path' | 'bundled';
  /** What `-version` says; null when it said nothing readable. */
  version: string | null;
}

export interface ScanReport {
  schemaVersion: typeof SCAN_REPORT_VERSION;
  kind: 'ldf.scan-report';
  tool: { name: 'ldf'; version: string };
  createdAt: string;
  model: {
    id: string;
    version: string;
    dir: string | null;
    trained: boolean;
    /** sha256 of each weight file, as verified at load. */
    weightsSha256: string[];
  };
  backend: { name: string; threads: number; simd: boolean };
  /** The ffmpeg and ffprobe that probed and decoded the files (absent in older reports; null when unknown). */
  decoder?: { ffmpeg: DecoderBinary; ffprobe: DecoderBinary } | null;
  options: ScanOptions;
  inputs: ReportInputs;
  /** In scan order: the command-line order, folders walked in name order. */
  files: FileResult[];
  skipped: SkippedFile[];
  problems: InputProblem[];
  /** The run ended before every file was scanned. */
  stopped: { reason: 'max-errors' | 'interrupted'; unscanned: number } | null;
  /** Set by `ldf report merge`: the reports joined (and whether their models or options differed). */
  merged: { reports: MergedFrom[]; mixed: boolean } | null;
  summary: ScanSummary;
}
