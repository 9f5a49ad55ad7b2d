import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalReport } from '../../../src/eval/eval-report.js';
import { ROOT, runCli } from '../../helpers/run-cli.js';
import { expectValidAgainst } from '../../helpers/schema.js';

const fixture = (name: string): string => path.join(ROOT, 'fixtures', name);
let dir: string;
let model: string;
let data: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-eval-'));
  model = path.join(dir, 'model');
  expect((await runCli(['model', 'init', '--out', model, '--seed', '1'])).code).toBe(0);
  data = path.join(dir, 'data');
  await mkdir(path.join(data, 'real'), { recursive: true });
  await mkdir(path.join(data, 'fake', 'deeper'), { recursive: true });
  await mkdir(path.join(data, 'unsorted'), { recursive: true });
  await copyFile(fixture('one-face.mp4'), path.join(data, 'real', 'one-face.mp4'));
  await copyFile(fixture('still.jpg'), path.join(data, 'real', 'still.jpg'));
  await copyFile(fixture('no-face.mp4'), path.join(data, 'real', 'no-face.mp4'));
  await copyFile(fixture('several-faces.mp4'), path.join(data, 'fake', 'several-faces.mp4'));
  await copyFile(fixture('one-face.mp4'), path.join(data, 'fake', 'deeper', 'one-face-copy.mp4'));
  await copyFile(fixture('corrupt.mp4'), path.join(data, 'fake', 'corrupt.mp4'));
  await writeFile(path.join(data, 'fake', 'notes.txt'), 'not media\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ldf eval', () => {
  it('refuses an untrained model without the testing flag', async () => {
    const r = await runCli(['eval', '--model', model, data]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('MODEL_UNTRAINED');
  });

  it('evaluates a real/ fake/ folder: JSON valid, counts, no-face and failed files listed, ROC SVG written', async () => {
    const roc = path.join(dir, 'x.svg');
    const sizePlot = path.join(dir, 'size.svg');
    const r = await runCli(['eval', '--model', model, '--allow-untrained', '--json', '--frames', '4', '--roc', roc, '--size-plot', sizePlot, data]);
    expect(r.code, r.stderr).toBe(2); // corrupt.mp4 could not be read
    const report = JSON.parse(r.stdout) as EvalReport;
    expectValidAgainst('eval-report.schema.json', report);

    const byName = Object.fromEntries(report.items.map((i) => [path.basename(i.path), i]));
    expect(Object.keys(byName).sort()).toEqual(['corrupt.mp4', 'no-face.mp4', 'one-face-copy.mp4', 'one-face.mp4', 'several-faces.mp4', 'still.jpg']);
    expect(byName['one-face.mp4']).toMatchObject({ label: 'real', status: 'scored', error: null });
    expect(byName['one-face.mp4']!.frames).toHaveLength(4);
    expect(byName['still.jpg']).toMatchObject({ label: 'real', status: 'scored' });
    expect(byName['still.jpg']!.frames).toHaveLength(1);
    expect(byName['one-face-copy.mp4']).toMatchObject({ label: 'fake', status: 'scored' });
    expect(byName['several-faces.mp4']!.frames).toHaveLength(12);
    expect(byName['no-face.mp4']).toMatchObject({ label: 'real', status: 'no-face', score: null, frames: [], error: null });
    expect(byName['corrupt.mp4']).toMatchObject({ label: 'fake', status: 'error', score: null, frames: [] });
    expect(byName['corrupt.mp4']!.error!.code).toMatch(/^[A-Z_]+$/);

    expect(report.data).toEqual({
      paths: [data],
      counts: { real: 3, fake: 3 },
      unscored: { real: 1, fake: 0 },
      failed: { real: 0, fake: 1 },
      skipped: 1, // notes.txt: not media
      problems: [],
    });
    expect(report.video).toMatchObject({ count: 4, positives: 2, negatives: 2, rankMetricsUnavailable: null });
    expect(report.frame).toMatchObject({ count: 4 + 1 + 12 + 4, positives: 16, negatives: 5 });
    expect(report.options.scan.sampling).toMatchObject({ mode: 'count', frames: 4 });
    expect(report.options.thresholds).toEqual({ real: 0.3, fake: 0.7 });
    // The identical clip under real/ and fake/ gets the same score (the scan pipeline is deterministic).
    expect(byName['one-face-copy.mp4']!.score).toBe(byName['one-face.mp4']!.score);

    const svg = await readFile(roc, 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('frame (21)');
    expect(svg).toContain('video (4)');
    expect(r.stderr).toContain('corrupt.mp4');

    // How it fails: one group per data set (the folder argument), a face size per face score, the plot.
    const set = path.basename(data);
    expect(report.options.groupBy).toBe('folder');
    expect(report.groups[0]).toEqual(expect.objectContaining({ group: set, set, real: 2, fake: 2, unscored: 1, failed: 1 }));
    for (const g of report.groups.slice(1)) expect(g.group.startsWith(`${set}/`)).toBe(true);
    for (const item of report.items) {
      expect(item.group === set || item.group!.startsWith(`${set}/`)).toBe(true);
      expect(item.faceHeightsPx).toHaveLength(item.frames.length);
    }
    const sizeSvg = await readFile(sizePlot, 'utf8');
    expect(sizeSvg).toMatch(/^<svg /);
    expect(sizeSvg.match(/<circle/g)).toHaveLength(21);
  });

  it('a CSV list, the default table, and exit 3 when nothing is scored', async () => {
    const csv = path.join(dir, 'list.csv');
    await writeFile(csv, `path,label\ndata/real/still.jpg,real\ndata/real/no-face.mp4,0\n`);
    const r = await runCli(['eval', '--model', model, '--allow-untrained', csv]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^FILE\s+LABEL\s+STATUS/);
    expect(r.stdout).toContain('no-face');
    expect(r.stdout).toContain('AUC');
    expect(r.stdout).toContain('all 1 items are real');

    const none = path.join(dir, 'none.csv');
    await writeFile(none, 'data/real/no-face.mp4,real\n');
    const out = path.join(dir, 'none.json');
    const n = await runCli(['eval', '--model', model, '--allow-untrained', '--format', 'json', '--output', out, none]);
    expect(n.code, n.stderr).toBe(3);
    const report = JSON.parse(await readFile(out, 'utf8')) as EvalReport;
    expectValidAgainst('eval-report.schema.json', report);
    expect(report.video).toBeNull();
    expect(report.frame).toBeNull();
  });

  it('a file with no label is listed as not evaluated (exit 2)', async () => {
    const loose = path.join(dir, 'loose');
    await mkdir(loose, { recursive: true });
    await copyFile(fixture('still.jpg'), path.join(loose, 'x.jpg'));
    const r = await runCli(['eval', '--model', model, '--allow-untrained', '--json', loose]);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as EvalReport;
    expectValidAgainst('eval-report.schema.json', report);
    expect(report.data.problems).toEqual([{ path: path.join(loose, 'x.jpg'), code: 'NO_LABEL', message: expect.any(String) as string }]);
    expect(report.items).toEqual([]);
  });
});
