import * as tf from '@tensorflow/tfjs-core';
import { batchNorm } from './batch-norm.js';
import { heNormal, type LayerContext } from './layer-context.js';

/**
 * A convolution (depthwise kxk or pointwise 1x1, no bias) followed by batch
 * norm and ReLU. Parameters: `${name}.w` and `${name}.bn.*`. At inference
 * with folded weights it is one fused kernel (conv + bias + ReLU).
 */
export function convBnRelu(
  ctx: LayerContext,
  name: string,
  x: tf.Tensor4D,
  options: { depthwise: boolean; stride?: number; outChannels?: number; kernel?: number },
): tf.Tensor4D {
  const stride = options.stride ?? 1;
  const kernel = options.kernel ?? (options.depthwise ? 3 : 1);
  return ctx.scope(name, () => {
    const [batch, , , inC] = x.shape;
    const outC = options.depthwise ? inC : options.outChannels;
    if (outC === undefined) throw new Error(`convBnRelu ${name}: outChannels is required for a pointwise conv`);
    const shape = options.depthwise ? [kernel, kernel, inC, 1] : [kernel, kernel, inC, outC];
    const fanIn = options.depthwise ? kernel * kernel : kernel * kernel * inC;
    const w = ctx.param('w', shape, heNormal(fanIn)) as tf.Tensor4D;
    const foldedW = ctx.foldedParam('w') as tf.Tensor4D | undefined;
    let y: tf.Tensor4D;
    if (foldedW !== undefined) {
      const bias = ctx.foldedParam('b') as tf.Tensor1D;
      y = options.depthwise
        ? tf.fused.depthwiseConv2d({ x, filter: foldedW, strides: stride, pad: 'same', bias, activation: 'relu' })
        : tf.fused.conv2d({ x, filter: foldedW, strides: stride, pad: 'same', bias, activation: 'relu' });
    } else {
      const conv = options.depthwise
        ? tf.depthwiseConv2d(x, w, stride, 'same')
        : tf.conv2d(x, w, stride, 'same');
      y = tf.relu(batchNorm(ctx, 'bn', conv));
    }
    const [, outH, outW] = y.shape;
    const macsPerOutput = options.depthwise ? kernel * kernel : kernel * kernel * inC;
    ctx.count(batch * outH * outW * outC * macsPerOutput, batch);
    return y;
  });
}

/** Depthwise 3x3 (stride s) + BN + ReLU, then pointwise 1x1 + BN + ReLU. */
export function dwSepConv(
  ctx: LayerContext,
  name: string,
  x: tf.Tensor4D,
  stride: number,
  outChannels: number,
): tf.Tensor4D {
  return ctx.scope(name, () => {
    const d = convBnRelu(ctx, 'dw', x, { depthwise: true, stride });
    return convBnRelu(ctx, 'pw', d, { depthwise: false, outChannels });
  });
}
