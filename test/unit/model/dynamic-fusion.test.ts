import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { foldForInference } from '../../../src/model/fold-inference.js';
import { dynamicFusion } from '../../../src/model/layers/dynamic-fusion.js';
import { LayerContext } from '../../../src/model/layers/layer-context.js';
import { useTestBackend } from '../../helpers/backend.js';

beforeAll(useTestBackend);

function identityBn(name: string, c: number): [string, tf.Tensor][] {
  return [
    [`${name}.bn.gamma`, tf.ones([c])],
    [`${name}.bn.beta`, tf.zeros([c])],
    [`${name}.bn.mean`, tf.zeros([c])],
    [`${name}.bn.variance`, tf.ones([c])],
  ];
}

describe('dynamic fusion module', () => {
  it('matches a hand-computed case (1x2 map, 3 channels)', () => {
    const C = 3;
    const ln3 = Math.log(3);
    // Depthwise: identity (centre tap 1). Pointwise: M_D_k = relu(L_k) + relu(G_k).
    const dw = new Float32Array(9 * 2 * C);
    for (let ch = 0; ch < 2 * C; ch++) dw[4 * 2 * C + ch] = 1;
    const pw = new Float32Array(2 * C * C);
    for (let k = 0; k < C; k++) {
      pw[k * C + k] = 1; // L_k -> k
      pw[(C + k) * C + k] = 1; // G_k -> k
    }
    const params = new Map<string, tf.Tensor>([
      ['f.mix.dw.w', tf.tensor4d(dw, [3, 3, 2 * C, 1])],
      ...identityBn('f.mix.dw', 2 * C),
      ['f.mix.pw.w', tf.tensor4d(pw, [1, 1, 2 * C, C])],
      ...identityBn('f.mix.pw', C),
      ['f.att.w', tf.reshape(tf.eye(C), [1, 1, C, C])],
      ['f.att.b', tf.zeros([C])],
      ['f.ln.gamma', tf.ones([C])],
      ['f.ln.beta', tf.tensor1d([0, 2, 1])],
    ]);
    // F_L: p0 = (1, 0, 2), p1 = (2, 1, 0); F_G: p0 = (0, 0, 0), p1 = (ln3, -ln3, 0).
    const local = tf.tensor4d([1, 0, 2, 2, 1, 0], [1, 1, 2, C]);
    const global = tf.tensor4d([0, 0, 0, ln3, -ln3, 0], [1, 1, 2, C]);
    // M_D: p0 = (1, 0, 2), p1 = (2 + ln3, 1, 0)   (relu(-ln3) = 0 before the sum)
    // M_Att = softmax over positions of F_G: ch0 (0.25, 0.75), ch1 (0.75, 0.25), ch2 (0.5, 0.5)
    // GAP(M_D * M_Att) = ((0.25 + 0.75 (2 + ln3)) / 2, 0.25 / 2, 2 * 0.5 / 2) = (1.286980, 0.125, 0.5)
    // LayerNorm: mean 0.637327, std 0.484224 -> (1.341640, -1.058038, -0.283602);
    // + beta (0, 2, 1) -> ReLU -> (1.341640, 0.941962, 0.716398)
    const expected = [1.34164, 0.941962, 0.716398];
    const folded = foldForInference(params);
    for (const f of [undefined, folded]) {
      const ctx = new LayerContext({ params, folded: f });
      const y = tf.tidy(() => dynamicFusion(ctx, 'f', local, global));
      expect(y.shape).toEqual([1, C]);
      expect(Array.from(y.dataSync())).toEqual(expected.map((v) => expect.closeTo(v, 3)));
      y.dispose();
    }
    folded.forEach((t) => t.dispose());
    local.dispose();
    global.dispose();
    params.forEach((t) => t.dispose());
  });
});
