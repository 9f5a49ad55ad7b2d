/**
 * Trains LDFnet on a prepared face dataset (src/dataset), on the active TF.js backend.
 *
 * Recipe (the paper's defaults, overridable): Adam (β1 0.9, β2 0.999, ε 1e-8), learning rate 1e-3 halved
 * after every epoch, seed 7, softmax cross-entropy on the 2 logits; batch-norm moving statistics with
 * momentum 0.1 and the unbiased batch variance (PyTorch's convention). With `synthesize: 'sbi'` every real
 * item yields itself and its self-blended twin, so a batch of B images holds B/2 items.
 *
 * Determinism and resume: the item order of epoch e is a permutation seeded by (seed, e), each image's
 * random draws come from sampleRng(seed, e * itemCount + position), and the checkpoint (every
 * `checkpointEverySteps` steps and at each epoch end, in `<out>/checkpoint/`) holds the weights, both
 * Adam moments, the step counters and the best result so far. A resumed run continues with the next
 * batch of the same order: a killed run loses at most `checkpointEverySteps` steps.
 *
 * After each epoch the model is scored on the validation items (the dataset's `val` split, or `valDir`),
 * real crops and, for SBI, their self-blended twins (fixed seeds, no augmentation); the epoch with the
 * best validation AUC is written to `<out>` as a trained model folder whose manifest records the data,
 * recipe, time, hardware and metrics.
 */
import { appendFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { untrainedManifestFields } from '../model/init-model.js';
import { DEFAULT_LDFNET_CONFIG, type LdfnetConfig, type LdfnetVariant } from '../model/ldfnet-config.js';
import { LdfnetModel } from '../model/ldfnet-model.js';
import { resizeAxisMixing } from '../model/resize-axis-mixing.js';
import { initLdfnetParams, isTrainable, mulberry32 } from '../model/ldfnet-params.js';
import { ldfnetForward, normalizeInput } from '../model/ldfnet.js';
import { LayerContext } from '../model/layers/layer-context.js';
import { loadModelFolder, saveModelFolder } from '../model/model-folder.js';
import type { CropConvention, ModelManifest } from '../model/manifest.js';
import { openDataset, type DatasetItem, type OpenedDataset } from '../dataset/index.js';
import { evaluateScores, type MetricBlock } from '../metrics/metric-block.js';
import { cropAt, packImages, sampleImages, type LabelledImage, type Synthesis } from './training-batch.js';
import type { AugmentOptions } from './augment.js';
import type { DegradeOptions } from './degrade.js';
import { fitSimilarity, type Rng, type SwapDonor } from './sbi/index.js';
import { TrainError } from './train-error.js';

export { TrainError };

export interface TrainOptions {
  dataDir: string;
  /** A separate validation dataset; default: the `val` split of dataDir. */
  valDir?: string;
  outDir: string;
  epochs: number;
  /** Images per step (with SBI: pairs * 2). */
  batchSize: number;
  learningRate: number;
  /** Multiplies the learning rate after every epoch (0.5: halved). */
  lrDecay: number;
  seed: number;
  variant: LdfnetVariant;
  synthesize: Synthesis;
  augment: AugmentOptions | null;
  checkpointEverySteps: number;
  resume: boolean;
  /** Stop after this many steps in total (benchmarks, tests); the run can be resumed later. */
  maxSteps?: number;
  /**
   * Training items per epoch (default: all of them). Smaller epochs validate, checkpoint the best model and
   * decay the learning rate more often; successive epochs walk on through the seeded shuffles, so every
   * item is still seen once before any is seen twice.
   */
  epochItems?: number;
  /** Images per forward/backward pass; their gradients are summed into one step of `batchSize` images. */
  microBatch: number;
  /**
   * 'batch' (default): batch norm normalises each micro-batch by its own statistics and updates the moving
   * ones. 'frozen': every batch norm normalises with the moving statistics of the starting model (initFrom),
   * which stay fixed; gamma and beta still learn. A micro-batch of 2 gives noisy statistics that depend on
   * the other image, which inference never sees; frozen batch norm trains exactly the function inference
   * runs. It needs initFrom: a fresh network has no statistics to freeze.
   */
  batchNorm?: 'batch' | 'frozen';
  /**
   * Shuffle a step's images across micro-batches (default true; see mixBatch). false keeps each item's real
   * and fake next to each other (tests that rebuild a step's loss from other runs).
   */
  mixMicroBatches?: boolean;
  /** Validation items scored per epoch (a seeded sample when the split is larger). */
  maxValItems: number;
  /** Model id for the output manifest. */
  id: string;
  toolVersion: string;
  /** Architecture overrides (tests use a small network). */
  config?: Partial<LdfnetConfig>;
  /** Sets the stop flag: finish the current step, checkpoint, return. */
  signal?: AbortSignal;
  /**
   * With SBI: the probability that a self-blended twin's mask covers only some facial parts (an eye, the
   * nose, the mouth) instead of a face hull (src/train/sbi SbiOptions.partsProbability). Default 0.
   */
  sbiParts?: number;
  /**
   * With SBI: the probability that a forged twin is a cross-identity blend, the face of another training
   * item aligned on the landmarks and colour-matched (src/train/sbi/swap.ts). Default 0.
   */
  swapProbability?: number;
  /**
   * Scan-like degradations applied alike to both images of a pair after the forgery (src/train/degrade.ts);
   * they replace augment's per-image JPEG. Default null: none.
   */
  degrade?: DegradeOptions | null;
  /**
   * A trained model folder whose weights (and batch-norm statistics) start the run instead of random ones:
   * fine-tuning under a new recipe. Adam's moments start at 0. Its architecture must be the run's.
   */
  initFrom?: string;
  /**
   * How validation items become images (default: as training, `synthesize`). 'none' scores a validation
   * set of real and forged faces as labelled, e.g. held-out forgeries given with valDir.
   */
  valSynthesize?: Synthesis;
  /**
   * Also write every epoch's weights as a trained model folder, OUT/epochs/epoch-N (see epochDir), for
   * choosing an epoch on other data than the validation set afterwards. Default false.
   */
  keepEpochs?: boolean;
}

export const TRAIN_DEFAULTS = {
  epochs: 5,
  batchSize: 16,
  learningRate: 1e-3,
  lrDecay: 0.5,
  seed: 7,
  variant: 'ldfnet' as LdfnetVariant,
  synthesize: 'sbi' as Synthesis,
  checkpointEverySteps: 50,
  microBatch: 2,
  maxValItems: 500,
};

export type TrainEvent =
  | { type: 'start'; trainItems: number; valItems: number; stepsPerEpoch: number; epoch: number; step: number; resumed: boolean }
  | { type: 'step'; epoch: number; step: number; globalStep: number; loss: number; accuracy: number; imagesPerSecond: number; learningRate: number }
  | { type: 'checkpoint'; globalStep: number; dir: string }
  | { type: 'validation'; epoch: number; metrics: MetricBlock; best: boolean }
  | { type: 'done'; globalStep: number; stopped: boolean; bestEpoch: number | null; bestAuc: number | null };

export type TrainListener = (event: TrainEvent) => void;

export const CHECKPOINT_DIR = 'checkpoint';
export const EPOCHS_DIR = 'epochs';

/** The model folder of epoch `epoch` (counted from 0) that keepEpochs writes. */
export function epochDir(outDir: string, epoch: number): string {
  return path.join(outDir, EPOCHS_DIR, `epoch-${epoch}`);
}
const STATE_FILE = 'state.json';
const ADAM_FILE = 'adam.bin';
export const TRAIN_LOG_FILE = 'train-log.jsonl';
const STATE_VERSION = 1;
const BETA1 = 0.9;
const BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;
const BN_MOMENTUM = 0.1;

interface TrainState {
  version: number;
  epoch: number;
  /** Steps done in `epoch`. */
  stepInEpoch: number;
  globalStep: number;
  bestAuc: number | null;
  bestEpoch: number | null;
  trainSeconds: number;
  /** What the state belongs to: resuming another run is refused. */
  fingerprint: string;
  /**
   * The optimisation recipe the steps so far followed (learning rate, its decay, augmentation): resuming
   * under another one is refused too, since the manifest records one recipe for the whole run. Absent in
   * checkpoints written before it was recorded; such a run adopts the recipe it is resumed with.
   */
  recipe?: string;
}

/**
 * The images of one step in the order they are fed, micro-batch by micro-batch. Batch norm normalises each
 * micro-batch by its own statistics, so a micro-batch that always held a real face and its self-blended twin
 * would let the network tell the two apart by comparing them through those statistics, a cue that does not
 * exist at inference (moving statistics, one face at a time): trained that way, LDFnet reached 90 % training
 * accuracy and 0.58 validation AUC. When a micro-batch is smaller than the batch, the images are shuffled
 * (seeded by the step) so micro-batches mix faces of different items and labels at random.
 */
export function mixBatch(samples: LabelledImage[][], seed: number, globalStep: number, microBatch: number): LabelledImage[] {
  const images = samples.flat();
  if (microBatch >= images.length) return images;
  return epochOrder(images.length, seed ^ 0x5bd1e995, globalStep).map((i) => images[i]!);
}

/** Seeded permutation of 0..n-1 for one epoch (Fisher-Yates on mulberry32). */
export function epochOrder(n: number, seed: number, epoch: number): number[] {
  const rand = mulberry32((seed * 0x9e3779b1 + epoch * 0x85ebca6b) >>> 0);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/**
 * The training items of one epoch: positions [epoch * epochItems, (epoch + 1) * epochItems) of the endless
 * stream made of epochOrder(n, seed, 0), epochOrder(n, seed, 1), ... With epochItems = n, epoch e is exactly
 * epochOrder(n, seed, e). Returns each item's index and its stream position (the seed of its SBI sample).
 */
export function epochItems(n: number, seed: number, epoch: number, itemsPerEpoch: number): { item: number; position: number }[] {
  const out: { item: number; position: number }[] = [];
  let pass = -1;
  let order: number[] = [];
  for (let position = epoch * itemsPerEpoch; position < (epoch + 1) * itemsPerEpoch; position++) {
    const p = Math.floor(position / n);
    if (p !== pass) {
      pass = p;
      order = epochOrder(n, seed, pass);
    }
    out.push({ item: order[position - pass * n]!, position });
  }
  return out;
}

function fingerprintOf(options: TrainOptions, config: LdfnetConfig, train: DatasetItem[], init: InitialWeights | null): string {
  return JSON.stringify({
    config,
    seed: options.seed,
    batchSize: options.batchSize,
    epochItems: options.epochItems ?? null,
    microBatch: options.microBatch,
    // Only when not the default, so checkpoints written before the option existed still resume.
    ...(options.mixMicroBatches === false ? { mixMicroBatches: false } : {}),
    ...(options.batchNorm === 'frozen' ? { batchNorm: 'frozen' } : {}),
    synthesize: options.synthesize,
    // Each only when set, so runs written before these options existed still resume.
    ...((options.sbiParts ?? 0) > 0 ? { sbiParts: options.sbiParts } : {}),
    ...((options.swapProbability ?? 0) > 0 ? { swapProbability: options.swapProbability } : {}),
    ...(options.valSynthesize !== undefined && options.valSynthesize !== options.synthesize ? { valSynthesize: options.valSynthesize } : {}),
    ...(init === null ? {} : { initFrom: init.weightsSha256 }),
    items: train.length,
    first: train[0]?.id ?? null,
    last: train.at(-1)?.id ?? null,
  });
}

function recipeOf(options: TrainOptions): string {
  return JSON.stringify({
    learningRate: options.learningRate,
    lrDecay: options.lrDecay,
    augment: options.augment,
    // Only when set, so checkpoints written before degradations existed still resume.
    ...(options.degrade != null ? { degrade: options.degrade } : {}),
  });
}

/** The recipe fields that differ between two recipeOf() strings, as "name: was -> now". */
function recipeChanges(was: string, now: string): string[] {
  const a = JSON.parse(was) as Record<string, unknown>;
  const b = JSON.parse(now) as Record<string, unknown>;
  return Object.keys({ ...a, ...b })
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => `${k}: ${JSON.stringify(a[k])} -> ${JSON.stringify(b[k])}`);
}

function sampleItems(items: DatasetItem[], max: number, seed: number): DatasetItem[] {
  if (items.length <= max) return items;
  return epochOrder(items.length, seed, -1)
    .slice(0, max)
    .sort((a, b) => a - b)
    .map((i) => items[i]!);
}

/** The trainer's tensors: weights, Adam moments. Owns them. */
class TrainerState {
  readonly names: string[];
  constructor(
    readonly params: Map<string, tf.Tensor>,
    readonly m: tf.Tensor[],
    readonly v: tf.Tensor[],
  ) {
    this.names = [...params.keys()].filter(isTrainable);
  }

  static fresh(params: Map<string, tf.Tensor>): TrainerState {
    const names = [...params.keys()].filter(isTrainable);
    return new TrainerState(
      params,
      names.map((n) => tf.zerosLike(params.get(n)!)),
      names.map((n) => tf.zerosLike(params.get(n)!)),
    );
  }

  dispose(): void {
    for (const t of this.params.values()) t.dispose();
    tf.dispose([...this.m, ...this.v]);
  }
}

function paramsCopy(params: Map<string, tf.Tensor>): Map<string, tf.Tensor> {
  return new Map([...params].map(([k, t]) => [k, tf.clone(t)]));
}

/** Pools per-chunk batch statistics of one BN layer: the mean and (biased) variance over all chunks. */
function pooledMoments(parts: { mean: tf.Tensor; variance: tf.Tensor; count: number }[]): { mean: tf.Tensor; variance: tf.Tensor; count: number } {
  const count = parts.reduce((a, p) => a + p.count, 0);
  const mean = tf.addN(parts.map((p) => tf.mul(p.mean, p.count / count)));
  const secondMoment = tf.addN(parts.map((p) => tf.mul(tf.add(p.variance, tf.square(p.mean)), p.count / count)));
  return { mean, variance: tf.relu(tf.sub(secondMoment, tf.square(mean))), count };
}

/**
 * One optimisation step on a batch, computed in chunks of `microBatch` images whose gradients are summed
 * (gradient accumulation): the wasm backend's heap (wasm32, at most 4 GiB) holds the saved activations of
 * only about two 256x256 images. Batch-norm layers normalise each chunk by its own statistics (with SBI a
 * chunk of 2 is a real face and its blended twin); the moving statistics get the pooled statistics of the
 * whole batch. Returns the batch's loss and accuracy.
 */
function trainStep(
  state: TrainerState,
  config: LdfnetConfig,
  manifest: ModelManifest,
  pixels: Float32Array,
  labels: number[],
  learningRate: number,
  adamStep: number,
  microBatch: number,
  frozenBatchNorm: boolean,
): { loss: number; accuracy: number } {
  const size = config.inputSize;
  const b = labels.length;
  const perImage = size * size * 3;
  let lossValue = 0;
  let correct = 0;
  const sums: (tf.Tensor | undefined)[] = state.names.map(() => undefined);
  const observations = new Map<string, { mean: tf.Tensor; variance: tf.Tensor; count: number }[]>();
  for (let start = 0; start < b; start += microBatch) {
    const n = Math.min(microBatch, b - start);
    const chunkLabels = labels.slice(start, start + n);
    tf.tidy(() => {
      const x = normalizeInput(
        tf.tensor4d(pixels.subarray(start * perImage, (start + n) * perImage), [n, size, size, 3]),
        manifest.input.normalization,
      );
      const y = tf.oneHot(tf.tensor1d(chunkLabels, 'int32'), 2);
      let logitsOut: tf.Tensor | undefined;
      const f = (...ws: tf.Tensor[]): tf.Scalar => {
        const p = new Map(state.params);
        state.names.forEach((name, i) => p.set(name, ws[i]!));
        const ctx = new LayerContext({ params: p, training: true, frozenBatchNorm });
        const logits = ldfnetForward(ctx, config, x);
        for (const o of ctx.bnObservations) {
          const list = observations.get(o.name) ?? [];
          list.push({ mean: o.mean, variance: o.variance, count: o.count });
          observations.set(o.name, list);
        }
        logitsOut = tf.keep(logits);
        // The chunk's share of the batch mean.
        return tf.mul(tf.losses.softmaxCrossEntropy(y, logits), n / b) as tf.Scalar;
      };
      const { value, grads } = tf.valueAndGrads(f)(state.names.map((name) => state.params.get(name)!));
      lossValue += value.dataSync()[0]!;
      const predicted = tf.argMax(logitsOut!, 1).dataSync();
      chunkLabels.forEach((l, i) => (correct += predicted[i] === l ? 1 : 0));
      logitsOut!.dispose();
      grads.forEach((g, i) => {
        const previous = sums[i];
        sums[i] = tf.keep(previous === undefined ? g : tf.add(previous, g));
        previous?.dispose();
      });
    });
  }
  tf.tidy(() => {
    // Adam with bias correction.
    const c1 = 1 - BETA1 ** adamStep;
    const c2 = 1 - BETA2 ** adamStep;
    state.names.forEach((name, i) => {
      const g = sums[i]!;
      const m = tf.add(tf.mul(state.m[i]!, BETA1), tf.mul(g, 1 - BETA1));
      const v = tf.add(tf.mul(state.v[i]!, BETA2), tf.mul(tf.square(g), 1 - BETA2));
      const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), ADAM_EPSILON));
      const next = tf.sub(state.params.get(name)!, tf.mul(update, learningRate));
      state.params.get(name)!.dispose();
      state.params.set(name, tf.keep(next));
      state.m[i]!.dispose();
      state.v[i]!.dispose();
      state.m[i] = tf.keep(m);
      state.v[i] = tf.keep(v);
    });
    // Batch-norm moving statistics from this batch (unbiased variance, momentum 0.1).
    for (const [bnName, parts] of observations) {
      const obs = pooledMoments(parts);
      const meanName = `${bnName}.mean`;
      const varName = `${bnName}.variance`;
      const unbiased = tf.mul(obs.variance, obs.count / Math.max(obs.count - 1, 1));
      const nextMean = tf.add(tf.mul(state.params.get(meanName)!, 1 - BN_MOMENTUM), tf.mul(obs.mean, BN_MOMENTUM));
      const nextVar = tf.add(tf.mul(state.params.get(varName)!, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM));
      state.params.get(meanName)!.dispose();
      state.params.get(varName)!.dispose();
      state.params.set(meanName, tf.keep(nextMean));
      state.params.set(varName, tf.keep(nextVar));
    }
  });
  tf.dispose(sums.filter((t): t is tf.Tensor => t !== undefined));
  for (const parts of observations.values()) for (const p of parts) tf.dispose([p.mean, p.variance]);
  return { loss: lossValue, accuracy: correct / b };
}

