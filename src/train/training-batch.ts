/**
 * Turns dataset items into training images: read the crop, augment it (flip, small rotation), synthesise
 * its self-blended twin when training with SBI, JPEG re-compress each image with some probability. Every
 * random draw comes from sampleRng(seed, sampleIndex), so a sample is the same image on every run and
 * after a resume.
 */
import { pointsBounds } from '../faces/crop-face.js';
import { resampleRegion } from '../faces/resample-region.js';

const longSide = (b: { width: number; height: number }): number => Math.max(b.width, b.height);
import { applyGeometric, DEFAULT_AUGMENT, drawGeometricAugment, jpegRecompress, type AugmentOptions } from './augment.js';
import { readCrop, type DatasetItem } from '../dataset/index.js';
import { applyDegradation, drawDegradation, type DegradeOptions } from './degrade.js';
import { sampleRng, synthesizeSbi, synthesizeSwap, type Rng, type SwapDonor } from './sbi/index.js';

export type Synthesis = 'sbi' | 'none';

export interface LabelledImage {
  /** RGB24, size * size * 3. */
  rgb: Uint8Array;
  /** 0 real, 1 fake. */
  label: 0 | 1;
}

export interface SampleOptions {
  size: number;
  synthesize: Synthesis;
  /** null: no augmentation (validation). */
  augment: AugmentOptions | null;
  /** With SBI: probability of a facial-parts mask (SbiOptions.partsProbability). Default 0. */
  sbiParts?: number;
  /**
   * With SBI: probability that the forged twin is a cross-identity blend (src/train/sbi/swap.ts) whose face
   * comes from `donor`. Default 0 (and then no draw is made).
   */
  swapProbability?: number;
  /**
   * Another training face for a cross-identity blend, chosen with `rng` for a target with landmarks
   * `target` (crop pixels, after augmentation); at `size` px, not augmented.
   */
  donor?: (rng: Rng, target: readonly (readonly [number, number])[]) => Promise<SwapDonor>;
  /**
   * Scan-like degradations applied identically to both images of the pair after the forgery
   * (src/train/degrade.ts). When set, they replace the per-image JPEG of `augment`. null / absent: none.
   */
  degrade?: DegradeOptions | null;
}

/**
 * An item's crop and landmarks at `size` px. Datasets store 256 px crops; a network with another input size
 * (a narrow test network, say) gets the same crop region resampled as cropFace resamples (area averaging when
 * shrinking), with the landmarks scaled alike: close to the crop the scanner cuts for that input size.
 */
export async function cropAt(dir: string, item: DatasetItem, size: number): Promise<{ rgb: Uint8Array; landmarks: [number, number][] }> {
  const crop = await readCrop(dir, item);
  if (crop.size === size) return crop;
  const s = size / crop.size;
  return {
    rgb: resampleRegion({ width: crop.size, height: crop.size, data: crop.rgb }, { x: 0, y: 0, width: crop.size, height: crop.size }, size, size),
    landmarks: crop.landmarks.map(([x, y]) => [x * s, y * s]),
  };
}

/** The training images one dataset item yields: with SBI a real and its fake twin, else the item itself. */
export async function sampleImages(
  dir: string,
  item: DatasetItem,
  seed: number,
  sampleIndex: number,
  options: SampleOptions,
): Promise<LabelledImage[]> {
  const rng = sampleRng(seed, sampleIndex);
  const { rgb, landmarks } = await cropAt(dir, item, options.size);
  let crop = rgb;
  let points: [number, number][] = landmarks;
  if (options.augment !== null) {
    const moved = applyGeometric(crop, options.size, points, drawGeometricAugment(rng, options.augment, options.size));
    crop = moved.crop;
    points = moved.landmarks as [number, number][];
  }
  let images: LabelledImage[];
  if (options.synthesize === 'sbi' && item.label === 'real') {
    const swapP = options.swapProbability ?? 0;
    const swap = swapP > 0 && rng() < swapP;
    if (swap && options.donor === undefined) throw new RangeError('swapProbability > 0 needs a donor source');
    const donor = swap ? await options.donor!(rng, points) : null;
    const { real, fake } =
      donor === null
        ? synthesizeSbi(crop, points, rng, { partsProbability: options.sbiParts ?? 0 })
        : synthesizeSwap(crop, points, donor, rng, { partsProbability: options.sbiParts ?? 0 });
    images = [
      { rgb: real, label: 0 },
      { rgb: fake, label: 1 },
    ];
  } else {
    images = [{ rgb: crop, label: item.label === 'fake' ? 1 : 0 }];
  }
  if (options.degrade != null) {
    // One draw for the pair: both images lose the same resolution, take the same noise, the same JPEG.
    const d = drawDegradation(rng, options.degrade, options.size, longSide(pointsBounds(points)));
    for (const image of images) image.rgb = await applyDegradation(image.rgb, options.size, d);
  } else if (options.augment !== null) {
    const augment = options.augment;
    for (const image of images) {
      if (rng() < augment.jpegProbability) {
        const quality = augment.jpegQualityMin + rng() * (95 - augment.jpegQualityMin);
        image.rgb = await jpegRecompress(image.rgb, options.size, quality);
      }
    }
  }
  return images;
}

export { DEFAULT_AUGMENT };


/** Packs images into one float32 NHWC buffer of 0..255 values. */
export function packImages(images: readonly LabelledImage[], size: number): { pixels: Float32Array; labels: number[] } {
  const per = size * size * 3;
  const pixels = new Float32Array(images.length * per);
  images.forEach((image, i) => pixels.set(image.rgb, i * per));
  return { pixels, labels: images.map((image) => image.label) };
}
