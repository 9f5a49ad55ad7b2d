import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src/model/backend.js';
import { DEFAULT_LDFNET_CONFIG, type LdfnetConfig } from '../../../../src/model/ldfnet-config.js';
import { initLdfnetParams, isTrainable } from '../../../../src/model/ldfnet-params.js';
import { ldfnetForward } from '../../../../src/model/ldfnet.js';
import { LayerContext } from '../../../../src/model/layers/layer-context.js';
import { LDF_KERNEL_FUNCS, registerTrainingKernels, TRAINING_KERNELS } from '../../../../src/train/kernels/register-training-kernels.js';

/** Runs `fn` on a backend and returns plain arrays (so results of two backends can be compared). */
async function on(backend: 'wasm' | 'cpu', fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await selectBackend({ backend });
  registerTrainingKernels();
  const out = tf.tidy(fn);
  const list = Array.isArray(out) ? out : [out];
  const values = list.map((t) => t.dataSync().slice() as Float32Array);
  tf.dispose(list);
  return values;
}

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

/** max |a - b| / max |b|: 0 for identical arrays. */
function relativeError(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / Math.max(scale, 1e-12);
}

async function compare(fn: () => tf.Tensor | tf.Tensor[], tolerance = 1e-4): Promise<void> {
  const wasm = await on('wasm', fn);
  const cpu = await on('cpu', fn);
  expect(wasm.length).toBe(cpu.length);
  for (let i = 0; i < cpu.length; i++) {
    expect(cpu[i]!.some((v) => v !== 0)).toBe(true);
    expect(relativeError(wasm[i]!, cpu[i]!)).toBeLessThan(tolerance);
  }
}

/** Every trainable parameter's gradient of LDFnet's loss (a narrow network at 64x64) on the active backend. */
function lossGradients(): Map<string, Float32Array> {
  const config: LdfnetConfig = { ...DEFAULT_LDFNET_CONFIG, inputSize: 64, widths: [4, 8, 8, 16, 16], sgeGroups: [2, 2, 2, 4, 4] };
  const params = initLdfnetParams(config, 7);
  const names = [...params.keys()].filter(isTrainable);
  const grads = tf.tidy(() => {
    const x = seeded([4, 64, 64, 3], 11) as tf.Tensor4D;
    const labels = tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2);
    return tf.grads((...ws: tf.Tensor[]) => {
      const p = new Map(params);
      names.forEach((n, i) => p.set(n, ws[i]!));
      const ctx = new LayerContext({ params: p, training: true });
      const loss = tf.losses.softmaxCrossEntropy(labels, ldfnetForward(ctx, config, x)) as tf.Scalar;
      for (const o of ctx.bnObservations) tf.dispose([o.mean, o.variance]);
      return loss;
    })(names.map((n) => params.get(n)!));
  });
  const out = new Map(names.map((n, i) => [n, grads[i]!.dataSync().slice() as Float32Array]));
  tf.dispose(grads);
  for (const t of params.values()) t.dispose();
  return out;
}