/**
 * Writes a checkpoint as a whole: the files go to a fresh sibling folder, which then replaces `dir` by two
 * renames (dir -> dir.old, new -> dir). A kill at any moment leaves either the previous checkpoint or the new
 * one complete (loadCheckpoint falls back to dir.old when the kill fell between the renames), never new
 * weights with old optimiser moments.
 */
async function saveCheckpoint(dir: string, base: ModelManifest, state: TrainerState, train: TrainState): Promise<void> {
  const fresh = `${dir}.new-${process.pid}`;
  const old = `${dir}.old`;
  await rm(fresh, { recursive: true, force: true });
  await mkdir(fresh, { recursive: true });
  const fields = { ...base, id: `${base.id}-checkpoint`, trained: false, default: false } as Omit<ModelManifest, 'weights'> & {
    weights?: unknown;
  };
  delete fields.weights;
  await saveModelFolder(fresh, fields, state.params);
  const moments = [...state.m, ...state.v].map((t) => t.dataSync() as Float32Array);
  const bytes = moments.reduce((a, t) => a + t.byteLength, 0);
  const data = new Uint8Array(bytes);
  let offset = 0;
  for (const t of moments) {
    data.set(new Uint8Array(t.buffer, t.byteOffset, t.byteLength), offset);
    offset += t.byteLength;
  }
  await writeFile(path.join(fresh, ADAM_FILE), data);
  await writeFile(path.join(fresh, STATE_FILE), `${JSON.stringify(train, null, 2)}\n`);
  await rm(old, { recursive: true, force: true });
  if (await exists(dir)) await rename(dir, old);
  await rename(fresh, dir);
  await rm(old, { recursive: true, force: true });
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/**
 * Drops the log lines of work a resumed run will redo (steps after the checkpoint, validations of epochs not
 * finished in it), so every step and epoch appears once however often the run was killed.
 */
async function trimLog(logFile: string, progress: TrainState): Promise<void> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  const kept = text.split('\n').filter((line) => {
    if (line.trim() === '') return false;
    try {
      const record = JSON.parse(line) as { type?: string; globalStep?: number; epoch?: number };
      if (record.type === 'step') return (record.globalStep ?? 0) <= progress.globalStep;
      if (record.type === 'validation') return (record.epoch ?? 0) < progress.epoch;
      return true;
    } catch {
      return false; // a line cut short by a kill
    }
  });
  const tmp = `${logFile}.tmp-${process.pid}`;
  await writeFile(tmp, kept.map((l) => `${l}\n`).join(''));
  await rename(tmp, logFile);
}

