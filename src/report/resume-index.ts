import { loadScanReport } from './load-report.js';
import { ReportError } from './report-error.js';
import { readJournal } from './report-journal.js';
import { resultKey } from './result-key.js';
import type { FileResult } from './scan-report.js';
import { pathExists } from '../util/path-exists.js';

/** Finished results of earlier runs that --resume may reuse, by the file's sha256. */
export interface ResumeIndex {
  bySha256: Map<string, FileResult>;
  /** Reusable results found in the report and in the journal. */
  fromReport: number;
  fromJournal: number;
  /** Results left aside: another model or options, or a failed file (failures are retried). */
  notReusable: number;
  /** Damaged journal lines (a line cut by a kill). */
  damagedLines: number;
  /** Why the report file was not read, when it exists but is not a JSON scan report (e.g. JUnit). */
  reportIgnored: string | null;
}

/**
 * Gathers what --resume can reuse: results in the output report (if it is
 * a JSON scan report) and in its journal, made with the same model and
 * result-shaping options (`key`, see resultKey), for files that were
 * scanned successfully (failures are tried again).
 * @throws ReportError from a journal without a usable header (it is not overwritten)
 */
export async function loadResumeIndex(outputPath: string, journalPath: string, key: string): Promise<ResumeIndex> {
  const index: ResumeIndex = { bySha256: new Map(), fromReport: 0, fromJournal: 0, notReusable: 0, damagedLines: 0, reportIgnored: null };
  const take = (results: readonly FileResult[], sameKey: boolean): number => {
    let taken = 0;
    for (const r of results) {
      if (sameKey && r.status === 'ok' && r.sha256 !== null) {
        if (!index.bySha256.has(r.sha256)) taken++;
        index.bySha256.set(r.sha256, r);
      } else {
        index.notReusable++;
      }
    }
    return taken;
  };
  if (await pathExists(outputPath)) {
    try {
      const report = await loadScanReport(outputPath);
      index.fromReport = take(report.files, resultKey(report.model, report.options) === key);
    } catch (error) {
      if (!(error instanceof ReportError)) throw error;
      index.reportIgnored = error.message;
    }
  }
  if (await pathExists(journalPath)) {
    const journal = await readJournal(journalPath);
    index.damagedLines = journal.damagedLines;
    index.fromJournal = take(journal.results, resultKey(journal.header.model, journal.header.options) === key);
  }
  return index;
}
