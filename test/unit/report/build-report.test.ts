import { describe, expect, it } from 'vitest';
import { parseScanReport } from '../../../src/report/load-report.js';
import { formatTable } from '../../../src/report/format-table.js';
import { expectValidAgainst } from '../../helpers/schema.js';
import { fileResult, report } from '../../helpers/report-fixtures.js';

describe('buildScanReport (version 2)', () => {
  const r = report(
    [fileResult('a.mp4', 0.9), fileResult('b.mp4', 0.1), fileResult('c.mp4', null, { code: 'UNREADABLE_MEDIA', message: 'x' }), fileResult('d.mp4', null, { code: 'UNREADABLE_MEDIA', message: 'y' })],
    {
      totalMs: 60_000,
      resumed: 1,
      skipped: [{ path: 'n.txt', reason: 'NOT_MEDIA' }],
      problems: [{ path: 'loop', code: 'SYMLINK_LOOP', message: 'loop', severity: 'warning' }],
      stopped: { reason: 'max-errors', unscanned: 3 },
    },
  );

  it('summary: verdicts, error codes (problems too), skipped, resumed, throughput over the files scanned now', () => {
    expectValidAgainst('scan-report.schema.json', r);
    expect(r.summary).toEqual({
      files: 4,
      byVerdict: { real: 1, uncertain: 0, fake: 1, 'no-face': 0, 'too-small': 0, error: 2 },
      flagged: 1,
      errors: 2, // a warning is not an error
      byErrorCode: { SYMLINK_LOOP: 1, UNREADABLE_MEDIA: 2 },
      skipped: 1,
      problems: 1,
      resumed: 1,
      totalMs: 60_000,
      throughput: { filesPerMinute: 3, framesPerSecond: (4 + 4) / 60 },
    });
  });

  it('the table ends with the summary', () => {
    const table = formatTable(r);
    expect(table).toContain('4 files: 1 fake, 1 real, 2 error; 1 skipped (not media); 1 resumed');
    expect(table).toContain('errors and problems: 1 SYMLINK_LOOP, 2 UNREADABLE_MEDIA');
    expect(table).toContain('time 1m00s, 3.0 files/min, 0.1 frames/s; model ldfnet-test');
    expect(table).toContain('stopped at --max-errors: 3 files not scanned');
    expect(table).toContain('warning: loop: loop [SYMLINK_LOOP]');
  });

  it('reads back; a version 1 report is upgraded', () => {
    expect(parseScanReport(JSON.stringify(r), 'r.json')).toEqual(r);
    const { inputs: _i, skipped: _s, problems: _p, stopped: _t, merged: _m, ...v1 } = report([fileResult('a.mp4', 0.9)]);
    const upgraded = parseScanReport(JSON.stringify({ ...v1, schemaVersion: 1, summary: { files: 1, totalMs: 5 } }), 'v1.json');
    expectValidAgainst('scan-report.schema.json', upgraded);
    expect(upgraded.inputs.paths).toEqual(['a.mp4']);
    expect(() => parseScanReport('{"kind":"ldf.scan-report","schemaVersion":9}', 'x')).toThrow(/version 9/);
    expect(() => parseScanReport('{"kind":"other"}', 'x')).toThrow(/not an ldf scan report/);
    expect(() => parseScanReport(JSON.stringify({ ...r, files: 'nope' }), 'x')).toThrow(/not a valid scan report/);
  });
});
