import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src/model/backend.js';
import { runFloatKernel } from '../../../../src/train/kernels/float-kernel.js';
import { registerTrainingKernels } from '../../../../src/train/kernels/register-training-kernels.js';

describe('copy-free Identity and Cast on wasm', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm' });
    registerTrainingKernels();
  });

  it('a clone shares its source data, and outlives the source', () => {
    const before = tf.memory().numBytes;
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const buffers = tf.memory().numDataBuffers;
    const y = tf.clone(x);
    // Two tensors, one data buffer (wasm's own Identity copies into a new one).
    expect(tf.memory().numDataBuffers).toBe(buffers);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    y.dispose();
    expect(tf.memory().numBytes).toBe(before);
  });

  it('Cast to the same dtype shares the data; to another dtype converts', () => {
    const x = tf.tensor1d([1.5, -2.25, 3]);
    const same = tf.cast(x, 'float32');
    const ints = tf.cast(x, 'int32');
    x.dispose();
    expect(Array.from(same.dataSync())).toEqual([1.5, -2.25, 3]);
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.dataSync())).toEqual([1, -2, 3]);
    tf.dispose([same, ints]);
  });

  it('gradients through clones and same-dtype casts are unchanged', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.cast(tf.clone(a), 'float32'), tf.clone(a))))(x);
    expect(Array.from(g.dataSync())).toEqual([2, 4, 6]);
    tf.dispose([x, g]);
  });
});

describe('Sum and Mean gradients (ones made by Fill)', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`match the analytic gradients on ${backend}, for some axes, all axes and keepDims`, async () => {
      await selectBackend({ backend });
      registerTrainingKernels();
      const x = tf.randomUniform([2, 3, 4], -1, 1, 'float32', 3);
      const w = tf.randomUniform([2, 1, 4], -1, 1, 'float32', 4);
      // d/dx sum_{b,c} w[b,c] * sum_h x[b,h,c] = w broadcast over h.
      const gSum = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.sum(a, 1, true), w)))(x);
      // d/dx of mean over (h, c) weighted per batch: v[b] / 12.
      const v = tf.tensor1d([2, -3]);
      const gMean = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.mean(a, [1, 2]), v)))(x);
      const gAll = tf.grad((a: tf.Tensor) => tf.mean(a))(x);
      const expectClose = (got: tf.Tensor, want: number[]): void => {
        const values = Array.from(got.dataSync());
        expect(values).toHaveLength(want.length);
        values.forEach((value, i) => expect(value).toBeCloseTo(want[i]!, 6));
      };
      const wValues = Array.from(w.dataSync());
      expectClose(gSum, Array.from({ length: 24 }, (_, i) => wValues[Math.floor(i / 12) * 4 + (i % 4)]!));
      expectClose(gMean, Array.from({ length: 24 }, (_, i) => (i < 12 ? 2 : -3) / 12));
      expectClose(gAll, Array.from({ length: 24 }, () => 1 / 24));
      tf.dispose([x, w, v, gSum, gMean, gAll]);
    });
  }
});

describe('runFloatKernel', () => {
  const square = (inputs: Float32Array[], out: Float32Array): void => {
    const xs = inputs[0]!;
    for (let i = 0; i < xs.length; i++) out[i] = xs[i]! * xs[i]!;
  };

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`gives the same result from the wasm heap and through dataSync (${backend})`, async () => {
      await selectBackend({ backend });
      const x = tf.tensor2d([
        [1, -2, 3],
        [0.5, 4, -1],
      ]);
      const y = runFloatKernel([x], [2, 3], square);
      expect(y.shape).toEqual([2, 3]);
      expect(Array.from(y.dataSync())).toEqual([1, 4, 9, 0.25, 16, 1]);
      tf.dispose([x, y]);
    });
  }

  it('hands compute a zeroed output on wasm (heap memory is reused)', async () => {
    await selectBackend({ backend: 'wasm' });
    // Leave non-zero values in freed heap memory, then allocate the same size again.
    tf.dispose(tf.fill([1024], 7));
    const x = tf.zeros([1024]);
    const seen: number[] = [];
    const y = runFloatKernel([x], [1024], (_inputs, out) => seen.push(...out.subarray(0, 8)));
    expect(seen).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    tf.dispose([x, y]);
  });
});

describe('Slice and SplitV on wasm read their input in place', () => {
  /** Values on a backend, as plain arrays with shapes. */
  async function on(backend: 'wasm' | 'cpu', fn: () => tf.Tensor[]): Promise<{ shape: number[]; values: number[] }[]> {
    await selectBackend({ backend });
    registerTrainingKernels();
    const out = tf.tidy(fn);
    const result = out.map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) }));
    tf.dispose(out);
    return result;
  }
  const x = (): tf.Tensor => tf.reshape(tf.range(0, 2 * 5 * 6 * 3, 1, 'float32'), [2, 5, 6, 3]);
  const cases: [string, () => tf.Tensor[]][] = [
    ['a 4-D block in the middle', () => [tf.slice(x(), [1, 1, 2, 1], [1, 3, 2, 2])]],
    ['whole trailing axes (one run per outer index)', () => [tf.slice(x(), [0, 2, 0, 0], [2, 2, 6, 3])]],
    ['a contiguous block', () => [tf.slice(x(), [1, 0, 0, 0], [1, 5, 6, 3])]],
    ['size -1 and a 1-D slice', () => [tf.slice(x(), [0, 3, 1, 0], [-1, -1, 4, -1]), tf.slice(tf.range(0, 10), 3, 4)]],
    ['int32 and an empty slice', () => [tf.slice(tf.cast(x(), 'int32'), [0, 0, 0, 1], [2, 5, 6, 1]), tf.slice(x(), [0, 0, 0, 0], [2, 0, 6, 3])]],
    ['split along a middle axis, sizes and -1', () => tf.split(x(), [1, -1, 2], 2)],
    ['split in equal parts along the last axis', () => tf.split(x(), 3, 3)],
  ];
  it('are the kernels registerTrainingKernels puts in place on wasm (with Identity and Cast)', async () => {
    await selectBackend({ backend: 'wasm' });
    registerTrainingKernels();
    for (const name of ['Slice', 'SplitV', 'Identity', 'Cast']) {
      expect((tf.getKernel(name, 'wasm')?.kernelFunc as { ldfWrapped?: boolean } | undefined)?.ldfWrapped).toBe(true);
    }
  });

  for (const [name, fn] of cases) {
    it(`matches cpu: ${name}`, async () => {
      const wasm = await on('wasm', fn);
      const cpu = await on('cpu', fn);
      expect(wasm).toEqual(cpu);
      expect(cpu.length).toBeGreaterThan(0);
    });
  }
});
