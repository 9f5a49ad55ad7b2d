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
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { untrainedManifestFields } from '../model/init-model.js';
import { DEFAULT_LDFNET_CONFIG, type LdfnetConfig } from '../model/ldfnet-config.js';
import { initLdfnetParams } from '../model/ldfnet-params.js';
import { saveModelFolder } from '../model/model-folder.js';
import type { CropConvention, ModelManifest } from '../model/manifest.js';
import { openDataset, type DatasetItem, type OpenedDataset } from '../dataset/index.js';
import { evaluateScores, type MetricBlock } from '../metrics/metric-block.js';
import { epochItems, mixBatch, sampleItems } from './epoch-order.js';
import { loadInitialWeights } from './initial-weights.js';
import type { Rng, SwapDonor } from './sbi/index.js';
import { scoreValidation } from './score-validation.js';
import { pickSwapDonor } from './swap-donor.js';
import { CHECKPOINT_DIR, loadCheckpoint, saveCheckpoint, STATE_VERSION, type TrainState } from './train-checkpoint.js';
import { TrainError } from './train-error.js';
import { fingerprintOf, recipeChanges, recipeOf } from './train-fingerprint.js';
import { appendLogRecord, TRAIN_LOG_FILE, trimLog } from './train-log.js';
import type { TrainOptions } from './train-options.js';
import { TrainerState, trainStep } from './train-step.js';
import { trainedManifest } from './trained-manifest.js';
import { cropAt, packImages, sampleImages, type LabelledImage } from './training-batch.js';

// The trainer's public names, as its callers have imported them from here (the parts live beside it).
export { epochItems, epochOrder, mixBatch } from './epoch-order.js';
export { CHECKPOINT_DIR } from './train-checkpoint.js';
export { TrainError } from './train-error.js';
export { TRAIN_LOG_FILE } from './train-log.js';
export { TRAIN_DEFAULTS, type TrainOptions } from './train-options.js';

export type TrainEvent =
  | { type: 'start'; trainItems: number; valItems: number; stepsPerEpoch: number; epoch: number; step: number; resumed: boolean }
  | { type: 'step'; epoch: number; step: number; globalStep: number; loss: number; accuracy: number; imagesPerSecond: number; learningRate: number }
  | { type: 'checkpoint'; globalStep: number; dir: string }
  | { type: 'validation'; epoch: number; metrics: MetricBlock; best: boolean }
  | { type: 'done'; globalStep: number; stopped: boolean; bestEpoch: number | null; bestAuc: number | null };

export type TrainListener = (event: TrainEvent) => void;

export const EPOCHS_DIR = 'epochs';

/** The model folder of epoch `epoch` (counted from 0) that keepEpochs writes. */
export function epochDir(outDir: string, epoch: number): string {
  return path.join(outDir, EPOCHS_DIR, `epoch-${epoch}`);
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
  const log = (record: Record<string, unknown>): Promise<void> => appendLogRecord(logFile, record);

  emit({ type: 'start', trainItems: train.length, valItems: val.length, stepsPerEpoch, epoch: progress.epoch, step: progress.stepInEpoch, resumed: options.resume });
  let stopped = false;
  let sinceCheckpoint = 0;
  try {
    while (progress.epoch < options.epochs && !stopped) {
      const epoch = progress.epoch;
      const order = epochItems(train.length, options.seed, epoch, itemsPerEpoch);
      const learningRate = options.learningRate * options.lrDecay ** epoch;
      // A cross-identity donor, drawn by the sample's own generator (src/train/swap-donor.ts).
      const donorOf = async (rng: Rng, target: readonly (readonly [number, number])[]): Promise<SwapDonor> =>
        cropAt(options.dataDir, pickSwapDonor(train, rng, target), config.inputSize);
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
        const { scores, labels } = await scoreValidation(state, manifest, valData.dir, val, options);
        metrics = evaluateScores(scores, labels, { thresholds: manifest.thresholds }).block;
        const auc = metrics.auc;
        best = auc !== null && (progress.bestAuc === null || auc > progress.bestAuc);
        if (best) {
          progress.bestAuc = auc;
          progress.bestEpoch = epoch;
        }
        emit({ type: 'validation', epoch, metrics: metrics, best });
        await log({ type: 'validation', epoch, best, metrics });
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

/** Same crop square (name, scale, shift); the stored size may differ, crops are resampled to the input. */
function sameCropRegion(a: CropConvention, b: CropConvention): boolean {
  return a.name === b.name && a.scale === b.scale && (a.shiftY ?? 0) === (b.shiftY ?? 0) && a.padding === b.padding;
}

function describeCrop(c: CropConvention): string {
  return `${c.name} x${c.scale}${c.shiftY === undefined ? '' : ` shift ${c.shiftY}`}`;
}
