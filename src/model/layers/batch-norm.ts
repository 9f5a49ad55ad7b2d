import * as tf from '@tensorflow/tfjs-core';
import { BN_EPSILON, ONES, ZEROS, type LayerContext } from './layer-context.js';

/**
 * Batch normalisation over the channel (last) axis, parameters `${name}.gamma|beta|mean|variance`.
 * Training uses the batch statistics and records them for the moving averages, except with frozen batch
 * norm (LayerContext.frozenBatchNorm), which normalises with the moving statistics as inference does.
 */
export function batchNorm(ctx: LayerContext, name: string, x: tf.Tensor4D): tf.Tensor4D {
  return ctx.scope(name, () => {
    const c = x.shape[3];
    const gamma = ctx.param('gamma', [c], ONES) as tf.Tensor1D;
    const beta = ctx.param('beta', [c], ZEROS) as tf.Tensor1D;
    // The moving statistics are declared in both modes so they always exist.
    const movingMean = ctx.param('mean', [c], ZEROS) as tf.Tensor1D;
    const movingVariance = ctx.param('variance', [c], ONES) as tf.Tensor1D;
    if (ctx.frozenBatchNorm) return frozenBatchNormTraining(x, gamma, beta, movingMean, movingVariance);
    if (ctx.training) {
      const bnName = ctx.fullName('').replace(/\.$/, '');
      return batchNormTraining(x, gamma, beta, (mean, variance, count) =>
        // Kept past the gradient tape's tidy; the trainer folds them into the moving statistics and disposes them.
        ctx.bnObservations.push({ name: bnName, mean: tf.keep(mean), variance: tf.keep(variance), count }),
      );
    }
    return tf.batchNorm4d(x, movingMean, movingVariance, beta, gamma, BN_EPSILON);
  });
}

/**
 * Sum over batch, height and width of an NHWC tensor: a whole-image average pool (a fresh XNNPACK pass over
 * the data, ~1 ms for 2x256x256x32 on wasm) scaled by the pixel count, then a sum over the batch. A matMul
 * with a row of ones takes ~20 ms there (it repacks the big operand as weights on every call), and a Sum
 * over the leading axes transposes the whole tensor first (~27 ms).
 */
function sumNhw(t: tf.Tensor4D): tf.Tensor1D {
  const [b, h, w, c] = t.shape;
  const pooled = tf.reshape(tf.avgPool(t, [h, w], [h, w], 'valid'), [b, c]);
  return tf.mul(tf.sum(pooled, 0), h * w) as tf.Tensor1D;
}

/**
 * Batch norm with batch statistics, its gradient written by hand (the textbook closed form):
 *   x̂ = (x - mean) / sqrt(var + eps),  y = gamma * x̂ + beta,
 *   dbeta = Σ dy,  dgamma = Σ dy * x̂,  dx = gamma / sqrt(var + eps) * (dy - (dbeta + x̂ * dgamma) / P),
 * sums over the P = batch x height x width positions. Autodiff of the same ops runs several times as many
 * full-size kernels on wasm and keeps more activations alive. `observe` receives the batch statistics.
 */
function batchNormTraining(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  observe: (mean: tf.Tensor1D, variance: tf.Tensor1D, count: number) => void,
): tf.Tensor4D {
  const [b, h, w] = x.shape;
  const positions = b * h * w;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, g, bt] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const mean = tf.div(sumNhw(input), positions) as tf.Tensor1D;
    const centred = tf.sub(input, mean) as tf.Tensor4D;
    const variance = tf.div(sumNhw(tf.square(centred) as tf.Tensor4D), positions) as tf.Tensor1D;
    observe(mean, variance, positions);
    const invStd = tf.rsqrt(tf.add(variance, BN_EPSILON)) as tf.Tensor1D;
    const xHat = tf.mul(centred, invStd) as tf.Tensor4D;
    save([xHat, invStd, g]);
    return {
      value: tf.add(tf.mul(xHat, g), bt) as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, inv, gm] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
        const dyT = dy as tf.Tensor4D;
        const dBeta = sumNhw(dyT);
        const dGamma = sumNhw(tf.mul(dyT, xh) as tf.Tensor4D);
        const k = tf.mul(gm, inv);
        const correction = tf.div(tf.add(tf.mul(xh, dGamma), dBeta), positions);
        const dx = tf.mul(tf.sub(dyT, correction), k);
        return [dx, dGamma, dBeta];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
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

/**
 * Batch norm with fixed statistics (the moving ones), trainable gamma and beta, its gradient by hand:
 *   y = gamma * (x - mean) * inv + beta,  inv = 1 / sqrt(var + eps),
 *   dx = dy * gamma * inv,  dbeta = Σ dy,  dgamma = inv * (Σ dy * x - mean * Σ dy),
 * sums over batch, height and width. The output of a pass does not depend on the other images of the
 * micro-batch, so training sees what inference sees. The moving statistics get no gradient.
 */
function frozenBatchNormTraining(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  movingMean: tf.Tensor1D,
  movingVariance: tf.Tensor1D,
): tf.Tensor4D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, g, bt] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const invStd = tf.rsqrt(tf.add(movingVariance, BN_EPSILON)) as tf.Tensor1D;
    const scale = tf.mul(g, invStd) as tf.Tensor1D;
    const shift = tf.sub(bt, tf.mul(movingMean, scale)) as tf.Tensor1D;
    save([input, invStd, scale]);
    return {
      value: tf.add(tf.mul(input, scale), shift) as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, inv, sc] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
        const dyT = dy as tf.Tensor4D;
        const dBeta = sumNhw(dyT);
        const dGamma = tf.mul(tf.sub(sumNhw(tf.mul(dyT, xs) as tf.Tensor4D), tf.mul(movingMean, dBeta)), inv);
        return [tf.mul(dyT, sc), dGamma, dBeta];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}
