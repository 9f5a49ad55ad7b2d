import { SCAN_REPORT_VERSION, type FileResult, type ScanOptions, type ScanReport } from './scan-report.js';
import { reachesFailOn, VERDICTS, type Verdict } from './verdicts.js';

export interface ReportMeta {
  toolVersion: string;
  model: ScanReport['model'];
  backend: ScanReport['backend'];
  options: ScanOptions;
  totalMs: number;
  createdAt?: Date;
}

/** Assembles the versioned report (schemas/scan-report.schema.json) from per-file results. */
export function buildScanReport(files: FileResult[], meta: ReportMeta): ScanReport {
  const byVerdict = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const f of files) byVerdict[f.verdict]++;
  return {
    schemaVersion: SCAN_REPORT_VERSION,
    kind: 'ldf.scan-report',
    tool: { name: 'ldf', version: meta.toolVersion },
    createdAt: (meta.createdAt ?? new Date()).toISOString(),
    model: meta.model,
    backend: meta.backend,
    options: meta.options,
    files,
    summary: {
      files: files.length,
      byVerdict,
      flagged: files.filter((f) => reachesFailOn(f.verdict, meta.options.failOn)).length,
      errors: byVerdict.error,
      totalMs: meta.totalMs,
    },
  };
}
