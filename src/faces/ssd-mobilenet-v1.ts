/**
 * face-api's SSD MobileNet v1 face detector, re-implemented for speed on face-api's own weights
 * (`ssd_mobilenetv1_model`), giving the same detections as face-api's `SsdMobilenetv1.locateFaces`
 * (test/integration/faces/face-detector-equivalence.test.ts checks it on the demo photos).
 *
 * What differs from face-api's implementation (node_modules/@vladmandic/face-api, src/ssdMobilenetv1/), and why:
 *  - Every MobileNet layer is one fused kernel. face-api runs conv, batch norm (depthwise layers), bias add
 *    (pointwise layers) and ReLU6 (clipByValue) as separate kernels: on wasm the BN, Add and ClipByValue
 *    passes over the large early feature maps cost about as much as the depthwise convolutions. Here each
 *    depthwise layer's batch norm is folded into its filter and a bias once at load
 *    (scale = gamma / sqrt(variance + eps), filter * scale, bias = beta - mean * scale; the pointwise layers'
 *    `convolution_bn_offset` already is a bias), and the layer runs as tf.fused.depthwiseConv2d /
 *    tf.fused.conv2d with the bias and activation 'relu6' (XNNPACK applies both in its output loop).
 *  - The six box predictors are one conv each: the box-encoding (4 per anchor) and class-predictor filters are
 *    merged at load, keeping only the face logit (class 1 of 3; face-api takes sigmoid(classes[1:])[0]), so each
 *    head's output reshapes to [anchors, 5] = (ty, tx, th, tw, logit) with no Concat / Slice / Tile on device.
 *  - Input normalisation x / 127.5 - 1 is a 256-entry lookup table (same float32 values as face-api's tf.div
 *    then tf.sub) applied while the 512x512 RGB bytes are copied into the input tensor.
 *  - Post-processing in plain TypeScript on the heads' outputs: the anchors (`Output/extra_dim`) are read once
 *    at load (centres and sizes precomputed), scores are sigmoid(logit), only the boxes of candidates above
 *    the score threshold are decoded (face-api decodes all 5118 with ~20 tensor ops), and the non-max
 *    suppression is face-api's own greedy algorithm (same candidate order, IoU formula, threshold 0.5 and
 *    score-threshold rule) run on a Float64Array instead of calling boxes.arraySync() (a 5118-element array
 *    conversion) for every IoU it computes.
 * Results agree with face-api up to float32 rounding (the folded filters round differently from conv-then-BN):
 * in the demo photos' tests, scores within 1e-5 and boxes within 0.01 px of the 512 px input.
 * One deliberate difference: a decoded box that lies wholly outside the image (negative size after clipping)
 * is dropped here, where face-api's `new Rect()` would throw.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FacesError } from './faces-error.js';

/** Side of the detector's square input (its 5118 anchors are laid out for it). */
export const SSD_INPUT_SIZE = 512;
/** Anchors (and predictions) per image: 32x32x3 + 16x16x6 + 8x8x6 + 4x4x6 + 2x2x6 + 1x1x6. */
export const SSD_ANCHOR_COUNT = 5118;
/** face-api's locateFaces IoU threshold for non-max suppression. */
export const SSD_IOU_THRESHOLD = 0.5;

/** MobileNet's batch-norm epsilon, as face-api (and the TF graph it was converted from) uses it. */
const BN_EPSILON = 0.0010000000474974513;
/** Values per anchor in a head's output: ty, tx, th, tw (box encoding), face logit. */
const HEAD_STRIDE = 5;

export interface SsdDetection {
  /** Sigmoid of the face logit, in (0, 1). */
  score: number;
  /** In pixels of the 512x512 input, clipped to it (face-api's box for a 512x512 input tensor). */
  box: { x: number; y: number; width: number; height: number };
}

export interface SsdLocateOptions {
  /** Candidates must score strictly above this (face-api's rule), in (0, 1). */
  minConfidence: number;
  /** At most this many boxes survive non-max suppression. */
  maxResults: number;
}

/** One fused layer: conv / depthwise conv + bias (+ relu6). */
interface FusedLayer {
  filter: tf.Tensor4D;
  bias: tf.Tensor1D;
  stride: 1 | 2;
  depthwise: boolean;
  relu6: boolean;
}

