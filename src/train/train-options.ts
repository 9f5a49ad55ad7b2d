/**
 * What a training run is asked to do (TrainOptions) and the paper's defaults (TRAIN_DEFAULTS): docs/training.md,
 * "The recipe".
 */
import type { LdfnetConfig, LdfnetVariant } from '../model/ldfnet-config.js';
import type { AugmentOptions } from './augment.js';
import type { DegradeOptions } from './degrade.js';
import type { Synthesis } from './training-batch.js';

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
