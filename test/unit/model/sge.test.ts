import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LayerContext } from '../../../src/model/layers/layer-context.js';
import { sge } from '../../../src/model/layers/sge.js';
import { useTestBackend } from '../../helpers/backend.js';

beforeAll(useTestBackend);

function runSge(x: number[][][], groups: number, weight: number[], bias: number[]): number[][][] {
  const params = new Map<string, tf.Tensor>([
    ['sge.weight', tf.tensor1d(weight)],
    ['sge.bias', tf.tensor1d(bias)],
  ]);
  const ctx = new LayerContext({ params });
  const h = x.length;
  const w = x[0]!.length;
  const c = x[0]![0]!.length;
  const out = tf.tidy(() => sge(ctx, 'sge', tf.tensor4d(x.flat(2), [1, h, w, c]), groups).arraySync()[0]!);
  for (const t of params.values()) t.dispose();
  return out;
}

describe('SGE', () => {
  // Four positions of a 2x2 map, two channels in one group:
  // x = (1,0) (0,1) / (1,1) (0,0); g = mean = (0.5, 0.5);
  // c_i = g.x_i = 0.5, 0.5, 1, 0; centred 0, 0, 0.5, -0.5;
  // unbiased std = sqrt(0.5 / 3) = 0.408248; normalised 0, 0, 1.224745, -1.224745.
  const x = [
    [[1, 0], [0, 1]],
    [[1, 1], [0, 0]],
  ];

  it('gates every position equally at initialisation (weight 0, bias 1)', () => {
    const s = 1 / (1 + Math.exp(-1)); // sigmoid(1) = 0.731059
    const out = runSge(x, 1, [0], [1]);
    expect(out[0]![0]![0]).toBeCloseTo(s, 5);
    expect(out[0]![0]![1]).toBeCloseTo(0, 6);
    expect(out[1]![0]![0]).toBeCloseTo(s, 5);
    expect(out[1]![0]![1]).toBeCloseTo(s, 5);
  });

  it('gates by the normalised similarity to the group mean (weight 1, bias 0)', () => {
    const out = runSge(x, 1, [1], [0]);
    const up = 1 / (1 + Math.exp(-1.224745)); // 0.772907
    const down = 1 / (1 + Math.exp(1.224745)); // 0.227093
    expect(out[0]![0]).toEqual([expect.closeTo(0.5, 4), expect.closeTo(0, 6)]);
    expect(out[0]![1]).toEqual([expect.closeTo(0, 6), expect.closeTo(0.5, 4)]);
    expect(out[1]![0]).toEqual([expect.closeTo(up, 4), expect.closeTo(up, 4)]);
    expect(out[1]![1]).toEqual([expect.closeTo(0 * down, 6), expect.closeTo(0, 6)]);
  });

  it('treats groups independently', () => {
    // Two groups of one channel each. Group 0 is channel 0: values 1, 0, 1, 0 ->
    // g = 0.5, c = 0.5, 0, 0.5, 0 -> centred +-0.25, std = sqrt(0.25/3) = 0.288675 ->
    // normalised +-0.866025; with weight 2: gate sigmoid(+-1.732051) = 0.849705 / 0.150295.
    // Group 1 (channel 1) keeps weight 0, bias 0: gate 0.5 everywhere.
    const out = runSge(x, 2, [2, 0], [0, 0]);
    expect(out[0]![0]![0]).toBeCloseTo(0.849705, 4);
    expect(out[1]![0]![0]).toBeCloseTo(0.849705, 4);
    expect(out[0]![0]![1]).toBeCloseTo(0, 6);
    expect(out[0]![1]![1]).toBeCloseTo(0.5, 5);
    expect(out[1]![0]![1]).toBeCloseTo(0.5, 5);
  });
});
