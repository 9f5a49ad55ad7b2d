/**
 * Gradient kernels the wasm backend lacks, built from ops it has (pad, strided slice, matMul, depthwise
 * conv, reverse, sum). Each function is the math of one TF kernel on Tensors; register-training-kernels.ts
 * wires them into the kernel registry. They are what every convolution of LDFnet needs to train:
 *
 * - Conv2DBackpropFilter (dW of a regular conv): a 1x1 stride-1 conv is xᵀ·dy over all positions (summed
 *   over chunks of positions); a conv with few taps x input channels is the
 *   transposed im2col matrix times dy; any other sums, per tap, the matMul of the strided input view under
 *   that tap with dy.
 * - DepthwiseConv2dNativeBackpropInput (dx of a depthwise conv): dy dilated by the stride (zeros between
 *   rows and columns), padded, depthwise-convolved with the spatially flipped filter.
 * - DepthwiseConv2dNativeBackpropFilter (dW of a depthwise conv): one depthwise conv of the input with dy as
 *   a dilated filter (multiplier 1), else a direct loop.
 *
 * Padding, output sizes and strides come from tfjs' own computeConv2DInfo, so 'same', 'valid', numeric and
 * explicit paddings all follow TF's conventions. Checked against the cpu backend's kernels in
 * test/unit/train/kernels/conv-gradient-kernels.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { runFloatKernel } from './float-kernel.js';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

interface ConvGeometry {
  strides: [number, number] | number;
  dilations?: [number, number] | number;
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function convInfo(
  xShape: readonly number[],
  filterShape: readonly number[],
  g: ConvGeometry,
  depthwise: boolean,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    g.strides,
    g.dilations ?? 1,
    g.pad,
    g.dimRoundingMode,
    depthwise,
  );
}

/**
 * The input padded so that, for every tap (i, j), the strided view starting at
 * (i * dilationH, j * dilationW) with outH x outW samples lies inside it.
 */
function padForTaps(x: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  const { top, left } = info.padInfo;
  const needH = (info.outHeight - 1) * info.strideHeight + (info.filterHeight - 1) * info.dilationHeight + 1;
  const needW = (info.outWidth - 1) * info.strideWidth + (info.filterWidth - 1) * info.dilationWidth + 1;
  const bottom = Math.max(0, needH - top - info.inHeight);
  const right = Math.max(0, needW - left - info.inWidth);
  if (top === 0 && left === 0 && bottom === 0 && right === 0) return x;
  return tf.pad(x, [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ]);
}

/** The [b, outH, outW, c] view of the padded input that filter tap (i, j) multiplies. */
function tapView(xPadded: tf.Tensor4D, info: tf.backend_util.Conv2DInfo, i: number, j: number): tf.Tensor4D {
  const y0 = i * info.dilationHeight;
  const x0 = j * info.dilationWidth;
  const [b, , , c] = xPadded.shape;
  if (info.strideHeight === 1 && info.strideWidth === 1) {
    return tf.slice(xPadded, [0, y0, x0, 0], [b, info.outHeight, info.outWidth, c]);
  }
  return tf.stridedSlice(
    xPadded,
    [0, y0, x0, 0],
    [b, y0 + (info.outHeight - 1) * info.strideHeight + 1, x0 + (info.outWidth - 1) * info.strideWidth + 1, c],
    [1, info.strideHeight, info.strideWidth, 1],
  ) as tf.Tensor4D;
}

/** The taps x input channels of a filter up to which conv2dBackpropFilter builds the patch matrix (im2col). */
const IM2COL_MAX_ROWS = 256;
/** Positions per matMul of the 1x1 filter gradient. */
const POINTWISE_CHUNK = 4096;

