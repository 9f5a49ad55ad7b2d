import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDatasetPreview } from '../../../src/app/run-dataset-preview.js';
import { runModelInfo } from '../../../src/app/run-model-info.js';
import { runModelInit } from '../../../src/app/run-model-init.js';
import { runReportMerge } from '../../../src/app/run-report-merge.js';
import { runReportShow } from '../../../src/app/run-report-show.js';
import { ReportError } from '../../../src/report/report-error.js';
import { fileResult, report } from '../../helpers/report-fixtures.js';
import { writeSyntheticDataset } from '../../helpers/synthetic-face-dataset.js';

// The use cases of ldf model info/init, report show/merge and dataset preview (the commands only parse
// flags and render what these return).

let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ldf-small-commands-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('runModelInit and runModelInfo', () => {
  it('writes an untrained model folder and describes it, its weight files verified', async () => {
    const out = path.join(root, 'model');
    const manifest = await runModelInit({ outDir: out, seed: 3, variant: 'ldfnet', toolVersion: '0.0.0' });
    expect(manifest).toMatchObject({ id: 'ldfnet-untrained-ldfnet-seed3', trained: false });
    const info = await runModelInfo({ modelDir: out, toolVersion: '9.9.9' });
    expect(info.tool.version).toBe('9.9.9');
    expect(info.model).toMatchObject({ id: manifest.id, trained: false, dir: path.resolve(out) });
    expect(info.files.map((f) => f.sha256)).toEqual(manifest.weights.files.map((f) => f.sha256));
    expect(info.complexity.parameters).toBeGreaterThan(0);
    expect(info.backend.name).toBeTruthy();
  }, 60_000);
});

describe('runReportShow and runReportMerge', () => {
  it('reads a saved report; the fail-on is the request\'s, else the report\'s', async () => {
    const file = path.join(root, 'one.json');
    await writeFile(file, JSON.stringify(report([fileResult('a.mp4', 0.9)])));
    const shown = await runReportShow({ file });
    expect(shown.failOn).toBe('fake');
    expect(shown.report.files.map((f) => f.path)).toEqual(['a.mp4']);
    expect((await runReportShow({ file, failOn: 'none' })).failOn).toBe('none');
  });

  it('joins the reports in the order given, the newest result of a file kept', async () => {
    const a = path.join(root, 'a.json');
    const b = path.join(root, 'b.json');
    await writeFile(a, JSON.stringify(report([fileResult('x.mp4', 0.1), fileResult('y.mp4', 0.9)])));
    await writeFile(b, JSON.stringify(report([fileResult('y.mp4', 0.2)], { createdAt: new Date('2024-05-02T10:00:00.000Z') })));
    const { report: merged, duplicates } = await runReportMerge({ files: [a, b], allowMixed: false, toolVersion: '0.0.0' });
    expect(duplicates).toBe(1);
    expect(merged.files.map((f) => [f.path, f.scoreFake])).toEqual([
      ['x.mp4', 0.1],
      ['y.mp4', 0.2],
    ]);
    expect(merged.merged?.reports).toHaveLength(2);
  });

  it('refuses a file that is not a scan report', async () => {
    const file = path.join(root, 'not-a-report.json');
    await writeFile(file, '{"hello": 1}');
    await expect(runReportShow({ file })).rejects.toBeInstanceOf(ReportError);
    await expect(runReportMerge({ files: [file], allowMixed: false, toolVersion: '0.0.0' })).rejects.toMatchObject({ code: 'NOT_A_SCAN_REPORT' });
  });
});

describe('runDatasetPreview', () => {
  it('writes a landmark sheet of the chosen crops', async () => {
    const dir = path.join(root, 'data');
    await writeSyntheticDataset(dir, 64, [
      { name: 'real/a.jpg', label: 'real', split: 'train' },
      { name: 'real/b.jpg', label: 'real', split: 'val' },
    ]);
    const outFile = path.join(root, 'sheet.png');
    const result = await runDatasetPreview({ dir, outFile, kind: 'landmarks', count: 8, split: 'train' });
    expect(result.itemIds).toHaveLength(1);
    expect(result.width).toBeGreaterThan(0);
    expect((await stat(outFile)).size).toBeGreaterThan(0);
  });
});
