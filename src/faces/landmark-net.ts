/**
 * face-api's FaceLandmark68Net (68-point landmarks from a 112x112 face crop), re-implemented on face-api's
 * own weights (`face_landmark_68_model`) with fused kernels, giving the same points as face-api's
 * `detectLandmarks` (test/integration/faces/face-detector-equivalence.test.ts checks it).
 *
 * The network (node_modules/@vladmandic/face-api, src/faceFeatureExtractor/, src/faceLandmarkNet/): four
 * dense blocks of (separable) 3x3 convolutions with ReLU and residual sums, a 7x7 average pool and a fully
 * connected layer to 136 values (x, y interleaved, relative to the input). Differences from face-api's code:
 *  - conv + bias + ReLU as one tf.fused.conv2d kernel (face-api: conv, add, relu), separable convs as a
 *    depthwise conv followed by a fused 1x1 conv with the bias, the final layer as tf.fused.matMul with bias;
 *  - input normalisation ((x - meanRgb) / 255, float32 like face-api's tf.sub then tf.div) through a lookup
 *    table while the crops' bytes are copied into the batch tensor;
 *  - output scaling in TypeScript, with face-api's float32 steps for a square input (x * 112 / 112 * 112).
 */
import * as tf from '@tensorflow/tfjs-core';
import { FacesError } from './faces-error.js';

/** Side of the landmark net's square input. */
export const LANDMARK_NET_INPUT_SIZE = 112;
/** Landmarks per face. */
export const LANDMARK_COUNT = 68;

/** face-api's FaceFeatureExtractor mean RGB, subtracted before dividing by 255. */
const MEAN_RGB = [122.782, 117.001, 104.298] as const;

/** Per channel (R, G, B): byte -> (byte - mean) / 255 in float32, face-api's order of rounding. */
const NORMALISE = MEAN_RGB.map((mean) => {
  const lut = new Float32Array(256);
  const m = Math.fround(mean);
  for (let v = 0; v < 256; v++) lut[v] = Math.fround(Math.fround(v - m) / 255);
  return lut;
}) as [Float32Array, Float32Array, Float32Array];

/** A separable conv: depthwise filter, pointwise filter, bias (or a plain conv with `depthwise` undefined). */
interface SepConv {
  depthwise: tf.Tensor4D | undefined;
  pointwise: tf.Tensor4D;
  bias: tf.Tensor1D;
}

type DenseBlock = [SepConv, SepConv, SepConv, SepConv];

export class LandmarkNet {
  private readonly blocks: DenseBlock[];
  private readonly fcWeights: tf.Tensor2D;
  private readonly fcBias: tf.Tensor1D;
  private disposed = false;

  private constructor(blocks: DenseBlock[], fcWeights: tf.Tensor2D, fcBias: tf.Tensor1D) {
    this.blocks = blocks;
    this.fcWeights = fcWeights;
    this.fcBias = fcBias;
  }

  /**
   * Builds the network from face-api's `face_landmark_68_model` weight map. Takes the tensors it needs and
   * disposes the rest of the map; on error every tensor of the map is disposed.
   *
   * @throws FacesError FACE_MODEL_LOAD_FAILED when a weight is missing or has an unexpected shape.
   */
  static fromWeightMap(weights: tf.NamedTensorMap): LandmarkNet {
    const kept = new Set<tf.Tensor>();
    try {
      const take = <T extends tf.Tensor>(name: string, shape: Array<number | undefined>): T => {
        const t = weights[name];
        if (t === undefined) throw new Error(`the weight '${name}' is missing`);
        const ok =
          t.dtype === 'float32' && t.rank === shape.length && shape.every((d, i) => d === undefined || d === t.shape[i]);
        if (!ok) throw new Error(`the weight '${name}' has shape [${t.shape.join(', ')}] (${t.dtype})`);
        kept.add(t);
        return t as T;
      };
      const blocks: DenseBlock[] = [];
      let channels = 3;
      for (let b = 0; b < 4; b++) {
        const convs: SepConv[] = [];
        for (let c = 0; c < 4; c++) {
          const prefix = `dense${b}/conv${c}`;
          if (b === 0 && c === 0) {
            const pointwise = take<tf.Tensor4D>(`${prefix}/filters`, [3, 3, 3, undefined]);
            channels = pointwise.shape[3];
            convs.push({ depthwise: undefined, pointwise, bias: take(`${prefix}/bias`, [channels]) });
          } else {
            const depthwise = take<tf.Tensor4D>(`${prefix}/depthwise_filter`, [3, 3, channels, 1]);
            const pointwise = take<tf.Tensor4D>(`${prefix}/pointwise_filter`, [1, 1, channels, undefined]);
            channels = pointwise.shape[3];
            convs.push({ depthwise, pointwise, bias: take(`${prefix}/bias`, [channels]) });
          }
        }
        blocks.push(convs as DenseBlock);
      }
      const fcWeights = take<tf.Tensor2D>('fc/weights', [channels, LANDMARK_COUNT * 2]);
      const fcBias = take<tf.Tensor1D>('fc/bias', [LANDMARK_COUNT * 2]);
      return new LandmarkNet(blocks, fcWeights, fcBias);
    } catch (cause) {
      kept.clear();
      const message = `face-api landmark net weights: ${cause instanceof Error ? cause.message : String(cause)}`;
      throw new FacesError('FACE_MODEL_LOAD_FAILED', message, { cause });
    } finally {
      tf.dispose(Object.values(weights).filter((t) => !kept.has(t)));
    }
  }


