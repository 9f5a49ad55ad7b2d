import { appendFile, cp, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTrainable } from '../../../src/model/ldfnet-params.js';
import { loadModelFolder, readManifest } from '../../../src/model/model-folder.js';
import { DEFAULT_AUGMENT } from '../../../src/train/augment.js';
import { openDataset } from '../../../src/dataset/index.js';
import { registerTrainingKernels } from '../../../src/train/kernels/register-training-kernels.js';
import { epochItems } from '../../../src/train/epoch-order.js';
import {
  CHECKPOINT_DIR,
  epochDir,
  TRAIN_LOG_FILE,
  trainLdfnet,
  TrainError,
  type TrainEvent,
  type TrainOptions,
} from '../../../src/train/train-ldfnet.js';
import { useTestBackend } from '../../helpers/backend.js';
import { writeSyntheticDataset, type SyntheticSource } from '../../helpers/synthetic-face-dataset.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

// ---------------------------------------------------------------------------------------------------------
// trainLdfnet on a tiny synthetic dataset and a narrow network.

const SIZE = 64;
const SOURCES: SyntheticSource[] = [
  ...range(6).map((i): SyntheticSource => ({ name: `real/t${i}.jpg`, label: 'real', split: 'train' })),
  { name: 'fake/f0.jpg', label: 'fake', split: 'train' }, // left out with SBI: only real faces train
  ...range(2).map((i): SyntheticSource => ({ name: `real/v${i}.jpg`, label: 'real', split: 'val' })),
];

let root: string;
let dataDir: string;

