/**
 * What --resume compares (docs/training.md, "Checkpoints, resume, stopping"): the fingerprint of a run and its
 * recipe, both stored in the checkpoint's state.
 */
import type { DatasetItem } from '../dataset/index.js';
import type { LdfnetConfig } from '../model/ldfnet-config.js';
import type { InitialWeights } from './initial-weights.js';
import type { TrainOptions } from './train-options.js';

/**
 * What a checkpoint belongs to: the architecture, seed, batch size, micro-batch, epoch size, synthesis, the
 * starting weights and the training items (their number, first and last). --resume refuses another.
 */
export function fingerprintOf(options: TrainOptions, config: LdfnetConfig, train: DatasetItem[], init: InitialWeights | null): string {
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

/** The optimisation recipe of a run (learning rate, decay, augmentation, degradations): --resume refuses another. */
export function recipeOf(options: TrainOptions): string {
  return JSON.stringify({
    learningRate: options.learningRate,
    lrDecay: options.lrDecay,
    augment: options.augment,
    // Only when set, so checkpoints written before degradations existed still resume.
    ...(options.degrade != null ? { degrade: options.degrade } : {}),
  });
}

/** The recipe fields that differ between two recipeOf() strings, as "name: was -> now". */
export function recipeChanges(was: string, now: string): string[] {
  const a = JSON.parse(was) as Record<string, unknown>;
  const b = JSON.parse(now) as Record<string, unknown>;
  return Object.keys({ ...a, ...b })
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => `${k}: ${JSON.stringify(a[k])} -> ${JSON.stringify(b[k])}`);
}
