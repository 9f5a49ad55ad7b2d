import * as tf from '@tensorflow/tfjs-core';
import { foldBatchNorm } from './layers/batch-norm.js';
import { constrainedFilter } from './layers/constrained-conv.js';

/**
 * Precomputes inference-only weights. Keys mirror the parameters:
 * - every conv + BN: the BN folded into the filter and a bias (`${conv}.w`,
 *   `${conv}.b`), so conv + BN + ReLU is one fused kernel;
 * - every TraceBlock: its branch weights W1 = sigmoid(w1) and W2 =
 *   sigmoid(w2) multiplied into the last conv of each branch (positive
 *   scales commute with ReLU), so the block's output is a plain sum;
 * - the axis-mixing matrices stored as ready 1x1 conv filters (transposed);
 * - the constrained filter materialised once.
 */
export function foldForInference(params: ReadonlyMap<string, tf.Tensor>): Map<string, tf.Tensor> {
  const folded = new Map<string, tf.Tensor>();
  for (const name of params.keys()) {
    if (name.endsWith('.bn.gamma')) {
      const conv = name.slice(0, -'.bn.gamma'.length);
      const get = (suffix: string): tf.Tensor => {
        const t = params.get(`${conv}${suffix}`);
        if (t === undefined) throw new Error(`foldForInference: ${conv}${suffix} is missing`);
        return t;
      };
      const { filter: bnFilter, bias: bnBias } = foldBatchNorm(
        get('.w') as tf.Tensor4D,
        {
          gamma: get('.bn.gamma') as tf.Tensor1D,
          beta: get('.bn.beta') as tf.Tensor1D,
          mean: get('.bn.mean') as tf.Tensor1D,
          variance: get('.bn.variance') as tf.Tensor1D,
        },
        conv.endsWith('.dw'),
      );
      const branchWeight = traceBranchWeight(params, conv);
      if (branchWeight === undefined) {
        folded.set(`${conv}.w`, bnFilter);
        folded.set(`${conv}.b`, bnBias);
      } else {
        folded.set(`${conv}.w`, tf.tidy(() => tf.mul(bnFilter, tf.sigmoid(branchWeight))));
        folded.set(`${conv}.b`, tf.tidy(() => tf.mul(bnBias, tf.sigmoid(branchWeight))));
        bnFilter.dispose();
        bnBias.dispose();
      }
    } else if (name.endsWith('constrained.w')) {
      folded.set(name, constrainedFilter(params.get(name) as tf.Tensor4D));
    } else if (/\.mlp\.[hw]\.w$/.test(name)) {
      const m = params.get(name) as tf.Tensor2D;
      const n = m.shape[0];
      folded.set(name, tf.tidy(() => tf.reshape(tf.transpose(m), [1, 1, n, n])));
    }
  }
  return folded;
}

/** The raw branch weight a TraceBlock applies after `conv`, if `conv` ends one of its branches. */
function traceBranchWeight(params: ReadonlyMap<string, tf.Tensor>, conv: string): tf.Tensor | undefined {
  const local = /^(.*)\.local\.pw$/.exec(conv);
  if (local?.[1] !== undefined && params.has(`${local[1]}.w1`)) return params.get(`${local[1]}.w1`);
  const mlp = /^(.*)\.mlp\.proj$/.exec(conv);
  if (mlp?.[1] !== undefined && params.has(`${mlp[1]}.w2`)) return params.get(`${mlp[1]}.w2`);
  return undefined;
}