beforeAll(async () => {
  await useTestBackend();
  registerTrainingKernels();
  root = await mkdtemp(path.join(tmpdir(), 'ldf-train-'));
  dataDir = path.join(root, 'data');
  await writeSyntheticDataset(dataDir, SIZE, SOURCES);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** 6 real training faces, 4 images (2 pairs) a step: 3 steps per epoch. */
const options = (outDir: string, extra: Partial<TrainOptions> = {}): TrainOptions => ({
  dataDir,
  outDir,
  epochs: 2,
  batchSize: 4,
  learningRate: 1e-3,
  lrDecay: 0.5,
  seed: 7,
  variant: 'ldfnet',
  synthesize: 'sbi',
  augment: DEFAULT_AUGMENT,
  checkpointEverySteps: 1,
  resume: false,
  microBatch: 2,
  maxValItems: 10,
  id: 'tiny',
  toolVersion: '0.0.0',
  config: { inputSize: SIZE, widths: [4, 8, 8, 16, 16], sgeGroups: [2, 2, 2, 4, 4] },
  ...extra,
});

interface LogLine {
  type: 'step' | 'validation';
  globalStep?: number;
  epoch: number;
  loss?: number;
  [key: string]: unknown;
}

async function readLog(outDir: string): Promise<LogLine[]> {
  return (await readFile(path.join(outDir, TRAIN_LOG_FILE), 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as LogLine);
}

/** A log line without what depends on the clock. */
function timeless(line: LogLine): Record<string, unknown> {
  const { time: _time, imagesPerSecond: _ips, ...rest } = line;
  return rest;
}

/** Every weight of a model folder as raw bytes, by name. */
async function weightBytes(dir: string): Promise<Map<string, Buffer>> {
  const { params } = await loadModelFolder(dir);
  const out = new Map<string, Buffer>();
  for (const [name, t] of params) {
    const v = t.dataSync() as Float32Array;
    out.set(name, Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    t.dispose();
  }
  return out;
}

/** Names of the weights whose bytes differ between two model folders' weights (same names required). */
function differingWeights(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  expect([...b.keys()]).toEqual([...a.keys()]);
  return [...a].filter(([name, bytes]) => !bytes.equals(b.get(name)!)).map(([name]) => name);
}

function expectSameWeights(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  expect(differingWeights(a, b)).toEqual([]);
}

describe('trainLdfnet', () => {
  let straight: string;
  let resumed: string;
  let nudged: string;
  const straightEvents: TrainEvent[] = [];
  const resumedEvents: TrainEvent[][] = [[], []];

  beforeAll(async () => {
    straight = path.join(root, 'straight');
    resumed = path.join(root, 'resumed');
    // A: 4 steps in one go. B: 2 steps, stop, resume to 4. Step 4 lies in the second epoch, so both cross
    // an epoch end (validation, best model, learning-rate decay); B stops in the middle of epoch 1.
    expect(await trainLdfnet(options(straight, { maxSteps: 4 }), (e) => straightEvents.push(e))).toEqual({ globalStep: 4, bestAuc: expect.any(Number) });
    expect((await trainLdfnet(options(resumed, { maxSteps: 2 }), (e) => resumedEvents[0]!.push(e))).globalStep).toBe(2);
    expect((await trainLdfnet(options(resumed, { maxSteps: 4, resume: true }), (e) => resumedEvents[1]!.push(e))).globalStep).toBe(4);
    // Control: a 10 % higher learning rate, to show the comparisons below see small differences.
    nudged = path.join(root, 'nudged');
    await trainLdfnet(options(nudged, { maxSteps: 4, learningRate: 1.1e-3 }));
  }, 240_000);

  it('reports start, steps, checkpoints, validation and done', () => {
    const types = straightEvents.map((e) => e.type);
    expect(types.filter((t) => t === 'step')).toHaveLength(4);
    expect(straightEvents[0]).toEqual({ type: 'start', trainItems: 6, valItems: 2, stepsPerEpoch: 3, epoch: 0, step: 0, resumed: false });
    expect(straightEvents.filter((e) => e.type === 'validation')).toHaveLength(1);
    expect(straightEvents.at(-1)).toMatchObject({ type: 'done', globalStep: 4, stopped: true, bestEpoch: 0 });
    const steps = straightEvents.filter((e): e is Extract<TrainEvent, { type: 'step' }> => e.type === 'step');
    expect(steps.map((s) => [s.epoch, s.step, s.globalStep, s.learningRate])).toEqual([
      [0, 1, 1, 1e-3],
      [0, 2, 2, 1e-3],
      [0, 3, 3, 1e-3],
      [1, 1, 4, 5e-4],
    ]);
    for (const s of steps) {
      expect(Number.isFinite(s.loss) && s.loss > 0).toBe(true);
      expect(s.accuracy).toBeGreaterThanOrEqual(0);
      expect(s.accuracy).toBeLessThanOrEqual(1);
    }
    // Resumed: starts where the first part stopped (epoch 0, step 2 of 3).
    expect(resumedEvents[0]!.at(-1)).toMatchObject({ type: 'done', globalStep: 2, stopped: true });
    expect(resumedEvents[1]![0]).toMatchObject({ type: 'start', epoch: 0, step: 2, resumed: true });
    expect(resumedEvents[1]!.filter((e) => e.type === 'step').map((e) => (e as { globalStep: number }).globalStep)).toEqual([3, 4]);
  });

  it('a stopped and resumed run ends bit-identical to an uninterrupted one: weights, Adam moments, best model', async () => {
    expectSameWeights(await weightBytes(path.join(straight, CHECKPOINT_DIR)), await weightBytes(path.join(resumed, CHECKPOINT_DIR)));
    const adamA = await readFile(path.join(straight, CHECKPOINT_DIR, 'adam.bin'));
    const adamB = await readFile(path.join(resumed, CHECKPOINT_DIR, 'adam.bin'));
    expect(adamA.length).toBeGreaterThan(0);
    expect(adamB.equals(adamA)).toBe(true);
    // The best epoch's trained model (epoch 0, saved at the epoch end, by the resumed part in B).
    expectSameWeights(await weightBytes(straight), await weightBytes(resumed));
    const [ma, mb] = [await readManifest(straight), await readManifest(resumed)];
    expect(ma.trained).toBe(true);
    expect(mb.weights.files.map((f) => f.sha256)).toEqual(ma.weights.files.map((f) => f.sha256));
    expect(mb.metrics).toEqual(ma.metrics);
    // And training did change the weights: the checkpoint after step 4 is not the model after step 3, and a
    // slightly different learning rate ends elsewhere.
    const ckpt = await weightBytes(path.join(straight, CHECKPOINT_DIR));
    expect(differingWeights(ckpt, await weightBytes(straight)).length).toBeGreaterThan(0);
    expect(differingWeights(ckpt, await weightBytes(path.join(nudged, CHECKPOINT_DIR))).length).toBeGreaterThan(0);
    expect((await readFile(path.join(nudged, CHECKPOINT_DIR, 'adam.bin'))).equals(adamA)).toBe(false);
  });

  it('keeps the best epoch as a trained model whose recipe says how it was trained', async () => {
    const manifest = await readManifest(straight);
    expect(manifest).toMatchObject({ id: 'tiny', trained: true, training: { selectedEpoch: 0, steps: 3 } });
    // The epoch size as trained: the 6 real training faces, not all 9 items of the dataset.
    expect(manifest.training).toMatchObject({ recipe: { epochItems: 6, microBatch: 2, batchSize: 4, synthesize: 'sbi', learningRate: 1e-3 } });
    expect((manifest.metrics as { validation: { auc: unknown } } | null)?.validation.auc).toEqual(expect.any(Number));
  });

  it('logs the same losses, step for step, and the same validation metrics', async () => {
    const a = await readLog(straight);
    const b = await readLog(resumed);
    expect(a.map((l) => [l.type, l.globalStep ?? null])).toEqual([
      ['step', 1],
      ['step', 2],
      ['step', 3],
      ['validation', null],
      ['step', 4],
    ]);
    expect(b.map(timeless)).toEqual(a.map(timeless));
    const lossAt = (log: LogLine[], step: number): number | undefined => log.find((l) => l.globalStep === step)?.loss;
    for (const step of [3, 4]) {
      expect(lossAt(a, step)).toEqual(expect.any(Number));
      expect(lossAt(b, step)).toBe(lossAt(a, step));
    }
    // The control's losses part from step 2 on (step 1 runs on the same initial weights).
    const c = await readLog(nudged);
    expect(lossAt(c, 1)).toBe(lossAt(a, 1));
    expect(lossAt(c, 4)).not.toBe(lossAt(a, 4));
  });

  it('refuses to resume another run (seed, batch size, micro-batch, architecture), another recipe (learning rate, decay, augmentation) or a missing checkpoint', async () => {
    for (const other of [{ seed: 8 }, { batchSize: 2 }, { microBatch: 4 }, { config: { ...options('').config, widths: [4, 8, 8, 16, 32] as const } }]) {
      const error = await trainLdfnet(options(straight, { resume: true, maxSteps: 5, ...other })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TrainError);
      expect(error).toMatchObject({ code: 'RESUME_MISMATCH' });
    }
    await expect(trainLdfnet(options(path.join(root, 'never-trained'), { resume: true, maxSteps: 1 }))).rejects.toMatchObject({ code: 'RESUME_MISMATCH' });
    // Another learning rate, decay or augmentation: the run's recorded recipe would no longer be true.
    for (const other of [{ learningRate: 5e-4 }, { lrDecay: 0.9 }, { augment: null }]) {
      const error = await trainLdfnet(options(straight, { resume: true, maxSteps: 5, ...other })).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'RESUME_MISMATCH', message: expect.stringContaining('recipe') });
    }
    // Nothing was trained by the refused calls: the checkpoint is still the one of step 4.
    const state = JSON.parse(await readFile(path.join(straight, CHECKPOINT_DIR, 'state.json'), 'utf8')) as { globalStep: number };
    expect(state.globalStep).toBe(4);
  }, 60_000);

  it('resumes a checkpoint written before recipes were recorded, and records the recipe it continues with', async () => {
    const old = path.join(root, 'no-recipe');
    await cp(straight, old, { recursive: true });
    const stateFile = path.join(old, CHECKPOINT_DIR, 'state.json');
    const { recipe, ...withoutRecipe } = JSON.parse(await readFile(stateFile, 'utf8')) as { recipe?: string; globalStep: number };
    expect(recipe).toEqual(expect.any(String));
    await writeFile(stateFile, JSON.stringify(withoutRecipe));
    await trainLdfnet(options(old, { resume: true, maxSteps: 5, learningRate: 5e-4 }));
    const after = JSON.parse(await readFile(stateFile, 'utf8')) as { recipe: string; globalStep: number };
    expect(after.globalStep).toBe(5);
    expect(JSON.parse(after.recipe)).toMatchObject({ learningRate: 5e-4 });
  }, 60_000);

  it('refuses bad batch sizes and datasets without a full batch', async () => {
    await expect(trainLdfnet(options(path.join(root, 'bad'), { batchSize: 3 }))).rejects.toMatchObject({ code: 'BAD_OPTIONS' });
    await expect(trainLdfnet(options(path.join(root, 'bad'), { batchSize: 1, synthesize: 'none' }))).rejects.toMatchObject({ code: 'BAD_OPTIONS' });
    await expect(trainLdfnet(options(path.join(root, 'bad'), { batchSize: 14 }))).rejects.toMatchObject({ code: 'NO_TRAIN_DATA' });
  });

  it('stops cleanly when the prefetched next batch cannot be read, and fails on it when it is reached', async () => {
    // Step 2's first face has no crop file. A run told to stop after step 1 has already started reading
    // step 2's images; that failure must not escape as an unhandled rejection (which would kill the CLI
    // before its stop checkpoint is written).
    const broken = path.join(root, 'broken-data');
    await cp(dataDir, broken, { recursive: true });
    const train = (await openDataset(broken)).items.filter((i) => i.split === 'train' && i.label === 'real');
    const second = epochItems(train.length, 7, 0, train.length)[2]!;
    await rm(path.join(broken, train[second.item]!.crop));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      const out = path.join(root, 'broken-out');
      expect(await trainLdfnet({ ...options(out, { maxSteps: 1 }), dataDir: broken })).toMatchObject({ globalStep: 1 });
      await new Promise((resolve) => setTimeout(resolve, 200)); // let a stray rejection surface
      expect(JSON.parse(await readFile(path.join(out, CHECKPOINT_DIR, 'state.json'), 'utf8'))).toMatchObject({ globalStep: 1 });
      await expect(trainLdfnet({ ...options(out, { maxSteps: 2, resume: true }), dataDir: broken })).rejects.toMatchObject({ code: 'BAD_CROP' });
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('starts a new run from a trained model (initFrom): its weights, a fresh optimiser, and says so in the manifest', async () => {
    // A learning rate so small that one step cannot move a weight visibly: the checkpoint after step 1
    // holds the starting weights. Batch-norm statistics do move (momentum 0.1), so only trainable weights.
    const tiny = { maxSteps: 1, learningRate: 1e-9 };
    const tuned = path.join(root, 'tuned');
    await trainLdfnet(options(tuned, { ...tiny, initFrom: straight, seed: 8 }));
    const fromScratch = path.join(root, 'from-scratch');
    await trainLdfnet(options(fromScratch, { ...tiny, seed: 8 }));
    const start = await weightBytes(straight);
    const near = async (dir: string): Promise<number> => {
      const after = await weightBytes(path.join(dir, CHECKPOINT_DIR));
      let worst = 0;
      for (const [name, bytes] of start) {
        if (!isTrainable(name)) continue;
        const a = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        const b = after.get(name)!;
        const c = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - c[i]!));
      }
      return worst;
    };
    expect(await near(tuned)).toBeLessThan(1e-6);
    expect(await near(fromScratch)).toBeGreaterThan(1e-3); // another seed's random weights: far away
    // Adam starts again: the moments after one step are not the straight run's after its 4 steps.
    expect((await readFile(path.join(tuned, CHECKPOINT_DIR, 'adam.bin'))).equals(await readFile(path.join(straight, CHECKPOINT_DIR, 'adam.bin')))).toBe(false);
    // Resuming needs the same starting weights; without them it is another run.
    await expect(trainLdfnet(options(tuned, { ...tiny, maxSteps: 3, resume: true, seed: 8 }))).rejects.toMatchObject({ code: 'RESUME_MISMATCH' });
    await trainLdfnet(options(tuned, { ...tiny, maxSteps: 3, resume: true, seed: 8, initFrom: straight }));
    const manifest = await readManifest(tuned);
    const startSha = (await readManifest(straight)).weights.files.map((f) => f.sha256);
    expect(manifest.training).toMatchObject({ recipe: { initFrom: { id: 'tiny', weightsSha256: startSha, steps: 3 } } });
    expect((await readManifest(straight)).training).toMatchObject({ recipe: { initFrom: null } });
  }, 120_000);

  it('starts from a model trained at another input side: the axis mixes resized, every other weight as it was', async () => {
    const half = path.join(root, 'half-side');
    const config = { ...options('').config, inputSize: SIZE / 2 };
    await trainLdfnet(options(half, { maxSteps: 1, learningRate: 1e-9, initFrom: straight, config }));
    const start = await weightBytes(straight);
    const after = await weightBytes(path.join(half, CHECKPOINT_DIR));
    const mixes = [...start.keys()].filter((n) => /\.mlp\.[hw]\.[wb]$/.test(n));
    expect(mixes.length).toBeGreaterThan(0);
    for (const [name, bytes] of start) {
      const moved = after.get(name)!;
      if (mixes.includes(name)) {
        // An n x n mix becomes (n/2) x (n/2), a bias of n values n/2: a quarter or half of the bytes.
        expect(moved.byteLength).toBe(name.endsWith('.w') ? bytes.byteLength / 4 : bytes.byteLength / 2);
      } else if (isTrainable(name)) {
        const a = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        const b = new Float32Array(moved.buffer.slice(moved.byteOffset, moved.byteOffset + moved.byteLength));
        expect(b.length).toBe(a.length);
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-6);
      }
    }
    expect((await readManifest(path.join(half, CHECKPOINT_DIR))).architecture.inputSize).toBe(SIZE / 2);
    // A side that is no whole multiple of the old one cannot be mapped.
    await expect(
      trainLdfnet(options(path.join(root, 'odd-side'), { maxSteps: 1, initFrom: straight, config: { ...config, inputSize: SIZE - 8 } })),
    ).rejects.toMatchObject({ code: 'BAD_OPTIONS', message: expect.stringContaining('input side') });
  }, 60_000);

  it('with frozen batch norm: the starting model\'s statistics stay as they were, gamma and beta learn, the manifest says so', async () => {
    const frozen = path.join(root, 'frozen-bn');
    await trainLdfnet(options(frozen, { maxSteps: 3, initFrom: straight, batchNorm: 'frozen' })); // epoch 0 ends: a model is written
    const start = await weightBytes(straight);
    const after = await weightBytes(path.join(frozen, CHECKPOINT_DIR));
    const changed = differingWeights(start, after);
    expect(changed.filter((n) => n.endsWith('.mean') || n.endsWith('.variance'))).toEqual([]);
    expect(changed.some((n) => n.endsWith('.gamma'))).toBe(true);
    expect(changed.some((n) => n.endsWith('.beta'))).toBe(true);
    expect(changed.some((n) => !n.endsWith('.gamma') && !n.endsWith('.beta'))).toBe(true);
    expect((await readManifest(frozen)).training).toMatchObject({ recipe: { batchNorm: 'frozen', batchNormMomentum: null } });
    expect((await readManifest(straight)).training).toMatchObject({ recipe: { batchNorm: 'batch', batchNormMomentum: 0.1 } });
    // Batch statistics (the default) move them; a checkpoint of one mode does not resume in the other.
    const moving = path.join(root, 'moving-bn');
    await trainLdfnet(options(moving, { maxSteps: 2, initFrom: straight }));
    const movedStats = differingWeights(start, await weightBytes(path.join(moving, CHECKPOINT_DIR))).filter((n) => n.endsWith('.mean'));
    expect(movedStats.length).toBeGreaterThan(0);
    await expect(trainLdfnet(options(frozen, { maxSteps: 4, initFrom: straight, resume: true }))).rejects.toMatchObject({ code: 'RESUME_MISMATCH' });
    // Nothing to freeze in a fresh network.
    await expect(trainLdfnet(options(path.join(root, 'frozen-fresh'), { maxSteps: 1, batchNorm: 'frozen' }))).rejects.toMatchObject({
      code: 'BAD_OPTIONS',
      message: expect.stringContaining('--init-from'),
    });
  }, 120_000);

  it('with keepEpochs, also writes every epoch as a trained model folder', async () => {
    const kept = path.join(root, 'kept');
    await trainLdfnet(options(kept, { maxSteps: 7, keepEpochs: true })); // epochs 0 and 1 end, epoch 2 begins
    for (const epoch of [0, 1]) {
      const manifest = await readManifest(epochDir(kept, epoch));
      expect(manifest).toMatchObject({ trained: true, training: { selectedEpoch: epoch, steps: 3 * (epoch + 1) } });
    }
    await expect(stat(epochDir(kept, 2))).rejects.toMatchObject({ code: 'ENOENT' });
    // Same seed and options as the straight run: its epoch 0 is the straight run's kept model.
    expectSameWeights(await weightBytes(epochDir(kept, 0)), await weightBytes(straight));
    expect(differingWeights(await weightBytes(epochDir(kept, 0)), await weightBytes(epochDir(kept, 1))).length).toBeGreaterThan(0);
  }, 60_000);

  it('refuses to start from untrained weights or another architecture', async () => {
    const untrained = path.join(root, 'untrained');
    await cp(straight, untrained, { recursive: true });
    const manifestFile = path.join(untrained, 'manifest.json');
    await writeFile(manifestFile, JSON.stringify({ ...JSON.parse(await readFile(manifestFile, 'utf8')), trained: false }));
    await expect(trainLdfnet(options(path.join(root, 'from-untrained'), { maxSteps: 1, initFrom: untrained }))).rejects.toMatchObject({
      code: 'BAD_OPTIONS',
      message: expect.stringContaining('untrained'),
    });
    const wider = { ...options('').config, widths: [4, 8, 8, 16, 32] as const };
    await expect(trainLdfnet(options(path.join(root, 'from-other'), { maxSteps: 1, initFrom: straight, config: wider }))).rejects.toMatchObject({
      code: 'BAD_OPTIONS',
      message: expect.stringContaining('architecture'),
    });
    await expect(trainLdfnet(options(path.join(root, 'from-nothing'), { maxSteps: 1, initFrom: path.join(root, 'no-such-model') }))).rejects.toMatchObject({
      code: 'BAD_OPTIONS',
    });
  });

  it('with sbiParts, makes other twins (another run to resume) and records the probability', async () => {
    const parts = path.join(root, 'parts');
    const events: TrainEvent[] = [];
    await trainLdfnet(options(parts, { maxSteps: 1, sbiParts: 1 }), (e) => events.push(e));
    const lossOf = (evs: TrainEvent[]): number | undefined => (evs.find((e) => e.type === 'step') as { loss: number } | undefined)?.loss;
    // Same data order and weights as the straight run's first step, other fakes: another loss.
    expect(lossOf(events)).toEqual(expect.any(Number));
    expect(lossOf(events)).not.toBe(lossOf(straightEvents));
    await expect(trainLdfnet(options(parts, { maxSteps: 2, resume: true }))).rejects.toMatchObject({ code: 'RESUME_MISMATCH' });
    await trainLdfnet(options(parts, { maxSteps: 3, resume: true, sbiParts: 1 }));
    expect((await readManifest(parts)).training).toMatchObject({ recipe: { sbiPartsProbability: 1 } });
  }, 60_000);

  it('with valSynthesize none, scores a validation set of real and forged faces as labelled', async () => {
    const events: TrainEvent[] = [];
    // The whole dataset as the validation set: 8 real faces and 1 fake.
    await trainLdfnet(options(path.join(root, 'val-none'), { maxSteps: 3, valDir: dataDir, valSynthesize: 'none' }), (e) => events.push(e));
    const validation = events.find((e): e is Extract<TrainEvent, { type: 'validation' }> => e.type === 'validation');
    expect(validation?.metrics).toMatchObject({ count: 9, positives: 1, negatives: 8 });
    // As training makes them (SBI): each real face and its twin, and the fake as it is.
    const sbi: TrainEvent[] = [];
    await trainLdfnet(options(path.join(root, 'val-sbi'), { maxSteps: 3, valDir: dataDir }), (e) => sbi.push(e));
    expect(sbi.find((e) => e.type === 'validation')).toMatchObject({ metrics: { count: 17, positives: 9, negatives: 8 } });
  }, 60_000);
});

describe('trainLdfnet after a kill', () => {
  it('resumes from the previous checkpoint when a kill fell between its two renames, and logs each step once', async () => {
    const straight = path.join(root, 'kill-straight');
    const killed = path.join(root, 'kill-resumed');
    await trainLdfnet(options(straight, { maxSteps: 3 }));
    await trainLdfnet(options(killed, { maxSteps: 2 }));
    // What a kill leaves: the checkpoint moved aside to .old but the new one not yet in place, and log lines of
    // work done after the checkpoint (a step, a half-written line).
    await rename(path.join(killed, CHECKPOINT_DIR), path.join(killed, `${CHECKPOINT_DIR}.old`));
    await appendFile(path.join(killed, TRAIN_LOG_FILE), `${JSON.stringify({ type: 'step', epoch: 0, step: 3, globalStep: 3, loss: 9 })}\n{"type":"st`);
    expect((await trainLdfnet(options(killed, { maxSteps: 3, resume: true }))).globalStep).toBe(3);
    expectSameWeights(await weightBytes(path.join(straight, CHECKPOINT_DIR)), await weightBytes(path.join(killed, CHECKPOINT_DIR)));
    await expect(stat(path.join(killed, `${CHECKPOINT_DIR}.old`))).rejects.toThrow();
    const log = await readLog(killed);
    expect(log.filter((l) => l.type === 'step').map((l) => l.globalStep)).toEqual([1, 2, 3]);
    expect(log.map(timeless)).toEqual((await readLog(straight)).map(timeless));
  }, 120_000);
});

describe('trainLdfnet with short epochs (epochItems)', () => {
  it('resumes exactly across epochs that cut through the seeded passes', async () => {
    // 4 faces an epoch = 2 steps; 6 faces a pass: epoch 1 holds the end of pass 0 and the start of pass 1.
    // A: 5 steps (epochs 0, 1 and the first step of 2). B: 3 steps (stopped in epoch 1), resumed to 5.
    const short = (dir: string, extra: Partial<TrainOptions>): TrainOptions => options(path.join(root, dir), { epochs: 3, epochItems: 4, ...extra });
    const steps: TrainEvent[] = [];
    await trainLdfnet(short('short-a', { maxSteps: 5 }), (e) => steps.push(e));
    await trainLdfnet(short('short-b', { maxSteps: 3 }));
    const resumedStart: TrainEvent[] = [];
    await trainLdfnet(short('short-b', { maxSteps: 5, resume: true }), (e) => resumedStart.push(e));
    expect(resumedStart[0]).toMatchObject({ type: 'start', stepsPerEpoch: 2, epoch: 1, step: 1, resumed: true });
    expect(steps.filter((e) => e.type === 'step').map((e) => [(e as { epoch: number }).epoch, (e as { learningRate: number }).learningRate])).toEqual([
      [0, 1e-3],
      [0, 1e-3],
      [1, 5e-4],
      [1, 5e-4],
      [2, 2.5e-4],
    ]);
    expect(steps.filter((e) => e.type === 'validation')).toHaveLength(2);
    expectSameWeights(await weightBytes(path.join(root, 'short-a', CHECKPOINT_DIR)), await weightBytes(path.join(root, 'short-b', CHECKPOINT_DIR)));
    expectSameWeights(await weightBytes(path.join(root, 'short-a')), await weightBytes(path.join(root, 'short-b')));
    const a = await readLog(path.join(root, 'short-a'));
    expect(a.filter((l) => l.type === 'step')).toHaveLength(5);
    expect((await readLog(path.join(root, 'short-b'))).map(timeless)).toEqual(a.map(timeless));
    // The recipe in the manifest records the short epochs.
    expect((await readManifest(path.join(root, 'short-a'))).training).toMatchObject({ recipe: { epochItems: 4, microBatch: 2, batchSize: 4 } });
  }, 120_000);
});

describe('trainLdfnet micro-batches', () => {
  /** The step losses of a run with learning rate 0 (the weights never change). */
  async function losses(name: string, extra: Partial<TrainOptions>): Promise<{ loss: number; accuracy: number }[]> {
    const steps: { loss: number; accuracy: number }[] = [];
    // Unmixed micro-batches: each item's real and fake stay together, so chunks line up across runs.
    const unmixed = { learningRate: 0, epochs: 1, checkpointEverySteps: 100, mixMicroBatches: false };
    await trainLdfnet(options(path.join(root, name), { ...unmixed, ...extra }), (e) => {
      if (e.type === 'step') steps.push({ loss: e.loss, accuracy: e.accuracy });
    });
    return steps;
  }

  it('the loss and accuracy of a step are the batch means, whatever the micro-batch (uneven chunks too)', async () => {
    // With learning rate 0 the weights never change, and the images of a stream position are the same
    // whatever the batch size, so a step's loss can be rebuilt from runs that cut the stream differently.
    // Pairs (stream positions) 0, 1, 2 one step each:
    const pairs = await losses('micro-2x2', { batchSize: 2, microBatch: 2, maxSteps: 3 });
    // Pairs 0 and 1 in one step of 4 images, as two micro-batches of 2 (each normalised on its own):
    const [split] = await losses('micro-4x2', { batchSize: 4, microBatch: 2, maxSteps: 1 });
    // ... and as one pass of 4 (batch norm over all 4: a close but different loss):
    const [whole] = await losses('micro-4x4', { batchSize: 4, microBatch: 4, maxSteps: 1 });
    // Pairs 0, 1, 2 in one step of 6 images as micro-batches of 4 and 2:
    const [uneven] = await losses('micro-6x4', { batchSize: 6, microBatch: 4, maxSteps: 1 });
    expect(pairs).toHaveLength(3);
    for (const s of [...pairs, split!, whole!, uneven!]) expect(Number.isFinite(s.loss) && s.loss > 0).toBe(true);

    expect(split!.loss).toBeCloseTo((pairs[0]!.loss + pairs[1]!.loss) / 2, 5);
    expect(split!.accuracy).toBeCloseTo((pairs[0]!.accuracy + pairs[1]!.accuracy) / 2, 9);
    expect(uneven!.loss).toBeCloseTo((4 / 6) * whole!.loss + (2 / 6) * pairs[2]!.loss, 5);
    expect(uneven!.accuracy).toBeCloseTo((4 / 6) * whole!.accuracy + (2 / 6) * pairs[2]!.accuracy, 9);
    expect(whole!.loss).not.toBe(split!.loss);
    expect(Math.abs(whole!.loss - split!.loss)).toBeLessThan(0.25 * split!.loss);
  }, 120_000);

  it('releases every tensor it made', async () => {
    const before = tf.memory().numTensors;
    // A whole epoch: steps, checkpoints, validation, the best model saved.
    const events: TrainEvent[] = [];
    await trainLdfnet(options(path.join(root, 'leak'), { epochs: 1, checkpointEverySteps: 2 }), (e) => events.push(e));
    expect(events.map((e) => e.type).filter((t) => t !== 'step')).toEqual(['start', 'checkpoint', 'validation', 'checkpoint', 'done']);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});