describe('training kernels on wasm', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm' });
  });
  afterAll(async () => {
    await selectBackend({ backend: 'wasm' });
  });

  it('registers the three kernels wasm lacks and its MaxPoolGrad fix, and nothing on cpu, which has them', async () => {
    await selectBackend({ backend: 'wasm' });
    registerTrainingKernels();
    for (const name of TRAINING_KERNELS) expect(tf.getKernel(name, 'wasm')).toBeDefined();
    await selectBackend({ backend: 'cpu' });
    expect(registerTrainingKernels()).toEqual([]);
  });

  const convCases: { k: number; cin: number; cout: number; stride: number; pad: 'same' | 'valid' | number; hw: number }[] = [
    { k: 1, cin: 5, cout: 7, stride: 1, pad: 'same', hw: 9 },
    { k: 1, cin: 4, cout: 3, stride: 2, pad: 'same', hw: 8 },
    { k: 5, cin: 3, cout: 3, stride: 1, pad: 'same', hw: 12 },
    { k: 3, cin: 4, cout: 6, stride: 2, pad: 'same', hw: 11 },
    { k: 3, cin: 2, cout: 3, stride: 1, pad: 'valid', hw: 7 },
    // The pointwise paths over 4096-position chunks: batched (few input channels) and looped.
    { k: 1, cin: 3, cout: 8, stride: 1, pad: 'same', hw: 64 },
    { k: 1, cin: 6, cout: 5, stride: 1, pad: 'same', hw: 64 },
    // A padded 1x1 conv: more output positions than input pixels.
    { k: 1, cin: 3, cout: 4, stride: 1, pad: 1, hw: 6 },
  ];
  for (const c of convCases) {
    it(`conv2d gradients (dx and dW) match cpu: ${c.k}x${c.k}, ${c.cin}->${c.cout}, stride ${c.stride}, ${c.pad}, ${c.hw}px`, async () => {
      await compare(() => {
        const x = seeded([2, c.hw, c.hw, c.cin], 1) as tf.Tensor4D;
        const w = seeded([c.k, c.k, c.cin, c.cout], 2) as tf.Tensor4D;
        const probe = seeded(tf.conv2d(x, w, c.stride, c.pad).shape, 3);
        return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), probe)))([x, w]);
      });
    });
  }

  it('fused conv2d with bias: gradients of x, filter and bias match cpu', async () => {
    await compare(() => {
      const x = seeded([2, 6, 6, 4], 4) as tf.Tensor4D;
      const w = seeded([1, 1, 4, 5], 5) as tf.Tensor4D;
      const bias = seeded([5], 6) as tf.Tensor1D;
      const probe = seeded([2, 6, 6, 5], 7);
      return tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.mul(tf.fused.conv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: 1, pad: 'same', bias: c }), probe)),
      )([x, w, bias]);
    });
  });

  const dwCases: { k: number; c: number; m: number; stride: number; pad: 'same' | 'valid'; hw: number }[] = [
    { k: 3, c: 6, m: 1, stride: 1, pad: 'same', hw: 10 },
    { k: 3, c: 5, m: 1, stride: 2, pad: 'same', hw: 10 },
    { k: 3, c: 4, m: 1, stride: 2, pad: 'same', hw: 9 },
    { k: 5, c: 3, m: 2, stride: 1, pad: 'valid', hw: 9 },
    { k: 3, c: 4, m: 1, stride: 1, pad: 'valid', hw: 8 },
    // 'valid' with an input column no tap reaches.
    { k: 3, c: 4, m: 1, stride: 2, pad: 'valid', hw: 8 },
  ];
  for (const c of dwCases) {
    it(`depthwise conv gradients (dx and dW) match cpu: ${c.k}x${c.k}, ${c.c} channels x${c.m}, stride ${c.stride}, ${c.pad}, ${c.hw}px`, async () => {
      await compare(() => {
        const x = seeded([2, c.hw, c.hw, c.c], 8) as tf.Tensor4D;
        const w = seeded([c.k, c.k, c.c, c.m], 9) as tf.Tensor4D;
        const probe = seeded(tf.depthwiseConv2d(x, w, c.stride, c.pad).shape, 10);
        return tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), probe)),
        )([x, w]);
      });
    });
  }

  it('max-pool gradients match cpu, including windows whose maximum is negative or tied', async () => {
    const pooled = (x: tf.Tensor4D, pad: 'same' | 'valid'): tf.Tensor[] => {
      const probe = seeded(tf.maxPool(x, 2, 2, pad).shape, 13);
      return [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 2, 2, pad), probe)))(x)];
    };
    // Uniform in [-1, 1]: about one window in sixteen has a negative maximum.
    await compare(() => pooled(seeded([2, 8, 8, 3], 12) as tf.Tensor4D, 'same'));
    await compare(() => pooled(seeded([2, 9, 9, 3], 14) as tf.Tensor4D, 'same'));
    await compare(() => pooled(tf.relu(seeded([2, 8, 8, 3], 15)) as tf.Tensor4D, 'valid'));
    await compare(() => pooled(tf.zeros([1, 4, 4, 2]) as tf.Tensor4D, 'same'));
  });

  it("every gradient of LDFnet's loss matches cpu (a narrow network at 64x64)", async () => {
    const run = async (backend: 'wasm' | 'cpu'): Promise<Map<string, Float32Array>> => {
      await selectBackend({ backend });
      registerTrainingKernels();
      return lossGradients();
    };
    const wasm = await run('wasm');
    const cpu = await run('cpu');
    expect([...wasm.keys()]).toEqual([...cpu.keys()]);
    // Compared as whole vectors (relative L2 error). Some gradients are zero in exact arithmetic (the
    // attention bias: the softmax over positions ignores a per-channel shift; scales in front of a
    // normalisation), so each error is taken relative to max(own norm, 1e-3 x the largest norm): for those,
    // only rounding noise is compared, and it must be small against the gradients that matter.
    const norms = new Map([...cpu].map(([name, g]) => [name, Math.sqrt(g.reduce((a, v) => a + v * v, 0))]));
    const largest = Math.max(...norms.values());
    expect(largest).toBeGreaterThan(0);
    // wasm's own forward kernels round differently from cpu's (about 1e-5 relative after the global
    // branch's first TraceBlock at full resolution), and the max-pools, ReLUs and batch norms of the global
    // branch amplify that into its gradients (~1e-2); everywhere else the agreement is tight. Whether
    // ldf's kernels themselves are exact inside the whole network is the next test's job.
    const worst = { strict: 0, global: 0 };
    for (const [name, g] of cpu) {
      const w = wasm.get(name)!;
      let diff = 0;
      for (let i = 0; i < g.length; i++) diff += (w[i]! - g[i]!) ** 2;
      const err = Math.sqrt(diff) / Math.max(norms.get(name)!, 1e-3 * largest);
      if (process.env.LDF_DEBUG_GRADS) console.log(name, norms.get(name), err);
      const key = name.startsWith('global.') ? 'global' : 'strict';
      worst[key] = Math.max(worst[key], err);
    }
    expect(worst.strict).toBeLessThan(2e-3);
    expect(worst.global).toBeLessThan(3e-2);
  }, 120_000);

  it("ldf's gradient kernels give cpu's own gradients inside the whole network (same backend, kernels swapped)", async () => {
    await selectBackend({ backend: 'cpu' });
    registerTrainingKernels();
    const native = lossGradients();
    const swapped = Object.entries(LDF_KERNEL_FUNCS).map(([name, kernelFunc]) => {
      const original = tf.getKernel(name, 'cpu')!;
      tf.unregisterKernel(name, 'cpu');
      tf.registerKernel({ kernelName: name, backendName: 'cpu', kernelFunc });
      return original;
    });
    try {
      const ours = lossGradients();
      expect([...ours.keys()]).toEqual([...native.keys()]);
      // Relative to max(own norm, 1e-3 x the largest), as above: gradients that are zero in exact
      // arithmetic are pure rounding noise on both sides.
      const norms = [...native.values()].map((g) => Math.sqrt(g.reduce((a, v) => a + v * v, 0)));
      const largest = Math.max(...norms);
      let worst = 0;
      [...native.entries()].forEach(([name, g], k) => {
        const o = ours.get(name)!;
        let diff = 0;
        for (let i = 0; i < g.length; i++) diff += (o[i]! - g[i]!) ** 2;
        worst = Math.max(worst, Math.sqrt(diff) / Math.max(norms[k]!, 1e-3 * largest));
      });
      expect(worst).toBeLessThan(1e-4);
    } finally {
      for (const k of swapped) {
        tf.unregisterKernel(k.kernelName, 'cpu');
        tf.registerKernel(k);
      }
    }
  }, 120_000);
});
