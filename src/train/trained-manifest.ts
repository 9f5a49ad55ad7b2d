/**
 * The manifest of a kept model (docs/training.md, "Validation, the kept model, the log"): the run's data,
 * recipe, the epoch kept, steps and training time, the hardware and the validation metrics.
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { OpenedDataset } from '../dataset/index.js';
import type { MetricBlock } from '../metrics/metric-block.js';
import type { ModelManifest } from '../model/manifest.js';
import type { TrainState } from './train-checkpoint.js';
import type { TrainOptions } from './train-options.js';
import { ADAM, BN_MOMENTUM } from './train-step.js';

/** The trained manifest of epoch `epoch` (counted from 0), over the run's untrained `base`. */
export function trainedManifest(
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
        optimizer: { name: 'adam', beta1: ADAM.beta1, beta2: ADAM.beta2, epsilon: ADAM.epsilon },
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
    metrics: metrics === null ? null : { validation: metrics },
    createdAt: new Date().toISOString(),
  };
}

function hardware(): Record<string, unknown> {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), backend: tf.getBackend() };
}
