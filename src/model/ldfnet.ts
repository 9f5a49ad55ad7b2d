import * as tf from '@tensorflow/tfjs-core';
import { hasDfm, hasGtr, hasSge, type LdfnetConfig } from './ldfnet-config.js';
import { constrainedConv } from './layers/constrained-conv.js';
import { dwSepConv } from './layers/conv-bn-relu.js';
import { dynamicFusion } from './layers/dynamic-fusion.js';
import { fanInUniform, ZEROS, type LayerContext } from './layers/layer-context.js';
import { sge } from './layers/sge.js';
import { traceBlock } from './layers/trace-block.js';

/**
 * LDFnet's forward pass (Guo et al., TCSVT 2024, Sec. III, Figs. 4-6), NHWC.
 * `input` is the normalised face crop [b, S, S, 3]; returns 2 logits per
 * face ([real, fake]). Which modules run depends on `config.variant`.
 * Parameter scopes: `local` (BaseNet + SGE), `global` (constrained conv +
 * TraceBlocks), `fusion` (DFM), `head` (the linear classifier).
 */
export function ldfnetForward(ctx: LayerContext, config: LdfnetConfig, input: tf.Tensor4D): tf.Tensor2D {
  const useSge = hasSge(config.variant);
  const local = ctx.scope('local', () => {
    let x = input;
    config.widths.forEach((width, i) => {
      const stride = config.strides[i] ?? 1;
      x = ctx.scope(`s${i}`, () => {
        const y = dwSepConv(ctx, 'conv', x, stride, width);
        return useSge ? sge(ctx, 'sge', y, config.sgeGroups[i] ?? 1) : y;
      });
    });
    return x;
  });

  let features: tf.Tensor2D;
  if (!hasGtr(config.variant)) {
    features = tf.mean(local, [1, 2]) as tf.Tensor2D;
  } else {
    const global = ctx.scope('global', () => {
      let x = constrainedConv(ctx, 'constrained', input, config.constrainedChannels, config.constrainedKernel);
      config.widths.forEach((width, i) => {
        x = traceBlock(ctx, `s${i}`, x, config.strides[i] ?? 1, width);
      });
      return x;
    });
    features = hasDfm(config.variant)
      ? dynamicFusion(ctx, 'fusion', local, global)
      : (tf.mean(tf.add(local, global), [1, 2]) as tf.Tensor2D);
  }

  return ctx.scope('head', () => {
    const [b, c] = features.shape;
    const w = ctx.param('w', [c, 2], fanInUniform(c)) as tf.Tensor2D;
    const bias = ctx.param('b', [2], ZEROS);
    ctx.count(b * c * 2, b);
    return tf.add(tf.matMul(features, w), bias) as tf.Tensor2D;
  });
}

export interface InputNormalization {
  /** Per-channel mean and std of RGB values scaled to [0, 1]. */
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/** ImageNet statistics, the convention the paper's authors use in their public code. */
export const IMAGENET_NORMALIZATION: InputNormalization = {
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

/** RGB values in [0, 255] (any dtype) -> normalised float32 input. */
export function normalizeInput(rgb: tf.Tensor4D, norm: InputNormalization): tf.Tensor4D {
  return tf.tidy(() => {
    const scale = norm.std.map((s) => 1 / (255 * s));
    const offset = norm.mean.map((m, i) => -m / (norm.std[i] ?? 1));
    return tf.add(tf.mul(tf.cast(rgb, 'float32'), tf.tensor1d(scale)), tf.tensor1d(offset)) as tf.Tensor4D;
  });
}
