import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/model/backend.js';
import { batchNorm } from '../../../src/model/layers/batch-norm.js';
import { BN_EPSILON, LayerContext } from '../../../src/model/layers/layer-context.js';
import { registerTrainingKernels } from '../../../src/train/kernels/register-training-kernels.js';

/** Batch norm in training mode written as plain ops: autodiff gives the reference gradient. */
function reference(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D): tf.Tensor {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, BN_EPSILON))), gamma), beta);
}

function maxRelative(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

describe('batch norm in training mode (hand-written gradient)', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'cpu' });
    registerTrainingKernels();
  });
  afterAll(async () => {
    await selectBackend({ backend: 'wasm' });
  });

  it('gives the same output and the same gradients for x, gamma and beta as autodiff of the plain ops', () => {
    const x = tf.add(tf.mul(tf.randomUniform([3, 5, 4, 6], -1, 1, 'float32', 1), 2), 0.7) as tf.Tensor4D;
    const gamma = tf.randomUniform([6], 0.5, 1.5, 'float32', 2) as tf.Tensor1D;
    const beta = tf.randomUniform([6], -0.5, 0.5, 'float32', 3) as tf.Tensor1D;
    const probe = tf.randomUniform([3, 5, 4, 6], -1, 1, 'float32', 4);
    const ours = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor => {
      const params = new Map<string, tf.Tensor>([
        ['bn.gamma', g],
        ['bn.beta', b],
        ['bn.mean', tf.zeros([6])],
        ['bn.variance', tf.ones([6])],
      ]);
      const ctx = new LayerContext({ params, training: true });
      const y = batchNorm(ctx, 'bn', a as tf.Tensor4D);
      expect(ctx.bnObservations).toHaveLength(1);
      expect(ctx.bnObservations[0]!.count).toBe(60);
      tf.dispose([ctx.bnObservations[0]!.mean, ctx.bnObservations[0]!.variance]);
      return y;
    };
    const lossOf = (f: (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(f(a, g, b), probe)) as tf.Scalar;
    const refOut = reference(x, gamma, beta).dataSync() as Float32Array;
    const ourOut = ours(x, gamma, beta).dataSync() as Float32Array;
    expect(maxRelative(ourOut, refOut)).toBeLessThan(1e-5);
    const refGrads = tf.grads(lossOf((a, g, b) => reference(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D)))([x, gamma, beta]);
    const ourGrads = tf.grads(lossOf(ours))([x, gamma, beta]);
    for (let i = 0; i < 3; i++) {
      expect(ourGrads[i]!.shape).toEqual(refGrads[i]!.shape);
      expect(maxRelative(ourGrads[i]!.dataSync() as Float32Array, refGrads[i]!.dataSync() as Float32Array)).toBeLessThan(1e-4);
    }
  });

  it('records the batch mean and biased variance it normalised with', () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 1, 2]);
    const params = new Map<string, tf.Tensor>([
      ['bn.gamma', tf.ones([2])],
      ['bn.beta', tf.zeros([2])],
      ['bn.mean', tf.zeros([2])],
      ['bn.variance', tf.ones([2])],
    ]);
    const ctx = new LayerContext({ params, training: true });
    batchNorm(ctx, 'bn', x);
    const [obs] = ctx.bnObservations;
    expect(obs!.name).toBe('bn');
    // channel 0: 1, 3, 5, 7 -> mean 4, variance 5; channel 1: 2, 4, 6, 8 -> mean 5, variance 5
    expect(Array.from(obs!.mean.dataSync())).toEqual([4, 5]);
    expect(Array.from(obs!.variance.dataSync())).toEqual([5, 5]);
  });

  it('frozen: normalises with the moving statistics as inference does, records nothing, and its gradients match autodiff', () => {
    const x = tf.add(tf.mul(tf.randomUniform([2, 5, 4, 6], -1, 1, 'float32', 11), 2), 0.7) as tf.Tensor4D;
    const gamma = tf.randomUniform([6], 0.5, 1.5, 'float32', 12) as tf.Tensor1D;
    const beta = tf.randomUniform([6], -0.5, 0.5, 'float32', 13) as tf.Tensor1D;
    const mean = tf.randomUniform([6], -0.5, 0.5, 'float32', 14) as tf.Tensor1D;
    const variance = tf.randomUniform([6], 0.5, 3, 'float32', 15) as tf.Tensor1D;
    const probe = tf.randomUniform([2, 5, 4, 6], -1, 1, 'float32', 16);
    const run = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor, mode: 'frozen' | 'inference'): tf.Tensor => {
      const params = new Map<string, tf.Tensor>([
        ['bn.gamma', g],
        ['bn.beta', b],
        ['bn.mean', mean],
        ['bn.variance', variance],
      ]);
      const ctx = new LayerContext({ params, training: mode === 'frozen', frozenBatchNorm: true });
      const y = batchNorm(ctx, 'bn', a as tf.Tensor4D);
      expect(ctx.bnObservations).toHaveLength(0);
      return y;
    };
    const plain = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor =>
      tf.add(tf.mul(tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, BN_EPSILON))), g), b);
    const frozenOut = run(x, gamma, beta, 'frozen').dataSync() as Float32Array;
    expect(maxRelative(frozenOut, run(x, gamma, beta, 'inference').dataSync() as Float32Array)).toBeLessThan(1e-5);
    expect(maxRelative(frozenOut, plain(x, gamma, beta).dataSync() as Float32Array)).toBeLessThan(1e-5);
    // One image's output does not depend on the other image of its batch.
    const first = tf.slice(x, [0, 0, 0, 0], [1, 5, 4, 6]);
    const alone = run(first, gamma, beta, 'frozen').dataSync() as Float32Array;
    expect(maxRelative(alone, frozenOut.slice(0, alone.length))).toBeLessThan(1e-6);
    const lossOf = (f: (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(f(a, g, b), probe)) as tf.Scalar;
    const refGrads = tf.grads(lossOf(plain))([x, gamma, beta]);
    const ourGrads = tf.grads(lossOf((a, g, b) => run(a, g, b, 'frozen')))([x, gamma, beta]);
    for (let i = 0; i < 3; i++) {
      expect(ourGrads[i]!.shape).toEqual(refGrads[i]!.shape);
      expect(maxRelative(ourGrads[i]!.dataSync() as Float32Array, refGrads[i]!.dataSync() as Float32Array)).toBeLessThan(1e-4);
    }
  });
});
