import { readFile } from 'node:fs/promises';
import { describeSchemaErrors, schemaValidator } from '../util/json-schema.js';
import { summarize } from './build-report.js';
import { ReportError } from './report-error.js';
import { SCAN_REPORT_VERSION, type FileResult, type ScanReport } from './scan-report.js';

/**
 * A version 1 report (before batches) as the current version: its files
 * are the inputs, nothing was skipped, no folder problems.
 */
function upgradeV1(v1: Record<string, unknown>): ScanReport {
  const files = (v1.files ?? []) as FileResult[];
  const options = v1.options as ScanReport['options'];
  const totalMs = ((v1.summary as { totalMs?: number } | undefined)?.totalMs ?? 0);
  return {
    schemaVersion: SCAN_REPORT_VERSION,
    kind: 'ldf.scan-report',
    tool: v1.tool as ScanReport['tool'],
    createdAt: v1.createdAt as string,
    model: v1.model as ScanReport['model'],
    backend: v1.backend as ScanReport['backend'],
    options,
    inputs: { paths: files.map((f) => f.path), include: [], exclude: [], extensions: null, shard: null },
    files,
    skipped: [],
    problems: [],
    stopped: null,
    merged: null,
    summary: summarize({
      files,
      skipped: [],
      problems: [],
      failOn: options.failOn,
      totalMs,
      resumed: 0,
      scanned: { files: files.length, frames: files.reduce((s, f) => s + f.framesSampled, 0) },
    }),
  };
}

/**
 * Parses and checks a saved scan report (`ldf scan --format json`): the
 * current version is validated against schemas/scan-report.schema.json;
 * version 1 is upgraded.
 * @throws ReportError NOT_A_SCAN_REPORT | REPORT_VERSION | REPORT_INVALID
 */
export function parseScanReport(text: string, where: string): ScanReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ReportError('NOT_A_SCAN_REPORT', `${where}: not JSON (${(error as Error).message})`, { cause: error });
  }
  const record = value as Record<string, unknown> | null;
  if (record === null || typeof record !== 'object' || record.kind !== 'ldf.scan-report') {
    throw new ReportError('NOT_A_SCAN_REPORT', `${where}: not an ldf scan report (ldf scan --format json)`);
  }
  if (record.schemaVersion === 1) {
    if (!Array.isArray(record.files) || typeof record.options !== 'object' || typeof record.model !== 'object') {
      throw new ReportError('REPORT_INVALID', `${where}: broken version 1 report`);
    }
    return upgradeV1(record);
  }
  if (record.schemaVersion !== SCAN_REPORT_VERSION) {
    throw new ReportError('REPORT_VERSION', `${where}: report version ${String(record.schemaVersion)} is not one this ldf reads (1 or ${SCAN_REPORT_VERSION})`);
  }
  const validate = schemaValidator('scan-report.schema.json');
  if (!validate(record)) {
    throw new ReportError('REPORT_INVALID', `${where}: not a valid scan report: ${describeSchemaErrors(validate)}`);
  }
  return record as unknown as ScanReport;
}

/** Reads a saved scan report; see parseScanReport. @throws ReportError REPORT_UNREADABLE too */
export async function loadScanReport(filePath: string): Promise<ScanReport> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new ReportError('REPORT_UNREADABLE', `${filePath}: cannot read (${errno})`, { cause: error });
  }
  return parseScanReport(text, filePath);
}