/** Depthwise layers of MobileNet v1 with stride 2 (face-api's getStridesForLayerIdx). */
const STRIDE_2_LAYERS = new Set([2, 4, 6, 12]);

/** x / 127.5 - 1 in float32, rounded after each step like face-api's tf.div then tf.sub. */
const NORMALISE = (() => {
  const lut = new Float32Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.fround(Math.fround(v / 127.5) - 1);
  return lut;
})();

export class SsdMobilenetV1 {
  /** MobileNet v1 (conv_0, then 13 depthwise / pointwise pairs); index of conv_11's pointwise output noted below. */
  private readonly backbone: FusedLayer[];
  /** Index in `backbone` of Conv2d_11_pointwise (feeds box predictor 0). */
  private readonly conv11Index: number;
  /** Prediction/Conv2d_0..7_pointwise. */
  private readonly extra: FusedLayer[];
  /** Box predictors 0..5: merged box-encoding + face-logit 1x1 convs. */
  private readonly heads: FusedLayer[];
  /** Per anchor: centre y, centre x, height, width (relative to the input), from Output/extra_dim. */
  private readonly anchors: Float64Array;
  private disposed = false;

  private constructor(
    backbone: FusedLayer[],
    conv11Index: number,
    extra: FusedLayer[],
    heads: FusedLayer[],
    anchors: Float64Array,
  ) {
    this.backbone = backbone;
    this.conv11Index = conv11Index;
    this.extra = extra;
    this.heads = heads;
    this.anchors = anchors;
  }