/** dL/dW of conv2d(x, W) given dy; W has `filterShape` [kh, kw, inC, outC]. NHWC only. */
export function conv2dBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly [number, number, number, number],
  g: ConvGeometry,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(x.shape, filterShape, g, false);
    const [kh, kw, inC, outC] = filterShape;
    const positions = info.batchSize * info.outHeight * info.outWidth;
    const dyFlat = tf.reshape(dy, [positions, outC]);
    const { top, bottom, left, right } = info.padInfo;
    const pointwise =
      kh === 1 && kw === 1 && info.strideHeight === 1 && info.strideWidth === 1 && top === 0 && bottom === 0 && left === 0 && right === 0;
    if (pointwise && positions > POINTWISE_CHUNK && positions % POINTWISE_CHUNK === 0 && inC <= 4) {
      // A few input channels (the RGB input): the same sum over chunks as one batched matMul (~4% of a
      // training step faster than the loop below there).
      const chunks = positions / POINTWISE_CHUNK;
      const xT = tf.transpose(tf.reshape(x, [chunks, POINTWISE_CHUNK, inC]), [0, 2, 1]);
      const perChunk = tf.matMul(xT, tf.reshape(dyFlat, [chunks, POINTWISE_CHUNK, outC]));
      return tf.reshape(tf.sum(perChunk, 0), [kh, kw, inC, outC]);
    }
    if (pointwise && positions > POINTWISE_CHUNK && positions % POINTWISE_CHUNK === 0) {
      // xᵀ·dy summed over chunks of positions: wasm's matMul repacks its second operand on every call, at a
      // cost that grows faster than its size once it outgrows the cache; chunks of 4096 rows keep it small
      // (~10% of a training step against one matMul over all positions).
      const xFlat = tf.reshape(x, [positions, inC]);
      const parts: tf.Tensor[] = [];
      for (let s = 0; s < positions; s += POINTWISE_CHUNK) {
        const xChunk = tf.slice(xFlat, [s, 0], [POINTWISE_CHUNK, inC]);
        parts.push(tf.matMul(tf.transpose(xChunk), tf.slice(dyFlat, [s, 0], [POINTWISE_CHUNK, outC])));
      }
      return tf.reshape(tf.addN(parts), [kh, kw, inC, outC]);
    }
    if (!pointwise && kh * kw * inC <= IM2COL_MAX_ROWS) {
      // Few taps x channels (the constrained 5x5 conv on RGB): the transposed patch matrix, built in one pass
      // over the typed array, times dy in one matMul. Per-tap slices of a 3-channel tensor cost ~5 ms each.
      return tf.reshape(tf.matMul(patchesTransposed(x, info, kh, kw), dyFlat), [kh, kw, inC, outC]);
    }
    const xPadded = padForTaps(x, info);
    const taps: tf.Tensor2D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const view = tapView(xPadded, info, i, j);
        // transpose + plain matMul: wasm's matMul with a transpose flag is ~2-5x slower than both together.
        taps.push(tf.matMul(tf.transpose(tf.reshape(view, [positions, inC])), dyFlat));
      }
    }
    const stacked = taps.length === 1 ? taps[0]! : tf.stack(taps);
    return tf.reshape(stacked, [kh, kw, inC, outC]);
  });
}

/**
 * The im2col matrix of a convolution, transposed: row (i * kw + j) * inC + c holds, for every output position
 * (batch, row, column in order), the input value that tap (i, j) of channel c multiplies there (0 in padding).
 */
function patchesTransposed(x: tf.Tensor4D, info: tf.backend_util.Conv2DInfo, kh: number, kw: number): tf.Tensor2D {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const positions = batchSize * outHeight * outWidth;
  return runFloatKernel([x], [kh * kw * c, positions], (inputs, out) => {
    const xs = inputs[0]!;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        // Output columns p whose input column p * sw + j * dw - left lies inside the image.
        const offsetW = j * info.dilationWidth - left;
        const pLo = Math.max(0, Math.ceil(-offsetW / strideWidth));
        const pHi = Math.min(outWidth, Math.floor((inWidth - 1 - offsetW) / strideWidth) + 1);
        for (let ch = 0; ch < c; ch++) {
          const row = ((i * kw + j) * c + ch) * positions;
          for (let b = 0; b < batchSize; b++) {
            for (let o = 0; o < outHeight; o++) {
              const y = o * strideHeight + i * info.dilationHeight - top;
              if (y < 0 || y >= inHeight) continue;
              const dst = row + (b * outHeight + o) * outWidth;
              let src = ((b * inHeight + y) * inWidth + pLo * strideWidth + offsetW) * c + ch;
              const step = strideWidth * c;
              for (let p = pLo; p < pHi; p++, src += step) out[dst + p] = xs[src]!;
            }
          }
        }
      }
    }
  }) as tf.Tensor2D;
}

