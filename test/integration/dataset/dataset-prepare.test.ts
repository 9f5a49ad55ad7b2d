import { BOX_CROP_CONVENTION, DEFAULT_CROP_CONVENTION } from '../../../src/model/manifest.js';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cropFace } from '../../../src/faces/crop-face.js';
import { FaceDetector } from '../../../src/faces/face-detector.js';
import { sbiPreviewSheetSize } from '../../../src/train/sbi/index.js';
import { decodeStill } from '../../../src/dataset/decode-still.js';
import { landmarkSheetSize, writeDatasetPreview } from '../../../src/train/preview-dataset.js';
import {
  DATASET_FILES,
  openDataset,
  prepareDataset,
  readCrop,
  type DatasetItem,
  type ErrorRecord,
  type PrepareDatasetOptions,
  type PrepareEvent,
  type SourceRecord,
} from '../../../src/dataset/index.js';
import { useTestBackend } from '../../helpers/backend.js';
import { DATASET_INPUTS, makeDatasetInputs } from '../../helpers/dataset-inputs.js';
import { ROOT } from '../../helpers/run-cli.js';
import { expectValidAgainst } from '../../helpers/schema.js';

let dir: string;
let inputs: string;
let detector: FaceDetector;

beforeAll(async () => {
  await useTestBackend();
  detector = await FaceDetector.load();
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-dataset-'));
  inputs = path.join(dir, 'in');
  await makeDatasetInputs(inputs);
});
afterAll(async () => {
  detector.dispose();
  await rm(dir, { recursive: true, force: true });
});

const readLines = async <T>(file: string): Promise<T[]> =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);

// Most tests here check the pipeline with the box crop (whose PNGs can be recomputed from the stored box);
// 'landmarks-square crops' below checks the default convention.
const prepare = (outDir: string, extra: Partial<PrepareDatasetOptions> = {}, events: PrepareEvent[] = []) =>
  prepareDataset({ inputs: [inputs], outDir, sampling: { mode: 'count', frames: 3 }, toolVersion: '0.1.0', crop: BOX_CROP_CONVENTION, ...extra }, { detector }, (e) => events.push(e));

/** Every file below `root` with its size and mtime. */
async function snapshot(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const info = await stat(file);
    out.set(path.relative(root, file), `${info.size}:${info.mtimeMs}`);
  }
  return out;
}

