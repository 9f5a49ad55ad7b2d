import { appendFile, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CROP_CONVENTION } from '../../../src/model/manifest.js';
import { cropPath, DATASET_FILES, type DatasetOptions } from '../../../src/dataset/dataset-format.js';
import { DatasetStore, type SourceCommit, type StoreSetup } from '../../../src/dataset/dataset-store.js';
import { openDataset, readCrop } from '../../../src/dataset/open-dataset.js';
import { resolveOptions } from '../../../src/dataset/prepare-dataset.js';
import { expectValidAgainst } from '../../helpers/schema.js';

const crop = { ...DEFAULT_CROP_CONVENTION, size: 16 };
const options: DatasetOptions = resolveOptions({ inputs: [], outDir: '' });
let root: string;

const setup = (dir: string, extra: Partial<StoreSetup> = {}): StoreSetup => ({
  dir,
  crop,
  options,
  detector: { name: 'test', faceApiVersion: '1.0.0', implementation: 'fused' },
  toolVersion: '0.0.0',
  run: { startedAt: new Date().toISOString(), inputs: ['/in'], labelsFile: null, label: 'real', backend: null },
  ...extra,
});

/** A source with `faces` faces whose crops are filled with `value`. */
function source(root: string, name: string, faces: number, value = 7): SourceCommit {
  const ref = { root, path: name };
  return {
    record: { source: ref, kind: 'image', status: faces > 0 ? 'ok' : 'no-face', label: 'real', identity: name, split: 'train', frames: 1, error: null },
    error: null,
    faces: Array.from({ length: faces }, (_, i) => ({
      rgb: new Uint8Array(16 * 16 * 3).fill(value + i),
      item: {
        id: `${root}/${name}#f0-${i}`,
        source: ref,
        label: 'real',
        identity: name,
        split: 'train',
        frameIndex: 0,
        frameTimestampMs: null,
        faceIndex: i,
        frameWidth: 100,
        frameHeight: 100,
        box: { x: 10, y: 10, width: 50, height: 50 },
        detectionScore: 0.9,
        landmarks: Array.from({ length: 68 }, (_, k): [number, number] => [k / 10, 8]),
      },
    })),
  };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ldf-store-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('DatasetStore', () => {
  it('writes crops, items and sources in order; the reader gets them back', async () => {
    const dir = path.join(root, 'a');
    const store = await DatasetStore.open(setup(dir));
    const key = await store.rootKey('/in');
    expect(key).toBe('in');
    expect(await store.rootKey('/other/in')).toBe('in-2');
    expect(await store.rootKey('/in')).toBe('in');
    await store.commit(source(key, 'x.jpg', 2));
    await store.commit(source(key, 'y.jpg', 0));
    expect(store.isDone({ root: 'in', path: 'x.jpg' })).toBe(true);
    const manifest = await store.finish({ sourcesProcessed: 2, sourcesSkipped: 0, items: 2, errors: 0, imagesPerSecond: 1 });
    expectValidAgainst('dataset-manifest.schema.json', manifest);
    expect(manifest.counts).toMatchObject({ sources: 2, sourcesWithFaces: 1, sourcesWithoutFaces: 1, items: 2, byLabel: { real: 2, fake: 0 } });
    expect(manifest.roots).toEqual([{ key: 'in', path: path.resolve('/in') }, { key: 'in-2', path: path.resolve('/other/in') }]);

    const opened = await openDataset(dir);
    expect(opened.items.map((i) => i.crop)).toEqual([cropPath(0), cropPath(1)]);
    expect(cropPath(1234)).toBe('crops/0001/00001234.png');
    const pixels = await readCrop(dir, opened.items[1]!, 16);
    expect(pixels.size).toBe(16);
    expect(pixels.rgb).toEqual(new Uint8Array(16 * 16 * 3).fill(8)); // lossless
    expect(pixels.landmarks).toHaveLength(68);
    await expect(readCrop(dir, opened.items[1]!, 32)).rejects.toMatchObject({ code: 'BAD_CROP' });
    expect(await readdir(dir)).not.toContain(DATASET_FILES.lock);
  });

  it('repairs what a kill leaves behind: torn lines, items of an unfinished source, stray crops', async () => {
    const dir = path.join(root, 'b');
    let store = await DatasetStore.open(setup(dir));
    await store.commit(source('in', 'x.jpg', 1));
    await store.commit(source('in', 'y.jpg', 2));
    await store.finish({ sourcesProcessed: 2, sourcesSkipped: 0, items: 3, errors: 0, imagesPerSecond: null });
    const itemsBefore = await readFile(path.join(dir, DATASET_FILES.items), 'utf8');
    // Kill in the middle of y.jpg: its sources line is lost, its item lines are there, the last one torn,
    // and a crop of a later face was written.
    const sourcesPath = path.join(dir, DATASET_FILES.sources);
    const sources = (await readFile(sourcesPath, 'utf8')).trimEnd().split('\n');
    await writeFile(sourcesPath, `${sources[0]}\n`);
    await truncate(path.join(dir, DATASET_FILES.items), itemsBefore.length - 30);
    await writeFile(path.join(dir, cropPath(3)), 'partial');
    expect((await openDataset(dir)).items).toHaveLength(1); // the reader ignores the unfinished source

    store = await DatasetStore.open(setup(dir));
    expect(store.resume).toMatchObject({ sources: 1, items: 1, repaired: { itemLines: 1, cropFiles: 3, tornLines: 1 } });
    expect(store.isDone({ root: 'in', path: 'y.jpg' })).toBe(false);
    await store.commit(source('in', 'y.jpg', 2));
    await store.finish({ sourcesProcessed: 1, sourcesSkipped: 1, items: 2, errors: 0, imagesPerSecond: null });
    expect(await readFile(path.join(dir, DATASET_FILES.items), 'utf8')).toBe(itemsBefore);
    expect((await readdir(path.join(dir, 'crops', '0000'))).sort()).toEqual(['00000000.png', '00000001.png', '00000002.png']);
    const { manifest } = await openDataset(dir);
    expect(manifest.runs).toHaveLength(2);
    expect(manifest.counts.items).toBe(3);
  });

  it('refuses a folder prepared with other settings, a non-empty folder, and a folder in use', async () => {
    const dir = path.join(root, 'c');
    const store = await DatasetStore.open(setup(dir));
    await expect(DatasetStore.open(setup(dir))).rejects.toMatchObject({ code: 'DATASET_LOCKED' });
    await store.finish({ sourcesProcessed: 0, sourcesSkipped: 0, items: 0, errors: 0, imagesPerSecond: null });

    const other = setup(dir, { options: { ...options, maxFaces: 2 }, crop: { ...crop, scale: 1.5 } });
    const error = await DatasetStore.open(other).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DATASET_MISMATCH' });
    expect((error as Error).message).toMatch(/crop\.scale 1\.45 there, 1\.5 now; options\.maxFaces 1 there, 2 now/);
    expect(await readdir(dir)).not.toContain(DATASET_FILES.lock); // a refused open leaves no lock

    // A lock of a process that is gone is taken over; one of a live process is not.
    await writeFile(path.join(dir, DATASET_FILES.lock), '999999999\n');
    await (await DatasetStore.open(setup(dir))).release();
    await writeFile(path.join(dir, DATASET_FILES.lock), `${process.ppid}\n`);
    await expect(DatasetStore.open(setup(dir))).rejects.toMatchObject({ code: 'DATASET_LOCKED', message: expect.stringMatching(/another ldf process/) });
    await rm(path.join(dir, DATASET_FILES.lock));

    const notDataset = path.join(root, 'd');
    await DatasetStore.open(setup(path.join(notDataset, 'sub'))).then((s) => s.release());
    await appendFile(path.join(notDataset, 'file.txt'), 'x');
    await expect(DatasetStore.open(setup(notDataset))).rejects.toMatchObject({ code: 'NOT_A_DATASET' });
  });

  it('forgets failed sources with retryErrors, dropping their error lines', async () => {
    const dir = path.join(root, 'e');
    let store = await DatasetStore.open(setup(dir));
    const failed = source('in', 'bad.jpg', 0);
    failed.record = { ...failed.record, status: 'error', error: { code: 'UNREADABLE_IMAGE', message: 'no' } };
    failed.error = { source: failed.record.source, file: '/in/bad.jpg', code: 'UNREADABLE_IMAGE', message: 'no' };
    await store.commit(failed);
    await store.finish({ sourcesProcessed: 1, sourcesSkipped: 0, items: 0, errors: 1, imagesPerSecond: null });
    const errors = (await readFile(path.join(dir, DATASET_FILES.errors), 'utf8')).trim().split('\n');
    expect(errors).toHaveLength(1);
    expectValidAgainst('dataset-error.schema.json', JSON.parse(errors[0]!));
    expectValidAgainst('dataset-source.schema.json', JSON.parse((await readFile(path.join(dir, DATASET_FILES.sources), 'utf8')).trim()));

    store = await DatasetStore.open(setup(dir));
    expect(store.isDone({ root: 'in', path: 'bad.jpg' })).toBe(true);
    await store.release();
    store = await DatasetStore.open(setup(dir, { retryErrors: true }));
    expect(store.isDone({ root: 'in', path: 'bad.jpg' })).toBe(false);
    await store.release();
    expect(await readFile(path.join(dir, DATASET_FILES.errors), 'utf8')).toBe('');
  });
});