async function loadCheckpoint(checkpointDir: string): Promise<{ state: TrainerState; train: TrainState }> {
  // A kill between saveCheckpoint's two renames leaves only the previous checkpoint, as dir.old.
  const dir = !(await exists(checkpointDir)) && (await exists(`${checkpointDir}.old`)) ? `${checkpointDir}.old` : checkpointDir;
  const train = JSON.parse(await readFile(path.join(dir, STATE_FILE), 'utf8')) as TrainState;
  if (train.version !== STATE_VERSION) throw new TrainError('RESUME_MISMATCH', `${dir}: checkpoint state version ${train.version}, expected ${STATE_VERSION}`);
  const { params } = await loadModelFolder(dir);
  const names = [...params.keys()].filter(isTrainable);
  const raw = await readFile(path.join(dir, ADAM_FILE));
  const floats = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const sizes = names.map((n) => params.get(n)!.size);
  const total = sizes.reduce((a, s) => a + s, 0);
  if (floats.length !== 2 * total) {
    for (const t of params.values()) t.dispose();
    throw new TrainError('RESUME_MISMATCH', `${dir}: ${ADAM_FILE} holds ${floats.length} values, expected ${2 * total}`);
  }
  let offset = 0;
  const take = (n: string): tf.Tensor => {
    const shape = params.get(n)!.shape;
    const t = tf.tensor(floats.subarray(offset, offset + params.get(n)!.size), shape, 'float32');
    offset += params.get(n)!.size;
    return t;
  };
  const m = names.map(take);
  const v = names.map(take);
  return { state: new TrainerState(params, m, v), train };
}