describe('prepareDataset on a real/ fake/ layout', () => {
  let out: string;
  let items: DatasetItem[];

  beforeAll(async () => {
    out = path.join(dir, 'out');
    const events: PrepareEvent[] = [];
    const summary = await prepare(out, {}, events);
    expect(summary).toMatchObject({
      sourcesFound: DATASET_INPUTS.good.length + DATASET_INPUTS.bad.length,
      sourcesProcessed: DATASET_INPUTS.good.length + DATASET_INPUTS.bad.length,
      sourcesWithFaces: DATASET_INPUTS.good.length,
      sourcesFailed: DATASET_INPUTS.bad.length,
      sourcesSkipped: 0,
      ignoredFiles: 1,
      inputProblems: 0,
      items: 7, // 4 photos, 3 video frames
    });
    expect(summary.imagesPerSecond).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === 'source-error').map((e) => (e as { file: string }).file).sort()).toEqual(
      DATASET_INPUTS.bad.map(([rel]) => path.join(inputs, rel)).sort(),
    );
    items = (await openDataset(out)).items;
  });

  it('writes a manifest, items, sources and errors valid against their schemas', async () => {
    const manifest = JSON.parse(await readFile(path.join(out, DATASET_FILES.manifest), 'utf8')) as unknown;
    expectValidAgainst('dataset-manifest.schema.json', manifest);
    expect(manifest).toMatchObject({
      formatVersion: 1,
      crop: { name: 'square-box-scaled', scale: 1.3, size: 256, padding: 'zero' },
      options: { maxFaces: 1, minFacePx: 40, sampling: { mode: 'count', frames: 3 }, valShare: 0 },
      detector: { faceApiVersion: detector.faceApiVersion, implementation: 'fused' },
      roots: [{ key: 'in', path: inputs }],
      counts: { sources: 9, sourcesWithFaces: 5, sourcesFailed: 4, items: 7, byLabel: { real: 5, fake: 2 }, bySplit: { train: 7, val: 0 } },
    });
    expect(items).toHaveLength(7);
    for (const item of items) expectValidAgainst('dataset-item.schema.json', item);
    const sources = await readLines<SourceRecord>(path.join(out, DATASET_FILES.sources));
    expect(sources).toHaveLength(9);
    for (const s of sources) expectValidAgainst('dataset-source.schema.json', s);
    const errors = await readLines<ErrorRecord>(path.join(out, DATASET_FILES.errors));
    for (const e of errors) expectValidAgainst('dataset-error.schema.json', e);
    expect(errors.map((e) => [e.source.path, e.code]).sort()).toEqual(DATASET_INPUTS.bad.map(([rel, code]) => [rel, code]).sort());
    expect(errors.find((e) => e.source.path === 'real/notes.jpg')!.file).toBe(path.join(inputs, 'real/notes.jpg'));
  });

  it('labels from the nearest real/ or fake/ folder, one identity per file by default, stable ids', () => {
    const bySource = new Map(items.map((i) => [i.source.path, i]));
    for (const [rel, label] of DATASET_INPUTS.good) expect(bySource.get(rel)?.label).toBe(label);
    for (const item of items) {
      expect(item.identity).toBe(`in/${item.source.path}`);
      expect(item.id).toBe(`in/${item.source.path}#f${item.frameIndex}-${item.faceIndex}`);
      expect(item.split).toBe('train');
    }
    const video = items.filter((i) => i.source.path === 'real/one-face.mp4');
    expect(video.map((i) => i.frameIndex)).toEqual([0, 1, 2]);
    expect(video.every((i) => typeof i.frameTimestampMs === 'number' && i.frameWidth === 320)).toBe(true);
    const still = bySource.get('real/still.jpg')!;
    expect(still).toMatchObject({ frameIndex: 0, faceIndex: 0, frameTimestampMs: null, frameWidth: 360, frameHeight: 360 });
    expect(bySource.get('real/person-a/sample1.jpg')).toMatchObject({ frameWidth: 1920 });
  });

  it('stores lossless 256x256 PNG crops made by cropFace, with landmarks in crop pixels on the face', async () => {
    const files = (await readdir(path.join(out, 'crops'), { recursive: true })).filter((f) => f.endsWith('.png'));
    expect(files).toHaveLength(items.length);
    for (const item of items) {
      const meta = await sharp(path.join(out, item.crop)).metadata();
      expect([meta.format, meta.width, meta.height, meta.channels, meta.depth]).toEqual(['png', 256, 256, 3, 'uchar']);
      expect(item.box.x + item.box.width).toBeLessThanOrEqual(item.frameWidth + 1e-3);
      expect(item.box.y + item.box.height).toBeLessThanOrEqual(item.frameHeight + 1e-3);
      // The face box covers the middle 1/1.3 of the crop; the 68 points lie on the face, around the centre.
      const xs = item.landmarks.map((p) => p[0]);
      const ys = item.landmarks.map((p) => p[1]);
      expect(Math.min(...xs)).toBeGreaterThan(-10);
      expect(Math.max(...xs)).toBeLessThan(266);
      expect(Math.min(...ys)).toBeGreaterThan(-10);
      expect(Math.max(...ys)).toBeLessThan(266);
      const cx = xs.reduce((a, b) => a + b, 0) / xs.length;
      const cy = ys.reduce((a, b) => a + b, 0) / ys.length;
      expect(Math.abs(cx - 128)).toBeLessThan(40);
      expect(Math.abs(cy - 128)).toBeLessThan(50);
      // Eyes (36-47) above the mouth (48-67).
      const meanY = (from: number, to: number): number => ys.slice(from, to).reduce((a, b) => a + b, 0) / (to - from);
      expect(meanY(36, 48)).toBeLessThan(meanY(48, 68) - 30);
    }
    // The PNG holds exactly what cropFace cuts from the decoded photo.
    const still = items.find((i) => i.source.path === 'real/still.jpg')!;
    const frame = await decodeStill(path.join(inputs, 'real/still.jpg'), 1920);
    const expected = cropFace(frame, { box: still.box, landmarks: [] }, BOX_CROP_CONVENTION);
    const { rgb, size, landmarks } = await readCrop(out, still, 256);
    expect(size).toBe(256);
    expect(landmarks).toBe(still.landmarks);
    let diff = 0;
    for (let i = 0; i < rgb.length; i++) diff += Math.abs(rgb[i]! - expected[i]!);
    expect(diff / rgb.length).toBeLessThan(0.5); // only the box's rounding to 1/1000 px differs
  });

  it('cuts landmarks-square crops by default: the landmark box centred (shifted by shiftY) at 1/scale of the crop', async () => {
    const lmOut = path.join(dir, 'out-landmarks');
    await prepare(lmOut, { crop: undefined });
    const opened = await openDataset(lmOut);
    expect(opened.manifest.crop).toEqual(DEFAULT_CROP_CONVENTION);
    expect(opened.manifest.crop.name).toBe('landmarks-square');
    expect(opened.items.length).toBeGreaterThan(0);
    const { scale, size, shiftY } = DEFAULT_CROP_CONVENTION;
    for (const item of opened.items) {
      const xs = item.landmarks.map((p) => p[0]);
      const ys = item.landmarks.map((p) => p[1]);
      const w = Math.max(...xs) - Math.min(...xs);
      const h = Math.max(...ys) - Math.min(...ys);
      // Landmarks are stored to 1/100 px.
      expect(Math.abs(Math.max(w, h) - size / scale)).toBeLessThan(0.05);
      expect(Math.abs((Math.max(...xs) + Math.min(...xs)) / 2 - size / 2)).toBeLessThan(0.05);
      expect(Math.abs((Math.max(...ys) + Math.min(...ys)) / 2 - (size / 2 - shiftY! * size))).toBeLessThan(0.05);
    }
  });

  it('skips everything on a rerun and changes nothing but the run record', async () => {
    const before = await snapshot(out);
    const events: PrepareEvent[] = [];
    const summary = await prepare(out, {}, events);
    expect(summary).toMatchObject({ sourcesFound: 9, sourcesSkipped: 9, sourcesProcessed: 0, sourcesFailed: 0, items: 0, frames: 0 });
    expect(events.filter((e) => e.type === 'source-error')).toEqual([]);
    const after = await snapshot(out);
    before.delete(DATASET_FILES.manifest);
    after.delete(DATASET_FILES.manifest);
    expect(after).toEqual(before);
    const { manifest } = await openDataset(out);
    expect(manifest.runs).toHaveLength(2);
    expect(manifest.runs[1]).toMatchObject({ sourcesSkipped: 9, sourcesProcessed: 0, imagesPerSecond: null });
  });

  it('resumes a killed run: redoes only the unfinished file and ends where an uninterrupted run ends', async () => {
    const killed = path.join(dir, 'killed');
    await mkdir(killed);
    for (const f of [DATASET_FILES.manifest, DATASET_FILES.items, DATASET_FILES.sources, DATASET_FILES.errors]) await copyFile(path.join(out, f), path.join(killed, f));
    for (const item of items) {
      await mkdir(path.dirname(path.join(killed, item.crop)), { recursive: true });
      await copyFile(path.join(out, item.crop), path.join(killed, item.crop));
    }
    // Killed while writing the video's items: the video's sources line and its last item line are lost
    // (the item torn in half), and so is everything after it.
    const sources = await readLines<SourceRecord>(path.join(out, DATASET_FILES.sources));
    const videoAt = sources.findIndex((s) => s.source.path === 'real/one-face.mp4');
    await writeFile(path.join(killed, DATASET_FILES.sources), sources.slice(0, videoAt).map((s) => `${JSON.stringify(s)}\n`).join(''));
    const itemsText = await readFile(path.join(out, DATASET_FILES.items), 'utf8');
    const lastVideoItem = itemsText.indexOf('\n', itemsText.lastIndexOf('one-face.mp4#f2-0'));
    await truncate(path.join(killed, DATASET_FILES.items), lastVideoItem - 40);

    const events: PrepareEvent[] = [];
    const summary = await prepare(killed, {}, events);
    expect(summary.sourcesSkipped).toBe(videoAt);
    expect(summary.sourcesProcessed).toBe(9 - videoAt);
    const start = events.find((e) => e.type === 'start') as Extract<PrepareEvent, { type: 'start' }>;
    expect(start.resume.repaired).toMatchObject({ itemLines: 2, tornLines: 1 });
    expect(await readFile(path.join(killed, DATASET_FILES.items), 'utf8')).toBe(itemsText);
    const errors = await readLines<ErrorRecord>(path.join(killed, DATASET_FILES.errors));
    expect(errors.map((e) => e.source.path).sort()).toEqual(DATASET_INPUTS.bad.map(([rel]) => rel).sort()); // each once
    const crops = (await readdir(path.join(killed, 'crops'), { recursive: true })).filter((f) => f.endsWith('.png'));
    expect(crops).toHaveLength(items.length);
  });

  it('stops at once on an aborted signal, recording nothing as done', async () => {
    const stopped = path.join(dir, 'stopped');
    const summary = await prepare(stopped, { signal: AbortSignal.abort() });
    expect(summary).toMatchObject({ aborted: true, sourcesProcessed: 0, items: 0 });
    expect(await readFile(path.join(stopped, DATASET_FILES.sources), 'utf8').catch(() => '')).toBe('');
    expect((await openDataset(stopped)).manifest.runs[0]!.finishedAt).not.toBeNull();
  });

  it('refuses to add to the folder with other options', async () => {
    await expect(prepare(out, { maxFaces: 3 })).rejects.toMatchObject({ code: 'DATASET_MISMATCH', message: expect.stringMatching(/options\.maxFaces 1 there, 3 now/) });
  });

  it('writes preview sheets: self-blended twins with masks, and landmarks', async () => {
    const sheet = path.join(dir, 'sbi.png');
    const result = await writeDatasetPreview(out, sheet, { kind: 'sbi', count: 3, seed: 5, label: 'real' });
    expect(result.itemIds).toHaveLength(3);
    const meta = await sharp(sheet).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', sbiPreviewSheetSize(3, 256).width, sbiPreviewSheetSize(3, 256).height]);
    const again = await writeDatasetPreview(out, path.join(dir, 'sbi2.png'), { kind: 'sbi', count: 3, seed: 5, label: 'real' });
    expect(again.itemIds).toEqual(result.itemIds);
    expect(await readFile(path.join(dir, 'sbi2.png'))).toEqual(await readFile(sheet));
    // Facial-parts masks: the same crops, other twins.
    const parts = await writeDatasetPreview(out, path.join(dir, 'sbi-parts.png'), { kind: 'sbi', count: 3, seed: 5, label: 'real', sbiParts: 1 });
    expect(parts.itemIds).toEqual(result.itemIds);
    expect(await readFile(path.join(dir, 'sbi-parts.png'))).not.toEqual(await readFile(sheet));

    const lm = await writeDatasetPreview(out, path.join(dir, 'lm.png'), { kind: 'landmarks', count: 20 });
    expect(lm.itemIds).toHaveLength(7);
    expect([lm.width, lm.height]).toEqual([landmarkSheetSize(7, 256).width, landmarkSheetSize(7, 256).height]);
    await expect(writeDatasetPreview(out, path.join(dir, 'x.png'), { kind: 'sbi', split: 'val' })).rejects.toMatchObject({ code: 'NO_ITEMS' });
  });
});