/**
 * dL/dx of a 1x1, stride-1 conv2d: dy · Wᵀ over all positions, as a plain matMul with the small filter
 * transposed first (wasm's own Conv2DBackpropInput, and matMul with a transpose flag, take ~5x longer).
 * Returns undefined for any other geometry (the backend's kernel handles those).
 */
export function conv2dBackpropInputPointwise(
  inputShape: readonly [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  g: ConvGeometry,
): tf.Tensor4D | undefined {
  const [kh, kw, inC, outC] = filter.shape;
  const info = convInfo(inputShape, filter.shape, g, false);
  const pointwise =
    kh === 1 && kw === 1 && info.strideHeight === 1 && info.strideWidth === 1 &&
    info.padInfo.top === 0 && info.padInfo.left === 0 && info.padInfo.bottom === 0 && info.padInfo.right === 0;
  if (!pointwise) return undefined;
  return tf.tidy(() => {
    const positions = info.batchSize * info.inHeight * info.inWidth;
    const w = tf.transpose(tf.reshape(filter, [inC, outC]));
    return tf.reshape(tf.matMul(tf.reshape(dy, [positions, outC]), w), [...inputShape]) as tf.Tensor4D;
  });
}

/** dL/dx of depthwiseConv2d(x, W) given dy; x has `inputShape`, W [kh, kw, c, multiplier]. */
export function depthwiseConv2dBackpropInput(
  inputShape: readonly [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  g: ConvGeometry,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(inputShape, filter.shape, g, true);
    const [kh, kw, c, multiplier] = filter.shape;
    const [b, outH, outW] = dy.shape;
    const sh = info.strideHeight;
    const sw = info.strideWidth;
    // dy dilated by the stride: sample (o, p) moves to (o * sh, p * sw), zeros between.
    let dilated: tf.Tensor4D = dy;
    if (sh > 1 || sw > 1) {
      const spread = tf.pad(tf.reshape(dy, [b, outH, 1, outW, 1, c * multiplier]), [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ]);
      dilated = tf.reshape(spread, [b, outH * sh, outW * sw, c * multiplier]);
    }
    // Full correlation with the flipped filter: x position y collects dy at (y + top - tap) / stride.
    const effH = (kh - 1) * info.dilationHeight + 1;
    const effW = (kw - 1) * info.dilationWidth + 1;
    const before = [effH - 1 - info.padInfo.top, effW - 1 - info.padInfo.left];
    const after = [
      info.inHeight + effH - 1 - before[0]! - dilated.shape[1],
      info.inWidth + effW - 1 - before[1]! - dilated.shape[2],
    ];
    let framed = tf.pad(dilated, [
      [0, 0],
      [Math.max(0, before[0]!), Math.max(0, after[0]!)],
      [Math.max(0, before[1]!), Math.max(0, after[1]!)],
      [0, 0],
    ]);
    if (before.some((v) => v < 0) || after.some((v) => v < 0)) {
      const y0 = Math.max(0, -before[0]!);
      const x0 = Math.max(0, -before[1]!);
      framed = tf.slice(framed, [0, y0, x0, 0], [b, info.inHeight + effH - 1, info.inWidth + effW - 1, -1]);
    }
    const flipped = tf.reverse(filter, [0, 1]);
    if (multiplier === 1) {
      return tf.depthwiseConv2d(framed, flipped, 1, 'valid', 'NHWC', [info.dilationHeight, info.dilationWidth]);
    }
    // Channel c's gradient sums its `multiplier` output channels, each through its own filter.
    const perOutput = tf.reshape(flipped, [kh, kw, c * multiplier, 1]) as tf.Tensor4D;
    const y = tf.depthwiseConv2d(framed, perOutput, 1, 'valid', 'NHWC', [info.dilationHeight, info.dilationWidth]);
    return tf.sum(tf.reshape(y, [b, info.inHeight, info.inWidth, c, multiplier]), 4) as tf.Tensor4D;
  });
}

/**
 * dW of a depthwise conv (multiplier 1, no dilation) as one depthwise convolution: the input, images moved
 * into the channels ([1, H, W, batch x C]), correlated with dy laid out the same way as a [outH, outW] filter
 * dilated by the stride, gives every image's kh x kw taps per channel; the images' taps are then summed.
 * About 2x faster on wasm than the loop below. (Per-image slices instead of the transposes cost more than
 * the convolution there.)
 */
