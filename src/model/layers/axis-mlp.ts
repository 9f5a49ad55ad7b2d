import * as tf from '@tensorflow/tfjs-core';
import { convBnRelu } from './conv-bn-relu.js';
import { fanInUniform, ZEROS, type LayerContext } from './layer-context.js';

/**
 * The global branch of a TraceBlock (Eq. 5, second term): every output
 * position depends on every input position. A full (HW x HW) token-mixing
 * matrix would not fit the parameter budget, so tokens are mixed along H
 * (one H x H matrix shared by all columns and channels) and along W (one
 * W x W matrix), the two mixes are added to the input, and a pointwise
 * projection (+ BN + ReLU) maps the channels to the block's width. After
 * the two mixes each position has seen its whole row and column; the
 * projection and the next block's mixes reach every other position.
 * Parameters: `${name}.h.w` [H, H], `${name}.h.b` [H], `${name}.w.w` [W, W],
 * `${name}.w.b` [W], `${name}.proj.*` (a pointwise conv-bn-relu).
 *
 * Each mix is one pointwise convolution (a matrix product that the
 * backends run through their fast GEMM paths) on a transposed view that
 * puts the mixed axis last: a broadcast batched matMul measured ~10x
 * slower on the wasm backend, and the transposes are cheap by comparison.
 */
export function axisMlp(ctx: LayerContext, name: string, x: tf.Tensor4D, outChannels: number): tf.Tensor4D {
  return ctx.scope(name, () => {
    const [b, h, w, c] = x.shape;
    const mix = (axisName: 'h' | 'w', n: number, toLast: number[], fromLast: number[]): tf.Tensor4D =>
      ctx.scope(axisName, () => {
        const m = ctx.param('w', [n, n], fanInUniform(n)) as tf.Tensor2D;
        const bias = ctx.param('b', [n], ZEROS) as tf.Tensor1D;
        // out[..., i] = sum_j m[i, j] * in[..., j] + bias[i]: a 1x1 conv with filter m^T.
        const filter =
          (ctx.foldedParam('w') as tf.Tensor4D | undefined) ?? (tf.reshape(tf.transpose(m), [1, 1, n, n]) as tf.Tensor4D);
        const y = tf.fused.conv2d({ x: tf.transpose(x, toLast) as tf.Tensor4D, filter, strides: 1, pad: 'valid', bias });
        ctx.count(b * h * w * c * n, b);
        return tf.transpose(y, fromLast) as tf.Tensor4D;
      });
    const mixH = mix('h', h, [0, 2, 3, 1], [0, 3, 1, 2]); // [b, w, c, h]
    const mixW = mix('w', w, [0, 1, 3, 2], [0, 1, 3, 2]); // [b, h, c, w]
    const mixed = tf.addN([x, mixH, mixW]) as tf.Tensor4D;
    return convBnRelu(ctx, 'proj', mixed, { depthwise: false, outChannels });
  });
}