  /**
   * Builds the fused network from face-api's `ssd_mobilenetv1_model` weight map. Every tensor of `weights` is
   * disposed (the network keeps folded copies of its own), also when this throws.
   *
   * @throws FacesError FACE_MODEL_LOAD_FAILED when a weight is missing or has an unexpected shape.
   */
  static fromWeightMap(weights: tf.NamedTensorMap): SsdMobilenetV1 {
    const made: FusedLayer[] = [];
    try {
      const get = (name: string, rank: number): tf.Tensor => {
        const t = weights[name];
        if (t === undefined) throw new Error(`the weight '${name}' is missing`);
        if (t.rank !== rank || t.dtype !== 'float32') {
          throw new Error(`the weight '${name}' has shape [${t.shape.join(', ')}] (${t.dtype}), expected rank ${rank}`);
        }
        return t;
      };
      const read = (name: string, rank: number): { data: Float32Array; shape: number[] } => {
        const t = get(name, rank);
        return { data: t.dataSync() as Float32Array, shape: t.shape };
      };
      const keep = (layer: FusedLayer): FusedLayer => {
        made.push(layer);
        return layer;
      };

      const pointwise = (prefix: string, stride: 1 | 2): FusedLayer => {
        const filter = get(`${prefix}/weights`, 4) as tf.Tensor4D;
        const bias = get(`${prefix}/convolution_bn_offset`, 1) as tf.Tensor1D;
        if (filter.shape[3] !== bias.shape[0]) throw new Error(`${prefix}: bias and filter disagree`);
        return keep({
          filter: tf.clone(filter),
          bias: tf.clone(bias),
          stride,
          depthwise: false,
          relu6: true,
        });
      };

      const depthwise = (idx: number): FusedLayer => {
        const prefix = `MobilenetV1/Conv2d_${idx}_depthwise`;
        const f = read(`${prefix}/depthwise_weights`, 4);
        const gamma = read(`${prefix}/BatchNorm/gamma`, 1).data;
        const beta = read(`${prefix}/BatchNorm/beta`, 1).data;
        const mean = read(`${prefix}/BatchNorm/moving_mean`, 1).data;
        const variance = read(`${prefix}/BatchNorm/moving_variance`, 1).data;
        const channels = f.shape[2]!;
        if (f.shape[3] !== 1 || [gamma, beta, mean, variance].some((v) => v.length !== channels)) {
          throw new Error(`${prefix}: batch norm and filter disagree`);
        }
        // Filter [kh, kw, C, 1]: channel is the fastest axis.
        const filter = new Float32Array(f.data.length);
        const bias = new Float32Array(channels);
        const scale = new Float64Array(channels);
        for (let c = 0; c < channels; c++) {
          scale[c] = gamma[c]! / Math.sqrt(variance[c]! + BN_EPSILON);
          bias[c] = beta[c]! - mean[c]! * scale[c]!;
        }
        for (let i = 0; i < filter.length; i++) filter[i] = f.data[i]! * scale[i % channels]!;
        return keep({
          filter: tf.tensor4d(filter, f.shape as [number, number, number, number], 'float32'),
          bias: tf.tensor1d(bias, 'float32'),
          stride: STRIDE_2_LAYERS.has(idx) ? 2 : 1,
          depthwise: true,
          relu6: true,
        });
      };

      const head = (idx: number): FusedLayer => {
        const prefix = `Prediction/BoxPredictor_${idx}`;
        const box = read(`${prefix}/BoxEncodingPredictor/weights`, 4);
        const boxBias = read(`${prefix}/BoxEncodingPredictor/biases`, 1).data;
        const cls = read(`${prefix}/ClassPredictor/weights`, 4);
        const clsBias = read(`${prefix}/ClassPredictor/biases`, 1).data;
        const [kh, kw, cin, boxOut] = box.shape as [number, number, number, number];
        const anchors = boxOut / 4;
        if (
          !Number.isInteger(anchors) ||
          cls.shape[0] !== kh ||
          cls.shape[1] !== kw ||
          cls.shape[2] !== cin ||
          cls.shape[3] !== anchors * 3 ||
          boxBias.length !== boxOut ||
          clsBias.length !== anchors * 3
        ) {
          throw new Error(`${prefix}: box-encoding and class predictors disagree`);
        }
        const out = anchors * HEAD_STRIDE;
        const filter = new Float32Array(kh * kw * cin * out);
        const bias = new Float32Array(out);
        for (let p = 0; p < kh * kw * cin; p++) {
          for (let a = 0; a < anchors; a++) {
            for (let k = 0; k < 4; k++) filter[p * out + a * HEAD_STRIDE + k] = box.data[p * boxOut + a * 4 + k]!;
            filter[p * out + a * HEAD_STRIDE + 4] = cls.data[p * anchors * 3 + a * 3 + 1]!;
          }
        }
        for (let a = 0; a < anchors; a++) {
          for (let k = 0; k < 4; k++) bias[a * HEAD_STRIDE + k] = boxBias[a * 4 + k]!;
          bias[a * HEAD_STRIDE + 4] = clsBias[a * 3 + 1]!;
        }
        return keep({
          filter: tf.tensor4d(filter, [kh, kw, cin, out], 'float32'),
          bias: tf.tensor1d(bias, 'float32'),
          stride: 1,
          depthwise: false,
          relu6: false,
        });
      };

      const backbone: FusedLayer[] = [pointwise('MobilenetV1/Conv2d_0_pointwise', 2)];
      let conv11Index = -1;
      for (let idx = 1; idx <= 13; idx++) {
        backbone.push(depthwise(idx));
        backbone.push(pointwise(`MobilenetV1/Conv2d_${idx}_pointwise`, 1));
        if (idx === 11) conv11Index = backbone.length - 1;
      }
      const extra: FusedLayer[] = [];
      for (let idx = 0; idx <= 7; idx++) extra.push(pointwise(`Prediction/Conv2d_${idx}_pointwise`, idx % 2 === 1 ? 2 : 1));
      const heads: FusedLayer[] = [];
      for (let idx = 0; idx <= 5; idx++) heads.push(head(idx));

      const extraDim = read('Output/extra_dim', 3);
      if (extraDim.shape[0] !== 1 || extraDim.shape[1] !== SSD_ANCHOR_COUNT || extraDim.shape[2] !== 4) {
        throw new Error(`Output/extra_dim has shape [${extraDim.shape.join(', ')}], expected [1, ${SSD_ANCHOR_COUNT}, 4]`);
      }
      const anchorsPerHead = heads.map((h) => h.filter.shape[3] / HEAD_STRIDE);
      const gridSides = [32, 16, 8, 4, 2, 1];
      const total = anchorsPerHead.reduce((s, a, i) => s + a * gridSides[i]! * gridSides[i]!, 0);
      if (total !== SSD_ANCHOR_COUNT) throw new Error(`the box predictors give ${total} anchors, expected ${SSD_ANCHOR_COUNT}`);
      const anchors = new Float64Array(SSD_ANCHOR_COUNT * 4);
      for (let i = 0; i < SSD_ANCHOR_COUNT; i++) {
        const [y0, x0, y1, x1] = [0, 1, 2, 3].map((k) => extraDim.data[i * 4 + k]!) as [number, number, number, number];
        // face-api's getCenterCoordinatesAndSizesLayer, in float32 like its tensor ops.
        const h = Math.fround(y1 - y0);
        const w = Math.fround(x1 - x0);
        anchors[i * 4] = Math.fround(y0 + Math.fround(h / 2));
        anchors[i * 4 + 1] = Math.fround(x0 + Math.fround(w / 2));
        anchors[i * 4 + 2] = h;
        anchors[i * 4 + 3] = w;
      }
      return new SsdMobilenetV1(backbone, conv11Index, extra, heads, anchors);
    } catch (cause) {
      for (const layer of made) tf.dispose([layer.filter, layer.bias]);
      const message = `face-api SSD MobileNet v1 weights: ${cause instanceof Error ? cause.message : String(cause)}`;
      throw new FacesError('FACE_MODEL_LOAD_FAILED', message, { cause });
    } finally {
      tf.dispose(Object.values(weights));
    }
  }

