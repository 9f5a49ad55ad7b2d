/**
 * Turns `ldf scan` results of labelled files into the eval report: each file's scan score
 * (video level) and every face crop's score (frame level), through evaluateScores.
 * Files with no face or that failed are listed and counted, never scored.
 */
import type { FileResult } from '../report/scan-report.js';
import { faceSizeTable, groupMetrics } from './eval-breakdown.js';
import type { RocCurve } from '../metrics/roc.js';
import {
  EVAL_REPORT_VERSION,
  evaluateScores,
  scoresFromItems,
  type EvalItem,
  type EvalOptions,
  type EvalProblem,
  type EvalReport,
  type LabelName,
  type MetricBlock,
} from './eval-report.js';

export interface LabelledResult {
  label: LabelName;
  result: FileResult;
  /** The file's group (src/eval/eval-breakdown.ts groupOf). */
  group?: string;
}

export interface EvalReportMeta {
  toolVersion: string;
  createdAt?: Date;
  model: EvalReport['model'];
  paths: string[];
  skipped: number;
  problems: EvalProblem[];
  options: EvalOptions;
}

export interface BuiltEvalReport {
  report: EvalReport;
  /** ROC curves for plotting (null when the level has nothing scored or one class only). */
  roc: { frame: RocCurve | null; video: RocCurve | null };
}

/**
 * One file as an eval item. scored: the file's scan score and the scores of all its face crops
 * (every track, in frame order); no-face: read, but no person with enough faces; error: not read.
 */
export function evalItemOf(label: LabelName, result: FileResult, group?: string): EvalItem {
  const g = group === undefined ? {} : { group };
  if (result.status === 'error' || result.error !== null) {
    return { path: result.path, label, ...g, status: 'error', score: null, frames: [], faceHeightsPx: [], error: result.error ?? { code: 'INTERNAL_ERROR', message: 'failed' } };
  }
  if (result.scoreFake === null) {
    return { path: result.path, label, ...g, status: result.verdict === 'too-small' ? 'too-small' : 'no-face', score: null, frames: [], faceHeightsPx: [], error: null };
  }
  const faces = result.tracks.flatMap((t) => t.faces.map((f, i) => ({ frameIndex: f.frameIndex, track: t.id, i, score: f.scoreFake, heightPx: f.faceSizePx ?? f.box.height })));
  faces.sort((a, b) => a.frameIndex - b.frameIndex || a.track - b.track || a.i - b.i);
  return {
    path: result.path,
    label,
    ...g,
    status: 'scored',
    score: result.scoreFake,
    frames: faces.map((f) => f.score),
    faceHeightsPx: faces.map((f) => Math.round(f.heightPx * 10) / 10),
    error: null,
  };
}

function evaluateLevel(set: { scores: number[]; labels: (0 | 1)[] }, options: EvalOptions): { block: MetricBlock | null; roc: RocCurve | null } {
  if (set.scores.length === 0) return { block: null, roc: null };
  return evaluateScores(set.scores, set.labels, { thresholds: options.thresholds, calibrationBins: options.calibrationBins });
}

export function buildEvalReport(results: readonly LabelledResult[], meta: EvalReportMeta): BuiltEvalReport {
  const items = results.map((r) => evalItemOf(r.label, r.result, r.group));
  const zero = (): Record<LabelName, number> => ({ real: 0, fake: 0 });
  const counts = zero();
  const unscored = zero();
  const failed = zero();
  for (const item of items) {
    counts[item.label]++;
    if (item.status === 'no-face' || item.status === 'too-small') unscored[item.label]++;
    if (item.status === 'error') failed[item.label]++;
  }
  const { frame, video } = scoresFromItems(items);
  const frameLevel = evaluateLevel(frame, meta.options);
  const videoLevel = evaluateLevel(video, meta.options);
  const report: EvalReport = {
    schemaVersion: EVAL_REPORT_VERSION,
    kind: 'ldf.eval-report',
    tool: { name: 'ldf', version: meta.toolVersion },
    createdAt: (meta.createdAt ?? new Date()).toISOString(),
    model: meta.model,
    data: { paths: meta.paths, counts, unscored, failed, skipped: meta.skipped, problems: meta.problems },
    options: meta.options,
    frame: frameLevel.block,
    video: videoLevel.block,
    groups: groupMetrics(items, meta.options.thresholds),
    faceSize: faceSizeTable(items),
    items,
  };
  return { report, roc: { frame: frameLevel.roc, video: videoLevel.roc } };
}
