/**
 * One optimisation step (docs/training.md, "A step: micro-batches and gradient accumulation"): forward and
 * backward in micro-batches whose gradients are summed, ldf's own Adam on the trainer's tensors, and the
 * batch-norm moving statistics from the pooled statistics of the whole batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LdfnetConfig } from '../model/ldfnet-config.js';
import { isTrainable } from '../model/ldfnet-params.js';
import { ldfnetForward, normalizeInput } from '../model/ldfnet.js';
import { LayerContext } from '../model/layers/layer-context.js';
import type { ModelManifest } from '../model/manifest.js';

/** Adam's constants (the paper's); the trained manifest records them. */
export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;
/** Momentum of the batch-norm moving statistics (PyTorch's convention). */
export const BN_MOMENTUM = 0.1;

/** The trainer's tensors: weights, Adam moments. Owns them. */
export class TrainerState {
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
export function trainStep(
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
    const c1 = 1 - ADAM.beta1 ** adamStep;
    const c2 = 1 - ADAM.beta2 ** adamStep;
    state.names.forEach((name, i) => {
      const g = sums[i]!;
      const m = tf.add(tf.mul(state.m[i]!, ADAM.beta1), tf.mul(g, 1 - ADAM.beta1));
      const v = tf.add(tf.mul(state.v[i]!, ADAM.beta2), tf.mul(tf.square(g), 1 - ADAM.beta2));
      const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), ADAM.epsilon));
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