interface InitialWeights {
  params: Map<string, tf.Tensor>;
  weightsSha256: string[];
  /** What the manifest records of the starting model. */
  provenance: Record<string, unknown>;
  dispose(): void;
}

/** A trained model folder's weights as a run's starting point (initFrom). */
async function loadInitialWeights(dir: string, config: LdfnetConfig): Promise<InitialWeights> {
  const loaded = await loadModelFolder(dir).catch((cause: unknown) => {
    throw new TrainError('BAD_OPTIONS', `cannot start from ${dir}: ${(cause as Error).message}`, { cause });
  });
  const { manifest } = loaded;
  let params = loaded.params;
  const dispose = (): void => {
    for (const t of params.values()) t.dispose();
  };
  const fail = (why: string): never => {
    dispose();
    throw new TrainError('BAD_OPTIONS', `cannot start from ${dir}: ${why}`);
  };
  if (!manifest.trained) fail('its weights are untrained');
  // Apart from the TraceBlocks' axis mixes (resized below), the network is convolutional up to a global
  // pooling: a run may start from weights trained at another input side (train small, then fine-tune).
  const sameNetwork = (c: LdfnetConfig): string => JSON.stringify({ ...c, inputSize: 0 });
  if (sameNetwork(manifest.architecture) !== sameNetwork(config)) fail('its architecture is not the run\'s');
  const expected = initLdfnetParams(config, 0);
  if (manifest.architecture.inputSize !== config.inputSize) {
    const shapes = new Map([...expected].map(([n, t]) => [n, t.shape] as const));
    let resized: Map<string, tf.Tensor>;
    try {
      resized = resizeAxisMixing(params, shapes);
    } catch (cause) {
      for (const t of expected.values()) t.dispose();
      return fail(`its input side ${manifest.architecture.inputSize} does not map to ${config.inputSize}: ${(cause as Error).message}`);
    }
    for (const [n, t] of params) if (resized.get(n) !== t) t.dispose();
    params = resized;
  }
  const mismatch = [...expected.keys()].filter((n) => !params.has(n) || params.get(n)!.shape.join('x') !== expected.get(n)!.shape.join('x'));
  const stray = [...params.keys()].filter((n) => !expected.has(n));
  for (const t of expected.values()) t.dispose();
  if (mismatch.length + stray.length > 0) fail(`its weights do not fit the network (${[...mismatch, ...stray].slice(0, 3).join(', ')})`);
  const weightsSha256 = manifest.weights.files.map((f) => f.sha256);
  const training = manifest.training ?? {};
  return {
    params,
    weightsSha256,
    provenance: {
      id: manifest.id,
      version: manifest.version,
      weightsSha256,
      steps: training['steps'] ?? null,
      trainSeconds: training['trainSeconds'] ?? null,
      selectedEpoch: training['selectedEpoch'] ?? null,
    },
    dispose,
  };
}

