import * as tf from '@tensorflow/tfjs-core';
import { dwSepConv } from './conv-bn-relu.js';
import { fanInUniform, ONES, ZEROS, type LayerContext } from './layer-context.js';

export const LAYER_NORM_EPSILON = 1e-5;

/**
 * Dynamic fusion module (Eqs. 6-8, Fig. 6), NHWC:
 *   M_D   = DWSepConv3x3(concat(F_L, F_G))          [b, h, w, C]
 *   M_Att = softmax over the h*w positions of conv1x1(F_G) (with bias), per channel
 *   F_D   = ReLU(LayerNorm(mean over positions of M_D * M_Att))   [b, C]
 * Parameters: `${name}.mix.*` (dw-separable conv 2C -> C), `${name}.att.w`
 * [1, 1, C, C], `${name}.att.b` [C], `${name}.ln.gamma|beta` [C].
 */
export function dynamicFusion(
  ctx: LayerContext,
  name: string,
  local: tf.Tensor4D,
  global: tf.Tensor4D,
): tf.Tensor2D {
  return ctx.scope(name, () => {
    const c = global.shape[3];
    const md = dwSepConv(ctx, 'mix', tf.concat([local, global], 3) as tf.Tensor4D, 1, c);
    const [b, h, w] = md.shape;
    const logits = ctx.scope('att', () => {
      const inC = global.shape[3];
      const filter = ctx.param('w', [1, 1, inC, c], fanInUniform(inC)) as tf.Tensor4D;
      const bias = ctx.param('b', [c], ZEROS) as tf.Tensor1D;
      ctx.count(b * h * w * c * inC, b);
      return tf.fused.conv2d({ x: global, filter, strides: 1, pad: 'same', bias });
    });
    const flat = tf.reshape(logits, [b, h * w, c]);
    const shifted = tf.sub(flat, tf.max(flat, 1, true));
    const e = tf.exp(shifted);
    const att = tf.div(e, tf.sum(e, 1, true)); // softmax over positions
    const pooled = tf.mean(tf.mul(tf.reshape(md, [b, h * w, c]), att), 1) as tf.Tensor2D; // [b, C]
    ctx.scope('pool', () => ctx.count(b * h * w * c, b));
    const normed = layerNorm(ctx, 'ln', pooled);
    return tf.relu(normed);
  });
}

/** LayerNorm over the last axis with learnable gain and bias (`${name}.gamma|beta`). */
export function layerNorm(ctx: LayerContext, name: string, x: tf.Tensor2D): tf.Tensor2D {
  return ctx.scope(name, () => {
    const c = x.shape[1];
    const { mean, variance } = tf.moments(x, 1, true);
    const normed = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LAYER_NORM_EPSILON)));
    return tf.add(tf.mul(normed, ctx.param('gamma', [c], ONES)), ctx.param('beta', [c], ZEROS)) as tf.Tensor2D;
  });
}
