import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalExitCode } from '../../../src/cli/decide-exit-code.js';
import { buildEvalReport, evalItemOf, type EvalReportMeta, type LabelledResult } from '../../../src/eval/build-eval-report.js';
import { formatEvalTable } from '../../../src/eval/format-eval-table.js';
import { isLabelsList, labelOfEntry } from '../../../src/eval/labelled-inputs.js';
import type { FileResult, TrackResult } from '../../../src/report/scan-report.js';
import { expectValidAgainst } from '../../helpers/schema.js';

const track = (id: number, scores: [frameIndex: number, score: number][], counted = true): TrackResult => ({
  id,
  faceCount: scores.length,
  scoreFake: Math.max(...scores.map((s) => s[1])),
  verdict: 'uncertain',
  counted,
  firstTimestampMs: 0,
  lastTimestampMs: 0,
  faces: scores.map(([frameIndex, scoreFake]) => ({ frameIndex, timestampMs: frameIndex * 100, box: { x: 0, y: 0, width: 50, height: 50 }, detectionScore: 0.9, scoreFake })),
});

const file = (p: string, over: Partial<FileResult> = {}): FileResult => ({
  path: p,
  status: 'ok',
  verdict: 'uncertain',
  scoreFake: null,
  worstTrackId: null,
  error: null,
  sha256: null,
  sizeBytes: 1,
  media: null,
  framesSampled: 3,
  facesDetected: 0,
  tracks: [],
  timings: { probeMs: 0, decodeMs: 0, detectMs: 0, cropMs: 0, classifyMs: 0, totalMs: 0 },
  ...over,
});

const meta: EvalReportMeta = {
  toolVersion: '0.1.0',
  createdAt: new Date(0),
  model: { id: 'ldfnet-test', version: '1.0.0', trained: true, weightsSha256: ['a'.repeat(64)] },
  paths: ['data'],
  skipped: 0,
  problems: [],
  options: {
    thresholds: { real: 0.3, fake: 0.7 },
    calibrationBins: 10,
    aggregate: 'mean',
    topK: 3,
    scan: {
      sampling: { mode: 'count', frames: 3, intervalMs: null, fps: null, startMs: null, endMs: null, maxFrames: null },
      minFacePx: 40,
      minConfidence: 0.5,
      maxFaces: 10,
      minTrackFaces: 3,
      batchSize: 8,
    },
  },
};

const results: LabelledResult[] = [
  // two people: frame scores in frame order across tracks; the file's score is the scan's (not recomputed)
  { label: 'fake', result: file('fake/a.mp4', { scoreFake: 0.8, tracks: [track(0, [[0, 0.9], [2, 0.7]]), track(1, [[1, 0.2]], false)] }) },
  { label: 'real', result: file('real/b.mp4', { scoreFake: 0.1, tracks: [track(0, [[0, 0.1], [1, 0.1]])] }) },
  // faces found, but no person counted: no-face, left out entirely
  { label: 'real', result: file('real/c.mp4', { verdict: 'no-face', tracks: [track(0, [[0, 0.5]], false)] }) },
  { label: 'fake', result: file('fake/d.mp4', { status: 'error', verdict: 'error', error: { code: 'FRAME_READ_FAILED', message: 'partial file' } }) },
];

describe('evalItemOf', () => {
  it('scored: the scan score and every face score in frame order', () => {
    const got = evalItemOf('fake', results[0]!.result, 'set/A');
    expect(got).toMatchObject({ path: 'fake/a.mp4', label: 'fake', group: 'set/A', status: 'scored', score: 0.8, frames: [0.9, 0.2, 0.7], error: null });
    // One face height (the box's, px) per face score.
    expect(got.faceHeightsPx).toHaveLength(3);
    for (const h of got.faceHeightsPx!) expect(h).toBeGreaterThan(0);
  });
  it('no-face and error carry no score and no frames', () => {
    expect(evalItemOf('real', results[2]!.result)).toMatchObject({ status: 'no-face', score: null, frames: [], error: null });
    expect(evalItemOf('fake', results[3]!.result)).toMatchObject({ status: 'error', score: null, frames: [], error: { code: 'FRAME_READ_FAILED' } });
  });
});

describe('buildEvalReport', () => {
  it('counts, left-out files, both levels; valid against the schema; table lists them', () => {
    const { report, roc } = buildEvalReport(results, meta);
    expectValidAgainst('eval-report.schema.json', report);
    expect(report.data).toMatchObject({ counts: { real: 2, fake: 2 }, unscored: { real: 1, fake: 0 }, failed: { real: 0, fake: 1 } });
    expect(report.video).toMatchObject({ count: 2, positives: 1, negatives: 1, auc: 1 });
    expect(report.frame).toMatchObject({ count: 5, positives: 3, negatives: 2 });
    expect(roc.video).not.toBeNull();
    expect(evalExitCode(report)).toBe(2);
    const table = formatEvalTable(report);
    expect(table).toContain('no-face: real/c.mp4');
    expect(table).toContain('error: fake/d.mp4: partial file [FRAME_READ_FAILED]');
    expect(table).toContain('per data set and source');
    expect(report.groups.length).toBeGreaterThan(0);
    expect(report.faceSize.length).toBeGreaterThan(0);
  });

  it('nothing scored: null levels, exit 3; one class: rank metrics null, exit 0', () => {
    const none = buildEvalReport([results[2]!], meta);
    expect(none.report.video).toBeNull();
    expect(none.report.frame).toBeNull();
    expectValidAgainst('eval-report.schema.json', none.report);
    expect(evalExitCode(none.report)).toBe(3);
    const one = buildEvalReport([results[1]!], meta);
    expect(one.report.video?.auc).toBeNull();
    expect(one.roc.video).toBeNull();
    expect(evalExitCode(one.report)).toBe(0);
    expect(evalExitCode({ ...one.report, data: { ...one.report.data, problems: [{ path: 'x', code: 'NO_LABEL', message: 'x' }] } })).toBe(2);
  });
});

describe('labelled inputs', () => {
  const entry = (p: string, root: string, rel: string, origin: 'walk' | 'argument') => ({ path: p, root, relativePath: rel, shardKey: '', origin, needsContentCheck: false });
  it('the nearest real/ or fake/ folder, the folder argument included', () => {
    expect(labelOfEntry(entry('d/real/x/fake/a.mp4', 'd', 'real/x/fake/a.mp4', 'walk'))).toBe('fake');
    expect(labelOfEntry(entry('d/Real/a.mp4', 'd', 'Real/a.mp4', 'walk'))).toBe('real');
    expect(labelOfEntry(entry('fake/a.mp4', 'fake', 'a.mp4', 'walk'))).toBe('fake');
    expect(labelOfEntry(entry('d/a.mp4', 'd', 'a.mp4', 'walk'))).toBeNull();
    expect(labelOfEntry(entry(path.join('x', 'real', 'a.mp4'), '', '', 'argument'))).toBe('real');
    expect(labelOfEntry(entry('real.mp4', '', '', 'argument'))).toBeNull();
    expect(isLabelsList('list.CSV')).toBe(true);
    expect(isLabelsList('a.mp4')).toBe(false);
  });
});
