import {
  SCAN_REPORT_VERSION,
  type FileResult,
  type InputProblem,
  type ReportInputs,
  type ScanOptions,
  type ScanReport,
  type ScanSummary,
  type SkippedFile,
} from './scan-report.js';
import { reachesFailOn, VERDICTS, type FailOn, type Verdict } from './verdicts.js';

export interface ReportMeta {
  toolVersion: string;
  model: ScanReport['model'];
  backend: ScanReport['backend'];
  /** The ffmpeg and ffprobe used (default: unknown, null). */
  decoder?: ScanReport['decoder'];
  options: ScanOptions;
  totalMs: number;
  createdAt?: Date;
  /** Default: the file paths, no globs, no shard. */
  inputs?: ReportInputs;
  skipped?: SkippedFile[];
  problems?: InputProblem[];
  stopped?: ScanReport['stopped'];
  merged?: ScanReport['merged'];
  /** How many of `files` were reused from an earlier run (default 0). */
  resumed?: number;
  /** Files and frames scanned in totalMs, for the throughput (default: every file not resumed). */
  scanned?: { files: number; frames: number };
}

export interface SummaryInput {
  files: readonly FileResult[];
  skipped: readonly SkippedFile[];
  problems: readonly InputProblem[];
  failOn: FailOn;
  totalMs: number;
  resumed: number;
  scanned: { files: number; frames: number };
}

/** The summary block of a report: counts per verdict and per error code, time and throughput. */
export function summarize(input: SummaryInput): ScanSummary {
  const byVerdict = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  const byErrorCode: Record<string, number> = {};
  for (const f of input.files) {
    byVerdict[f.verdict]++;
    if (f.error !== null) byErrorCode[f.error.code] = (byErrorCode[f.error.code] ?? 0) + 1;
  }
  for (const p of input.problems) byErrorCode[p.code] = (byErrorCode[p.code] ?? 0) + 1;
  const seconds = input.totalMs / 1000;
  const scanned = input.scanned;
  return {
    files: input.files.length,
    byVerdict,
    flagged: input.files.filter((f) => reachesFailOn(f.verdict, input.failOn)).length,
    errors: byVerdict.error + input.problems.filter((p) => p.severity === 'error').length,
    byErrorCode: Object.fromEntries(Object.entries(byErrorCode).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    skipped: input.skipped.length,
    problems: input.problems.length,
    resumed: input.resumed,
    totalMs: input.totalMs,
    throughput: {
      filesPerMinute: scanned.files > 0 && seconds > 0 ? (scanned.files / seconds) * 60 : null,
      framesPerSecond: scanned.files > 0 && seconds > 0 ? scanned.frames / seconds : null,
    },
  };
}

/** Assembles the versioned report (schemas/scan-report.schema.json) from per-file results. */
export function buildScanReport(files: FileResult[], meta: ReportMeta): ScanReport {
  const skipped = meta.skipped ?? [];
  const problems = meta.problems ?? [];
  const resumed = meta.resumed ?? 0;
  const scanned = meta.scanned ?? {
    files: files.length - resumed,
    frames: files.reduce((sum, f) => sum + f.framesSampled, 0),
  };
  return {
    schemaVersion: SCAN_REPORT_VERSION,
    kind: 'ldf.scan-report',
    tool: { name: 'ldf', version: meta.toolVersion },
    createdAt: (meta.createdAt ?? new Date()).toISOString(),
    model: meta.model,
    backend: meta.backend,
    decoder: meta.decoder ?? null,
    options: meta.options,
    inputs: meta.inputs ?? { paths: files.map((f) => f.path), include: [], exclude: [], extensions: null, shard: null },
    files,
    skipped,
    problems,
    stopped: meta.stopped ?? null,
    merged: meta.merged ?? null,
    summary: summarize({ files, skipped, problems, failOn: meta.options.failOn, totalMs: meta.totalMs, resumed, scanned }),
  };
}