function depthwiseFilterGradAsConv(x: tf.Tensor4D, dy: tf.Tensor4D, info: tf.backend_util.Conv2DInfo, kh: number, kw: number): tf.Tensor4D {
  return tf.tidy(() => {
    const { batchSize: b, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, inChannels: c } = info;
    const { top, left } = info.padInfo;
    // Rows and columns the taps reach past the input (TF's 'same' pads bottom/right by what is needed).
    const bottom = (outHeight - 1) * strideHeight + kh - top - inHeight;
    const right = (outWidth - 1) * strideWidth + kw - left - inWidth;
    const toChannels = (t: tf.Tensor4D): tf.Tensor4D => {
      const [, h, w] = t.shape;
      return (b === 1 ? t : tf.reshape(tf.transpose(t, [1, 2, 0, 3]), [1, h, w, b * c])) as tf.Tensor4D;
    };
    const filter = tf.reshape(toChannels(dy), [outHeight, outWidth, b * c, 1]) as tf.Tensor4D;
    const pad: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [top, Math.max(0, bottom)],
      [left, Math.max(0, right)],
      [0, 0],
    ];
    let taps = tf.depthwiseConv2d(toChannels(x), filter, 1, pad, 'NHWC', [strideHeight, strideWidth]);
    // A 'valid' conv may leave input rows or columns no tap reaches: they widen the result, which is cut.
    if (taps.shape[1] !== kh || taps.shape[2] !== kw) taps = tf.slice(taps, [0, 0, 0, 0], [1, kh, kw, b * c]);
    return tf.reshape(b === 1 ? taps : tf.sum(tf.reshape(taps, [kh, kw, b, c]), 2), [kh, kw, c, 1]);
  });
}

/**
 * dL/dW of depthwiseConv2d(x, W) given dy; W has `filterShape` [kh, kw, c, multiplier].
 *
 * Multiplier 1 without dilation (LDFnet's): depthwiseFilterGradAsConv. Otherwise a direct loop over the
 * typed arrays: per output position and tap, a contiguous multiply-add over the channels. The op-built alternative (per tap a strided slice, a multiply and a sum over the batch)
 * measured ~2.4 s per 256x256 image on wasm, its strided slices alone ~2.3 s; this loop is about two
 * orders of magnitude faster there, and exact in the order it sums.
 */
export function depthwiseConv2dBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly [number, number, number, number],
  g: ConvGeometry,
): tf.Tensor4D {
  const info = convInfo(x.shape, filterShape, g, true);
  const [kh, kw, c, multiplier] = filterShape;
  if (multiplier === 1 && info.dilationHeight === 1 && info.dilationWidth === 1) {
    return depthwiseFilterGradAsConv(x, dy, info, kh, kw);
  }
  const xs = x.dataSync() as Float32Array;
  const dys = dy.dataSync() as Float32Array;
  const out = new Float32Array(kh * kw * c * multiplier);
  const { batchSize, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const outC = c * multiplier;
  for (let b = 0; b < batchSize; b++) {
    for (let o = 0; o < outHeight; o++) {
      for (let i = 0; i < kh; i++) {
        const y = o * strideHeight + i * info.dilationHeight - top;
        if (y < 0 || y >= inHeight) continue;
        for (let p = 0; p < outWidth; p++) {
          const dyBase = ((b * outHeight + o) * outWidth + p) * outC;
          for (let j = 0; j < kw; j++) {
            const xx = p * strideWidth + j * info.dilationWidth - left;
            if (xx < 0 || xx >= inWidth) continue;
            const xBase = ((b * inHeight + y) * inWidth + xx) * c;
            const wBase = (i * kw + j) * outC;
            if (multiplier === 1) {
              for (let ch = 0; ch < c; ch++) out[wBase + ch]! += xs[xBase + ch]! * dys[dyBase + ch]!;
            } else {
              for (let ch = 0; ch < c; ch++) {
                const xv = xs[xBase + ch]!;
                for (let q = 0; q < multiplier; q++) {
                  out[wBase + ch * multiplier + q]! += xv * dys[dyBase + ch * multiplier + q]!;
                }
              }
            }
          }
        }
      }
    }
  }
  return tf.tensor4d(out, [kh, kw, c, multiplier]);
}
