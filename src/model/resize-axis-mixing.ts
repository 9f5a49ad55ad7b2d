import * as tf from '@tensorflow/tfjs-core';

/** Names of the TraceBlocks' token-mixing parameters, whose shapes follow the feature map's side. */
const AXIS_MIX = /\.mlp\.[hw]\.(w|b)$/;

/**
 * Carries LDFnet weights to another input side. Everything in the network is convolutional or pooled
 * except the TraceBlocks' axis mixes (`*.mlp.h.*`, `*.mlp.w.*`: an n x n matrix and an n bias along one
 * spatial axis), so only those change shape. A mix learnt at side n is mapped to side n' = n / k (or n * k)
 * so that it does to a k-times coarser (finer) copy of a feature map what it did at the old side:
 *
 * - shrinking by k: out'[i] = sum_j M'[i, j] in'[j] with in' the k-average of in, so M'[i, j] is the sum
 *   over the k columns and the mean over the k rows of M's k x k block (i, j); b'[i] the mean of b's k values;
 * - growing by k: M'[i, j] = M[i / k, j / k] / k, b'[i] = b[i / k].
 *
 * Returns a new map (the tensors it does not change are the same objects); throws RangeError where the
 * sides are not whole multiples of each other. A starting point for training at the new side, not a
 * trained model: the scores change, so such weights are fine-tuned before they are used.
 */
export function resizeAxisMixing(params: Map<string, tf.Tensor>, target: Map<string, readonly number[]>): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [name, t] of params) {
    const want = target.get(name);
    if (!AXIS_MIX.test(name) || want === undefined || want[0] === t.shape[0]) {
      out.set(name, t);
      continue;
    }
    out.set(name, resizeOne(name, t, want[0]!));
  }
  return out;
}

function resizeOne(name: string, t: tf.Tensor, nNew: number): tf.Tensor {
  const n = t.shape[0]!;
  const matrix = t.rank === 2;
  return tf.tidy(() => {
    if (n > nNew) {
      const k = n / nNew;
      if (!Number.isInteger(k)) throw new RangeError(`${name}: side ${n} is not a multiple of ${nNew}`);
      if (!matrix) return tf.mean(tf.reshape(t, [nNew, k]), 1);
      // [nNew, k, nNew, k]: rows (i, r), columns (j, c); mean over r, sum over c.
      return tf.sum(tf.mean(tf.reshape(t, [nNew, k, nNew, k]), 1), 2);
    }
    const k = nNew / n;
    if (!Number.isInteger(k)) throw new RangeError(`${name}: side ${nNew} is not a multiple of ${n}`);
    if (!matrix) return tf.reshape(tf.tile(tf.reshape(t, [n, 1]), [1, k]), [nNew]);
    const rows = tf.reshape(tf.tile(tf.reshape(t, [n, 1, n, 1]), [1, k, 1, k]), [nNew, nNew]);
    return tf.div(rows, k);
  });
}
