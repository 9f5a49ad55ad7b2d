import path from 'node:path';
import { buildScanReport } from './build-report.js';
import { ReportError } from './report-error.js';
import { canonicalJson, modelIdentity, resultKey, resultOptions } from './result-key.js';
import type { FileResult, InputProblem, MergedFrom, ScanReport, SkippedFile } from './scan-report.js';

export interface MergeInput {
  report: ScanReport;
  /** Where it came from, for messages. */
  source: string;
}

export interface MergeOptions {
  /** Join reports whose models or result-shaping options differ (the result records mixed: true). */
  allowMixed?: boolean;
  toolVersion: string;
  createdAt?: Date;
}

export interface MergeResult {
  report: ScanReport;
  /** Files present in more than one report: the newest report's result was kept. */
  duplicates: number;
}

function normalizeRoot(p: string): string {
  const n = path.posix.normalize(p.replace(/\\/g, '/'));
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
}

/**
 * The order of an unsharded scan: by command-line argument, then by path
 * components compared one by one (the order a name-sorted, depth-first walk
 * visits them).
 */
function scanOrder(roots: readonly string[]): (a: string, b: string) => number {
  const normalized = roots.map(normalizeRoot);
  const rootIndex = (p: string): number => {
    const n = normalizeRoot(p);
    const i = normalized.findIndex((r) => r === '.' || n === r || n.startsWith(`${r}/`));
    return i === -1 ? normalized.length : i;
  };
  return (a, b) => {
    const ra = rootIndex(a);
    const rb = rootIndex(b);
    if (ra !== rb) return ra - rb;
    const sa = normalizeRoot(a).split('/');
    const sb = normalizeRoot(b).split('/');
    for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
      if (sa[i] !== sb[i]) return sa[i]! < sb[i]! ? -1 : 1;
    }
    return sa.length - sb.length;
  };
}

function describeDifference(a: ScanReport, b: ScanReport): string {
  if (canonicalJson(modelIdentity(a.model)) !== canonicalJson(modelIdentity(b.model))) {
    return `model ${a.model.id} ${a.model.version} vs ${b.model.id} ${b.model.version}${a.model.id === b.model.id && a.model.version === b.model.version ? ' (different weights)' : ''}`;
  }
  const oa = resultOptions(a.options) as Record<string, unknown>;
  const ob = resultOptions(b.options) as Record<string, unknown>;
  const keys = Object.keys(oa).filter((k) => canonicalJson(oa[k]) !== canonicalJson(ob[k]));
  return `options differ: ${keys.join(', ')}`;
}

/**
 * Joins scan reports (shards of one batch, or batches of different days)
 * into one. Refuses reports made with different models or result-shaping
 * options unless allowMixed. A file in several reports is kept once, from
 * the newest report. Files are put in the order an unsharded scan of the
 * same arguments would give.
 * @throws ReportError MIXED_REPORTS
 */
export function mergeReports(inputs: readonly MergeInput[], options: MergeOptions): MergeResult {
  if (inputs.length === 0) throw new RangeError('mergeReports: nothing to merge');
  const first = inputs[0]!.report;
  const key = resultKey(first.model, first.options);
  let mixed = false;
  for (const { report, source } of inputs.slice(1)) {
    if (resultKey(report.model, report.options) !== key) {
      if (options.allowMixed !== true) {
        throw new ReportError('MIXED_REPORTS', `${source} does not match ${inputs[0]!.source}: ${describeDifference(first, report)} (--allow-mixed joins them anyway)`);
      }
      mixed = true;
    }
  }

  // Newest first, so the first result seen for a path is the one kept.
  const byAge = [...inputs].sort((a, b) => (a.report.createdAt < b.report.createdAt ? 1 : a.report.createdAt > b.report.createdAt ? -1 : 0));
  const files = new Map<string, FileResult>();
  let duplicates = 0;
  for (const { report } of byAge) {
    for (const f of report.files) {
      if (files.has(f.path)) duplicates++;
      else files.set(f.path, f);
    }
  }
  const skipped = new Map<string, SkippedFile>();
  const problems = new Map<string, InputProblem>();
  for (const { report } of byAge) {
    for (const s of report.skipped) if (!files.has(s.path) && !skipped.has(s.path)) skipped.set(s.path, s);
    for (const p of report.problems) if (!problems.has(`${p.code}\u0000${p.path}`)) problems.set(`${p.code}\u0000${p.path}`, p);
  }

  const roots: string[] = [];
  const include: string[] = [];
  const exclude: string[] = [];
  for (const { report } of inputs) {
    for (const p of report.inputs.paths) if (!roots.includes(p)) roots.push(p);
    for (const g of report.inputs.include) if (!include.includes(g)) include.push(g);
    for (const g of report.inputs.exclude) if (!exclude.includes(g)) exclude.push(g);
  }
  const order = scanOrder(roots);
  const sortedFiles = [...files.values()].sort((a, b) => order(a.path, b.path));
  const sortedSkipped = [...skipped.values()].sort((a, b) => order(a.path, b.path));
  const sortedProblems = [...problems.values()].sort((a, b) => order(a.path, b.path) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

  const from: MergedFrom[] = inputs.flatMap(({ report }) =>
    report.merged !== null ? report.merged.reports : [{ createdAt: report.createdAt, shard: report.inputs.shard, files: report.files.length }],
  );
  const stoppedParts = inputs.map((i) => i.report.stopped).filter((s) => s !== null);
  const totalMs = inputs.reduce((sum, i) => sum + i.report.summary.totalMs, 0);
  const scannedFiles = inputs.reduce((sum, i) => sum + Math.max(0, i.report.summary.files - i.report.summary.resumed), 0);
  const scannedFrames = inputs.reduce((sum, i) => sum + Math.round(((i.report.summary.throughput.framesPerSecond ?? 0) * i.report.summary.totalMs) / 1000), 0);

  const report = buildScanReport(sortedFiles, {
    toolVersion: options.toolVersion,
    createdAt: options.createdAt,
    model: first.model,
    backend: first.backend,
    // One decoder for the whole merged report only when every part used the same one.
    decoder: inputs.every((i) => JSON.stringify(i.report.decoder ?? null) === JSON.stringify(first.decoder ?? null)) ? (first.decoder ?? null) : null,
    options: first.options,
    totalMs,
    inputs: { paths: roots, include, exclude, extensions: first.inputs.extensions, shard: null },
    skipped: sortedSkipped,
    problems: sortedProblems,
    stopped:
      stoppedParts.length === 0
        ? null
        : { reason: stoppedParts.some((s) => s.reason === 'interrupted') ? 'interrupted' : 'max-errors', unscanned: stoppedParts.reduce((sum, s) => sum + s.unscanned, 0) },
    merged: { reports: from, mixed },
    resumed: inputs.reduce((sum, i) => sum + i.report.summary.resumed, 0),
    scanned: { files: scannedFiles, frames: scannedFrames },
  });
  return { report, duplicates };
}
