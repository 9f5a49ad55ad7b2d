import type { AggregateRule } from '../scan/aggregate-scores.js';
import type { FailOn, Verdict, VerdictThresholds } from './verdicts.js';

export const SCAN_REPORT_VERSION = 1;

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
  /** The file's fake score: the highest counted track score. Null for no-face and error. */
  scoreFake: number | null;
  /** The track that gave the score. */
  worstTrackId: number | null;
  error: FileError | null;
  sha256: string | null;
  sizeBytes: number | null;
  media: MediaSummary | null;
  framesSampled: number;
  facesDetected: number;
  tracks: TrackResult[];
  timings: StageTimings;
}

export interface SamplingOptions {
  mode: 'count' | 'every' | 'fps' | 'keyframes';
  frames: number | null;
  intervalMs: number | null;
  fps: number | null;
  startMs: number | null;
  endMs: number | null;
  maxFrames: number | null;
}

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
  options: ScanOptions;
  files: FileResult[];
  summary: {
    files: number;
    byVerdict: Record<Verdict, number>;
    flagged: number;
    errors: number;
    totalMs: number;
  };
}
