/**
 * `ldf eval` as a use case: labelled inputs (resolveEvalInputs, before any model is loaded), then every
 * file scanned exactly as `ldf scan` scans it on an open ScanEngine, the eval report built, and the optional
 * ROC and face-size plots written. Prints nothing: warnings and per-file errors go to the hooks.
 */
import path from 'node:path';
import { buildEvalReport, type LabelledResult } from '../eval/build-eval-report.js';
import { groupOf, type GroupBy } from '../eval/eval-breakdown.js';
import { resolveLabelledInputs } from '../eval/labelled-inputs.js';
import { renderSizePlotSvg } from '../eval/size-plot-svg.js';
import type { ScanOptions } from '../report/scan-report.js';
import { GlobError } from '../scan/glob-match.js';
import { scanBatch, type BatchOutcome } from '../scan/scan-batch.js';
import type { ScanEventListener, ScanSettings } from '../scan/scan-file.js';
import { renderRocSvg, type RocSvgCurve } from '../eval/roc-svg.js';
import { UsageError } from '../util/usage-error.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import type { ScanEngineView } from './open-scan-engine.js';

/** The --group-by values a request may give. */
export { GROUP_BY } from '../eval/eval-breakdown.js';

export type EvalInputs = Awaited<ReturnType<typeof resolveLabelledInputs>>;

/** @throws UsageError for a bad --include/--exclude pattern. */
export async function resolveEvalInputs(paths: string[], filter: { include: string[]; exclude: string[]; extensions: string[] | null }): Promise<EvalInputs> {
  try {
    return await resolveLabelledInputs(paths, filter);
  } catch (error) {
    if (error instanceof GlobError) throw new UsageError(`--include/--exclude: ${error.message}`);
    throw error;
  }
}

export interface EvalRunOptions {
  paths: string[];
  settings: ScanSettings;
  options: ScanOptions;
  concurrency: number;
  calibrationBins: number;
  groupBy: GroupBy;
  toolVersion: string;
  signal?: AbortSignal | undefined;
  /** Draw the ROC curves (frame and video level) to this SVG file. */
  rocFile?: string | undefined;
  /** Plot every face score against its face size to this SVG file. */
  sizePlotFile?: string | undefined;
}

export interface EvalHooks {
  emit?: ScanEventListener;
  onOutcome?: (outcome: BatchOutcome) => void;
  notice?: (line: string) => void;
}

export type EvalRun = ReturnType<typeof buildEvalReport> & { stopped: boolean };

export async function runEval(engine: ScanEngineView, inputs: EvalInputs, run: EvalRunOptions, hooks: EvalHooks = {}): Promise<EvalRun> {
  const notice = hooks.notice ?? ((): void => {});
  const results: LabelledResult[] = [];
  let skipped = 0;
  const batch = await scanBatch(inputs.entries.map((e) => e.entry), engine.context, { ...run.settings, signal: run.signal }, {
    concurrency: run.concurrency,
    signal: run.signal,
    emit: hooks.emit,
    onOutcome: (outcome) => {
      if (outcome.kind === 'skipped') skipped++;
      else {
        const labelled = inputs.entries[outcome.index]!;
        const rel = labelled.entry.origin === 'walk' ? labelled.entry.relativePath : labelled.entry.path.split(path.sep).join('/');
        const root = labelled.entry.origin === 'walk' ? labelled.entry.root : path.dirname(labelled.entry.path);
        results.push({ label: labelled.label, result: outcome.result, group: groupOf(root, rel, run.groupBy) });
      }
      hooks.onOutcome?.(outcome);
    },
  });

  const { options } = run;
  const { model } = engine.context;
  const { manifest } = model;
  const built = buildEvalReport(results, {
    toolVersion: run.toolVersion,
    model: { id: manifest.id, version: manifest.version, trained: model.trained, weightsSha256: manifest.weights.files.map((f) => f.sha256) },
    paths: run.paths,
    skipped,
    problems: inputs.problems,
    options: {
      thresholds: options.thresholds,
      calibrationBins: run.calibrationBins,
      groupBy: run.groupBy,
      aggregate: options.aggregate,
      topK: options.topK,
      scan: {
        sampling: options.sampling,
        minFacePx: options.minFacePx,
        minConfidence: options.minConfidence,
        maxFaces: options.maxFaces,
        minTrackFaces: options.minTrackFaces,
        batchSize: options.batchSize,
      },
    },
  });
  const { report, roc } = built;
  if (run.rocFile !== undefined) {
    const curves: RocSvgCurve[] = [];
    if (roc.frame !== null) curves.push({ label: `frame (${report.frame!.count})`, points: roc.frame.points, auc: report.frame!.auc });
    if (roc.video !== null) curves.push({ label: `video (${report.video!.count})`, points: roc.video.points, auc: report.video!.auc });
    if (curves.length === 0) notice(`warning: ${run.rocFile}: no ROC curve to draw (needs scored real and fake files); the plot is empty`);
    await writeFileAtomic(run.rocFile, renderRocSvg(curves, { title: `ROC: ${report.model.id} ${report.model.version}` }));
  }
  if (run.sizePlotFile !== undefined) {
    const title = `Face score against face size: ${report.model.id} ${report.model.version}`;
    await writeFileAtomic(run.sizePlotFile, renderSizePlotSvg(report.items, { title, thresholds: report.options.thresholds }));
  }
  return { ...built, stopped: batch.stopped !== null };
}
