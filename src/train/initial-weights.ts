/**
 * The starting weights of a fine-tuning run (docs/training.md, "Fine-tuning: --init-from"): a trained model
 * folder's weights and batch-norm statistics, checked against the run's architecture (the TraceBlocks' axis
 * mixes resized when the input side differs), and what the manifest records of the starting model.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { LdfnetConfig } from '../model/ldfnet-config.js';
import { initLdfnetParams } from '../model/ldfnet-params.js';
import { loadModelFolder } from '../model/model-folder.js';
import { resizeAxisMixing } from '../model/resize-axis-mixing.js';
import { TrainError } from './train-error.js';

export interface InitialWeights {
  params: Map<string, tf.Tensor>;
  weightsSha256: string[];
  /** What the manifest records of the starting model. */
  provenance: Record<string, unknown>;
  dispose(): void;
}

/** A trained model folder's weights as a run's starting point (initFrom). */
export async function loadInitialWeights(dir: string, config: LdfnetConfig): Promise<InitialWeights> {
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
