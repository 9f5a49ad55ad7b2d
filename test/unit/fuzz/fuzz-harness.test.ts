import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileResult } from '../../../src/report/scan-report.js';
import { checkFuzzRun, formatOutcome, type Corpus, type FuzzScanRun, type Mutant } from '../../helpers/fuzz-harness.js';

// The checks must catch what they claim to: a fuzz run that passes because its checker looks away is worse than none.
const dir = '/tmp/fuzz-corpus';
const mutant = (file: string): Mutant => ({ file, seed: 'one-face.mp4', kind: 'mp4', mutations: ['bit-flip'], descriptions: ['bit-flip 1 bits at 9'], sizeBytes: 10, sha256: '0' });
const corpus: Corpus = { seed: 1, count: 4, dir, seeds: [], mutants: ['a.mp4', 'b.mp4', 'c.mp4', 'd.txt'].map(mutant) };

function file(name: string, fields: Partial<FileResult> = {}): FileResult {
  return {
    path: path.join(dir, name),
    status: 'ok',
    verdict: 'uncertain',
    scoreFake: 0.5,
    worstTrackId: 0,
    error: null,
    sha256: null,
    sizeBytes: 10,
    media: null,
    framesSampled: 4,
    facesDetected: 4,
    tracks: [],
    timings: { probeMs: 1, decodeMs: 1, detectMs: 1, cropMs: 1, classifyMs: 1, totalMs: 100 },
    ...fields,
  };
}

function run(files: FileResult[], fields: Partial<FuzzScanRun> = {}): FuzzScanRun {
  const report = { files, skipped: [{ path: path.join(dir, 'd.txt'), reason: 'NOT_MEDIA' }] } as unknown as FuzzScanRun['report'];
  return { code: 2, signal: null, stderr: 'ldf: 3 files\n', report, results: files, peakRssKb: 500 * 1024, rssSource: '/usr/bin/time', wallMs: 1000, stalled: false, ...fields };
}

const bounds = { timeoutMs: 1000, maxRssMb: 1024 };
const good = [file('a.mp4'), file('b.mp4', { verdict: 'no-face', scoreFake: null }), file('c.mp4', { status: 'error', verdict: 'error', error: { code: 'DAMAGED_MEDIA', message: 'damaged' } })];

describe('checkFuzzRun', () => {
  it('passes a clean run and counts its outcomes', () => {
    const outcome = checkFuzzRun(corpus, run(good), bounds);
    expect(outcome.findings).toEqual([]);
    expect(Object.fromEntries(outcome.counts)).toEqual({ 'verdict uncertain': 1, 'no-face': 1, 'error DAMAGED_MEDIA': 1, 'skipped NOT_MEDIA': 1 });
    expect(outcome.slowest).toEqual({ file: 'a.mp4', totalMs: 100 });
    expect(formatOutcome(corpus, run(good), outcome)).toContain('findings: none');
  });

  it('flags INTERNAL_ERROR, unstable codes, missing and repeated files, slow files', () => {
    const files = [
      file('a.mp4', { status: 'error', verdict: 'error', error: { code: 'INTERNAL_ERROR', message: 'x is undefined' } }),
      file('b.mp4', { status: 'error', verdict: 'error', error: { code: 'Bad code', message: '?' } }),
      file('b.mp4', { timings: { probeMs: 0, decodeMs: 0, detectMs: 0, cropMs: 0, classifyMs: 0, totalMs: 5000 } }),
    ];
    const problems = checkFuzzRun(corpus, run(files), bounds).findings.map((f) => `${f.file}: ${f.problem.split(':')[0]}`);
    expect(problems).toEqual([
      'a.mp4: INTERNAL_ERROR',
      'b.mp4: error without a stable code (Bad code)',
      'b.mp4: took 5000 ms, bound 1000 ms',
      'b.mp4: in the report 2 times',
      'c.mp4: missing from the report',
    ]);
  });

  it('flags the batch: a stack trace, an exit code outside 0-2, a stall, no report, too much memory', () => {
    const stderr = 'ldf: boom\n    at scanFile (file:///x/scan-file.js:1:2)\n';
    const bad = run(good, { code: 3, stderr, stalled: true, report: null, peakRssKb: 2048 * 1024 });
    const problems = checkFuzzRun(corpus, bad, bounds).findings.filter((f) => f.file === 'batch').map((f) => f.problem);
    expect(problems).toEqual([
      expect.stringMatching(/^the batch stalled/),
      'exit code 3, want 0, 1 or 2',
      expect.stringMatching(/^stack trace on stderr: +at scanFile/),
      'peak RSS 2048 MiB, bound 1024 MiB',
      'no report was written (3 results in the journal)',
    ]);
  });
});
