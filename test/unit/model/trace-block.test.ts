import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { foldForInference } from '../../../src/model/fold-inference.js';
import { axisMlp } from '../../../src/model/layers/axis-mlp.js';
import { BN_EPSILON, LayerContext } from '../../../src/model/layers/layer-context.js';
import { traceBlock } from '../../../src/model/layers/trace-block.js';
import { useTestBackend } from '../../helpers/backend.js';

beforeAll(useTestBackend);

/** An identity batch norm (gamma 1, beta 0, mean 0, variance 1) for `name` with `c` channels. */
function identityBn(name: string, c: number): [string, tf.Tensor][] {
  return [
    [`${name}.bn.gamma`, tf.ones([c])],
    [`${name}.bn.beta`, tf.zeros([c])],
    [`${name}.bn.mean`, tf.zeros([c])],
    [`${name}.bn.variance`, tf.ones([c])],
  ];
}

const BN_SCALE = 1 / Math.sqrt(1 + BN_EPSILON);

describe('axis-wise MLP', () => {
  it('mixes along H with the H matrix and along W with the W matrix, plus the input', () => {
    // x = [[1, 2], [3, 4]] (one channel).
    // H mix m_H = [[0, 1], [0, 0]]: output row 0 = input row 1, row 1 = 0 -> [[3, 4], [0, 0]].
    // W mix m_W = [[0, 0], [1, 0]]: output col 0 = 0, col 1 = input col 0 -> [[0, 1], [0, 3]].
    // x + H + W = [[4, 7], [3, 7]]; projection 1x1 with weight 1 and identity BN.
    const params = new Map<string, tf.Tensor>([
      ['m.h.w', tf.tensor2d([[0, 1], [0, 0]])],
      ['m.h.b', tf.zeros([2])],
      ['m.w.w', tf.tensor2d([[0, 0], [1, 0]])],
      ['m.w.b', tf.zeros([2])],
      ['m.proj.w', tf.ones([1, 1, 1, 1])],
      ...identityBn('m.proj', 1),
    ]);
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    for (const folded of [undefined, foldForInference(params)]) {
      const ctx = new LayerContext({ params, folded });
      const y = tf.tidy(() => axisMlp(ctx, 'm', x, 1));
      const values = Array.from(y.dataSync());
      y.dispose();
      expect(values).toEqual([4, 7, 3, 7].map((v) => expect.closeTo(v * BN_SCALE, 4)));
      folded?.forEach((t) => t.dispose());
    }
    x.dispose();
    params.forEach((t) => t.dispose());
  });
});

describe('TraceBlock', () => {
  it('computes W1 * DWSepConv_s(x) + W2 * MLP(MaxPool_s(x)) (stride 2, hand-computed)', () => {
    // x = [[1, 2], [3, 4]], stride 2 -> one output position.
    // Local: depthwise 3x3 of ones over the 'same'-padded 2x2 input (TF pads bottom/right) = 10;
    //        pointwise weight 2 -> 20.
    // Global: max pool 2x2 -> 4; H mix [[3]] + bias 1 -> 13; W mix [[0.5]] -> 2; 4 + 13 + 2 = 19;
    //         projection weight 1 -> 19.
    // W1 = sigmoid(0) = 0.5, W2 = sigmoid(ln 3) = 0.75: y = 0.5 * 20 + 0.75 * 19 = 24.25
    // (each BN contributes a factor 1/sqrt(1 + eps); the local path has two).
    const params = new Map<string, tf.Tensor>([
      ['t.local.dw.w', tf.ones([3, 3, 1, 1])],
      ...identityBn('t.local.dw', 1),
      ['t.local.pw.w', tf.fill([1, 1, 1, 1], 2)],
      ...identityBn('t.local.pw', 1),
      ['t.mlp.h.w', tf.tensor2d([[3]])],
      ['t.mlp.h.b', tf.tensor1d([1])],
      ['t.mlp.w.w', tf.tensor2d([[0.5]])],
      ['t.mlp.w.b', tf.tensor1d([0])],
      ['t.mlp.proj.w', tf.ones([1, 1, 1, 1])],
      ...identityBn('t.mlp.proj', 1),
      ['t.w1', tf.tensor1d([0])],
      ['t.w2', tf.tensor1d([Math.log(3)])],
    ]);
    const expected = 0.5 * 20 * BN_SCALE * BN_SCALE + 0.75 * 19 * BN_SCALE;
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const folded = foldForInference(params);
    for (const f of [undefined, folded]) {
      const ctx = new LayerContext({ params, folded: f });
      const y = tf.tidy(() => traceBlock(ctx, 't', x, 2, 1));
      expect(y.shape).toEqual([1, 1, 1, 1]);
      expect(y.dataSync()[0]).toBeCloseTo(expected, 4);
      expect(expected).toBeCloseTo(24.25, 3);
      y.dispose();
    }
    folded.forEach((t) => t.dispose());
    x.dispose();
    params.forEach((t) => t.dispose());
  });

  it('keeps W1 and W2 in [0, 1] whatever the raw parameters', () => {
    const params = new Map<string, tf.Tensor>([
      ['t.local.dw.w', tf.ones([3, 3, 1, 1])],
      ...identityBn('t.local.dw', 1),
      ['t.local.pw.w', tf.ones([1, 1, 1, 1])],
      ...identityBn('t.local.pw', 1),
      ['t.mlp.h.w', tf.tensor2d([[0]])],
      ['t.mlp.h.b', tf.tensor1d([0])],
      ['t.mlp.w.w', tf.tensor2d([[0]])],
      ['t.mlp.w.b', tf.tensor1d([0])],
      ['t.mlp.proj.w', tf.ones([1, 1, 1, 1])],
      ...identityBn('t.mlp.proj', 1),
      ['t.w1', tf.tensor1d([50])],
      ['t.w2', tf.tensor1d([-50])],
    ]);
    // x = 1 at a single position, stride 1: local = 1 (centre tap), global = 1 (x + 0 + 0).
    const x = tf.tensor4d([1], [1, 1, 1, 1]);
    const ctx = new LayerContext({ params });
    const y = tf.tidy(() => traceBlock(ctx, 't', x, 1, 1));
    // W1 -> 1, W2 -> 0: the block degrades to the CNN branch.
    expect(y.dataSync()[0]).toBeCloseTo(1 * BN_SCALE * BN_SCALE, 4);
    y.dispose();
    x.dispose();
    params.forEach((t) => t.dispose());
  });
});
