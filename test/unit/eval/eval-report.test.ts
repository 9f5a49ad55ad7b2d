import { describe, expect, it } from 'vitest';
import {
  EVAL_REPORT_VERSION,
  evaluateScores,
  labelName,
  scoresFromItems,
  type EvalItem,
  type EvalReport,
} from '../../../src/eval/eval-report.js';
import { MetricsError } from '../../../src/metrics/index.js';
import { describeSchemaErrors, schemaValidator } from '../../../src/util/json-schema.js';
import { expectValidAgainst } from '../../helpers/schema.js';

const SCHEMA = 'eval-report.schema.json';
const thresholds = { real: 0.3, fake: 0.7 };

const item = (path: string, label: 'real' | 'fake', score: number | null, frames: number[]): EvalItem => ({
  path,
  label,
  status: score === null ? 'no-face' : 'scored',
  score,
  frames,
  error: null,
});

const items: EvalItem[] = [
  item('real/a.mp4', 'real', 0.1, [0.1, 0.05, 0.2]),
  item('real/b.mp4', 'real', 0.4, [0.4, 0.3]),
  item('real/c.mp4', 'real', 0.4, [0.4]),
  item('real/d.mp4', 'real', 0.8, [0.8, 0.6]),
  item('real/none.mp4', 'real', null, []),
  item('fake/e.mp4', 'fake', 0.4, [0.4, 0.5]),
  item('fake/f.mp4', 'fake', 0.6, [0.6, 1]),
  item('fake/g.mp4', 'fake', 0.9, [0.9]),
];

function buildReport(list: EvalItem[]): EvalReport {
  const { frame, video } = scoresFromItems(list);
  const count = (label: 'real' | 'fake', unscored: boolean): number =>
    list.filter((i) => i.label === label && (!unscored || i.score === null)).length;
  const report: EvalReport = {
    schemaVersion: EVAL_REPORT_VERSION,
    kind: 'ldf.eval-report',
    groups: [],
    faceSize: [],
    tool: { name: 'ldf', version: '0.1.0' },
    createdAt: new Date(0).toISOString(),
    model: { id: 'ldfnet-test', version: '1.0.0', trained: true, weightsSha256: ['a'.repeat(64)] },
    data: {
      paths: ['data/eval'],
      counts: { real: count('real', false), fake: count('fake', false) },
      unscored: { real: count('real', true), fake: count('fake', true) },
      failed: { real: 0, fake: 0 },
      skipped: 0,
      problems: [],
    },
    options: {
      thresholds,
      calibrationBins: 10,
      aggregate: 'max',
      topK: 3,
      scan: {
        sampling: { mode: 'count', frames: 32, intervalMs: null, fps: null, startMs: null, endMs: null, maxFrames: null },
        minFacePx: 40,
        minConfidence: 0.5,
        maxFaces: 10,
        minTrackFaces: 3,
        batchSize: 8,
      },
    },
    frame: evaluateScores(frame.scores, frame.labels, { thresholds }).block,
    video: evaluateScores(video.scores, video.labels, { thresholds }).block,
    items: list,
  };
  // What `ldf eval --format json` writes and a re-analysis reads back.
  return JSON.parse(JSON.stringify(report)) as EvalReport;
}

function invalid(value: unknown): string {
  const validate = schemaValidator(SCHEMA);
  expect(validate(value)).toBe(false);
  return describeSchemaErrors(validate, 10);
}

