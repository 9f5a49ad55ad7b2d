import * as tf from '@tensorflow/tfjs-core';
import { ONES, ZEROS, type LayerContext } from './layer-context.js';

export const SGE_EPSILON = 1e-5;

/**
 * Spatial Group-wise Enhance (Li et al. 2019), NHWC.
 * Per group: g = mean over positions of the group's feature vectors; each
 * position's coefficient c_i = g . x_i; c is normalised over the positions
 * (zero mean, unbiased standard deviation + eps, as the reference code does);
 * scaled by a learnable per-group weight and bias (initialised 0 and 1); the
 * sigmoid of that gates the group's features.
 * Parameters: `${name}.weight` [G], `${name}.bias` [G].
 */
export function sge(ctx: LayerContext, name: string, x: tf.Tensor4D, groups: number): tf.Tensor4D {
  return ctx.scope(name, () => {
    const [b, h, w, c] = x.shape;
    const weight = ctx.param('weight', [groups], ZEROS);
    const bias = ctx.param('bias', [groups], ONES);
    const xg = tf.reshape(x, [b, h * w, groups, c / groups]);
    // Global average pooling as a pooling kernel: much faster than a mean over a middle axis on wasm at
    // inference; training takes the mean, whose gradient is a broadcast (wasm's AvgPoolGrad with a
    // whole-image window is a slow naive loop).
    const pooled = ctx.training ? tf.mean(x, [1, 2]) : tf.avgPool(x, [h, w], [h, w], 'valid');
    const g = tf.reshape(pooled, [b, 1, groups, c / groups]);
    const coeff = tf.sum(tf.mul(xg, g), 3); // [b, hw, G]
    const centred = tf.sub(coeff, tf.mean(coeff, 1, true));
    const n = h * w;
    const variance = tf.div(tf.sum(tf.square(centred), 1, true), Math.max(n - 1, 1));
    const normed = tf.div(centred, tf.add(tf.sqrt(variance), SGE_EPSILON));
    const gate = tf.sigmoid(tf.add(tf.mul(normed, weight), bias)); // [b, hw, G]
    ctx.count(b * h * w * c, b); // the dot products g . x_i
    return tf.reshape(tf.mul(xg, tf.expandDims(gate, 3)), [b, h, w, c]) as tf.Tensor4D;
  });
}
