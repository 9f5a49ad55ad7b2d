/**
 * The validation scores of an epoch (docs/training.md, "Validation, the kept model, the log"): the current
 * weights folded for inference (batch norm from the moving statistics) score the validation items, real faces
 * with their self-blended twins (fixed seeds, no augmentation) unless valSynthesize says otherwise.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DatasetItem } from '../dataset/index.js';
import { LdfnetModel } from '../model/ldfnet-model.js';
import type { ModelManifest } from '../model/manifest.js';
import type { TrainOptions } from './train-options.js';
import type { TrainerState } from './train-step.js';
import { packImages, sampleImages, type LabelledImage } from './training-batch.js';

/** Fake scores of validation images with the current weights (moving BN statistics, folded). */
export async function scoreValidation(
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

function paramsCopy(params: Map<string, tf.Tensor>): Map<string, tf.Tensor> {
  return new Map([...params].map(([k, t]) => [k, tf.clone(t)]));
}
