import * as tf from '@tensorflow/tfjs-core';
import { axisMlp } from './axis-mlp.js';
import { dwSepConv } from './conv-bn-relu.js';
import { ZEROS, type LayerContext } from './layer-context.js';

/**
 * TraceBlock (Eq. 5): y = W1 * DWSepConv_s(x) + W2 * MLP(MaxPool_s(x)).
 * W1 and W2 are kept in [0, 1] as sigmoids of free scalars (initialised at
 * 0, so both start at 0.5). The max pooling (window = stride = s, 'same'
 * padding) brings the global branch to the local branch's resolution.
 * Parameters: `${name}.local.*`, `${name}.mlp.*`, `${name}.w1`, `${name}.w2` ([1] each, raw).
 */
export function traceBlock(
  ctx: LayerContext,
  name: string,
  x: tf.Tensor4D,
  stride: number,
  outChannels: number,
): tf.Tensor4D {
  return ctx.scope(name, () => {
    const local = dwSepConv(ctx, 'local', x, stride, outChannels);
    const pooled = stride > 1 ? tf.maxPool(x, stride, stride, 'same') : x;
    const global = axisMlp(ctx, 'mlp', pooled, outChannels);
    const w1 = tf.sigmoid(ctx.param('w1', [1], ZEROS));
    const w2 = tf.sigmoid(ctx.param('w2', [1], ZEROS));
    // Folded inference has W1 and W2 inside the last conv of each branch
    // (ReLU(z) * w == ReLU(z * w) for w > 0, and a sigmoid is positive).
    if (ctx.isFolded) return tf.add(local, global) as tf.Tensor4D;
    return tf.add(tf.mul(local, w1), tf.mul(global, w2)) as tf.Tensor4D;
  });
}