  /**
   * Landmarks of a batch of faces: each input is a 112x112 RGB24 crop (row-major, 3 bytes per pixel); each
   * result holds 68 points as x0, y0, x1, y1, ... in pixels of that crop (face-api's `positions`).
   */
  detect(crops: readonly Uint8Array[]): Float64Array[] {
    if (this.disposed) throw new FacesError('DETECTOR_DISPOSED', 'this landmark net has been disposed');
    if (crops.length === 0) return [];
    const S = LANDMARK_NET_INPUT_SIZE;
    const pixels = S * S;
    const input = new Float32Array(crops.length * pixels * 3);
    const [lr, lg, lb] = NORMALISE;
    for (const [n, crop] of crops.entries()) {
      if (crop.length !== pixels * 3) throw new Error(`landmark input must be ${S}x${S} RGB24, got ${crop.length} bytes`);
      const base = n * pixels * 3;
      for (let i = 0; i < pixels * 3; i += 3) {
        input[base + i] = lr[crop[i]!]!;
        input[base + i + 1] = lg[crop[i + 1]!]!;
        input[base + i + 2] = lb[crop[i + 2]!]!;
      }
    }
    const out = tf.tidy(() => {
      let x: tf.Tensor4D = tf.tensor4d(input, [crops.length, S, S, 3], 'float32');
      for (const block of this.blocks) x = denseBlock(x, block);
      const pooled = tf.avgPool(x, [7, 7], [2, 2], 'valid');
      const flat = tf.reshape(pooled, [crops.length, -1]) as tf.Tensor2D;
      return tf.fused.matMul({ a: flat, b: this.fcWeights, bias: this.fcBias });
    });
    let values: Float32Array;
    try {
      values = out.dataSync() as Float32Array;
    } finally {
      out.dispose();
    }
    const f = Math.fround;
    const n = LANDMARK_COUNT * 2;
    return crops.map((_, b) => {
      const points = new Float64Array(n);
      // face-api's postProcess for a square input (no padding): v * size / size, then FaceLandmarks68 * size.
      for (let i = 0; i < n; i++) points[i] = f(f(values[b * n + i]! * S) / S) * S;
      return points;
    });
  }

  /** Frees the weights. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const block of this.blocks) {
      for (const conv of block) tf.dispose([conv.depthwise, conv.pointwise, conv.bias].filter((t) => t !== undefined));
    }
    tf.dispose([this.fcWeights, this.fcBias]);
  }
}

/** face-api's denseBlock4 (first block: plain conv, the others separable; conv0 has stride 2). */
function denseBlock(x: tf.Tensor4D, [c0, c1, c2, c3]: DenseBlock): tf.Tensor4D {
  const out1 = sepConv(x, c0, 2, 'relu');
  const out2 = sepConv(out1, c1, 1, 'linear');
  const in3 = tf.relu(tf.add(out1, out2)) as tf.Tensor4D;
  const out3 = sepConv(in3, c2, 1, 'linear');
  const in4 = tf.relu(tf.add(out1, tf.add(out2, out3))) as tf.Tensor4D;
  const out4 = sepConv(in4, c3, 1, 'linear');
  return tf.relu(tf.add(out1, tf.add(out2, tf.add(out3, out4)))) as tf.Tensor4D;
}

function sepConv(x: tf.Tensor4D, conv: SepConv, stride: 1 | 2, activation: 'relu' | 'linear'): tf.Tensor4D {
  let input = x;
  let convStride = stride;
  if (conv.depthwise !== undefined) {
    input = tf.depthwiseConv2d(x, conv.depthwise, stride, 'same');
    convStride = 1;
  }
  return tf.fused.conv2d({
    x: input,
    filter: conv.pointwise,
    strides: convStride,
    pad: 'same',
    bias: conv.bias,
    activation,
  });
}
