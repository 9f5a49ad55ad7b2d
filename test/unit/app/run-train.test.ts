import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrain, type TrainRequest, type TrainRunEvent } from '../../../src/app/run-train.js';
import { createTrainProgress } from '../../../src/cli/train-progress.js';
import { DEFAULT_AUGMENT } from '../../../src/train/augment.js';
import { CHECKPOINT_DIR } from '../../../src/train/train-ldfnet.js';
import { writeSyntheticDataset, type SyntheticSource } from '../../helpers/synthetic-face-dataset.js';
import { TINY_CONFIG } from '../../helpers/tiny-config.js';

/**
 * runTrain on a synthetic dataset of 2 real training faces and 1 validation face, with the tiny network
 * (32x32): one step of 2 images (a face and its self-blended twin) per epoch, so a run takes a second or two.
 */
const SIZE = TINY_CONFIG.inputSize;
const SOURCES: SyntheticSource[] = [
  { name: 'real/t0.jpg', label: 'real', split: 'train' },
  { name: 'real/t1.jpg', label: 'real', split: 'train' },
  { name: 'real/v0.jpg', label: 'real', split: 'val' },
];

let root: string;
let dataDir: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ldf-run-train-'));
  dataDir = path.join(root, 'data');
  await writeSyntheticDataset(dataDir, SIZE, SOURCES);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const request = (outDir: string, extra: Partial<TrainRequest> = {}): TrainRequest => ({
  dataDir,
  outDir,
  epochs: 1,
  batchSize: 2,
  learningRate: 1e-3,
  lrDecay: 0.5,
  seed: 7,
  variant: 'ldfnet',
  synthesize: 'sbi',
  augment: false,
  sbiParts: 0,
  swapProbability: 0,
  degrade: false,
  checkpointEverySteps: 50,
  resume: false,
  maxValItems: 10,
  microBatch: 2,
  config: { inputSize: TINY_CONFIG.inputSize, widths: TINY_CONFIG.widths, sgeGroups: TINY_CONFIG.sgeGroups },
  keepEpochs: false,
  toolVersion: '0.0.0',
  ...extra,
});

/** The lines `ldf train` writes on stderr without a TTY, for these events. */
function rendered(events: readonly TrainRunEvent[]): string[] {
  let text = '';
  const progress = createTrainProgress({ enabled: true, stream: { isTTY: false, write: (t: string) => (text += t) } });
  for (const e of events) progress.onEvent(e);
  progress.stop();
  return text.split('\n').filter((l) => l !== '');
}

describe('runTrain', () => {
  it('selects the backend, trains an epoch and keeps the best model: what it returns and reports is what ldf train prints', async () => {
    const outDir = path.join(root, 'my-model');
    const events: TrainRunEvent[] = [];
    const run = await runTrain(request(outDir, { epochItems: 1, augment: true, cropJitter: { maxScaleJitter: 0.08, maxShiftJitter: 0.04 } }), { onEvent: (e) => events.push(e) });

    expect(['wasm', 'cpu', 'tensorflow']).toContain(run.backend.name);
    expect(run).toMatchObject({ globalStep: 1, stopped: false, bestEpoch: 0, bestAuc: expect.any(Number) });
    expect(events.map((e) => e.type)).toEqual(['start', 'step', 'validation', 'checkpoint', 'done']);
    expect(events[0]).toMatchObject({ type: 'start', backend: run.backend.name, trainItems: 2, valItems: 1, stepsPerEpoch: 1, resumed: false });
    const validation = events[2] as Extract<TrainRunEvent, { type: 'validation' }>;
    expect(validation.best).toBe(true);
    expect(validation.metrics.auc).toBe(run.bestAuc);

    expect(rendered(events)).toEqual([
      `training on 2 faces (1 steps per epoch), validating on 1; backend ${run.backend.name}`,
      `epoch 1 validation: AUC ${run.bestAuc!.toFixed(4)}, EER ${validation.metrics.eer!.rate.toFixed(4)} (best so far: saved)`,
      `done after 1 steps; best epoch 1 (AUC ${run.bestAuc!.toFixed(4)})`,
    ]);

    // The options runTrain assembled: the id is the output folder's name, augmentation is the default with
    // the crop jitter over it, no degradation.
    const manifest = JSON.parse(await readFile(path.join(outDir, 'manifest.json'), 'utf8')) as {
      id: string;
      trained: boolean;
      training: { steps: number; recipe: { augment: unknown; degrade: unknown; batchSize: number } };
    };
    expect(manifest).toMatchObject({ id: 'my-model', trained: true, training: { steps: 1, recipe: { batchSize: 2, degrade: null } } });
    expect(manifest.training.recipe.augment).toEqual({ ...DEFAULT_AUGMENT, maxScaleJitter: 0.08, maxShiftJitter: 0.04 });
  }, 60_000);

  it('stops after the current step and a checkpoint when the signal aborts (Ctrl-C), with no best epoch yet', async () => {
    const outDir = path.join(root, 'stopped');
    const controller = new AbortController();
    const events: TrainRunEvent[] = [];
    const onEvent = (e: TrainRunEvent): void => {
      events.push(e);
      if (e.type === 'step') controller.abort(); // during the first step: it finishes, the second never starts
    };
    const run = await runTrain(request(outDir, { epochs: 3, id: 'named', signal: controller.signal }), { onEvent });

    expect(run).toMatchObject({ globalStep: 1, stopped: true, bestEpoch: null, bestAuc: null });
    expect(events.map((e) => e.type)).toEqual(['start', 'step', 'checkpoint', 'done']);
    expect(rendered(events)).toEqual([`training on 2 faces (2 steps per epoch), validating on 1; backend ${run.backend.name}`, 'stopped after 1 steps; best epoch none yet']);
    const state = JSON.parse(await readFile(path.join(outDir, CHECKPOINT_DIR, 'state.json'), 'utf8')) as { globalStep: number };
    expect(state.globalStep).toBe(1);
    const checkpointManifest = JSON.parse(await readFile(path.join(outDir, CHECKPOINT_DIR, 'manifest.json'), 'utf8')) as { id: string };
    expect(checkpointManifest.id).toBe('named-checkpoint'); // the id given, not the folder's name
    await expect(stat(path.join(outDir, 'manifest.json'))).rejects.toThrow(); // no epoch finished: no model yet
  }, 60_000);
});
