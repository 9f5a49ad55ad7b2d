import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LDFNET_CONFIG, LDFNET_VARIANTS } from '../../../src/model/ldfnet-config.js';
import { countComplexity, initLdfnetParams } from '../../../src/model/ldfnet-params.js';
import { ldfnetForward, normalizeInput, IMAGENET_NORMALIZATION } from '../../../src/model/ldfnet.js';
import { LayerContext } from '../../../src/model/layers/layer-context.js';
import { constrainedFilter } from '../../../src/model/layers/constrained-conv.js';
import { foldForInference } from '../../../src/model/fold-inference.js';
import { useTestBackend } from '../../helpers/backend.js';
import { TINY_CONFIG } from '../../helpers/tiny-config.js';

beforeAll(useTestBackend);

function dispose(map: Map<string, tf.Tensor>): void {
  for (const t of map.values()) t.dispose();
}

describe('LDFnet at the paper size', () => {
  const params = new Map<string, tf.Tensor>();
  beforeAll(() => {
    for (const [k, v] of initLdfnetParams(DEFAULT_LDFNET_CONFIG, 7)) params.set(k, v);
  });

  it('has parameters within 10% of 963K and MACs within 15% of 801M at 256x256', () => {
    const report = countComplexity(DEFAULT_LDFNET_CONFIG, params, 1);
    expect(report.parameters).toBeGreaterThan(963_000 * 0.9);
    expect(report.parameters).toBeLessThan(963_000 * 1.1);
    expect(report.macs).toBeGreaterThan(801e6 * 0.85);
    expect(report.macs).toBeLessThan(801e6 * 1.15);
    // Every module is counted, and the modules add up to the totals.
    expect(report.modules.map((m) => m.module).sort()).toEqual(['fusion', 'global', 'head', 'local']);
    expect(report.modules.reduce((n, m) => n + m.parameters, 0)).toBe(report.parameters);
    expect(report.modules.reduce((n, m) => n + m.macs, 0)).toBeCloseTo(report.macs, 0);
  });

  it('gives two logits per face whose softmax sums to 1, and a score in [0, 1]', () => {
    const folded = foldForInference(params);
    const ctx = new LayerContext({ params, folded });
    const probs = tf.tidy(() => {
      const x = normalizeInput(tf.randomUniform([2, 256, 256, 3], 0, 255, 'float32', 1) as tf.Tensor4D, IMAGENET_NORMALIZATION);
      const logits = ldfnetForward(ctx, DEFAULT_LDFNET_CONFIG, x);
      expect(logits.shape).toEqual([2, 2]);
      return tf.softmax(logits).arraySync();
    });
    for (const row of probs) {
      expect(row[0]! + row[1]!).toBeCloseTo(1, 6);
      expect(row[1]).toBeGreaterThanOrEqual(0);
      expect(row[1]).toBeLessThanOrEqual(1);
    }
    dispose(folded);
  });
});

describe('LDFnet structure', () => {
  it('builds every ablation variant of Table III with growing cost', () => {
    const counts = LDFNET_VARIANTS.map((variant) => {
      const config = { ...DEFAULT_LDFNET_CONFIG, variant };
      const p = initLdfnetParams({ ...TINY_CONFIG, variant }, 1);
      const names = [...p.keys()];
      const report = countComplexity({ ...TINY_CONFIG, variant }, p, 1);
      dispose(p);
      return { variant, config, names, report };
    });
    const byVariant = Object.fromEntries(counts.map((c) => [c.variant, c]));
    expect(byVariant.basenet!.names.some((n) => n.includes('.sge.'))).toBe(false);
    expect(byVariant['basenet-sge']!.names.some((n) => n.includes('.sge.'))).toBe(true);
    expect(byVariant['basenet-gtr']!.names.some((n) => n.startsWith('global.'))).toBe(true);
    expect(byVariant['basenet-gtr']!.names.some((n) => n.includes('.sge.'))).toBe(false);
    expect(byVariant['basenet-sge-gtr-sum']!.names.some((n) => n.startsWith('fusion.'))).toBe(false);
    expect(byVariant.ldfnet!.names.some((n) => n.startsWith('fusion.'))).toBe(true);
    expect(byVariant.basenet!.report.parameters).toBeLessThan(byVariant['basenet-gtr']!.report.parameters);
    expect(byVariant['basenet-sge-gtr-sum']!.report.parameters).toBeLessThan(byVariant.ldfnet!.report.parameters);
  });

  it('initialises reproducibly from a seed', () => {
    const a = initLdfnetParams(TINY_CONFIG, 7);
    const b = initLdfnetParams(TINY_CONFIG, 7);
    const c = initLdfnetParams(TINY_CONFIG, 8);
    const first = (m: Map<string, tf.Tensor>) => Array.from(m.get('local.s0.conv.pw.w')!.dataSync());
    expect(first(a)).toEqual(first(b));
    expect(first(a)).not.toEqual(first(c));
    expect([...a.keys()]).toEqual([...b.keys()]);
    [a, b, c].forEach(dispose);
  });

  it('folded inference equals the unfolded network', () => {
    const params = initLdfnetParams(TINY_CONFIG, 3);
    // Give the batch norms non-trivial statistics so folding has something to fold.
    for (const [name, t] of params) {
      if (name.endsWith('.bn.mean') || name.endsWith('.bn.beta')) {
        params.set(name, tf.randomUniform(t.shape, -0.5, 0.5, 'float32', name.length));
        t.dispose();
      } else if (name.endsWith('.bn.variance') || name.endsWith('.bn.gamma')) {
        params.set(name, tf.randomUniform(t.shape, 0.5, 2, 'float32', name.length));
        t.dispose();
      }
    }
    const folded = foldForInference(params);
    const x = tf.randomNormal([3, 32, 32, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const plain = tf.tidy(() => ldfnetForward(new LayerContext({ params }), TINY_CONFIG, x).dataSync());
    const fast = tf.tidy(() => ldfnetForward(new LayerContext({ params, folded }), TINY_CONFIG, x).dataSync());
    expect(Array.from(fast)).toEqual(Array.from(plain).map((v) => expect.closeTo(v, 4)));
    x.dispose();
    dispose(params);
    dispose(folded);
  });
});

describe('constrained convolution', () => {
  it('has centre -1 and the other taps summing to 1 for every kernel', () => {
    const raw = tf.randomNormal([5, 5, 3, 4], 0, 3, 'float32', 11) as tf.Tensor4D;
    const w = constrainedFilter(raw);
    const values = w.arraySync();
    for (let i = 0; i < 3; i++) {
      for (let o = 0; o < 4; o++) {
        let sum = 0;
        for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) if (y !== 2 || x !== 2) sum += values[y]![x]![i]![o]!;
        expect(values[2]![2]![i]![o]).toBe(-1);
        expect(sum).toBeCloseTo(1, 4);
      }
    }
    raw.dispose();
    w.dispose();
  });
});
