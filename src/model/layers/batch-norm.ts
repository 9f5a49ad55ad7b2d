import * as tf from '@tensorflow/tfjs-core';
import { BN_EPSILON, ONES, ZEROS, type LayerContext } from './layer-context.js';

/**
 * Batch normalisation over the channel (last) axis, parameters `${name}.gamma|beta|mean|variance`.
 * Training uses the batch statistics and records them for the moving averages.
 */
export function batchNorm(ctx: LayerContext, name: string, x: tf.Tensor4D): tf.Tensor4D {
  return ctx.scope(name, () => {
    const c = x.shape[3];
    const gamma = ctx.param('gamma', [c], ONES) as tf.Tensor1D;
    const beta = ctx.param('beta', [c], ZEROS) as tf.Tensor1D;
    // The moving statistics are declared in both modes so they always exist.
    const movingMean = ctx.param('mean', [c], ZEROS) as tf.Tensor1D;
    const movingVariance = ctx.param('variance', [c], ONES) as tf.Tensor1D;
    if (ctx.training) {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      // Kept past the gradient tape's tidy; the trainer folds them into the moving statistics and disposes them.
      ctx.bnObservations.push({
        name: ctx.fullName('').replace(/\.$/, ''),
        mean: tf.keep(mean) as tf.Tensor1D,
        variance: tf.keep(variance) as tf.Tensor1D,
        count: x.shape[0] * x.shape[1] * x.shape[2],
      });
      // Written out rather than tf.batchNorm4d: the fused kernel's gradient tiles its inputs to the
      // activation's shape, several times slower on wasm than these broadcasting ops' gradients.
      const scale = tf.mul(gamma, tf.rsqrt(tf.add(variance, BN_EPSILON)));
      return tf.add(tf.mul(tf.sub(x, mean), scale), beta) as tf.Tensor4D;
    }
    return tf.batchNorm4d(x, movingMean, movingVariance, beta, gamma, BN_EPSILON);
  });
}

/**
 * Folds a batch norm into the convolution before it: returns the scaled filter
 * and the bias such that conv(x, filter') + bias == BN(conv(x, filter)).
 * `outAxisLast` is true for regular conv filters [kh, kw, in, out]; for
 * depthwise filters [kh, kw, C, 1] the channel is axis 2.
 */
export function foldBatchNorm(
  filter: tf.Tensor4D,
  bn: { gamma: tf.Tensor1D; beta: tf.Tensor1D; mean: tf.Tensor1D; variance: tf.Tensor1D },
  depthwise: boolean,
): { filter: tf.Tensor4D; bias: tf.Tensor1D } {
  return tf.tidy(() => {
    const scale = tf.div(bn.gamma, tf.sqrt(tf.add(bn.variance, BN_EPSILON))) as tf.Tensor1D;
    const c = scale.shape[0];
    const scaleShape: [number, number, number, number] = depthwise ? [1, 1, c, 1] : [1, 1, 1, c];
    const folded = tf.mul(filter, tf.reshape(scale, scaleShape)) as tf.Tensor4D;
    const bias = tf.sub(bn.beta, tf.mul(bn.mean, scale)) as tf.Tensor1D;
    return { filter: folded, bias };
  });
}
