/**
 * Self-blended images (SBI, Shiohara & Yamasaki, CVPR 2022): forged twins of real face crops for training
 * the detector from real faces only. Pure TypeScript on typed arrays, seeded and deterministic.
 *
 *   const rng = sampleRng(runSeed, sampleIndex);
 *   const { real, fake, mask, params } = synthesizeSbi(crop, landmarksInCropPx, rng);
 *   // real -> label 0, fake -> label 1
 */
export { SbiError, type SbiErrorCode } from './errors.js';
export { chance, mix32, mulberry32, pick, sampleRng, sampleSeed, uniform, uniformInt, type Rng } from './rng.js';
export {
  affineOf,
  checkLandmarks,
  colourMapOf,
  cropSide,
  drawSbiParams,
  faceSizeOf,
  renderSbi,
  renderSbiMask,
  SBI_PARTS_RANGES,
  SBI_RANGES,
  synthesizeSbi,
  type Point,
  type SbiHullType,
  type SbiPart,
  type SbiPartsMask,
  type SbiOptions,
  type SbiParamOverrides,
  type SbiParams,
  type SbiQuality,
  type SbiResult,
} from './synthesize.js';
export { fitSimilarity, synthesizeSwap, type SwapDonor } from './swap.js';
export { convexHull, foreheadPoints, maskRegions, SBI_HULL_TYPES, SBI_PARTS } from './mask.js';
export type { Rect } from './image-ops.js';
export {
  renderSbiPreviewSheet,
  sbiPreviewSheetSize,
  SBI_PREVIEW_COLUMNS,
  writeSbiPreviewSheet,
  type SbiPreviewOptions,
  type SbiPreviewSample,
} from './preview.js';
