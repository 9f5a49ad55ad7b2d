/**
 * `ldf train` as a use case: the backend (and the training kernels), the trainer's options assembled from
 * the request (the augmentation and degradation presets, the model id from the output folder's name), and
 * trainLdfnet. Prints nothing: the trainer's events go to hooks.onEvent, 'start' naming the backend.
 */
import path from 'node:path';
import { selectBackend, type BackendInfo, type BackendName } from '../model/backend.js';
import type { LdfnetConfig, LdfnetVariant } from '../model/ldfnet-config.js';
import { DEFAULT_AUGMENT } from '../train/augment.js';
import { DEFAULT_DEGRADE } from '../train/degrade.js';
import { registerTrainingKernels } from '../train/kernels/register-training-kernels.js';
import { trainLdfnet, type TrainEvent, type TrainOptions } from '../train/train-ldfnet.js';
import type { Synthesis } from '../train/training-batch.js';

export interface TrainRequest {
  backend?: BackendName | undefined;
  threads?: number | undefined;
  /** A prepared dataset (ldf dataset prepare). */
  dataDir: string;
  /** A separate validation dataset; default: the val split of dataDir. */
  valDir?: string | undefined;
  /** The output model folder (checkpoint and log inside). */
  outDir: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  lrDecay: number;
  seed: number;
  variant: LdfnetVariant;
  synthesize: Synthesis;
  /** How validation faces become images; default: as synthesize. */
  valSynthesize?: Synthesis | undefined;
  /** Flip, rotation and JPEG augmentation (DEFAULT_AUGMENT); false: none. */
  augment: boolean;
  /** Crop scale and shift jitter over DEFAULT_AUGMENT (used with augment only). */
  cropJitter?: { maxScaleJitter: number; maxShiftJitter: number } | undefined;
  /** With SBI: probability of a parts-only blend. */
  sbiParts: number;
  /** With SBI: probability of a cross-identity blend. */
  swapProbability: number;
  /** Scan-like degradations (DEFAULT_DEGRADE); false: none. */
  degrade: boolean;
  checkpointEverySteps: number;
  resume: boolean;
  maxSteps?: number | undefined;
  epochItems?: number | undefined;
  maxValItems: number;
  microBatch: number;
  /** Architecture overrides over the default LDFnet config. */
  config?: Partial<LdfnetConfig> | undefined;
  /** A trained model folder whose weights start the run. */
  initFrom?: string | undefined;
  keepEpochs: boolean;
  /** Model id for the manifest; default: the output folder's name. */
  id?: string | undefined;
  toolVersion: string;
  /** Aborting stops the run after the current step and a checkpoint. */
  signal?: AbortSignal | undefined;
}

/** The trainer's events as runTrain reports them: 'start' also names the backend the run selected. */
export type TrainRunEvent = Exclude<TrainEvent, { type: 'start' }> | (Extract<TrainEvent, { type: 'start' }> & { backend: BackendInfo['name'] });

export interface TrainHooks {
  onEvent?: (event: TrainRunEvent) => void;
}

export interface TrainRun {
  backend: BackendInfo;
  /** Steps done in total (a resumed run counts the earlier ones). */
  globalStep: number;
  /** The run ended before its last epoch: a signal or maxSteps (a checkpoint was written). */
  stopped: boolean;
  /** The epoch (from 0) whose model is in outDir, and its validation AUC; null before the first. */
  bestEpoch: number | null;
  bestAuc: number | null;
}

/** The trainer's options for a request (no I/O). */
export function trainOptionsFor(request: TrainRequest): TrainOptions {
  return {
    dataDir: request.dataDir,
    valDir: request.valDir,
    outDir: request.outDir,
    epochs: request.epochs,
    batchSize: request.batchSize,
    learningRate: request.learningRate,
    lrDecay: request.lrDecay,
    seed: request.seed,
    variant: request.variant,
    synthesize: request.synthesize,
    augment: request.augment ? { ...DEFAULT_AUGMENT, ...request.cropJitter } : null,
    swapProbability: request.swapProbability,
    degrade: request.degrade ? DEFAULT_DEGRADE : null,
    checkpointEverySteps: request.checkpointEverySteps,
    resume: request.resume,
    maxSteps: request.maxSteps,
    maxValItems: request.maxValItems,
    microBatch: request.microBatch,
    ...(request.config === undefined ? {} : { config: request.config }),
    ...(request.epochItems === undefined ? {} : { epochItems: request.epochItems }),
    sbiParts: request.sbiParts,
    ...(request.valSynthesize === undefined ? {} : { valSynthesize: request.valSynthesize }),
    ...(request.initFrom === undefined ? {} : { initFrom: request.initFrom }),
    keepEpochs: request.keepEpochs,
    id: request.id ?? path.basename(path.resolve(request.outDir)),
    toolVersion: request.toolVersion,
    ...(request.signal === undefined ? {} : { signal: request.signal }),
  };
}

/**
 * Selects the backend, registers the training kernels and trains.
 * @throws TrainError (NO_TRAIN_DATA, RESUME_MISMATCH, BAD_OPTIONS), the dataset's and the backend's errors.
 */
export async function runTrain(request: TrainRequest, hooks: TrainHooks = {}): Promise<TrainRun> {
  const backend = await selectBackend({ backend: request.backend, threads: request.threads });
  registerTrainingKernels();
  const onEvent = hooks.onEvent ?? ((): void => {});
  const seen: { done?: Extract<TrainEvent, { type: 'done' }> } = {};
  const result = await trainLdfnet(trainOptionsFor(request), (event) => {
    if (event.type === 'done') seen.done = event;
    onEvent(event.type === 'start' ? { ...event, backend: backend.name } : event);
  });
  return {
    backend,
    globalStep: result.globalStep,
    stopped: seen.done?.stopped ?? false,
    bestEpoch: seen.done?.bestEpoch ?? null,
    bestAuc: result.bestAuc,
  };
}
