import { describe, expect, it } from 'vitest';
import { mergeReports } from '../../../src/report/merge-reports.js';
import { ReportError } from '../../../src/report/report-error.js';
import { expectValidAgainst } from '../../helpers/schema.js';
import { fileResult, MODEL, OPTIONS, report } from '../../helpers/report-fixtures.js';

const inputs = { paths: ['media', 'extra.mp4'], include: [], exclude: [], extensions: null };

describe('mergeReports', () => {
  it('joins shards in the order an unsharded scan gives, recomputing the summary', () => {
    const a = report([fileResult('media/b/z.mp4', 0.9), fileResult('media/a.mp4', 0.1), fileResult('extra.mp4', null)], {
      inputs: { ...inputs, shard: { index: 1, count: 2 } },
      skipped: [{ path: 'media/notes.txt', reason: 'NOT_MEDIA' }],
      totalMs: 4000,
    });
    const b = report([fileResult('media/b-c.mp4', 0.5), fileResult('media/b/a.mp4', null, { code: 'EMPTY_FILE', message: 'file is empty' })], {
      inputs: { ...inputs, shard: { index: 2, count: 2 } },
      problems: [{ path: 'media/locked', code: 'DIR_UNREADABLE', message: 'cannot read folder (EACCES)', severity: 'error' }],
      totalMs: 2000,
    });
    const { report: merged, duplicates } = mergeReports([{ report: a, source: 'a.json' }, { report: b, source: 'b.json' }], { toolVersion: '0.2.0', createdAt: new Date('2024-06-01T00:00:00Z') });
    expectValidAgainst('scan-report.schema.json', merged);
    expect(duplicates).toBe(0);
    // Walk order: per argument, then component by component ("b" < "b-c" as a name, though "b/" > "b-" as text).
    expect(merged.files.map((f) => f.path)).toEqual(['media/a.mp4', 'media/b/a.mp4', 'media/b/z.mp4', 'media/b-c.mp4', 'extra.mp4']);
    expect(merged.inputs).toEqual({ ...inputs, shard: null });
    expect(merged.merged).toEqual({
      reports: [
        { createdAt: a.createdAt, shard: { index: 1, count: 2 }, files: 3 },
        { createdAt: b.createdAt, shard: { index: 2, count: 2 }, files: 2 },
      ],
      mixed: false,
    });
    expect(merged.summary).toMatchObject({
      files: 5,
      byVerdict: { real: 1, uncertain: 1, fake: 1, 'no-face': 1, error: 1 },
      flagged: 1,
      errors: 2, // the empty file and the unreadable folder
      byErrorCode: { DIR_UNREADABLE: 1, EMPTY_FILE: 1 },
      skipped: 1,
      totalMs: 6000,
    });
    expect(merged.tool.version).toBe('0.2.0');
  });

  it('refuses other models or options unless allowed; --fail-on alone is no difference', () => {
    const a = report([fileResult('x.mp4', 0.1)]);
    const otherWeights = report([fileResult('y.mp4', 0.1)], { model: { ...MODEL, weightsSha256: ['b'.repeat(64)] } });
    const otherFrames = report([fileResult('y.mp4', 0.1)], { options: { ...OPTIONS, sampling: { ...OPTIONS.sampling, frames: 8 }, minFacePx: 20 } });
    const otherGate = report([fileResult('y.mp4', 0.1)], { options: { ...OPTIONS, failOn: 'uncertain' } });
    expect(() => mergeReports([{ report: a, source: 'a.json' }, { report: otherWeights, source: 'w.json' }], { toolVersion: '0' })).toThrow(/w\.json does not match a\.json: model ldfnet-test 1\.0\.0 vs ldfnet-test 1\.0\.0 \(different weights\)/);
    try {
      mergeReports([{ report: a, source: 'a.json' }, { report: otherFrames, source: 'f.json' }], { toolVersion: '0' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ReportError);
      expect((error as ReportError).code).toBe('MIXED_REPORTS');
      expect((error as Error).message).toContain('options differ: sampling, minFacePx');
    }
    expect(mergeReports([{ report: a, source: 'a' }, { report: otherGate, source: 'g' }], { toolVersion: '0' }).report.merged?.mixed).toBe(false);
    const mixed = mergeReports([{ report: a, source: 'a' }, { report: otherFrames, source: 'f' }], { toolVersion: '0', allowMixed: true });
    expect(mixed.report.merged?.mixed).toBe(true);
    expect(mixed.report.files).toHaveLength(2);
  });

  it('a file in several reports is kept once, from the newest; merged reports flatten', () => {
    const monday = report([fileResult('a.mp4', 0.1), fileResult('b.mp4', 0.2)], { createdAt: new Date('2024-05-06T00:00:00Z') });
    const tuesday = report([fileResult('b.mp4', 0.95)], { createdAt: new Date('2024-05-07T00:00:00Z') });
    const first = mergeReports([{ report: tuesday, source: 't' }, { report: monday, source: 'm' }], { toolVersion: '0' });
    expect(first.duplicates).toBe(1);
    expect(first.report.files.map((f) => [f.path, f.verdict])).toEqual([
      ['b.mp4', 'fake'],
      ['a.mp4', 'real'],
    ]);
    const again = mergeReports([{ report: first.report, source: 'week' }, { report: report([fileResult('c.mp4', 0.1)]), source: 'c' }], { toolVersion: '0' });
    expect(again.report.merged?.reports).toHaveLength(3);
  });
});
