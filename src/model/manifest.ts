import type { LdfnetConfig } from './ldfnet-config.js';
import type { InputNormalization } from './ldfnet.js';

export const MANIFEST_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
export const WEIGHTS_FILE = 'weights.bin';

/**
 * How a face is cut out of a frame. Detectors live or die by crop
 * consistency, so the model records the convention it was trained with and
 * scanning refuses a crop function that does not match it.
 */
export interface CropConvention {
  /** Name of the convention (one crop function implements it). */
  name: 'square-box-scaled';
  /** The detector's face box is made square on its longer side and scaled by this factor around its centre. */
  scale: number;
  /** Output side in pixels. */
  size: number;
  /** How pixels outside the frame are filled. */
  padding: 'zero';
}

export const DEFAULT_CROP_CONVENTION: CropConvention = {
  name: 'square-box-scaled',
  scale: 1.3,
  size: 256,
  padding: 'zero',
};

/** Verdict bands on the fake score: below `real` is real, at or above `fake` is fake, between is uncertain. */
export interface VerdictThresholds {
  real: number;
  fake: number;
}

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

export interface WeightFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface ModelManifest {
  manifestVersion: typeof MANIFEST_VERSION;
  id: string;
  version: string;
  description: string;
  /** The model `ldf scan` uses when no --model is given (at most one under models/). */
  default: boolean;
  /** Untrained weights never produce a verdict. */
  trained: boolean;
  architecture: LdfnetConfig;
  input: {
    size: number;
    channels: 3;
    layout: 'NHWC';
    colorSpace: 'RGB';
    normalization: InputNormalization;
  };
  crop: CropConvention;
  output: { classes: ['real', 'fake']; score: 'softmax-fake' };
  thresholds: VerdictThresholds;
  /** Data, recipe, time and hardware of training; null for untrained weights. */
  training: Record<string, unknown> | null;
  /** Validation metrics; null when not measured. */
  metrics: Record<string, unknown> | null;
  /** Licences and terms of the training data, repeated from its sources. */
  licenses: string[];
  createdAt: string;
  tool: { name: 'ldf'; version: string };
  weights: {
    format: 'tfjs-weights';
    files: WeightFile[];
    specs: WeightSpec[];
  };
}
