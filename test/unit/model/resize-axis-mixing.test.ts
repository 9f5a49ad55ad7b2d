import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resizeAxisMixing } from '../../../src/model/resize-axis-mixing.js';
import { useTestBackend } from '../../helpers/backend.js';

beforeAll(useTestBackend);

/** out = M in + b along one axis. */
function mix(m: number[][], b: number[], input: number[]): number[] {
  return m.map((row, i) => row.reduce((s, v, j) => s + v * input[j]!, 0) + b[i]!);
}

const N = 6;
const M = Array.from({ length: N }, (_, i) => Array.from({ length: N }, (_, j) => Math.sin(i * 7 + j * 3) + 0.1 * i));
const B = Array.from({ length: N }, (_, i) => Math.cos(i));

function resized(k: number, grow: boolean): { m: number[][]; b: number[]; untouched: tf.Tensor; before: tf.Tensor } {
  const other = tf.ones([3, 3, 4, 4]);
  const params = new Map<string, tf.Tensor>([
    ['global.s0.mlp.h.w', tf.tensor2d(M)],
    ['global.s0.mlp.h.b', tf.tensor1d(B)],
    ['global.s0.mlp.proj.w', other],
  ]);
  const n = grow ? N * k : N / k;
  const target = new Map<string, readonly number[]>([
    ['global.s0.mlp.h.w', [n, n]],
    ['global.s0.mlp.h.b', [n]],
    ['global.s0.mlp.proj.w', [3, 3, 4, 4]],
  ]);
  const out = resizeAxisMixing(params, target);
  return {
    m: out.get('global.s0.mlp.h.w')!.arraySync() as number[][],
    b: out.get('global.s0.mlp.h.b')!.arraySync() as number[],
    untouched: out.get('global.s0.mlp.proj.w')!,
    before: other,
  };
}

describe('resizeAxisMixing', () => {
  it('shrinking by k: on a k-times coarser map, the mix gives the k-average of what it gave at full side', () => {
    const k = 2;
    const { m, b, untouched, before } = resized(k, false);
    expect(m).toHaveLength(N / k);
    expect(untouched).toBe(before); // other weights are passed through
    const coarse = [0.3, -1.2, 2.5];
    const full = coarse.flatMap((v) => [v, v]);
    const want = mix(M, B, full);
    const got = mix(m, b, coarse);
    got.forEach((v, i) => expect(v).toBeCloseTo((want[2 * i]! + want[2 * i + 1]!) / 2, 5));
  });

  it('growing by k: on a k-times finer copy, each output is the old output it came from', () => {
    const k = 3;
    const { m, b } = resized(k, true);
    expect(m).toHaveLength(N * k);
    const input = [1, -2, 0.5, 3, -0.7, 0.2];
    const fine = input.flatMap((v) => [v, v, v]);
    const want = mix(M, B, input);
    mix(m, b, fine).forEach((v, i) => expect(v).toBeCloseTo(want[Math.floor(i / k)]!, 5));
  });

  it('refuses sides that are no whole multiple of each other', () => {
    const params = new Map<string, tf.Tensor>([['x.mlp.w.w', tf.zeros([N, N])]]);
    expect(() => resizeAxisMixing(params, new Map([['x.mlp.w.w', [4, 4]]]))).toThrow(RangeError);
  });
});
