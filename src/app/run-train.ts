/**
 * `ldf train` as a use case: the backend (and the training kernels), the trainer's options assembled from
 * the request (the augmentation and degradation presets, the model id from the output folder's name), and
 * trainLdfnet. Prints nothing: the trainer's events go to hooks.onEvent, 'start' naming the backend.
 */
import path from 'node:path';
import { selectBackend, type BackendInfo, type BackendName } from '../model/backend.js';
import { DEFAULT_AUGMENT } from '../train/augment.js';
import { DEFAULT_DEGRADE } from '../train/degrade.js';
import { registerTrainingKernels } from '../train/kernels/register-training-kernels.js';
import { trainLdfnet, type TrainEvent, type TrainOptions } from '../train/train-ldfnet.js';

/** The defaults and the network variants a request may name. */
export { LDFNET_VARIANTS } from '../model/ldfnet-config.js';
export { TRAIN_DEFAULTS } from '../train/train-options.js';

/**
 * The trainer's options (TrainOptions), with the presets as switches: augment and degrade are on/off (the
 * presets DEFAULT_AUGMENT and DEFAULT_DEGRADE), the model id defaults to the output folder's name, and the
 * backend to select.
 */
export type TrainRequest = Omit<TrainOptions, 'augment' | 'degrade' | 'id' | 'mixMicroBatches'> & {
  backend?: BackendName | undefined;
  threads?: number | undefined;
  /** Flip, rotation and JPEG augmentation (DEFAULT_AUGMENT); false: none. */
  augment: boolean;
  /** Crop scale and shift jitter over DEFAULT_AUGMENT (used with augment only). */
  cropJitter?: { maxScaleJitter: number; maxShiftJitter: number } | undefined;
  /** Scan-like degradations (DEFAULT_DEGRADE); false: none. */
  degrade: boolean;
  /** Model id for the manifest; default: the output folder's name. */
  id?: string | undefined;
};

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
  const { backend: _backend, threads: _threads, augment, cropJitter, degrade, id, ...options } = request;
  return {
    ...options,
    augment: augment ? { ...DEFAULT_AUGMENT, ...cropJitter } : null,
    degrade: degrade ? DEFAULT_DEGRADE : null,
    id: id ?? path.basename(path.resolve(request.outDir)),
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