/** Fake scores of validation images with the current weights (moving BN statistics, folded). */
async function validate(
  state: TrainerState,
  manifest: ModelManifest,
  dataDir: string,
  items: DatasetItem[],
  options: TrainOptions,
): Promise<{ scores: number[]; labels: number[] }> {
  const model = LdfnetModel.fromParams(manifest, paramsCopy(state.params));
  const size = manifest.input.size;
  const scores: number[] = [];
  const labels: number[] = [];
  try {
    const chunk = 16;
    for (let start = 0; start < items.length; start += chunk) {
      const images: LabelledImage[] = [];
      for (const [k, item] of items.slice(start, start + chunk).entries()) {
        images.push(
          ...(await sampleImages(dataDir, item, options.seed + 1, start + k, {
            size,
            synthesize: options.valSynthesize ?? options.synthesize,
            augment: null,
            sbiParts: options.sbiParts ?? 0,
          })),
        );
      }
      const { pixels, labels: l } = packImages(images, size);
      const s = tf.tidy(() => model.scoreTensor(tf.tensor4d(pixels, [images.length, size, size, 3])));
      scores.push(...(await s.data()));
      s.dispose();
      labels.push(...l);
    }
  } finally {
    model.dispose();
  }
  return { scores, labels };
}

function hardware(): Record<string, unknown> {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), backend: tf.getBackend() };
}

/**
 * Runs (or resumes) a training run. Select the backend and call registerTrainingKernels() first.
 * Returns when all epochs are done, `maxSteps` is reached, or `signal` aborts (after a checkpoint).
 */
