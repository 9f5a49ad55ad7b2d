/**
 * The JSON report of `ldf eval` (schemas/eval-report.schema.json) and the metric
 * block computed from (score, label) pairs at frame and at video level.
 */
import type { FaceSizeBin, GroupBy, GroupMetrics } from './eval-breakdown.js';
import type { AggregateRule, SamplingOptions } from '../report/scan-report.js';
import type { VerdictThresholds } from '../report/verdicts.js';
import { MetricsError } from '../metrics/errors.js';

/**
 * 2: data.paths/failed/skipped/problems, options.scan, item status and error, nullable frame/video blocks.
 * 3: item group and faceHeightsPx, the groups and faceSize breakdowns, options.groupBy.
 */
export const EVAL_REPORT_VERSION = 3;

export { evaluateScores, type EvaluatedScores, type MetricBlock, type MetricBlockOptions } from '../metrics/metric-block.js';
import type { MetricBlock } from '../metrics/metric-block.js';

export type LabelName = 'real' | 'fake';

/** What became of an item: scored (in the metrics), or left out of them. */
export type EvalItemStatus = 'scored' | 'no-face' | 'too-small' | 'error';

/** One evaluated item (a video or an image), kept so the metrics can be recomputed. */
export interface EvalItem {
  /** As scanned (a folder argument joined with the path below it, or a CSV line's path resolved). */
  path: string;
  label: LabelName;
  /** scored: score and frames set; no-face (read, but no face / no person with enough faces) and error: left out. */
  status: EvalItemStatus;
  /**
   * The item's fake score as `ldf scan` gives it (the highest counted track score, each track
   * aggregated with options.aggregate), used for the video-level metrics; null unless scored.
   */
  score: number | null;
  /** Fake score of each scored face crop, in frame order: the frame-level metrics' input (empty unless scored). */
  frames: number[];
  /**
   * Size of the face of each entry of `frames` (report version 3 on): the longer side of the box its crop is
   * built on (ScanReport FaceResult.faceSizePx), or the face box's height for scans that did not record it.
   */
  faceHeightsPx?: number[];
  /** The item's group: its data set and source or method (src/eval/eval-breakdown.ts; version 3 on). */
  group?: string;
  /** Why the file could not be read (status error); null otherwise. */
  error: { code: string; message: string } | null;
}

export interface EvalOptions {
  /** Verdict band used for accuracyAtThresholds and confusionMatrix. */
  thresholds: VerdictThresholds;
  calibrationBins: number;
  /** How an item's face scores became its score. */
  aggregate: AggregateRule;
  topK: number;
  /** How items were grouped (src/eval/eval-breakdown.ts). */
  groupBy?: GroupBy;
  /** The scan settings every file was scored with (as `ldf scan` records them). */
  scan: {
    sampling: SamplingOptions;
    minFacePx: number;
    minConfidence: number;
    maxFaces: number;
    minTrackFaces: number;
    batchSize: number;
  };
}

/** An input that was not evaluated: a file with no label, a missing input, an unreadable folder. */
export interface EvalProblem {
  path: string;
  code: string;
  message: string;
}

export interface EvalReport {
  schemaVersion: typeof EVAL_REPORT_VERSION;
  kind: 'ldf.eval-report';
  tool: { name: 'ldf'; version: string };
  createdAt: string;
  model: {
    id: string;
    version: string;
    trained: boolean;
    /** sha256 of each weight file, as verified at load. */
    weightsSha256: string[];
  };
  data: {
    /** The data set arguments (folders, files, CSV lists) as given. */
    paths: string[];
    /** Items per true label: scored, no-face and failed. */
    counts: Record<LabelName, number>;
    /** Items per true label read fine but with no score (no face): left out of the metrics. */
    unscored: Record<LabelName, number>;
    /** Items per true label that could not be read (status error): left out of the metrics. */
    failed: Record<LabelName, number>;
    /** Files found in folders whose content is not media (not an error). */
    skipped: number;
    /** Inputs not evaluated: no label, missing, unreadable folders. */
    problems: EvalProblem[];
  };
  options: EvalOptions;
  /** Every scored face crop as one item (label of its video); null when there is none. */
  frame: MetricBlock | null;
  /** Every scored item (its aggregated score); null when there is none. */
  video: MetricBlock | null;
  /** Video-level metrics per data set and per source or method (src/eval/eval-breakdown.ts). */
  groups: GroupMetrics[];
  /** Face scores against face size (the face box's height in frame pixels). */
  faceSize: FaceSizeBin[];
  items: EvalItem[];
}

export function labelName(label: number): LabelName {
  if (label === 0) return 'real';
  if (label === 1) return 'fake';
  throw new MetricsError('BAD_LABEL', `label ${label} is neither 0 (real) nor 1 (fake)`);
}

export function labelValue(name: LabelName): 0 | 1 {
  return name === 'fake' ? 1 : 0;
}

/** Frame-level and video-level (score, label) arrays from the items (unscored items left out). */
export function scoresFromItems(items: readonly EvalItem[]): {
  frame: { scores: number[]; labels: (0 | 1)[] };
  video: { scores: number[]; labels: (0 | 1)[] };
} {
  const frame = { scores: [] as number[], labels: [] as (0 | 1)[] };
  const video = { scores: [] as number[], labels: [] as (0 | 1)[] };
  for (const item of items) {
    const label = labelValue(item.label);
    if (item.status !== 'scored' || item.score === null) continue;
    video.scores.push(item.score);
    video.labels.push(label);
    for (const s of item.frames) {
      frame.scores.push(s);
      frame.labels.push(label);
    }
  }
  return { frame, video };
}