  /**
   * Runs the detector on a 512x512 RGB24 image (row-major, 3 bytes per pixel) and returns the faces left by
   * non-max suppression, best first (face-api's `locateFaces` on the same image as a tensor).
   */
  locateFaces(rgb: Uint8Array, options: SsdLocateOptions): SsdDetection[] {
    if (this.disposed) throw new FacesError('DETECTOR_DISPOSED', 'this SSD MobileNet v1 has been disposed');
    const S = SSD_INPUT_SIZE;
    if (rgb.length !== S * S * 3) throw new Error(`SSD input must be ${S}x${S} RGB24, got ${rgb.length} bytes`);
    const input = new Float32Array(rgb.length);
    for (let i = 0; i < rgb.length; i++) input[i] = NORMALISE[rgb[i]!]!;
    const predictions = this.predict(input);
    return this.postProcess(predictions, options);
  }

  /**
   * The forward pass: per anchor (ty, tx, th, tw, logit), in face-api's anchor order (predictor 0's 32x32x3
   * first, row-major, anchor fastest).
   */
  predict(input: Float32Array): Float32Array {
    const S = SSD_INPUT_SIZE;
    const heads = tf.tidy(() => {
      let x: tf.Tensor4D = tf.tensor4d(input, [1, S, S, 3], 'float32');
      let conv11: tf.Tensor4D | undefined;
      for (const [i, layer] of this.backbone.entries()) {
        x = apply(x, layer);
        if (i === this.conv11Index) conv11 = x;
      }
      if (conv11 === undefined) throw new Error('conv11 not computed');
      const features: tf.Tensor4D[] = [conv11, x];
      for (const [i, layer] of this.extra.entries()) {
        x = apply(x, layer);
        if (i % 2 === 1) features.push(x); // Prediction conv_1, conv_3, conv_5, conv_7
      }
      return this.heads.map((layer, i) => apply(features[i]!, layer));
    });
    try {
      const out = new Float32Array(SSD_ANCHOR_COUNT * HEAD_STRIDE);
      let offset = 0;
      for (const h of heads) {
        const data = h.dataSync() as Float32Array;
        out.set(data, offset);
        offset += data.length;
      }
      if (offset !== out.length) throw new Error(`SSD heads gave ${offset / HEAD_STRIDE} anchors`);
      return out;
    } finally {
      tf.dispose(heads);
    }
  }

