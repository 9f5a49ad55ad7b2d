import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from './errors.js';
import { foldForInference } from './fold-inference.js';
import type { LdfnetConfig } from './ldfnet-config.js';
import { ldfnetForward, normalizeInput } from './ldfnet.js';
import { LayerContext } from './layers/layer-context.js';
import type { ModelManifest } from './manifest.js';
import { loadModelFolder } from './model-folder.js';

export interface PredictOptions {
  /** Faces per forward pass (default 8). */
  batchSize?: number;
}

/**
 * A loaded LDFnet: its manifest, its weights, and the inference-ready
 * (BN-folded) copies of them. Owns its tensors: call dispose().
 */
export class LdfnetModel {
  readonly manifest: ModelManifest;
  /** The folder it was loaded from, if any. */
  readonly dir: string | undefined;
  readonly params: Map<string, tf.Tensor>;
  private readonly folded: Map<string, tf.Tensor>;
  private disposed = false;

  private constructor(manifest: ModelManifest, params: Map<string, tf.Tensor>, dir: string | undefined) {
    this.manifest = manifest;
    this.params = params;
    this.dir = dir;
    checkStructure(manifest.architecture, params, dir ?? manifest.id);
    this.folded = foldForInference(params);
  }

  /** Loads and verifies a model folder (manifest schema, weight hashes, weight names and shapes). */
  static async load(dir: string): Promise<LdfnetModel> {
    const { manifest, params } = await loadModelFolder(dir);
    try {
      return new LdfnetModel(manifest, params, dir);
    } catch (error) {
      for (const t of params.values()) t.dispose();
      throw error;
    }
  }

  /** Wraps weights already in memory (e.g. during training); takes ownership of `params`. */
  static fromParams(manifest: ModelManifest, params: Map<string, tf.Tensor>): LdfnetModel {
    return new LdfnetModel(manifest, params, undefined);
  }

  get config(): LdfnetConfig {
    return this.manifest.architecture;
  }

  get inputSize(): number {
    return this.manifest.input.size;
  }

  get trained(): boolean {
    return this.manifest.trained;
  }

  /** Logits [b, 2] for RGB crops [b, S, S, 3] with values in 0..255. The caller disposes the result. */
  logits(rgb: tf.Tensor4D): tf.Tensor2D {
    this.assertUsable();
    const size = this.inputSize;
    if (rgb.shape[1] !== size || rgb.shape[2] !== size || rgb.shape[3] !== 3) {
      throw new ModelError('BAD_INPUT', `expected crops of ${size}x${size}x3, got ${rgb.shape.slice(1).join('x')}`);
    }
    return tf.tidy(() => {
      const ctx = new LayerContext({ params: this.params, folded: this.folded });
      return ldfnetForward(ctx, this.config, normalizeInput(rgb, this.manifest.input.normalization));
    });
  }

  /** Fake scores (softmax probability of the fake class) for a batch tensor of RGB crops. */
  scoreTensor(rgb: tf.Tensor4D): tf.Tensor1D {
    return tf.tidy(() => {
      const logits = this.logits(rgb);
      // softmax(l)[1] == sigmoid(l1 - l0), without forming both probabilities.
      const [real, fake] = tf.split(logits, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      return tf.reshape(tf.sigmoid(tf.sub(fake, real)), [-1]) as tf.Tensor1D;
    });
  }

  /**
   * Scores RGB crops given as byte arrays of S*S*3 (row-major, RGB), in
   * batches. Returns one fake score per crop, in order.
   */
  async predict(crops: readonly Uint8Array[], options: PredictOptions = {}): Promise<Float32Array> {
    this.assertUsable();
    const size = this.inputSize;
    const per = size * size * 3;
    const batchSize = Math.max(1, options.batchSize ?? 8);
    const out = new Float32Array(crops.length);
    for (let start = 0; start < crops.length; start += batchSize) {
      const batch = crops.slice(start, start + batchSize);
      const values = new Float32Array(batch.length * per);
      batch.forEach((crop, i) => {
        if (crop.length !== per) {
          throw new ModelError('BAD_INPUT', `crop ${start + i} has ${crop.length} bytes, expected ${per} (${size}x${size} RGB)`);
        }
        values.set(crop, i * per);
      });
      const input = tf.tensor4d(values, [batch.length, size, size, 3], 'float32');
      const scores = this.scoreTensor(input);
      input.dispose();
      out.set(await scores.data(), start);
      scores.dispose();
    }
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of this.params.values()) t.dispose();
    for (const t of this.folded.values()) t.dispose();
  }

  private assertUsable(): void {
    if (this.disposed) throw new ModelError('MODEL_DISPOSED', 'the model has been disposed');
  }
}

/**
 * Runs the network once on one blank face to check that every weight the
 * architecture needs is present with the right shape, and that the file
 * holds no weight the architecture does not use.
 */
function checkStructure(config: LdfnetConfig, params: Map<string, tf.Tensor>, where: string): void {
  const ctx = new LayerContext({ params });
  try {
    tf.tidy(() => {
      ldfnetForward(ctx, config, tf.zeros([1, config.inputSize, config.inputSize, 3]) as tf.Tensor4D);
    });
  } catch (error) {
    if (error instanceof ModelError) {
      throw new ModelError(error.code, `${where}: ${error.message}`, { cause: error });
    }
    throw error;
  }
  const stray = [...params.keys()].filter((name) => !ctx.usedNames.has(name));
  if (stray.length > 0) {
    throw new ModelError(
      'UNEXPECTED_WEIGHT',
      `${where}: weights not used by the ${config.variant} architecture: ${stray.slice(0, 3).join(', ')}${stray.length > 3 ? ', ...' : ''}`,
    );
  }
}