describe('evaluateScores', () => {
  it('video level of the hand-computed tie case: real [.1,.4,.4,.8], fake [.4,.6,.9]', () => {
    const report = buildReport(items);
    const v = report.video!;
    expect(v).toMatchObject({ count: 7, positives: 3, negatives: 4, auc: 0.75, rankMetricsUnavailable: null });
    // EER 0.3 at threshold 0.4 (see metrics.test.ts).
    expect(v.eer?.rate).toBeCloseTo(0.3, 12);
    expect(v.eer?.threshold).toBe(0.4);
    // FPR budget 1% or 5% of 4 reals = 0 false positives: only 0.9 -> TPR 1/3.
    expect(v.tprAt1Fpr).toBe(1 / 3);
    expect(v.tprAt5Fpr).toBe(1 / 3);
    // at 0.5: reals 0.1, 0.4, 0.4 right, 0.8 wrong; fakes 0.6, 0.9 right, 0.4 wrong -> 5/7
    expect(v.accuracyAt05).toBe(5 / 7);
    // at {0.3, 0.7}: reals 0.1 R, 0.4 U, 0.4 U, 0.8 F; fakes 0.4 U, 0.6 U, 0.9 F -> (1 + 1) / 7
    expect(v.confusionMatrix).toEqual({
      real: { real: 1, uncertain: 2, fake: 1 },
      fake: { real: 0, uncertain: 2, fake: 1 },
    });
    expect(v.accuracyAtThresholds).toBe(2 / 7);
    expect(v.calibration.bins).toHaveLength(10);
    // frame level: 8 real frames, 5 fake frames (the unscored item has none).
    expect(report.frame).toMatchObject({ count: 13, positives: 5, negatives: 8 });
    expect(report.data).toMatchObject({ paths: ['data/eval'], counts: { real: 5, fake: 3 }, unscored: { real: 1, fake: 0 } });
  });

  it('one class: null rank metrics WITH a reason, the rest still computed', () => {
    const { block, roc } = evaluateScores([0.2, 0.9], [0, 0], { thresholds });
    expect(roc).toBeNull();
    expect(block).toMatchObject({ auc: null, eer: null, tprAt1Fpr: null, tprAt5Fpr: null, accuracyAt05: 0.5 });
    expect(block.rankMetricsUnavailable).toMatch(/all 2 items are real/);
  });

  it('empty: throws EMPTY instead of inventing numbers', () => {
    expect(() => evaluateScores([], [], { thresholds })).toThrow(MetricsError);
  });

  it('label names', () => {
    expect(labelName(0)).toBe('real');
    expect(labelName(1)).toBe('fake');
    expect(() => labelName(2)).toThrow(MetricsError);
  });
});

describe('eval-report.schema.json', () => {
  it('validates a report built from evaluateScores', () => {
    expectValidAgainst(SCHEMA, buildReport(items));
  });

  it('validates a report with nothing scored (null blocks)', () => {
    expectValidAgainst(SCHEMA, { ...buildReport(items), frame: null, video: null });
  });

  it('validates a report whose video level has one class (rank metrics null + reason)', () => {
    const oneClass = items.filter((i) => i.label === 'real');
    const report = buildReport(oneClass);
    expect(report.video!.auc).toBeNull();
    expectValidAgainst(SCHEMA, report);
  });

  it('rejects inconsistent or malformed reports', () => {
    const good = buildReport(items);
    const video = good.video!;
    const frame = good.frame!;
    // Rank metric missing without a reason.
    expect(invalid({ ...good, video: { ...video, auc: null } })).toMatch(/\/video\/auc/);
    // A reason but numbers anyway.
    invalid({ ...good, video: { ...video, rankMetricsUnavailable: 'only one class' } });
    // Unscored item with frames, scored item without frames.
    invalid({ ...good, items: [{ ...item('x', 'fake', null, []), frames: [0.5] }] });
    invalid({ ...good, items: [{ ...item('x', 'fake', 0.5, [0.5]), frames: [] }] });
    // A failed item without its error, a scored one with an error.
    invalid({ ...good, items: [{ ...item('x', 'fake', null, []), status: 'error' }] });
    invalid({ ...good, items: [{ ...item('x', 'fake', 0.5, [0.5]), error: { code: 'X', message: 'x' } }] });
    // Wrong kind/version, bad label, score out of range, bad sha, extra property.
    invalid({ ...good, kind: 'ldf.scan-report' });
    invalid({ ...good, schemaVersion: 1 });
    invalid({ ...good, items: [{ ...item('x', 'real', 0.5, [0.5]), label: 'unknown' }] });
    invalid({ ...good, items: [item('x', 'real', 1.5, [1.5])] });
    invalid({ ...good, model: { ...good.model, weightsSha256: ['XYZ'] } });
    invalid({ ...good, frame: { ...frame, extra: 1 } });
    invalid({ ...good, frame: { ...frame, confusionMatrix: { real: { real: 1, fake: 0 }, fake: frame.confusionMatrix.fake } } });
  });
});
