import * as tf from '@tensorflow/tfjs-core';
import type { LayerContext } from './layer-context.js';

/**
 * The constrained kernel of Bayar & Stamm (2018): for every (input channel,
 * output channel) pair the centre tap is -1 and the other taps sum to 1, so
 * the layer predicts each pixel from its neighbours and outputs the
 * prediction error (a learned high-pass residual).
 *
 * The constraint is a reparametrisation instead of Bayar's projection after
 * each optimiser step: the free taps are shifted by their mean so they sum
 * to 1 (the Euclidean projection onto that hyperplane), the centre is set to
 * -1. It is differentiable and holds at every step, training or not.
 */
export function constrainedFilter(raw: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = raw.shape;
    const taps = kh * kw;
    const centre = Math.floor(kh / 2) * kw + Math.floor(kw / 2);
    const maskValues = new Float32Array(taps).fill(1);
    maskValues[centre] = 0;
    const mask = tf.tensor4d(maskValues, [kh, kw, 1, 1]);
    const free = tf.mul(raw, mask);
    const meanFree = tf.div(tf.sum(free, [0, 1], true), taps - 1);
    const shifted = tf.add(tf.sub(free, meanFree), 1 / (taps - 1));
    const centreOnly = tf.sub(1, mask);
    return tf.sub(tf.mul(shifted, mask), centreOnly) as tf.Tensor4D;
  });
}

/** Applies the constrained convolution; parameter `${name}.w` [k, k, in, out], no bias. */
export function constrainedConv(
  ctx: LayerContext,
  name: string,
  x: tf.Tensor4D,
  outChannels: number,
  kernel: number,
): tf.Tensor4D {
  return ctx.scope(name, () => {
    const inC = x.shape[3];
    const raw = ctx.param('w', [kernel, kernel, inC, outChannels], { kind: 'uniform', limit: 1 }) as tf.Tensor4D;
    const folded = ctx.foldedParam('w') as tf.Tensor4D | undefined;
    const filter = folded ?? constrainedFilter(raw);
    const y = tf.conv2d(x, filter, 1, 'same');
    if (folded === undefined) filter.dispose();
    const [b, h, w] = y.shape;
    ctx.count(b * h * w * outChannels * kernel * kernel * inC, b);
    return y;
  });
}