export async function trainLdfnet(options: TrainOptions, emit: TrainListener = () => {}): Promise<{ globalStep: number; bestAuc: number | null }> {
  if (options.batchSize < 2 || (options.synthesize === 'sbi' && options.batchSize % 2 !== 0)) {
    throw new TrainError('BAD_OPTIONS', `batch size must be >= 2 (and even with SBI), got ${options.batchSize}`);
  }
  if (options.batchNorm === 'frozen' && options.initFrom === undefined) {
    throw new TrainError('BAD_OPTIONS', 'frozen batch norm needs a starting model (--init-from): a fresh network has no statistics to freeze');
  }
  const config: LdfnetConfig = { ...DEFAULT_LDFNET_CONFIG, ...options.config, variant: options.variant };
  const data: OpenedDataset = await openDataset(options.dataDir);
  const labelOk = (item: DatasetItem): boolean => options.synthesize !== 'sbi' || item.label === 'real';
  const train = data.items.filter((i) => i.split === 'train' && labelOk(i));
  const valData = options.valDir === undefined ? data : await openDataset(options.valDir);
  const valAll = options.valDir === undefined ? data.items.filter((i) => i.split === 'val') : valData.items;
  const val = sampleItems(valAll, options.maxValItems, options.seed);
  if (!sameCropRegion(data.manifest.crop, valData.manifest.crop)) {
    throw new TrainError(
      'BAD_OPTIONS',
      `${options.valDir ?? options.dataDir}: validation faces were cut with crop ${describeCrop(valData.manifest.crop)}, training faces with ${describeCrop(data.manifest.crop)}`,
    );
  }
  if (train.length === 0) throw new TrainError('NO_TRAIN_DATA', `${options.dataDir}: no training items${options.synthesize === 'sbi' ? ' labelled real' : ''}`);

  const perItem = options.synthesize === 'sbi' ? 2 : 1;
  const itemsPerStep = options.batchSize / perItem;
  const itemsPerEpoch = Math.min(options.epochItems ?? train.length, train.length);
  const stepsPerEpoch = Math.floor(itemsPerEpoch / itemsPerStep);
  if (stepsPerEpoch === 0) throw new TrainError('NO_TRAIN_DATA', `${train.length} training items make no full batch of ${options.batchSize} images`);
  const init = options.initFrom === undefined ? null : await loadInitialWeights(options.initFrom, config);
  const fingerprint = fingerprintOf(options, config, train, init);
  const recipe = recipeOf(options);
  const checkpointDir = path.join(options.outDir, CHECKPOINT_DIR);
  const logFile = path.join(options.outDir, TRAIN_LOG_FILE);
  await mkdir(options.outDir, { recursive: true });

  const manifest: ModelManifest = {
    ...untrainedManifestFields(config, options.seed, options.id, options.toolVersion),
    // The model is scanned with the crop its training faces were cut with (resampled to its input size).
    crop: { ...data.manifest.crop, size: config.inputSize },
    weights: { format: 'tfjs-weights', files: [], specs: [] },
  };
  let state: TrainerState;
  let progress: TrainState;
  if (options.resume) {
    init?.dispose();
    const loaded = await loadCheckpoint(checkpointDir).catch((cause: unknown) => {
      throw new TrainError('RESUME_MISMATCH', `cannot resume from ${checkpointDir}: ${(cause as Error).message}`, { cause });
    });
    if (loaded.train.fingerprint !== fingerprint) {
      loaded.state.dispose();
      throw new TrainError('RESUME_MISMATCH', `${checkpointDir} belongs to another run (data, architecture, seed, batch size, synthesis or starting weights differ)`);
    }
    const changes = loaded.train.recipe === undefined ? [] : recipeChanges(loaded.train.recipe, recipe);
    if (changes.length > 0) {
      loaded.state.dispose();
      throw new TrainError('RESUME_MISMATCH', `${checkpointDir} was trained with another recipe (${changes.join('; ')}): resume with the same options`);
    }
    state = loaded.state;
    progress = { ...loaded.train, recipe };
    await trimLog(logFile, progress);
  } else {
    state = TrainerState.fresh(init === null ? initLdfnetParams(config, options.seed) : init.params);
    progress = { version: STATE_VERSION, epoch: 0, stepInEpoch: 0, globalStep: 0, bestAuc: null, bestEpoch: null, trainSeconds: 0, fingerprint, recipe };
    await writeFile(logFile, '');
  }
  const log = (record: Record<string, unknown>): Promise<void> => appendFile(logFile, `${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);

  emit({ type: 'start', trainItems: train.length, valItems: val.length, stepsPerEpoch, epoch: progress.epoch, step: progress.stepInEpoch, resumed: options.resume });
  let stopped = false;
  let sinceCheckpoint = 0;
  try {
    while (progress.epoch < options.epochs && !stopped) {
      const epoch = progress.epoch;
      const order = epochItems(train.length, options.seed, epoch, itemsPerEpoch);
      const learningRate = options.learningRate * options.lrDecay ** epoch;
      // A cross-identity donor, drawn by the sample's own generator: of DONOR_CANDIDATES random training
      // items, the one whose landmarks best fit the target's after alignment (a similar pose and shape, as
      // Face X-ray picks its donors by landmark distance). Landmarks are in memory, so only the donor is read.
      const donorOf = async (rng: Rng, target: readonly (readonly [number, number])[]): Promise<SwapDonor> => {
        let best: DatasetItem | undefined;
        let bestResidual = Infinity;
        for (let k = 0; k < DONOR_CANDIDATES; k++) {
          const candidate = train[Math.min(train.length - 1, Math.floor(rng() * train.length))]!;
          const residual = alignmentResidual(candidate.landmarks, target);
          if (residual < bestResidual) {
            bestResidual = residual;
            best = candidate;
          }
        }
        return cropAt(options.dataDir, best!, config.inputSize);
      };
      // Prefetch: the next batch's images are made while the current step runs.
      const makeBatch = (step: number): Promise<LabelledImage[][]> => {
        const batch = Promise.all(
          order.slice(step * itemsPerStep, (step + 1) * itemsPerStep).map(({ item, position }) =>
            sampleImages(options.dataDir, train[item]!, options.seed, position, {
              size: config.inputSize,
              synthesize: options.synthesize,
              augment: options.augment,
              sbiParts: options.sbiParts ?? 0,
              swapProbability: options.swapProbability ?? 0,
              donor: donorOf,
              degrade: options.degrade ?? null,
            }),
          ),
        );
        // A prefetched batch is not awaited when the run stops (or a step fails) first: its failure (an
        // unreadable crop) must not become an unhandled rejection, which kills the process before the stop
        // checkpoint is written. Awaiting it still throws.
        batch.catch(() => undefined);
        return batch;
      };
      let next = makeBatch(progress.stepInEpoch);
      while (progress.stepInEpoch < stepsPerEpoch) {
        if (options.signal?.aborted || (options.maxSteps !== undefined && progress.globalStep >= options.maxSteps)) {
          stopped = true;
          break;
        }
        const t0 = performance.now();
        const pairs = await next;
        if (progress.stepInEpoch + 1 < stepsPerEpoch) next = makeBatch(progress.stepInEpoch + 1);
        const images = options.mixMicroBatches === false ? pairs.flat() : mixBatch(pairs, options.seed, progress.globalStep, options.microBatch);
        const { pixels, labels } = packImages(images, config.inputSize);
        const { loss, accuracy } = trainStep(state, config, manifest, pixels, labels, learningRate, progress.globalStep + 1, options.microBatch, options.batchNorm === 'frozen');
        const seconds = (performance.now() - t0) / 1000;
        progress.globalStep += 1;
        progress.stepInEpoch += 1;
        progress.trainSeconds += seconds;
        const imagesPerSecond = images.length / seconds;
        emit({ type: 'step', epoch, step: progress.stepInEpoch, globalStep: progress.globalStep, loss, accuracy, imagesPerSecond, learningRate });
        await log({ type: 'step', epoch, step: progress.stepInEpoch, globalStep: progress.globalStep, loss, accuracy, imagesPerSecond, learningRate });
        sinceCheckpoint += 1;
        if (sinceCheckpoint >= options.checkpointEverySteps) {
          await saveCheckpoint(checkpointDir, manifest, state, progress);
          sinceCheckpoint = 0;
          emit({ type: 'checkpoint', globalStep: progress.globalStep, dir: checkpointDir });
        }
      }
      if (stopped) break;
      // Epoch end: validate, keep the best, checkpoint the start of the next epoch.
      let metrics: MetricBlock | null = null;
      let best = false;
      if (val.length > 0) {
        const { scores, labels } = await validate(state, manifest, valData.dir, val, options);
        metrics = evaluateScores(scores, labels, { thresholds: manifest.thresholds }).block;
        const auc = metrics.auc;
        best = auc !== null && (progress.bestAuc === null || auc > progress.bestAuc);
        if (best) {
          progress.bestAuc = auc;
          progress.bestEpoch = epoch;
        }
        emit({ type: 'validation', epoch, metrics: metrics, best });
        await log({ type: 'validation', epoch, best, metrics: stripCurves(metrics) });
      }
      const trained = (): Omit<ModelManifest, 'weights'> =>
        trainedManifest(manifest, options, data, itemsPerEpoch, valAll.length, epoch, progress, metrics, init?.provenance ?? null);
      if (best || val.length === 0) await saveModelFolder(options.outDir, trained(), state.params);
      if (options.keepEpochs === true) await saveModelFolder(epochDir(options.outDir, epoch), trained(), state.params);
      progress.epoch += 1;
      progress.stepInEpoch = 0;
      await saveCheckpoint(checkpointDir, manifest, state, progress);
      sinceCheckpoint = 0;
      emit({ type: 'checkpoint', globalStep: progress.globalStep, dir: checkpointDir });
    }
    if (stopped && sinceCheckpoint > 0) {
      await saveCheckpoint(checkpointDir, manifest, state, progress);
      emit({ type: 'checkpoint', globalStep: progress.globalStep, dir: checkpointDir });
    }
  } finally {
    state.dispose();
  }
  emit({ type: 'done', globalStep: progress.globalStep, stopped, bestEpoch: progress.bestEpoch, bestAuc: progress.bestAuc });
  return { globalStep: progress.globalStep, bestAuc: progress.bestAuc };
}

/** Random training items a cross-identity donor is chosen among (the best landmark fit wins). */
const DONOR_CANDIDATES = 8;

/** Mean squared distance between `target` and `points` mapped onto it by the best similarity (scale-free). */
function alignmentResidual(points: readonly (readonly [number, number])[], target: readonly (readonly [number, number])[]): number {
  if (points.length !== target.length || points.length === 0) return Infinity;
  const t = fitSimilarity(points, target);
  let sum = 0;
  let spread = 0;
  let mx = 0;
  let my = 0;
  for (const [x, y] of target) {
    mx += x;
    my += y;
  }
  mx /= target.length;
  my /= target.length;
  points.forEach(([x, y], i) => {
    const [u, v] = target[i]!;
    sum += (t.a * x + t.b * y + t.c - u) ** 2 + (t.d * x + t.e * y + t.f - v) ** 2;
    spread += (u - mx) ** 2 + (v - my) ** 2;
  });
  return spread > 0 ? sum / spread : Infinity;
}

/** Same crop square (name, scale, shift); the stored size may differ, crops are resampled to the input. */
function sameCropRegion(a: CropConvention, b: CropConvention): boolean {
  return a.name === b.name && a.scale === b.scale && (a.shiftY ?? 0) === (b.shiftY ?? 0) && a.padding === b.padding;
}

function describeCrop(c: CropConvention): string {
  return `${c.name} x${c.scale}${c.shiftY === undefined ? '' : ` shift ${c.shiftY}`}`;
}

function stripCurves(metrics: MetricBlock): Record<string, unknown> {
  return { ...metrics };
}

function trainedManifest(
  base: ModelManifest,
  options: TrainOptions,
  data: OpenedDataset,
  /** Training items per epoch as used: --epoch-items capped at the training items, or all of them. */
  epochItems: number,
  valItems: number,
  epoch: number,
  progress: TrainState,
  metrics: MetricBlock | null,
  initFrom: Record<string, unknown> | null,
): Omit<ModelManifest, 'weights'> {
  const { weights: _weights, ...fields } = base;
  return {
    ...fields,
    version: '1.0.0',
    description: `LDFnet (${options.variant}) trained by ldf train${options.synthesize === 'sbi' ? ' with self-blended images' : ''}; epoch ${epoch + 1} of ${options.epochs}.`,
    trained: true,
    training: {
      data: { dir: options.dataDir, valDir: options.valDir ?? null, items: data.items.length, valItems, roots: data.manifest.roots.map((r) => r.path), counts: data.manifest.counts },
      recipe: {
        optimizer: { name: 'adam', beta1: BETA1, beta2: BETA2, epsilon: ADAM_EPSILON },
        learningRate: options.learningRate,
        lrDecayPerEpoch: options.lrDecay,
        epochs: options.epochs,
        batchSize: options.batchSize,
        microBatch: options.microBatch,
        mixMicroBatches: options.mixMicroBatches !== false,
        epochItems,
        seed: options.seed,
        synthesize: options.synthesize,
        ...(options.synthesize === 'sbi' ? { sbiPartsProbability: options.sbiParts ?? 0, swapProbability: options.swapProbability ?? 0 } : {}),
        degrade: options.degrade ?? null,
        validationSynthesize: options.valSynthesize ?? options.synthesize,
        initFrom,
        augment: options.augment,
        batchNorm: options.batchNorm ?? 'batch',
        batchNormMomentum: options.batchNorm === 'frozen' ? null : BN_MOMENTUM,
        loss: 'softmax-cross-entropy',
      },
      selectedEpoch: epoch,
      steps: progress.globalStep,
      trainSeconds: Math.round(progress.trainSeconds),
      finishedAt: new Date().toISOString(),
      hardware: hardware(),
    },
    metrics: metrics === null ? null : { validation: stripCurves(metrics) },
    createdAt: new Date().toISOString(),
  };
}
