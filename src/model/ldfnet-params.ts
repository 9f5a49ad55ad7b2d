import * as tf from '@tensorflow/tfjs-core';
import type { LdfnetConfig } from './ldfnet-config.js';
import { ldfnetForward } from './ldfnet.js';
import { LayerContext, MacCounter, type ParamInit } from './layers/layer-context.js';

/** Batch-norm moving statistics: stored weights, but not trained by gradients. */
export function isTrainable(name: string): boolean {
  return !(name.endsWith('.bn.mean') || name.endsWith('.bn.variance'));
}

/** A small, fast, seedable PRNG (mulberry32) so initial weights are reproducible on any backend. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample(init: ParamInit, size: number, rand: () => number): Float32Array {
  const out = new Float32Array(size);
  switch (init.kind) {
    case 'zeros':
      break;
    case 'ones':
      out.fill(1);
      break;
    case 'uniform':
      for (let i = 0; i < size; i++) out[i] = (rand() * 2 - 1) * init.limit;
      break;
    case 'normal':
      for (let i = 0; i < size; i += 2) {
        // Box-Muller: two normals per pair of uniforms.
        const u = Math.max(rand(), 1e-12);
        const v = rand();
        const r = Math.sqrt(-2 * Math.log(u)) * init.std;
        out[i] = r * Math.cos(2 * Math.PI * v);
        if (i + 1 < size) out[i + 1] = r * Math.sin(2 * Math.PI * v);
      }
      break;
  }
  return out;
}

/**
 * Creates the initial (untrained) weights of a config, seeded. The network's
 * layers declare their parameters as they run, so one forward pass on a
 * dummy input creates all of them, in a fixed order.
 */
export function initLdfnetParams(config: LdfnetConfig, seed: number): Map<string, tf.Tensor> {
  const rand = mulberry32(seed);
  const params = new Map<string, tf.Tensor>();
  const ctx = new LayerContext({
    params,
    initializer: (_name, shape, init) => {
      const size = shape.reduce((a, b) => a * b, 1);
      return tf.keep(tf.tensor(sample(init, size, rand), [...shape], 'float32'));
    },
  });
  tf.tidy(() => {
    ldfnetForward(ctx, config, tf.zeros([1, config.inputSize, config.inputSize, 3]) as tf.Tensor4D);
  });
  return params;
}

export interface ModuleCount {
  /** Module path, e.g. `global.s2` or `fusion`. */
  module: string;
  parameters: number;
  macs: number;
}

export interface ComplexityReport {
  /** Trainable parameters (what the paper's 963K counts). */
  parameters: number;
  /** Stored but not trained: batch-norm moving statistics. */
  nonTrainable: number;
  /** Multiply-accumulates for one face at the configured input size. */
  macs: number;
  modules: ModuleCount[];
}

/** The first `depth` segments of a scope path. */
function moduleKey(scope: string, depth: number): string {
  return scope.split('.').slice(0, depth).join('.');
}

/** A parameter's scope: its name without the last segment (`head.w` -> `head`). */
function paramScope(name: string): string {
  return name.split('.').slice(0, -1).join('.');
}

/**
 * Counts parameters (from the weights themselves) and MACs (by running the
 * network once on one face with a counter), per module at `depth` levels
 * of the scope path (1: local/global/fusion/head; 2: their stages).
 */
export function countComplexity(
  config: LdfnetConfig,
  params: Map<string, tf.Tensor>,
  depth = 2,
): ComplexityReport {
  const counter = new MacCounter();
  const ctx = new LayerContext({ params, counter });
  tf.tidy(() => {
    ldfnetForward(ctx, config, tf.zeros([1, config.inputSize, config.inputSize, 3]) as tf.Tensor4D);
  });
  const modules = new Map<string, ModuleCount>();
  const entry = (key: string): ModuleCount => {
    let m = modules.get(key);
    if (m === undefined) {
      m = { module: key, parameters: 0, macs: 0 };
      modules.set(key, m);
    }
    return m;
  };
  let parameters = 0;
  let nonTrainable = 0;
  for (const [name, t] of params) {
    if (isTrainable(name)) {
      parameters += t.size;
      entry(moduleKey(paramScope(name), depth)).parameters += t.size;
    } else {
      nonTrainable += t.size;
    }
  }
  for (const [scope, macs] of counter.byScope) entry(moduleKey(scope, depth)).macs += macs;
  return { parameters, nonTrainable, macs: counter.total, modules: [...modules.values()] };
}