describe('prepareDataset with a labels CSV, identities and a validation split', () => {
  it('takes labels and identities from the CSV and keeps each identity on one side', async () => {
    const flat = path.join(dir, 'flat');
    await mkdir(flat);
    const still = path.join(ROOT, 'fixtures', 'still.jpg');
    const names = ['a1.jpg', 'a2.jpg', 'b1.jpg', 'b2.jpg', 'c1.jpg', 'd1.jpg'];
    for (const [i, name] of names.entries()) {
      await sharp(still).resize(300 + 10 * i).toFile(path.join(flat, name));
    }
    await writeFile(
      path.join(flat, 'labels.csv'),
      ['path,label,identity', 'a1.jpg,real,alice', 'a2.jpg,fake,alice', 'b1.jpg,real,bob', '"b2.jpg",real,bob', 'c1.jpg,fake', 'gone.jpg,real'].join('\n'),
    );
    const out = path.join(dir, 'csv-out');
    const events: PrepareEvent[] = [];
    const summary = await prepareDataset(
      { inputs: [flat], outDir: out, labelsFile: path.join(flat, 'labels.csv'), valShare: 0.5, splitSeed: 3 },
      { detector },
      (e) => events.push(e),
    );
    expect(summary).toMatchObject({ sourcesWithFaces: 5, sourcesFailed: 1, ignoredFiles: 1 });
    expect(events.find((e) => e.type === 'source-error')).toMatchObject({ file: path.join(flat, 'd1.jpg'), code: 'NO_LABEL' });
    expect(events.find((e) => e.type === 'warning')).toMatchObject({ message: expect.stringMatching(/1 file\(s\) listed in .*labels.csv are not among the inputs/) });
    const { items, manifest } = await openDataset(out);
    const by = Object.fromEntries(items.map((i) => [i.source.path, i]));
    expect([by['a1.jpg']!.label, by['a2.jpg']!.label, by['b1.jpg']!.label, by['c1.jpg']!.label]).toEqual(['real', 'fake', 'real', 'fake']);
    expect([by['a1.jpg']!.identity, by['a2.jpg']!.identity, by['b2.jpg']!.identity, by['c1.jpg']!.identity]).toEqual(['alice', 'alice', 'bob', 'flat/c1.jpg']);
    const side = new Map<string, string>();
    for (const item of items) {
      expect(side.get(item.identity) ?? item.split).toBe(item.split);
      side.set(item.identity, item.split);
    }
    expect(manifest.counts.identities.train + manifest.counts.identities.val).toBe(3);
    expect(manifest.runs[0]!.labelsFile).toBe(path.join(flat, 'labels.csv'));
  });

  it('takes --label for everything, and reports a conflict with the folder layout', async () => {
    const out = path.join(dir, 'label-out');
    const summary = await prepareDataset({ inputs: [path.join(inputs, 'fake', 'sample2-small.jpg'), path.join(inputs, 'unlabelled')], outDir: out, label: 'real' }, { detector });
    expect(summary).toMatchObject({ sourcesWithFaces: 1, sourcesFailed: 1 });
    const errors = await readLines<ErrorRecord>(path.join(out, DATASET_FILES.errors));
    expect(errors).toMatchObject([{ source: { root: 'fake', path: 'sample2-small.jpg' }, code: 'LABEL_CONFLICT' }]);
    const { items } = await openDataset(out);
    expect(items.map((i) => [i.source.root, i.source.path, i.label])).toEqual([['unlabelled', 'sample4.jpg', 'real']]);
  });
});
