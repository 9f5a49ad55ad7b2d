/**
 * `ldf report show` as a use case: a saved scan report read and checked against its schema (version 1
 * reports upgraded), and the --fail-on it is judged by (default: the report's own). Prints nothing.
 */
import path from 'node:path';
import { EvidenceImages, type EvidencePicture } from '../faces/evidence-images.js';
import { loadScanReport } from '../report/load-report.js';
import type { ScanReport } from '../report/scan-report.js';
import type { FailOn } from '../report/verdicts.js';

/** The --fail-on values a request may give. */
export { FAIL_ON } from '../report/verdicts.js';

export interface ReportShowRequest {
  /** A JSON scan report (ldf scan --format json, or ldf report merge). */
  file: string;
  /** Which verdicts fail; default: the report's own. */
  failOn?: FailOn | undefined;
  /** The folder `ldf scan --evidence DIR` wrote the crops to: their thumbnails are read for an HTML page. */
  evidenceDir?: string | undefined;
}

export interface ReportShow {
  report: ScanReport;
  failOn: FailOn;
  /** Page thumbnails of the crops found in evidenceDir, by image name (empty without one). */
  pictures: ReadonlyMap<string, EvidencePicture>;
}

/** @throws ReportError (not JSON, not a scan report, a broken one), and the file system's (ENOENT). */
export async function runReportShow(request: ReportShowRequest): Promise<ReportShow> {
  const report = await loadScanReport(request.file);
  const pictures = new Map<string, EvidencePicture>();
  if (request.evidenceDir !== undefined) {
    for (const thumbnail of report.files.flatMap((f) => f.tracks.flatMap((t) => t.thumbnails ?? []))) {
      // Names come from the report: only a plain file name inside the folder is read.
      if (pictures.has(thumbnail.image) || path.basename(thumbnail.image) !== thumbnail.image) continue;
      const picture = await EvidenceImages.thumbnailOfFile(path.join(request.evidenceDir, thumbnail.image));
      if (picture !== null) pictures.set(thumbnail.image, picture);
    }
  }
  return { report, failOn: request.failOn ?? report.options.failOn, pictures };
}