  /** Scores, box decoding and face-api's non-max suppression, on predict()'s output. */
  postProcess(predictions: Float32Array, options: SsdLocateOptions): SsdDetection[] {
    const { minConfidence, maxResults } = options;
    const a = this.anchors;
    // Candidates: score > minConfidence, best first; ties keep anchor order (Array.prototype.sort is stable),
    // as face-api's sort of the filtered candidate list does.
    const candidates: Array<{ score: number; index: number }> = [];
    for (let i = 0; i < SSD_ANCHOR_COUNT; i++) {
      const score = Math.fround(1 / (1 + Math.exp(-predictions[i * HEAD_STRIDE + 4]!)));
      if (score > minConfidence) candidates.push({ score, index: i });
    }
    candidates.sort((p, q) => q.score - p.score);

    // Decoded boxes (ymin, xmin, ymax, xmax), relative, for the candidates only.
    const boxes = new Float64Array(candidates.length * 4);
    for (const [k, { index: i }] of candidates.entries()) {
      const p = i * HEAD_STRIDE;
      const f = Math.fround;
      const h = a[i * 4 + 2]!;
      const w = a[i * 4 + 3]!;
      // face-api's decodeBoxesLayer, operation by operation in float32.
      const halfH = f(f(f(Math.exp(f(predictions[p + 2]! / 5))) * h) / 2);
      const cy = f(f(f(predictions[p]! / 10) * h) + a[i * 4]!);
      const halfW = f(f(f(Math.exp(f(predictions[p + 3]! / 5))) * w) / 2);
      const cx = f(f(f(predictions[p + 1]! / 10) * w) + a[i * 4 + 1]!);
      boxes[k * 4] = f(cy - halfH);
      boxes[k * 4 + 1] = f(cx - halfW);
      boxes[k * 4 + 2] = f(cy + halfH);
      boxes[k * 4 + 3] = f(cx + halfW);
    }

    // face-api's nonMaxSuppression: a candidate is kept when no kept box overlaps it with IoU > threshold.
    const outputSize = Math.min(maxResults, SSD_ANCHOR_COUNT);
    const selected: number[] = [];
    for (let k = 0; k < candidates.length && selected.length < outputSize; k++) {
      let suppressed = false;
      for (let j = selected.length - 1; j >= 0; j--) {
        if (iou(boxes, k, selected[j]!) > SSD_IOU_THRESHOLD) {
          suppressed = true;
          break;
        }
      }
      if (!suppressed) selected.push(k);
    }

    const S = SSD_INPUT_SIZE;
    const detections: SsdDetection[] = [];
    for (const k of selected) {
      // Relative box clipped to [0, 1], then scaled to the input (face-api's Rect + Box.rescale).
      const top = Math.max(0, boxes[k * 4]!);
      const left = Math.max(0, boxes[k * 4 + 1]!);
      const bottom = Math.min(1, boxes[k * 4 + 2]!);
      const right = Math.min(1, boxes[k * 4 + 3]!);
      if (!(bottom > top && right > left)) continue;
      const box = { x: left * S, y: top * S, width: (right - left) * S, height: (bottom - top) * S };
      detections.push({ score: candidates[k]!.score, box });
    }
    return detections;
  }

  /** Frees the weights. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const layer of [...this.backbone, ...this.extra, ...this.heads]) tf.dispose([layer.filter, layer.bias]);
  }
}

function apply(x: tf.Tensor4D, layer: FusedLayer): tf.Tensor4D {
  const args = {
    x,
    filter: layer.filter,
    strides: layer.stride,
    pad: 'same' as const,
    bias: layer.bias,
    activation: layer.relu6 ? ('relu6' as const) : ('linear' as const),
  };
  return layer.depthwise ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args);
}

/** face-api's IOU(boxes, i, j) on (ymin, xmin, ymax, xmax) rows of `boxes`. */
function iou(boxes: Float64Array, i: number, j: number): number {
  const yminI = Math.min(boxes[i * 4]!, boxes[i * 4 + 2]!);
  const xminI = Math.min(boxes[i * 4 + 1]!, boxes[i * 4 + 3]!);
  const ymaxI = Math.max(boxes[i * 4]!, boxes[i * 4 + 2]!);
  const xmaxI = Math.max(boxes[i * 4 + 1]!, boxes[i * 4 + 3]!);
  const yminJ = Math.min(boxes[j * 4]!, boxes[j * 4 + 2]!);
  const xminJ = Math.min(boxes[j * 4 + 1]!, boxes[j * 4 + 3]!);
  const ymaxJ = Math.max(boxes[j * 4]!, boxes[j * 4 + 2]!);
  const xmaxJ = Math.max(boxes[j * 4 + 1]!, boxes[j * 4 + 3]!);
  const areaI = (ymaxI - yminI) * (xmaxI - xminI);
  const areaJ = (ymaxJ - yminJ) * (xmaxJ - xminJ);
  if (areaI <= 0 || areaJ <= 0) return 0;
  const ih = Math.max(Math.min(ymaxI, ymaxJ) - Math.max(yminI, yminJ), 0);
  const iw = Math.max(Math.min(xmaxI, xmaxJ) - Math.max(xminI, xminJ), 0);
  const intersection = ih * iw;
  return intersection / (areaI + areaJ - intersection);
}
