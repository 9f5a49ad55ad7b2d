import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initModelFolder } from '../../../src/model/init-model.js';
import { LdfnetModel } from '../../../src/model/ldfnet-model.js';
import { loadModelFolder, saveModelFolder } from '../../../src/model/model-folder.js';
import { useTestBackend } from '../../helpers/backend.js';
import { TINY_CONFIG } from '../../helpers/tiny-config.js';

let dir: string;
beforeAll(async () => {
  await useTestBackend();
  dir = await mkdtemp(path.join(tmpdir(), 'ldf-model-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function crops(n: number, size: number, seed: number): Uint8Array[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    const c = new Uint8Array(size * size * 3);
    for (let i = 0; i < c.length; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      c[i] = s >>> 24;
    }
    return c;
  });
}

describe('model folder', () => {
  it('round-trips: save -> load gives bit-identical outputs', async () => {
    const a = path.join(dir, 'a');
    await initModelFolder(a, { config: TINY_CONFIG, seed: 5, toolVersion: 'test' });
    const first = await LdfnetModel.load(a);
    const input = crops(5, 32, 1);
    const scoresA = await first.predict(input, { batchSize: 2 });

    const b = path.join(dir, 'b');
    const { params, manifest } = await loadModelFolder(a);
    const { weights: _w, ...fields } = manifest;
    await saveModelFolder(b, fields, params);
    params.forEach((t) => t.dispose());
    const second = await LdfnetModel.load(b);
    const scoresB = await second.predict(input, { batchSize: 2 });

    expect(Buffer.from(scoresB.buffer).equals(Buffer.from(scoresA.buffer))).toBe(true);
    expect(await readFile(path.join(b, 'weights.bin'))).toEqual(await readFile(path.join(a, 'weights.bin')));
    // Batching does not change a face's score beyond float rounding.
    const single = await first.predict(input, { batchSize: 1 });
    expect(Array.from(single)).toEqual(Array.from(scoresA).map((v) => expect.closeTo(v, 5)));
    for (const v of scoresA) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    first.dispose();
    second.dispose();
  });

  it('refuses weights whose sha256 does not match the manifest', async () => {
    const m = path.join(dir, 'tampered');
    await initModelFolder(m, { config: TINY_CONFIG, seed: 5, toolVersion: 'test' });
    const file = path.join(m, 'weights.bin');
    const bytes = await readFile(file);
    bytes[100] = bytes[100]! ^ 0xff;
    await writeFile(file, bytes);
    await expect(LdfnetModel.load(m)).rejects.toMatchObject({ code: 'WEIGHTS_HASH_MISMATCH' });
  });

  it('refuses truncated weights, a broken manifest and a missing folder with clear codes', async () => {
    const m = path.join(dir, 'broken');
    await initModelFolder(m, { config: TINY_CONFIG, seed: 5, toolVersion: 'test' });
    const file = path.join(m, 'weights.bin');
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, bytes.length - 4));
    await expect(LdfnetModel.load(m)).rejects.toMatchObject({ code: 'WEIGHTS_SIZE_MISMATCH' });

    await writeFile(path.join(m, 'manifest.json'), '{ not json');
    await expect(LdfnetModel.load(m)).rejects.toMatchObject({ code: 'MANIFEST_INVALID' });

    const manifestPath = path.join(dir, 'a', 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
    await writeFile(path.join(m, 'manifest.json'), JSON.stringify({ ...manifest, trained: 'yes' }));
    await expect(LdfnetModel.load(m)).rejects.toMatchObject({ code: 'MANIFEST_INVALID' });

    await expect(LdfnetModel.load(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });

  it('refuses weights that do not fit the architecture', async () => {
    const m = path.join(dir, 'mismatch');
    await initModelFolder(m, { config: TINY_CONFIG, seed: 5, toolVersion: 'test' });
    const manifestPath = path.join(m, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { architecture: { widths: number[] } };
    manifest.architecture.widths = [8, 8, 8, 16, 16];
    await writeFile(manifestPath, JSON.stringify(manifest));
    await expect(LdfnetModel.load(m)).rejects.toMatchObject({ code: 'WEIGHT_SHAPE_MISMATCH' });
  });

  it('leaks no tensor over 1,000 predictions', async () => {
    const m = path.join(dir, 'leak');
    await initModelFolder(m, { config: TINY_CONFIG, seed: 2, toolVersion: 'test' });
    const model = await LdfnetModel.load(m);
    const input = crops(1, 32, 9);
    await model.predict(input); // warm-up: kernels and caches settle
    const before = tf.memory();
    for (let i = 0; i < 1000; i++) await model.predict(input);
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    model.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before.numTensors);
  });
});
