import { buildScanReport, type ReportMeta } from '../../src/report/build-report.js';
import type { FileResult, ScanOptions, ScanReport } from '../../src/report/scan-report.js';
import { verdictFor } from '../../src/report/verdicts.js';

export const OPTIONS: ScanOptions = {
  sampling: { mode: 'count', frames: 32, intervalMs: null, fps: null, startMs: null, endMs: null, maxFrames: null },
  minFacePx: 40,
  minConfidence: 0.5,
  maxFaces: 10,
  aggregate: 'mean',
  topK: 3,
  minTrackFaces: 3,
  thresholds: { real: 0.3, fake: 0.7 },
  failOn: 'fake',
  batchSize: 8,
};

export const MODEL: ScanReport['model'] = { id: 'ldfnet-test', version: '1.0.0', dir: null, trained: true, weightsSha256: ['a'.repeat(64)] };

const sha = (text: string): string => Buffer.from(text.padEnd(32, '.')).toString('hex').slice(0, 64).padEnd(64, '0');

/** A plausible FileResult: scored (one person) when score is a number, no-face when null, error when given an error. */
export function fileResult(path: string, score: number | null, error: { code: string; message: string } | null = null): FileResult {
  const base: FileResult = {
    path,
    status: 'ok',
    verdict: 'no-face',
    scoreFake: null,
    worstTrackId: null,
    error: null,
    sha256: sha(path),
    sizeBytes: 1000,
    media: null,
    framesSampled: 4,
    facesDetected: 0,
    tracks: [],
    timings: { probeMs: 1, decodeMs: 2, detectMs: 3, cropMs: 4, classifyMs: 5, totalMs: 1500 },
  };
  if (error !== null) return { ...base, status: 'error', verdict: 'error', error, framesSampled: 0, sha256: null };
  if (score === null) return base;
  const face = (frameIndex: number) => ({ frameIndex, timestampMs: frameIndex * 500, box: { x: 1, y: 2, width: 50, height: 60 }, detectionScore: 0.9, scoreFake: score });
  return {
    ...base,
    verdict: verdictFor(score, OPTIONS.thresholds),
    scoreFake: score,
    worstTrackId: 0,
    facesDetected: 4,
    tracks: [
      {
        id: 0,
        faceCount: 4,
        scoreFake: score,
        verdict: verdictFor(score, OPTIONS.thresholds),
        counted: true,
        firstTimestampMs: 0,
        lastTimestampMs: 1500,
        faces: [0, 1, 2, 3].map(face),
      },
    ],
  };
}

export function report(files: FileResult[], meta: Partial<ReportMeta> = {}): ScanReport {
  return buildScanReport(files, {
    toolVersion: '0.1.0',
    model: MODEL,
    backend: { name: 'wasm', threads: 2, simd: true },
    options: OPTIONS,
    totalMs: 6000,
    createdAt: new Date('2024-05-01T10:00:00.000Z'),
    ...meta,
  });
}
