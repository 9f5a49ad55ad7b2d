import type { LdfnetConfig } from './ldfnet-config.js';
import type { InputNormalization } from './ldfnet.js';

export const MANIFEST_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
export const WEIGHTS_FILE = 'weights.bin';

/**
 * How a face is cut out of a frame. Detectors live or die by crop
 * consistency, so the model records the convention it was trained with and
 * scanning refuses a crop function that does not match it.
 *
 * - `landmarks-square` (models trained from ldf 0.2 on): a square centred on the bounding box of the face's
 *   68 landmarks, side = the box's longer side times `scale`. No detector's box enters it, so any detector
 *   that finds the face gives the same crop.
 * - `square-box-scaled` (ldfnet-sbi-v1 and -v2): the detector's (SSD MobileNet v1) face box made square on
 *   its longer side and scaled by `scale` around its centre. Tied to that detector.
 */
export interface CropConvention {
  /** Name of the convention (one crop function implements it). */
  name: CropConventionName;
  /** The square's side over the longer side of the box it is built on (landmark box or detector box). */
  scale: number;
  /** Output side in pixels. */
  size: number;
  /** How pixels outside the frame are filled. */
  padding: 'zero';
  /**
   * `landmarks-square` only (required there, absent otherwise): the square's centre is moved down by this
   * fraction of its side from the landmark box's centre (negative: up, towards the forehead, which no
   * landmark marks).
   */
  shiftY?: number;
}

export type CropConventionName = 'landmarks-square' | 'square-box-scaled';

/** Every convention cropFace implements. */
export const CROP_CONVENTION_NAMES: readonly CropConventionName[] = ['landmarks-square', 'square-box-scaled'];

/** The convention of new models and datasets. */
export const DEFAULT_CROP_CONVENTION: CropConvention = {
  name: 'landmarks-square',
  // Median over 92 SSD-detected faces (UTKFace, All-Age-Faces, Yonsei and swap-stills photos): the
  // square-box-scaled square is 1.45x the landmark box's longer side and centred 0.07 of its side above
  // the landmark box's centre. These values keep the new crop close to the old one on average.
  scale: 1.45,
  shiftY: -0.07,
  size: 256,
  padding: 'zero',
};

/** The convention of ldfnet-sbi-v1 and -v2 (and of datasets prepared before landmark crops). */
export const BOX_CROP_CONVENTION: CropConvention = {
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
  /**
   * Faces smaller than minFacePx (the longer side of the box the crop is built on, frame px) are too small
   * for this model to judge: measured on held-out data (scripts/calibrate-model.ts), absent when not.
   */
  judging?: { minFacePx: number };
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
