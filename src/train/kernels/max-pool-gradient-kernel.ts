/**
 * MaxPoolGrad for backends whose own kernel is wrong. tfjs-backend-wasm 4.22's native MaxPoolGrad drops the
 * gradient of every window whose maximum is zero or negative, and sends ties to the last maximum. In the
 * default LDFnet (strides 1-2-2-2-2) the pooled tensors are TraceBlock outputs, sums of ReLUs, so a window's
 * maximum is never negative and an all-zero window's gradient dies in the ReLUs anyway: there the native
 * kernel happens to give the right gradients. Any configuration that pools a signed tensor (a stride-2 first
 * stage pools the constrained convolution's residuals) would silently lose gradient on wasm, so ldf replaces
 * the kernel. This one follows TensorFlow (and tfjs' cpu backend): each window's gradient goes, whole, to the
 * first position holding its maximum (in row-major window order); padding never wins.
 * Checked against the cpu backend in test/unit/train/kernels/conv-gradient-kernels.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { runFloatKernel } from './float-kernel.js';

export interface MaxPoolGradGeometry {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function maxPoolGrad(dy: tf.Tensor4D, x: tf.Tensor4D, g: MaxPoolGradGeometry): tf.Tensor4D {
  const info = tf.backend_util.computePool2DInfo(
    x.shape,
    g.filterSize,
    g.strides,
    1,
    g.pad as 'valid' | 'same' | number,
    g.dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { effectiveFilterHeight: kh, effectiveFilterWidth: kw } = info;
  const { top, left } = info.padInfo;
  return runFloatKernel([x, dy], x.shape, (inputs, dx) => {
    const xs = inputs[0]!;
    const dys = inputs[1]!;
    if (kh === 2 && kw === 2 && strideHeight === 2 && strideWidth === 2 && top === 0 && left === 0 && outHeight * 2 <= inHeight && outWidth * 2 <= inWidth) {
      // LDFnet's pooling: 2x2 windows, stride 2, all inside the input. The same rule, unrolled.
      const row = inWidth * c;
      for (let b = 0; b < batchSize; b++) {
        for (let o = 0; o < outHeight; o++) {
          let dyAt = ((b * outHeight + o) * outWidth) * c;
          for (let p = 0; p < outWidth; p++) {
            const base = ((b * inHeight + 2 * o) * inWidth + 2 * p) * c;
            for (let ch = 0; ch < c; ch++, dyAt++) {
              const a = base + ch;
              let at = a;
              let best = xs[a]!;
              const v1 = xs[a + c]!;
              if (v1 > best) { best = v1; at = a + c; }
              const v2 = xs[a + row]!;
              if (v2 > best) { best = v2; at = a + row; }
              const v3 = xs[a + row + c]!;
              if (v3 > best) { best = v3; at = a + row + c; }
              dx[at]! += dys[dyAt]!;
            }
          }
        }
      }
      return;
    }
    const best = new Float32Array(c);
    const bestAt = new Int32Array(c);
    for (let b = 0; b < batchSize; b++) {
      for (let o = 0; o < outHeight; o++) {
        const y0 = Math.max(0, o * strideHeight - top);
        const y1 = Math.min(inHeight, o * strideHeight - top + kh);
        for (let p = 0; p < outWidth; p++) {
          const x0 = Math.max(0, p * strideWidth - left);
          const x1 = Math.min(inWidth, p * strideWidth - left + kw);
          best.fill(Number.NEGATIVE_INFINITY);
          bestAt.fill(-1);
          for (let yy = y0; yy < y1; yy++) {
            for (let xx = x0; xx < x1; xx++) {
              const base = ((b * inHeight + yy) * inWidth + xx) * c;
              for (let ch = 0; ch < c; ch++) {
                const v = xs[base + ch]!;
                // `>` keeps the first maximum; `bestAt < 0` takes a NaN or -Infinity window's first cell.
                if (v > best[ch]! || bestAt[ch]! < 0) {
                  best[ch] = v;
                  bestAt[ch] = base + ch;
                }
              }
            }
          }
          const dyBase = ((b * outHeight + o) * outWidth + p) * c;
          for (let ch = 0; ch < c; ch++) {
            const at = bestAt[ch]!;
            if (at >= 0) dx[at]! += dys[dyBase + ch]!;
          }
        }
      }
    }
  }) as tf.Tensor4D;
}
